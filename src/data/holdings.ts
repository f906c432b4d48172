import type { SymbolId } from "../core/data.ts";
import { MarketDataError, shown } from "../core/errors.ts";
import { detectDelimiter, type Delimiter } from "./csv-dialect.ts";

/**
 * A reference portfolio's holdings over time, as 13F filings report them:
 * what it held at each report date, in shares or in dollars.
 */
export interface Holdings {
  /** What `amount` counts: shares held, or the position's value at the report date. */
  readonly measure: "shares" | "value";
  /** One snapshot per report date, oldest first. */
  readonly snapshots: readonly HoldingsSnapshot[];
}

export interface HoldingsSnapshot {
  /** The report date (a quarter end for 13F) as epoch ms, UTC midnight. */
  readonly date: number;
  readonly positions: readonly HoldingsPosition[];
}

export interface HoldingsPosition {
  readonly symbol: SymbolId;
  /** Shares or dollars (see Holdings.measure), >= 0. */
  readonly amount: number;
  /** 1-based data row of the file it came from, for errors about it later. */
  readonly row: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;
const SYMBOL = /^[^\s"]{1,32}$/;

/**
 * Parses a holdings snapshot file:
 *
 *     date,symbol,shares        (or date,symbol,value)
 *     2020-03-31,AAPL,1200
 *     2020-03-31,MSFT,800
 *     2020-06-30,AAPL,1500
 *
 * The header names date, symbol and exactly one of shares or value, in any
 * order and case (other columns, such as a name or CUSIP, are ignored);
 * cells are separated by commas, semicolons or tabs, as the header is, and
 * a double-quoted cell may hold the separator (a fund's name).
 * Dates are YYYY-MM-DD report dates; amounts are plain decimal numbers
 * >= 0 (no thousands separators); a symbol appears at most once per date.
 * Rows may come in any order. Every problem is a MarketDataError naming
 * `source`, the 1-based data row and the column.
 */
export function parseHoldingsCsv(text: string, source: string): Holdings {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerLine = lines[0] ?? "";
  if (headerLine.trim() === "") throw new MarketDataError("the file is empty; expected a header row: date,symbol,shares (or value)", { source });
  const delimiter = detectDelimiter(headerLine);
  const header = cells(headerLine, delimiter).map((h) => h.toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const [dateAt, symbolAt, sharesAt, valueAt] = ["date", "symbol", "shares", "value"].map(column);
  for (const [name, at] of [["date", dateAt], ["symbol", symbolAt]] as const) {
    if (at < 0) throw new MarketDataError(`the header has no ${name} column; expected date,symbol,shares (or value), got ${shown(headerLine)}`, { source, field: name });
  }
  if ((sharesAt < 0) === (valueAt < 0)) {
    throw new MarketDataError(`the header must name exactly one of shares or value, got ${shown(headerLine)}`, { source, field: sharesAt < 0 ? "shares" : "value" });
  }
  const measure = sharesAt >= 0 ? "shares" : "value";
  const amountAt = Math.max(sharesAt, valueAt);

  const byDate = new Map<number, HoldingsPosition[]>();
  const seen = new Map<string, number>();
  let blank = 0;
  for (let i = 1; i < lines.length; i++) {
    const row = i;
    if (lines[i].trim() === "") {
      blank ||= row;
      continue;
    }
    if (blank) throw new MarketDataError("a blank line inside the data; remove it", { source, row: blank });
    const cell = cells(lines[i], delimiter);
    if (cell.length !== header.length) {
      // More cells than names is most often a thousands separator ("1,200") in a comma-separated file: never read as 1.
      const hint = cell.length > header.length ? "; write numbers without thousands separators" : "";
      throw new MarketDataError(`has ${cell.length} cells but the header has ${header.length}${hint}`, { source, row, field: header[Math.min(cell.length, header.length - 1)] });
    }
    const date = parseDate(cell[dateAt]);
    if (Number.isNaN(date)) throw new MarketDataError(`date must be a YYYY-MM-DD date, got ${shown(cell[dateAt])}`, { source, row, field: "date" });
    const symbol = cell[symbolAt];
    if (!SYMBOL.test(symbol)) throw new MarketDataError(`symbol must be 1-32 characters without spaces or quotes, got ${shown(symbol)}`, { source, row, field: "symbol" });
    const text = cell[amountAt];
    if (!NUMBER.test(text)) {
      throw new MarketDataError(`${measure} must be a number >= 0 in plain decimal (no sign, exponent or thousands separator), got ${shown(text)}`, { source, row, field: measure });
    }
    const amount = Number(text);
    if (!Number.isFinite(amount)) throw new MarketDataError(`${measure} is too large to be a number, got ${text.length} digits`, { source, row, field: measure });
    const key = `${date} ${symbol}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new MarketDataError(`${symbol} on ${cell[dateAt]} is already on row ${earlier}; give each symbol once per date`, { source, row, field: "symbol" });
    seen.set(key, row);
    const positions = byDate.get(date) ?? [];
    positions.push({ symbol, amount, row });
    byDate.set(date, positions);
  }
  if (byDate.size === 0) throw new MarketDataError("no holdings rows after the header", { source });
  const snapshots = [...byDate.entries()].sort(([a], [b]) => a - b).map(([date, positions]) => ({ date, positions }));
  return { measure, snapshots };
}

/**
 * Each symbol of `holdings` once, at its first position (snapshots oldest
 * first, positions as held), in one snapshot: a check of which series the
 * holdings need (mirror's) meets the same first missing symbol, at the same
 * row, as over the whole holdings, with work for the symbols, not the rows.
 */
export function firstPositions(holdings: Holdings): Holdings {
  const seen = new Set<SymbolId>();
  const positions: HoldingsPosition[] = [];
  for (const snapshot of holdings.snapshots) {
    for (const p of snapshot.positions) {
      if (seen.has(p.symbol)) continue;
      seen.add(p.symbol);
      positions.push(p);
    }
  }
  const first = holdings.snapshots[0];
  return { measure: holdings.measure, snapshots: first === undefined ? [] : [{ date: first.date, positions }] };
}

/** The cells of a line, trimmed; a double-quoted cell may hold the delimiter, and "" for a quote. */
function cells(line: string, delimiter: Delimiter): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      out.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** YYYY-MM-DD as epoch ms at UTC midnight, or NaN when it is not a calendar date. */
function parseDate(text: string): number {
  const m = DATE.exec(text);
  if (!m) return NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2020-02-30 over into March: a real date reads back the same.
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : NaN;
}
