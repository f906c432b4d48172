import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet/src/index.js";
import type { BarSeries, SymbolId } from "../core/data.ts";
import { ConfigError, MarketDataError, shown } from "../core/errors.ts";
import type { ParseBarsOptions } from "./csv.ts";

/**
 * OHLCV bars from a Parquet file, read with hyparquet (pure JavaScript, so
 * it runs in the tab, at the edge and in Deno as in Node; snappy built in).
 *
 * Columns are matched by name as in a CSV: one of date/time/timestamp, and
 * open, high, low, close, volume, case-insensitively; others are ignored.
 * The time column may be a TIMESTAMP (milli, micro or nano; converted to
 * ms), a DATE, an ISO date-time string, or a plain integer or float of epoch
 * time, whose unit is read from its size as in the CSV loader (below 1e11:
 * seconds; below 1e14: milliseconds; below 1e17: microseconds; else
 * nanoseconds). INT64 columns arrive as BigInt; each becomes a float64 and
 * a value beyond 2^53 is an error rather than a silent rounding (prices and
 * volumes that large are not prices and volumes).
 *
 * Every row is checked like a CSV row (finite, low <= open, close <= high,
 * volume >= 0, times strictly increasing); the first problem throws a
 * MarketDataError naming the source, the 1-based row and the column.
 */
export async function parseBarsParquet(bytes: ArrayBuffer | Uint8Array, opts: ParseBarsOptions = {}): Promise<BarSeries> {
  const source = opts.source;
  const buffer = bytes instanceof ArrayBuffer ? bytes : bytes.slice().buffer;
  const symbol = opts.symbol ?? symbolFromSource(source);
  if (!symbol || /\s/.test(symbol)) throw new ConfigError(`symbol must be non-empty without whitespace, got ${shown(symbol)}`, { field: "symbol" });
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    throw new MarketDataError(`not a readable Parquet file: ${(e as Error).message}`, { source });
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const column = (role: string, aliases: string[]): string => {
    const found = names.find((n) => aliases.includes(n.toLowerCase()));
    if (found === undefined) {
      throw new MarketDataError(`no ${role} column; the file has ${names.map((n) => JSON.stringify(n)).join(", ")} and needs date (or time, timestamp), open, high, low, close, volume`, { source, field: role });
    }
    return found;
  };
  const roles = {
    time: column("date", ["date", "time", "timestamp"]), open: column("open", ["open"]), high: column("high", ["high"]),
    low: column("low", ["low"]), close: column("close", ["close"]), volume: column("volume", ["volume"]),
  };
  const n = Number(metadata.num_rows);
  const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  const byName = new Map(Object.entries(roles).map(([role, name]) => [name, role as keyof typeof cols]));
  let timeScale = 0;
  // hyparquet does not pass an exception thrown in onChunk on to its promise: keep the first and throw it after.
  let problem: unknown;
  await parquetRead({
    file: buffer,
    metadata,
    columns: [...new Set(Object.values(roles))],
    // Numbers, not Date objects: one allocation fewer per row, and no ms rounding surprises.
    parsers: {
      timestampFromMilliseconds: (v: bigint) => Number(v),
      timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
      timestampFromNanoseconds: (v: bigint) => Number(v / 1_000_000n),
      dateFromDays: (days: number) => days * 86_400_000,
    } as never,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const role = byName.get(columnName);
      if (!role || problem) return;
      try {
        const out = cols[role];
        const isTime = role === "time";
        const logical = isTime && columnIsTyped(metadata, columnName);
        for (let i = 0; i < columnData.length; i++) {
          const row = rowStart + i;
          if (row >= n) break;
          const raw = columnData[i];
          if (isTime && !logical && typeof raw === "bigint") {
            // Nanosecond epochs pass 2^53: scale to ms while still a BigInt.
            if (timeScale === 0) timeScale = epochScale(Number(raw));
            out[row] = Number(timeScale >= 1 ? raw * BigInt(timeScale) : raw / BigInt(Math.round(1 / timeScale)));
            continue;
          }
          let v = toNumber(raw, () => ({ source, row: row + 1, field: columnName }));
          if (isTime && !logical) {
            if (typeof raw === "string") v = Date.parse(raw);
            else {
              if (timeScale === 0) timeScale = epochScale(v);
              v = Math.floor(v * timeScale);
            }
          }
          out[row] = v;
        }
      } catch (e) {
        problem = e;
      }
    },
  });
  if (problem) throw problem;
  check(cols, n, source, roles);
  return { symbol, ...cols };
}

/** Whether a column carries a time type (TIMESTAMP, DATE) that hyparquet converts itself. */
function columnIsTyped(metadata: ReturnType<typeof parquetMetadata>, name: string): boolean {
  const e = metadata.schema.find((s) => s.name === name);
  return !!e && (e.converted_type === "TIMESTAMP_MILLIS" || e.converted_type === "TIMESTAMP_MICROS" || e.converted_type === "DATE"
    || e.logical_type?.type === "TIMESTAMP" || e.logical_type?.type === "DATE" || e.type === "INT96");
}

/** ms per unit of an untyped epoch number, from its size. */
function epochScale(v: number): number {
  const a = Math.abs(v);
  return a < 1e11 ? 1000 : a < 1e14 ? 1 : a < 1e17 ? 1e-3 : 1e-6;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toNumber(v: unknown, where: () => { source?: string; row: number; field: string }): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") {
    if (v > SAFE || v < -SAFE) {
      const w = where();
      throw new MarketDataError(`${w.field}: ${v} is beyond 2^53 and cannot be read exactly as a number`, w);
    }
    return Number(v);
  }
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") return v.trim() === "" ? NaN : Number.isNaN(Number(v)) ? Date.parse(v) : Number(v);
  const w = where();
  throw new MarketDataError(`${w.field}: expected a number, got ${v === null || v === undefined ? "an empty cell" : shown(v)}`, w);
}

function check(c: Omit<BarSeries, "symbol">, n: number, source: string | undefined, roles: Record<string, string>): void {
  const fail = (row: number, field: string, message: string) => new MarketDataError(`${field}: ${message}`, { source, row: row + 1, field });
  for (let i = 0; i < n; i++) {
    for (const role of ["time", "open", "high", "low", "close", "volume"] as const) {
      if (!Number.isFinite(c[role][i])) throw fail(i, roles[role], `not a finite number or time`);
    }
    const o = c.open[i], h = c.high[i], l = c.low[i], cl = c.close[i];
    if (h < l) throw fail(i, roles.high, `high ${h} is below low ${l}`);
    if (o < l || o > h) throw fail(i, roles.open, `open ${o} is outside [low ${l}, high ${h}]`);
    if (cl < l || cl > h) throw fail(i, roles.close, `close ${cl} is outside [low ${l}, high ${h}]`);
    if (c.volume[i] < 0) throw fail(i, roles.volume, `volume ${c.volume[i]} is negative`);
    if (i > 0 && !(c.time[i] > c.time[i - 1])) {
      throw fail(i, roles.time, `${new Date(c.time[i]).toISOString()} is not after the previous row's ${new Date(c.time[i - 1]).toISOString()}; times must be strictly increasing`);
    }
  }
}

function symbolFromSource(source: string | undefined): SymbolId {
  const file = source?.split(/[\\/]/).pop() ?? "";
  return file.replace(/\.[^.]*$/, "").trim().replace(/\s+/g, "_").toUpperCase() || "UNKNOWN";
}
