import type { BarSeries, SymbolId } from "../core/data.ts";
import { ConfigError, MarketDataError, shown } from "../core/errors.ts";
import {
  DecimalMark, delimiterName, detectDelimiter, lineTooLong, MAX_LINE_CHARS, parseWhole, type Delimiter, type TextChunkParser,
} from "./csv-dialect.ts";

export interface ParseBarsOptions {
  /** Where the text came from (a file name or URL); named in every error. */
  source?: string;
  /** The series' symbol; defaults to the source's file name without extension, upper-cased. */
  symbol?: SymbolId;
}

/**
 * Parses OHLCV bars from CSV text into columns.
 *
 * Header: one column each for the date (named date, time or timestamp), open,
 * high, low, close and volume, matched case-insensitively, quoted or not, in
 * any order; other columns (adjclose, ...) are ignored. Cells are separated
 * by commas, semicolons or tabs, whichever the header uses; a semicolon- or
 * tab-separated file may write decimal commas (see DecimalMark). Dates may be
 * YYYY-MM-DD, ISO 8601 date-times (UTC unless they carry Z or an offset), or
 * epoch numbers: seconds when the first one is below 1e11 (before year 5138),
 * milliseconds otherwise.
 *
 * Every row is validated; the first problem throws a MarketDataError naming
 * the source, the 1-based data row and the field, so nothing half-read is
 * ever returned.
 */
export function parseBarsCsv(text: string, opts: ParseBarsOptions = {}): BarSeries {
  return parseWhole(new BarsCsvParser(opts), text);
}

function symbolFromSource(source: string | undefined): string {
  const file = source?.split(/[\\/]/).pop() ?? "";
  const stem = file.replace(/\.[^.]*$/, "").trim().replace(/\s+/g, "_").toUpperCase();
  return stem || "UNKNOWN";
}

// Column roles, in the order values are parsed and checked.
const TIME = 0, OPEN = 1, HIGH = 2, LOW = 3, CLOSE = 4, VOLUME = 5;
const ROLE_COUNT = 6;
const ROLE_OF_NAME = new Map([
  ["date", TIME], ["time", TIME], ["timestamp", TIME], ["open", OPEN], ["high", HIGH], ["low", LOW], ["close", CLOSE],
  ["volume", VOLUME],
]);
const ROLE_NAME = ["date", "open", "high", "low", "close", "volume"];
const ROLE_LABEL = ["date (or time, timestamp)", "open", "high", "low", "close", "volume"];

const LF = 10, CR = 13, SPACE = 32, TAB = 9, QUOTE = 34, COMMA = 44;
const PLUS = 43, MINUS = 45, DOT = 46, COLON = 58, ZERO = 48;

/** 10^0 .. 10^15, each exact in float64, which the fast number path relies on. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Epoch numbers below this are seconds (up to year 5138); at or above, milliseconds (from 1973-03-03). */
const SECONDS_LIMIT = 1e11;
const MS_PER_DAY = 86_400_000;

/** Rows the columns hold before they first grow; they double from there. */
const INITIAL_CAPACITY = 1024;
const EMPTY = new Float64Array(0);

/**
 * The incremental parser: push text in chunks of any size, then finish() for
 * the BarSeries. Memory is the bars' columns (Float64Array, grown by
 * doubling) plus the one line that may be split between two chunks, never
 * the whole text. Lines and cells are found with indexOf (native, far faster
 * than a charCodeAt loop), so JavaScript only touches the characters of the
 * cells it converts; lines holding a quote take the slower, quote-aware path.
 */
export class BarsCsvParser implements TextChunkParser<BarSeries> {
  private readonly symbol: SymbolId;
  private readonly source: string | undefined;
  /** The text being scanned: a chunk, or the line completed from the carry and the next chunk. */
  private text = "";
  /** The end of the last line split between chunks, waiting for the next one. */
  private carry = "";
  private started = false;
  private pos = 0;
  private row = 0;
  /** The data row of a blank line not yet known to be trailing (0: none): an error if more data follows. */
  private blankRow = 0;
  // Bounds of the last cell scanned by scanCell (inside its quotes; the readers trim padding).
  private cellStart = 0;
  private cellEnd = 0;
  /** 1000 for epoch seconds, 1 for ms; 0 until the first numeric date decides it. */
  private epochScale = 0;
  /** Header names as written, by column; empty until the header is read. */
  private names: string[] = [];
  private roles = new Int8Array(0);
  private roleColumn = new Int32Array(ROLE_COUNT);
  private delimiter: Delimiter = ",";
  private delimiterCode = COMMA;
  private decimalMark = new DecimalMark(",");
  /** The decimal mark's char code, 0 while undecided, for the fast number path. */
  private markCode = DOT;
  private n = 0;
  private capacity = INITIAL_CAPACITY;
  private time = new Float64Array(INITIAL_CAPACITY);
  private open = new Float64Array(INITIAL_CAPACITY);
  private high = new Float64Array(INITIAL_CAPACITY);
  private low = new Float64Array(INITIAL_CAPACITY);
  private close = new Float64Array(INITIAL_CAPACITY);
  private volume = new Float64Array(INITIAL_CAPACITY);

