import { ConfigError } from "../core/errors.ts";

/**
 * Writes columns as CSV text, one line per row, "\n"-terminated. Numbers use
 * String(x), the shortest text that reads back to the same float64, so a
 * round trip is exact; NaN (an undefined indicator value) is an empty cell.
 * Text cells and header names are quoted only when they hold a comma, quote
 * or line break.
 */
export function toCsv(header: readonly string[], columns: readonly (Float64Array | readonly string[])[]): string {
  return Array.from(csvChunks(header, columns)).join("");
}

/**
 * The text of toCsv in pieces of `rowsPerChunk` rows (the header goes with
 * the first), so a large table can be written to a stream without ever being
 * one string.
 */
export function* csvChunks(
  header: readonly string[], columns: readonly (Float64Array | readonly string[])[], rowsPerChunk = 65_536,
): Generator<string> {
  if (header.length !== columns.length) {
    throw new ConfigError(`toCsv: ${header.length} header names for ${columns.length} columns`, { field: "header" });
  }
  const rows = columns.length === 0 ? 0 : columns[0].length;
  columns.forEach((col, i) => {
    if (col.length !== rows) {
      throw new ConfigError(`toCsv: column "${header[i]}" has ${col.length} rows, expected ${rows}`, { field: header[i] });
    }
  });

  const cells = new Array<string>(columns.length);
  let lines = [header.map(quoteCell).join(",")];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c];
      cells[c] = col instanceof Float64Array ? numberCell(col[r]) : quoteCell(col[r]);
    }
    lines.push(cells.join(","));
    if ((r + 1) % rowsPerChunk === 0) {
      yield lines.join("\n") + "\n";
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join("\n") + "\n";
}

function numberCell(x: number): string {
  return Number.isNaN(x) ? "" : String(x);
}

function quoteCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
