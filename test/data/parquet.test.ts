// Parquet bars written by hyparquet-writer (another implementation than the
// reader), in the column types real files use: TIMESTAMP millis and nanos,
// plain INT64 epochs, ISO strings, INT64 volumes (BigInt), and bad rows.
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { MarketDataError } from "../../src/core/errors.ts";
import { parseBarsParquet } from "../../src/data/parquet.ts";

const T0 = Date.UTC(2026, 0, 5, 14, 30);
const times = [T0, T0 + 60_000, T0 + 120_000];
const prices = { open: [100, 101, 102.5], high: [101, 102, 103], low: [99.5, 100.5, 102], close: [100.5, 101.75, 102.25] };

function file(time: { data: unknown[]; type?: string }, extra: Record<string, { data: unknown[]; type?: string }> = {}, schema?: unknown[]) {
  const columns: Record<string, { data: unknown[]; type?: string }> = {
    timestamp: time,
    open: { data: prices.open, type: "DOUBLE" }, high: { data: prices.high, type: "DOUBLE" }, low: { data: prices.low, type: "DOUBLE" },
    close: { data: prices.close, type: "DOUBLE" }, volume: { data: [1000n, 2500n, 10n], type: "INT64" }, ...extra,
  };
  return parquetWriteBuffer({
    columnData: Object.entries(columns).map(([name, c]) => ({ name, data: c.data as never, ...(schema ? {} : { type: c.type as never }) })),
    ...(schema ? { schema: schema as never } : {}),
  });
}

async function failure(p: Promise<unknown>): Promise<MarketDataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MarketDataError);
    return e as MarketDataError;
  }
  throw new Error("no error");
}

describe("parseBarsParquet", () => {
  it("reads TIMESTAMP (ms) times, DOUBLE prices and INT64 (BigInt) volumes into columns", async () => {
    const bars = await parseBarsParquet(file({ data: times.map((t) => new Date(t)), type: "TIMESTAMP" }), { source: "data/aapl-1m.parquet" });
    expect(bars.symbol).toBe("AAPL-1M");
    expect([...bars.time]).toEqual(times);
    expect([...bars.close]).toEqual(prices.close);
    expect([...bars.volume]).toEqual([1000, 2500, 10]);
  });

  it("reads nanosecond TIMESTAMPs, plain INT64 epochs of any unit, and ISO strings", async () => {
    const nanosSchema = [
      { name: "root", num_children: 6 },
      { name: "timestamp", type: "INT64", repetition_type: "REQUIRED", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "NANOS" } },
      ...["open", "high", "low", "close"].map((name) => ({ name, type: "DOUBLE", repetition_type: "REQUIRED" })),
      { name: "volume", type: "INT64", repetition_type: "REQUIRED" },
    ];
    const nanos = await parseBarsParquet(file({ data: times.map((t) => BigInt(t) * 1_000_000n + 999n) }, {}, nanosSchema), { symbol: "X" });
    expect([...nanos.time]).toEqual(times);
    for (const [scale, unit] of [[1000n, "seconds"], [1n, "ms"], [1000n, "micros"], [1_000_000n, "nanos"]] as const) {
      const data = times.map((t) => (unit === "seconds" ? BigInt(t / 1000) : BigInt(t) * (unit === "ms" ? 1n : scale)));
      const bars = await parseBarsParquet(file({ data, type: "INT64" }), { symbol: "X" });
      expect([...bars.time], unit).toEqual(times);
    }
    const iso = await parseBarsParquet(file({ data: times.map((t) => new Date(t).toISOString()), type: "STRING" }), { symbol: "X" });
    expect([...iso.time]).toEqual(times);
  });

  it("names the file, row and column of a bad value", async () => {
    const ts = { data: times.map((t) => new Date(t)), type: "TIMESTAMP" };
    expect((await failure(parseBarsParquet(file(ts, { high: { data: [101, 99, 103], type: "DOUBLE" } }), { source: "bad.parquet" }))).message)
      .toBe("bad.parquet, row 2: high: high 99 is below low 100.5");
    expect((await failure(parseBarsParquet(file(ts, { volume: { data: [1n, 2n ** 60n, 3n], type: "INT64" } }), { source: "big.parquet" }))).message)
      .toBe("big.parquet, row 2: volume: 1152921504606846976 is beyond 2^53 and cannot be read exactly as a number");
    expect((await failure(parseBarsParquet(file({ data: [times[0], times[0], times[2]].map((t) => new Date(t)), type: "TIMESTAMP" }), { source: "dup.parquet" }))).message)
      .toBe("dup.parquet, row 2: timestamp: 2026-01-05T14:30:00.000Z is not after the previous row's 2026-01-05T14:30:00.000Z; times must be strictly increasing");
    const noVolume = parquetWriteBuffer({ columnData: [{ name: "date", data: ["2026-01-05"], type: "STRING" }, { name: "close", data: [1], type: "DOUBLE" }] });
    expect((await failure(parseBarsParquet(noVolume, { source: "thin.parquet" }))).message).toBe(
      'thin.parquet: no open column; the file has "date", "close" and needs date (or time, timestamp), open, high, low, close, volume',
    );
    expect((await failure(parseBarsParquet(new TextEncoder().encode("date,open\n"), { source: "x.parquet" }))).message).toMatch(/^x\.parquet: not a readable Parquet file/);
  });
});