  constructor(opts: ParseBarsOptions = {}) {
    const symbol = opts.symbol ?? symbolFromSource(opts.source);
    if (!symbol || /\s/.test(symbol)) {
      throw new ConfigError(`symbol must be non-empty without whitespace, got ${shown(symbol)}`, { field: "symbol" });
    }
    this.symbol = symbol;
    this.source = opts.source;
  }

  /**
   * Parses every complete line in `chunk` (the first completing the line
   * carried from before) and keeps the rest for later. The chunk is scanned
   * where it lies: joining it to the carry would make a cons string, whose
   * characters V8 reads far more slowly than a flat string's.
   */
  push(chunk: string): void {
    let from = 0;
    if (this.carry !== "") {
      const lf = chunk.indexOf("\n");
      if (lf < 0) {
        this.carry += chunk;
        this.checkCarry();
        return;
      }
      const line = this.carry + chunk.slice(0, lf + 1);
      this.carry = "";
      this.scan(line, 0, line.length);
      from = lf + 1;
    }
    const lastLf = chunk.lastIndexOf("\n");
    if (lastLf < from) {
      this.carry = chunk.slice(from);
      this.checkCarry();
      return;
    }
    this.carry = chunk.slice(lastLf + 1);
    this.scan(chunk, from, lastLf + 1);
    this.checkCarry();
  }

  private checkCarry(): void {
    if (this.carry.length > MAX_LINE_CHARS) throw this.error(lineTooLong(), undefined, this.started ? this.row + 1 : undefined);
  }

  /** Parses the last line, if it has no line break, and returns the series, fitted to its length. */
  finish(): BarSeries {
    const text = this.carry;
    this.carry = "";
    this.scan(text, 0, text.length, true);
    const n = this.n;
    if (n === 0) throw this.error("no data rows after the header");
    return {
      symbol: this.symbol, time: this.fit("time"), open: this.fit("open"), high: this.fit("high"), low: this.fit("low"),
      close: this.fit("close"), volume: this.fit("volume"),
    };
  }

  /**
   * A column cut to the bars read. The parser lets go of the column as it
   * goes, so the spare capacity of one column can be collected while the next
   * is cut; the parser is spent after finish().
   */
  private fit(name: "time" | "open" | "high" | "low" | "close" | "volume"): Float64Array {
    const column = this[name];
    this[name] = EMPTY;
    return this.n === this.capacity ? column : column.slice(0, this.n);
  }

  /** Reads the lines of text[start, end), which ends at a line break or at the end of the input (`last`). */
  private scan(text: string, start: number, end: number, last = false): void {
    this.text = text;
    this.pos = start;
    if (!this.started) {
      if (start === end && !last) return;
      this.readHeader();
    }
    this.readRows(end);
  }

  /** Reads the header line at `pos`, which decides the delimiter and which column is which. */
  private readHeader(): void {
    this.started = true;
    const text = this.text;
    // A UTF-8 byte order mark decoded as text.
    if (text.charCodeAt(this.pos) === 0xfeff) this.pos++;
    const lineEnd = text.indexOf("\n", this.pos);
    const headerEnd = lineEnd < 0 ? text.length : lineEnd;
    if (isBlank(text, this.pos, headerEnd)) throw this.error("empty input: expected a header line");
    this.delimiter = detectDelimiter(text.slice(this.pos, headerEnd));
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.decimalMark = new DecimalMark(this.delimiter);
    this.markCode = this.delimiter === "," ? DOT : 0;
    const names = this.names;
    for (let more = true; more; ) {
      more = this.scanCell();
      names.push(text.slice(this.cellStart, this.cellEnd).replace(/""/g, '"').trim());
    }
    const roles = new Int8Array(names.length).fill(-1);
    const roleColumn = this.roleColumn.fill(-1);
    names.forEach((name, col) => {
      const role = ROLE_OF_NAME.get(name.toLowerCase()) ?? -1;
      if (role < 0) return;
      const previous = roleColumn[role];
      if (previous >= 0) {
        throw this.error(`header has both "${names[previous]}" and "${name}"; keep one ${ROLE_LABEL[role]} column`, name);
      }
      roles[col] = role;
      roleColumn[role] = col;
    });
    const missing = [TIME, OPEN, HIGH, LOW, CLOSE, VOLUME].filter((role) => roleColumn[role] < 0);
    if (missing.length > 0) {
      const list = missing.map((role) => ROLE_LABEL[role]).join(", ");
      const hint = names.length === 1 ? " (the header is one column: cells must be separated by commas, semicolons or tabs)" : "";
      throw this.error(`header is missing required column${missing.length > 1 ? "s" : ""} ${list}${hint}`, ROLE_NAME[missing[0]]);
    }
    this.roles = roles;
  }

