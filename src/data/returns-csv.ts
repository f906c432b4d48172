import { ConfigError, MarketDataError, shown } from "../core/errors.ts";

/** Return series read from a CSV: the first column labels the dates, the others hold returns. */
export interface ReturnsTable {
  dates: string[];
  /** Every column with at least one number; NaN where a cell is missing. */
  columns: { name: string; values: Float64Array }[];
}

const MISSING = new Set(["", "na", "nan", "n/a", "null", "#n/a"]);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a returns CSV: a header row (names may be quoted), then one row per
 * date, the first column a date, the others returns as decimal numbers.
 * Empty and NA cells are missing values (NaN). A column with no number at
 * all (a text column) is left out; any other cell that is not a number is an
 * error naming `source`, the row and the column.
 */
export function parseReturnsCsv(text: string, source: string): ReturnsTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new MarketDataError("the file is empty; expected a header row (date, then return columns)", { source });
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  if (header.length < 2) {
    throw new MarketDataError(`the header has ${header.length} column; expected a date column and at least one return column`, { source });
  }
  const rows = lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      throw new MarketDataError(`${cells.length} cells, but the header has ${header.length}`, { source, row: i + 1 });
    }
    return cells.map((c) => c.trim());
  });
  const columns: ReturnsTable["columns"] = [];
  for (let c = 1; c < header.length; c++) {
    const cells = rows.map((r) => r[c]);
    if (!cells.some((cell) => DECIMAL.test(cell))) continue;
    const values = new Float64Array(rows.length);
    cells.forEach((cell, r) => {
      if (MISSING.has(cell.toLowerCase())) {
        values[r] = NaN;
        return;
      }
      const v = Number(cell);
      if (!DECIMAL.test(cell) || !Number.isFinite(v)) {
        throw new MarketDataError(`column ${shown(header[c])} has ${shown(cell)}, which is not a return (a decimal number such as -0.0125)`,
          { source, row: r + 1, field: header[c] });
      }
      values[r] = v;
    });
    columns.push({ name: header[c], values });
  }
  if (columns.length === 0) {
    throw new MarketDataError(`no numeric return column; the columns are ${header.map(shown).join(", ")}`, { source });
  }
  return { dates: rows.map((r) => r[0]), columns };
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

/** Splits one CSV line on commas outside double quotes; "" inside quotes is a quote. */
export function splitCsvLine(line: string): string[] {
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
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}
