import { ConfigError, MarketDataError, shown } from "../core/errors.ts";
import {
  DecimalMark, detectDelimiter, lineTooLong, MAX_LINE_CHARS, parseWhole, type Delimiter, type TextChunkParser,
} from "./csv-dialect.ts";

/** Return series read from a CSV: the first column labels the dates, the others hold returns. */
export interface ReturnsTable {
  dates: string[];
  /** Every column with at least one number; NaN where a cell is missing. */
  columns: { name: string; values: Float64Array }[];
}

const MISSING = new Set(["", "na", "nan", "n/a", "null", "#n/a"]);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INITIAL_CAPACITY = 256;

/**
 * Parses a returns CSV: a header row (names may be quoted), then one row per
 * date, the first column a date, the others returns as decimal numbers.
 * Cells are separated by commas, semicolons or tabs, whichever the header
 * uses (a semicolon- or tab-separated file may write decimal commas, see
 * DecimalMark). Empty and NA cells are missing values (NaN). A column with no
 * number at all (a text column) is left out; any other cell that is not a
 * number is an error naming `source`, the row and the column.
 */
export function parseReturnsCsv(text: string, source: string): ReturnsTable {
  return parseWhole(new ReturnsCsvParser(source), text);
}

/** One return column while it is read; a bad cell is only an error once the column is known to hold numbers. */
interface ColumnState {
  name: string;
  values: Float64Array;
  hasNumber: boolean;
  firstBad?: { row: number; cell: string; why: string };
}

/** The incremental form of parseReturnsCsv: push text in chunks of any size, then finish(). */
export class ReturnsCsvParser implements TextChunkParser<ReturnsTable> {
  private carry = "";
  private bomChecked = false;
  private header: string[] | undefined;
  private delimiter: Delimiter = ",";
  private decimalMark = new DecimalMark(",");
  private columns: ColumnState[] = [];
  private readonly dates: string[] = [];
  private capacity = INITIAL_CAPACITY;
  /** The data row of a blank line not yet known to be trailing (0: none): an error if more data follows. */
  private blankRow = 0;

  constructor(private readonly source: string) {}