  private readRows(end: number): void {
    const { names, roles, roleColumn, delimiter } = this;
    const field = (role: number) => names[roleColumn[role]];
    const columnCount = roles.length;
    const starts = new Int32Array(ROLE_COUNT);
    const ends = new Int32Array(ROLE_COUNT);
    const text = this.text;
    const len = text.length;
    let { time, open, high, low, close, volume, n, capacity } = this;
    let p = this.pos;
    let nextQuote = -1;

    while (p < end) {
      let lineEnd = text.indexOf("\n", p);
      if (lineEnd < 0) lineEnd = len;
      const contentEnd = lineEnd > p && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      if (isBlank(text, p, contentEnd)) {
        if (this.blankRow === 0) this.blankRow = this.row + 1;
        p = lineEnd + 1;
        continue;
      }
      if (this.blankRow > 0) throw this.error("blank line inside the data; remove it", undefined, this.blankRow);
      this.row++;

      if (nextQuote < p) {
        nextQuote = text.indexOf('"', p);
        if (nextQuote < 0) nextQuote = len;
      }
      let col = 0;
      if (nextQuote < lineEnd) {
        this.pos = p;
        for (let more = true; more; col++) {
          more = this.scanCell();
          const role = col < columnCount ? roles[col] : -1;
          if (role >= 0) {
            starts[role] = this.cellStart;
            ends[role] = this.cellEnd;
          }
        }
      } else {
        for (let cellStart = p; ; col++) {
          const next = text.indexOf(delimiter, cellStart);
          const cellEnd = next < 0 || next > contentEnd ? contentEnd : next;
          const role = col < columnCount ? roles[col] : -1;
          if (role >= 0) {
            starts[role] = cellStart;
            ends[role] = cellEnd;
          }
          if (cellEnd === contentEnd) break;
          cellStart = cellEnd + 1;
        }
        col++;
      }
      p = lineEnd + 1;
      if (col < columnCount) {
        const missing = names.slice(col);
        throw this.error(`missing fields: ${col} of ${columnCount} cells, no value for ${missing.join(", ")}`, missing[0]);
      }
      if (col > columnCount) {
        throw this.error(`${col} cells but the header has ${columnCount} (an unquoted ${delimiterName(delimiter)} inside a value?)`);
      }

      const t = this.parseTime(starts[TIME], ends[TIME], roleColumn[TIME]);
      const o = this.parseNumber(starts[OPEN], ends[OPEN], roleColumn[OPEN]);
      const h = this.parseNumber(starts[HIGH], ends[HIGH], roleColumn[HIGH]);
      const l = this.parseNumber(starts[LOW], ends[LOW], roleColumn[LOW]);
      const c = this.parseNumber(starts[CLOSE], ends[CLOSE], roleColumn[CLOSE]);
      const v = this.parseNumber(starts[VOLUME], ends[VOLUME], roleColumn[VOLUME]);
      if (h < l) throw this.error(`high ${h} is below low ${l}`, field(HIGH));
      if (o < l || o > h) throw this.error(`open ${o} is outside [low ${l}, high ${h}]`, field(OPEN));
      if (c < l || c > h) throw this.error(`close ${c} is outside [low ${l}, high ${h}]`, field(CLOSE));
      if (v < 0) throw this.error(`volume ${v} is negative`, field(VOLUME));
      if (n > 0 && !(t > time[n - 1])) {
        throw this.error(
          `${isoOf(t)} is not after the previous row's ${isoOf(time[n - 1])}; dates must be strictly increasing`,
          field(TIME),
        );
      }
      if (n === capacity) {
        this.grow();
        ({ time, open, high, low, close, volume, capacity } = this);
      }
      time[n] = t;
      open[n] = o;
      high[n] = h;
      low[n] = l;
      close[n] = c;
      volume[n] = v;
      n++;
    }
    this.n = n;
  }

