// Input files for the CLI: checked up front, then streamed into an
// incremental parser, so memory follows what is parsed, not the file's text.
import { open } from "node:fs/promises";
import { ConfigError } from "../../../src/core/errors.ts";
import { wholeText, type TextChunkParser } from "../../../src/data/csv-dialect.ts";
import type { ScoredArticle } from "../../../src/news/article.ts";
import { parseNewsText, scoredArticles, type NewsRecord } from "../../../src/news/news-file.ts";

/** The largest input file read: 4 GiB, tens of millions of bars (48 bytes each once parsed). */
export const MAX_INPUT_BYTES = 4 * 2 ** 30;
export const MAX_INPUT_LABEL = "4 GiB";


/**
 * Reads `path` as UTF-8 (invalid bytes become U+FFFD, as in readFileSync)
 * into `parser` in chunks (1 MiB unless told) and returns what it makes of
 * the whole. A directory or a file over MAX_INPUT_BYTES is refused before any
 * reading; `shown` is the path as the user wrote it, named in those errors.
 */
export async function readTextFile<T>(path: string, shown: string, parser: TextChunkParser<T>, chunkBytes = 1 << 20): Promise<T> {
  const handle = await open(path, "r");
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new ConfigError("is a directory; expected a CSV file", { source: shown });
    if (stat.size > MAX_INPUT_BYTES) {
      throw new ConfigError(`${stat.size} bytes (${formatBytes(stat.size)}) is over the ${MAX_INPUT_LABEL} limit for input files; ` +
        "split it (by year, say) or use longer bars", { source: shown });
    }
    const decoder = new TextDecoder("utf-8");
    for await (const bytes of handle.createReadStream({ highWaterMark: chunkBytes, autoClose: false })) {
      parser.push(decoder.decode(bytes as Buffer, { stream: true }));
    }
    parser.push(decoder.decode());
    return parser.finish();
  } finally {
    await handle.close();
  }
}

function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** A news file (JSON or CSV, see src/news/news-file.ts) as records; `shown` names it in errors. */
export function readNewsRecords(path: string, shown: string): Promise<NewsRecord[]> {
  return readTextFile(path, shown, wholeText((text) => parseNewsText(text, shown)));
}

/** A news file as scored articles for a backtest: each with its time, scored where the file gives no score. */
export async function readNewsFile(path: string, shown: string): Promise<ScoredArticle[]> {
  return scoredArticles(await readNewsRecords(path, shown));
}