  push(chunk: string): void {
    let text = this.carry === "" ? chunk : this.carry + chunk;
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let lf = text.indexOf("\n"); lf >= 0; lf = text.indexOf("\n", start)) {
      this.line(text.slice(start, lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf));
      start = lf + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > MAX_LINE_CHARS) {
      throw new MarketDataError(lineTooLong(), { source: this.source, row: this.header ? this.dates.length + 1 : undefined });
    }
  }

  finish(): ReturnsTable {
    const source = this.source;
    if (this.carry !== "") this.line(this.carry.endsWith("\r") ? this.carry.slice(0, -1) : this.carry);
    this.carry = "";
    if (!this.header) throw new MarketDataError("the file is empty; expected a header row (date, then return columns)", { source });
    const rows = this.dates.length;
    const columns: ReturnsTable["columns"] = [];
    for (const column of this.columns) {
      if (!column.hasNumber) continue;
      if (column.firstBad) {
        const { row, cell, why } = column.firstBad;
        throw new MarketDataError(`column ${shown(column.name)} has ${shown(cell)}, which is not a return (a decimal number such as -0.0125)${why}`,
          { source, row, field: column.name });
      }
      columns.push({ name: column.name, values: column.values.length === rows ? column.values : column.values.slice(0, rows) });
    }
    if (columns.length === 0) {
      throw new MarketDataError(`no numeric return column; the columns are ${this.header.map(shown).join(", ")}`, { source });
    }
    return { dates: this.dates, columns };
  }

  private line(line: string): void {
    const blank = line.trim() === "";
    if (!this.header) {
      if (!blank) this.readHeader(line);
      return;
    }
    const row = this.dates.length + 1;
    if (blank) {
      if (this.blankRow === 0) this.blankRow = row;
      return;
    }
    if (this.blankRow > 0) throw new MarketDataError("blank line inside the data; remove it", { source: this.source, row: this.blankRow });
    const cells = splitCsvLine(line, this.delimiter);
    if (cells.length !== this.header.length) {
      throw new MarketDataError(`${cells.length} cells, but the header has ${this.header.length}`, { source: this.source, row });
    }
    if (row > this.capacity) this.grow();
    this.dates.push(cells[0].trim());
    for (let c = 1; c < cells.length; c++) this.readCell(this.columns[c - 1], row, cells[c].trim());
  }

  private readHeader(line: string): void {
    this.delimiter = detectDelimiter(line);
    this.decimalMark = new DecimalMark(this.delimiter);
    const header = splitCsvLine(line, this.delimiter).map((h) => h.trim());
    if (header.length < 2) {
      throw new MarketDataError(`the header has ${header.length} column; expected a date column and at least one return column ` +
        "(cells separated by commas, semicolons or tabs)", { source: this.source });
    }
    this.header = header;
    this.columns = header.slice(1).map((name) => ({ name, values: new Float64Array(this.capacity), hasNumber: false }));
  }

  private readCell(column: ColumnState, row: number, cell: string): void {
    if (MISSING.has(cell.toLowerCase())) {
      column.values[row - 1] = NaN;
      return;
    }
    const value = this.number(cell, row);
    column.values[row - 1] = value;
    if (Number.isNaN(value)) {
      column.firstBad ??= { row, cell, why: this.decimalMark.explain(cell) };
    } else {
      column.hasNumber = true;
    }
  }

  /** The cell as a number in the file's decimal mark (deciding it on the first number that has one), or NaN. */
  private number(cell: string, row: number): number {
    let mark = this.decimalMark.mark;
    if (mark === undefined) {
      const at = cell.search(/[.,]/);
      if (at < 0) return read(cell);
      mark = cell[at] as "." | ",";
      const value = read(mark === "," ? cell.replace(",", ".") : cell);
      if (!Number.isNaN(value)) this.decimalMark.decide(mark, row);
      return value;
    }
    if (mark === ".") return read(cell);
    return cell.includes(".") ? NaN : read(cell.replace(",", "."));
  }

  /** Doubles every column's capacity. */
  private grow(): void {
    this.capacity *= 2;
    for (const column of this.columns) {
      const values = new Float64Array(this.capacity);
      values.set(column.values);
      column.values = values;
    }
  }
}

/** A plain decimal number, or NaN (for "0x10", "Infinity", "1e999", "1.5%" ...). */
function read(cell: string): number {
  if (!DECIMAL.test(cell)) return NaN;
  const v = Number(cell);
  return Number.isFinite(v) ? v : NaN;
}

/** The named column of a table; an unknown or non-numeric name is an error listing the columns there are. */
export function returnsColumn(table: ReturnsTable, name: string, source: string): { name: string; values: Float64Array } {
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    const names = table.columns.map((c) => shown(c.name)).join(", ");
    throw new ConfigError(`no return column ${shown(name)}; the numeric columns are ${names}`, { source, field: "column" });
  }
  return column;
}

/**
 * Columns whose values look like prices (or percentages) rather than
 * returns: the median of |value| above 0.5, a 50% return in the typical
 * period, which no return series has but nearly every price series does.
 */
export function priceLikeColumns(columns: ReturnsTable["columns"]): { name: string; median: number }[] {
  const found: { name: string; median: number }[] = [];
  for (const { name, values } of columns) {
    const magnitudes = Float64Array.from(values.filter((v) => !Number.isNaN(v)), Math.abs).sort();
    if (magnitudes.length === 0) continue;
    const mid = magnitudes.length >> 1;
    const median = magnitudes.length % 2 === 1 ? magnitudes[mid] : (magnitudes[mid - 1] + magnitudes[mid]) / 2;
    if (median > 0.5) found.push({ name, median });
  }
  return found;
}

/** Splits one CSV line on `delimiter` outside double quotes; "" inside quotes is a quote. */
export function splitCsvLine(line: string, delimiter: Delimiter = ","): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}