  /** Doubles the columns' capacity, one column at a time so that only one old column is alive at once. */
  private grow(): void {
    const capacity = this.capacity * 2;
    const grown = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.time = grown(this.time);
    this.open = grown(this.open);
    this.high = grown(this.high);
    this.low = grown(this.low);
    this.close = grown(this.close);
    this.volume = grown(this.volume);
    this.capacity = capacity;
  }

  /**
   * Scans one cell from `pos`, quote-aware, leaving its content bounds in
   * cellStart/cellEnd and `pos` after its delimiter. Returns true when another
   * cell follows on this line (the delimiter was the file's delimiter).
   */
  private scanCell(): boolean {
    const text = this.text;
    const len = text.length;
    const delimiter = this.delimiterCode;
    // Tabs are padding unless they separate the cells.
    const tabPads = delimiter !== TAB;
    let p = this.pos;
    let ch = text.charCodeAt(p);
    while (ch === SPACE || (ch === TAB && tabPads)) ch = text.charCodeAt(++p);
    if (ch === QUOTE) {
      const start = ++p;
      for (;;) {
        ch = text.charCodeAt(p);
        // Bars never hold line breaks, so a quote still open at the line's end is a mistake.
        if (p >= len || ch === LF) throw this.error("unterminated quoted cell: no closing quote on this line");
        if (ch === QUOTE) {
          if (text.charCodeAt(p + 1) !== QUOTE) break;
          p++; // an escaped quote ("")
        }
        p++;
      }
      this.cellStart = start;
      this.cellEnd = p;
      ch = text.charCodeAt(++p);
      while (ch === SPACE || (ch === TAB && tabPads) || ch === CR) ch = text.charCodeAt(++p);
      if (p < len && ch !== delimiter && ch !== LF) throw this.error("unexpected text after a closing quote");
    } else {
      const start = p;
      while (p < len && ch !== delimiter && ch !== LF) ch = text.charCodeAt(++p);
      this.cellStart = start;
      this.cellEnd = p;
    }
    this.pos = p + 1;
    return ch === delimiter;
  }

  /** The number in a cell (padding allowed); throws naming the column when it is not a finite number. */
  private parseNumber(start: number, end: number, column: number): number {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    const value = parseDecimal(text, start, end, this.markCode);
    if (Number.isNaN(value)) return this.parseWithNewMark(start, end, column);
    return value;
  }

  /**
   * A number parseDecimal did not read: while the file's decimal mark is
   * undecided, the first mark in the cell decides it; otherwise an error.
   */
  private parseWithNewMark(start: number, end: number, column: number): number {
    const cell = this.text.slice(start, end);
    if (this.markCode === 0) {
      const at = cell.search(/[.,]/);
      if (at >= 0) {
        const mark = cell[at] as "." | ",";
        const value = parseDecimal(this.text, start, end, mark.charCodeAt(0));
        if (!Number.isNaN(value)) {
          this.decimalMark.decide(mark, this.row);
          this.markCode = mark.charCodeAt(0);
          return value;
        }
      }
    }
    throw this.error(`expected a finite number, got ${shown(cell)}${this.decimalMark.explain(cell)}`, this.names[column]);
  }

  /** Epoch ms from a YYYY-MM-DD date, an ISO 8601 date-time, or an epoch number. */
  private parseTime(start: number, end: number, column: number): number {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (end - start >= 10 && text.charCodeAt(start + 4) === MINUS) {
      const t = parseIsoTime(text, start, end);
      if (Number.isNaN(t)) {
        throw this.error(
          `cannot read date ${shown(text.slice(start, end))}; expected YYYY-MM-DD, an ISO 8601 date-time or epoch seconds/ms`,
          this.names[column],
        );
      }
      return t;
    }
    const epoch = this.parseNumber(start, end, column);
    if (this.epochScale === 0) this.epochScale = Math.abs(epoch) < SECONDS_LIMIT ? 1000 : 1;
    return this.epochScale === 1 ? epoch : Math.round(epoch * 1000);
  }

  private error(message: string, field?: string, row: number | undefined = this.row || undefined): MarketDataError {
    return new MarketDataError(field === undefined ? message : `${field}: ${message}`, { source: this.source, row, field });
  }
}

function isSpace(ch: number): boolean {
  return ch === SPACE || ch === TAB || ch === CR;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (!isSpace(text.charCodeAt(p))) return false;
  return true;
}

