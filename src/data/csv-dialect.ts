/**
 * What the CSV readers share: reading text in chunks, and the dialect of a
 * file (its delimiter and decimal mark), decided from the file itself.
 */

/**
 * A parser fed text in pieces of any size (a line, a character or a UTF-8
 * character may be split between two), so a file can be read as a stream
 * with memory for what is parsed, not for the text. `finish` ends the input.
 */
export interface TextChunkParser<T> {
  push(chunk: string): void;
  finish(): T;
}

/**
 * The longest line a chunk parser carries while it waits for the line's end:
 * a line of bars or returns is far shorter, so a longer one means the input is
 * not a CSV file (a binary file, or one line of gigabytes), and carrying it on
 * would only end in an out-of-memory or string-length failure.
 */
export const MAX_LINE_CHARS = 2 ** 20;

export function lineTooLong(): string {
  return "no line break in the first 1 MiB of this line; is this a CSV file?";
}

/** Feeds one whole text to a chunk parser: the whole-text form of every reader. */
export function parseWhole<T>(parser: TextChunkParser<T>, text: string): T {
  parser.push(text);
  return parser.finish();
}

/**
 * A chunk parser that keeps the whole text and hands it to `read` at the
 * end: for formats read at once (JSON, a holdings or news file), fed by the
 * same streaming readers as the rest.
 */
export function wholeText<T>(read: (text: string) => T): TextChunkParser<T> {
  const parts: string[] = [];
  return { push: (chunk) => void parts.push(chunk), finish: () => read(parts.join("")) };
}

export type Delimiter = "," | ";" | "\t";

const DELIMITER_NAME: Record<Delimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

export function delimiterName(delimiter: Delimiter): string {
  return DELIMITER_NAME[delimiter];
}

/**
 * The delimiter of a file from its header line: whichever of comma,
 * semicolon and tab occurs most often outside double quotes (comma on a
 * tie or when none occurs, so a one-column header stays one column).
 */
export function detectDelimiter(header: string): Delimiter {
  let commas = 0, semicolons = 0, tabs = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i];
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === ",") commas++;
    else if (ch === ";") semicolons++;
    else if (ch === "\t") tabs++;
  }
  if (commas >= semicolons && commas >= tabs) return ",";
  return semicolons >= tabs ? ";" : "\t";
}

/**
 * The decimal mark of a file. A comma-separated file can only use ".". A
 * semicolon- or tab-separated file may use "," (the European convention of
 * spreadsheets in those locales) or "."; the first number written with either
 * decides for the whole file, so a number with the other mark is an error
 * rather than a silent misreading (is "1.234" one thousand or one?).
 */
export class DecimalMark {
  /** "." or ","; undefined until a number decides it. */
  mark: "." | "," | undefined;
  /** The data row whose number decided the mark. */
  decidedAt = 0;

  constructor(delimiter: Delimiter) {
    this.mark = delimiter === "," ? "." : undefined;
  }

  /** Takes `mark` as the file's, first seen in `row`. */
  decide(mark: "." | ",", row: number): void {
    this.mark = mark;
    this.decidedAt = row;
  }

  /** Why `cell` was not read as a number, when the decimal mark is the reason; "" otherwise. */
  explain(cell: string): string {
    if (cell.includes(".") && cell.includes(",")) return ' (digit grouping such as "1.234,5" is not read)';
    const other = this.mark === "," ? "." : ",";
    if (this.mark === undefined || !cell.includes(other) || this.decidedAt === 0) return "";
    return `; this file's decimal mark is "${this.mark}" (as in row ${this.decidedAt})`;
  }
}
