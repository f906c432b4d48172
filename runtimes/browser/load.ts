// Reading a file in the engine's worker (the data's CSV, a strategy's input
// files): the bytes streamed into an incremental parser (src/data/csv.ts) in
// slices, with progress after each and a cancel check between them, so
// neither the page nor the worker holds a CSV's whole text (the formats read
// at once, holdings and news, are kept whole by their parser). A file that
// is not text is refused by name, and by the text it should have held,
// before its first row is read.
import { MarketDataError } from "../../src/core/errors.ts";
import type { TextChunkParser } from "../../src/data/csv-dialect.ts";

/** How much of the start of a file is checked for being text. */
export const SNIFF_BYTES = 8192;

/** The text a file is read as unless told (the data, a series or holdings file). */
export const CSV_TEXT = "CSV text";

/**
 * Why the first bytes of a file say it is not UTF-8 text (a NUL byte, a
 * UTF-16 byte order mark, bytes that are not UTF-8), or null when they are
 * text. `bytes` may end inside a character: only what is complete is judged.
 * `format` names the text expected ("CSV text", "JSON, JSON lines or CSV text").
 */
export function binaryProblem(bytes: Uint8Array, format = CSV_TEXT): string | null {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return "it is UTF-16 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet) and load it again";
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `byte ${nul + 1} is a NUL byte, which ${format} never holds`;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return `its first ${bytes.length} bytes are not UTF-8 text`;
  }
  return null;
}

export interface StreamOptions {
  /** The file's name, as errors show it. */
  readonly source: string;
  /** The text the file should hold, as a binary file's error names it; CSV_TEXT unless told. */
  readonly format?: string;
  /** Longest stretch of parsing between yields, in ms. */
  readonly sliceMs: number;
  readonly now: () => number;
  /** Lets queued messages (a cancel) through. */
  readonly yieldNow: () => Promise<void>;
  readonly cancelled: () => boolean;
  /** Bytes read so far, after each slice. */
  readonly onProgress: (bytes: number) => void;
}

/**
 * Feeds a byte stream to a chunk parser and returns what it parsed, or null
 * when cancelled (the stream is then cancelled too). A file whose first
 * SNIFF_BYTES are not UTF-8 text is refused with a MarketDataError naming it
 * as binary and the text it should be (o.format), rather than a parse error
 * on its first row.
 */
export async function parseStream<T>(stream: ReadableStream<Uint8Array>, parser: TextChunkParser<T>, o: StreamOptions): Promise<T | null> {
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8");
  const head = new Uint8Array(SNIFF_BYTES);
  let headBytes = 0;
  // Chunks wait here until the head they start is judged to be text.
  let held: Uint8Array[] | null = [];
  const judge = () => {
    const format = o.format ?? CSV_TEXT;
    const problem = binaryProblem(head.subarray(0, headBytes), format);
    if (problem !== null) throw new MarketDataError(`a binary file, not ${format} (${problem})`, { source: o.source });
    for (const chunk of held!) parser.push(decoder.decode(chunk, { stream: true }));
    held = null;
  };
  let bytes = 0;
  let sliceStart = o.now();
  for (;;) {
    if (o.cancelled()) {
      await reader.cancel();
      return null;
    }
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (held) {
      const take = Math.min(SNIFF_BYTES - headBytes, value.length);
      head.set(value.subarray(0, take), headBytes);
      headBytes += take;
      held.push(value);
      if (headBytes === SNIFF_BYTES) judge();
    } else {
      parser.push(decoder.decode(value, { stream: true }));
    }
    if (o.now() - sliceStart >= o.sliceMs) {
      o.onProgress(bytes);
      await o.yieldNow();
      sliceStart = o.now();
    }
  }
  if (held) judge();
  parser.push(decoder.decode());
  o.onProgress(bytes);
  return parser.finish();
}