/**
 * The decimal number [+-]digits[(mark)digits][(e|E)[+-]digits] in
 * text[start, end), where mark is the char code of the decimal mark (0: none
 * yet, integers only), or NaN when the text is anything else (empty, "NaN",
 * "Infinity", "0x10") or overflows. With at most 15 digits and no exponent,
 * one exact float64 division gives the correctly rounded value (Clinger's
 * fast path: both operands are exact, so IEEE rounds once); other forms go to
 * Number().
 */
function parseDecimal(text: string, start: number, end: number, mark: number): number {
  let p = start;
  let ch = text.charCodeAt(p);
  const negative = ch === MINUS;
  if (negative || ch === PLUS) p++;
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  for (; p < end; p++) {
    const d = text.charCodeAt(p) - ZERO;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
  }
  if (p < end && text.charCodeAt(p) === mark) {
    for (p++; p < end; p++) {
      const d = text.charCodeAt(p) - ZERO;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      fractionDigits++;
    }
    digits += fractionDigits;
  }
  if (digits === 0) return NaN;
  if (p === end) {
    if (digits <= 15) {
      const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
      return negative ? -value : value;
    }
  } else {
    ch = text.charCodeAt(p);
    if (ch !== 101 && ch !== 69) return NaN; // e or E
    ch = text.charCodeAt(++p);
    if (ch === MINUS || ch === PLUS) p++;
    const exponentStart = p;
    for (; p < end; p++) {
      const d = text.charCodeAt(p) - ZERO;
      if (d < 0 || d > 9) return NaN;
    }
    if (p === exponentStart) return NaN;
  }
  // The text is now known to be a plain decimal, which Number() reads exactly.
  const plain = text.slice(start, end);
  const value = Number(mark === COMMA ? plain.replace(",", ".") : plain);
  return Number.isFinite(value) ? value : NaN;
}

/**
 * YYYY-MM-DD[(T| )HH:MM[:SS[.fff...]]][Z | ±HH[:MM]] in text[start, end) to
 * epoch ms, or NaN. Without a zone the time is taken as UTC. Fractions
 * beyond milliseconds are truncated, as Date does.
 */
function parseIsoTime(text: string, start: number, end: number): number {
  const year = readDigits(text, start, 4, end);
  const month = readDigits(text, start + 5, 2, end);
  const day = readDigits(text, start + 8, 2, end);
  if (year < 0 || text.charCodeAt(start + 7) !== MINUS || month < 1 || month > 12) return NaN;
  if (day < 1 || day > daysInMonth(year, month)) return NaN;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  let p = start + 10;
  if (p === end) return ms;

  const sep = text.charCodeAt(p);
  if (sep !== 84 && sep !== 116 && sep !== SPACE) return NaN; // T, t or space
  const hour = readDigits(text, p + 1, 2, end);
  const minute = readDigits(text, p + 4, 2, end);
  if (hour < 0 || hour > 23 || text.charCodeAt(p + 3) !== COLON || minute < 0 || minute > 59) return NaN;
  ms += (hour * 60 + minute) * 60_000;
  p += 6;
  if (p < end && text.charCodeAt(p) === COLON) {
    const second = readDigits(text, p + 1, 2, end);
    if (second < 0 || second > 59) return NaN;
    ms += second * 1000;
    p += 3;
    if (p < end && (text.charCodeAt(p) === DOT || text.charCodeAt(p) === COMMA)) {
      p++;
      let scale = 100;
      const fractionStart = p;
      for (let d = text.charCodeAt(p) - ZERO; p < end && d >= 0 && d <= 9; d = text.charCodeAt(++p) - ZERO) {
        ms += d * scale;
        scale /= 10;
      }
      if (p === fractionStart) return NaN;
      ms = Math.floor(ms);
    }
  }
  if (p === end) return ms;

  const zone = text.charCodeAt(p);
  if (zone === 90 || zone === 122) return p + 1 === end ? ms : NaN; // Z or z
  if (zone !== PLUS && zone !== MINUS) return NaN;
  const offsetHours = readDigits(text, p + 1, 2, end);
  if (offsetHours < 0 || offsetHours > 23) return NaN;
  p += 3;
  let offsetMinutes = 0;
  if (p < end) {
    if (text.charCodeAt(p) === COLON) p++;
    offsetMinutes = readDigits(text, p, 2, end);
    if (offsetMinutes < 0 || offsetMinutes > 59 || p + 2 !== end) return NaN;
  }
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  // Local time = UTC + offset, so UTC = local - offset.
  return zone === PLUS ? ms - offset : ms + offset;
}

/** The unsigned integer in the `count` digits at `at` (all before `end`), or -1. */
function readDigits(text: string, at: number, count: number, end: number): number {
  if (at + count > end) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function isoOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}
