// nt news stream: Alpaca's real-time news as JSON lines, one scored article a line.
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { WebSocket } from "ws";
import { loadAppConfig, requireAlpacaCredentials } from "../../../../src/config/app-config.ts";
import { shown } from "../../../../src/core/errors.ts";
import type { NewsArticle } from "../../../../src/news/article.ts";
import { AlpacaNewsStream, type NewsStreamStatus } from "../../../../src/news/alpaca-news-stream.ts";
import { newsFileItem } from "../../../../src/news/news-file.ts";
import { scoreArticle } from "../../../../src/news/sentiment.ts";
import { StreamError } from "../../../../src/net/errors.ts";
import type { WebSocketConstructor } from "../../../../src/net/websocket.ts";
import { UsageError, type CliIO } from "../command.ts";

export type StreamFlags = { symbols?: string; max?: string; config?: string; out?: string };

/**
 * Streams Alpaca's news until SIGINT/SIGTERM, --max articles, or an error
 * that ends the stream (refused keys: exit 1). Each article is scored as
 * nt news fetch scores it and written at once as one JSON line (the record
 * nt news fetch writes); status lines and skipped messages go to stderr.
 */
export async function streamNews(values: StreamFlags, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`nt news stream takes no ${shown(positionals[0])}: it reads Alpaca's news stream (NT_ALPACA_NEWS_STREAM_URL)`);
  const symbols = streamSymbols(values.symbols);
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && !(/^\d{1,7}$/.test(values.max!) && max >= 1)) throw new UsageError(`--max must be a whole number of articles from 1, got ${shown(values.max)}`);
  const out = values.out === undefined ? undefined : jsonLinesOut(values.out, io.cwd);
  const config = loadAppConfig({ env: process.env, file: values.config === undefined ? undefined : { name: values.config, text: readFileSync(resolve(io.cwd, values.config), "utf8") } });
  const credentials = requireAlpacaCredentials(config);
  const streamUrl = config.alpaca.newsStreamUrl;
  const say = (text: string) => io.err(`nt news: ${text}\n`);

  // Appended line by line, each written through to the file at once: a kill loses nothing written.
  const fd = out === undefined ? undefined : openSync(out, "a");
  const write = fd === undefined ? (line: string) => io.out(line) : (line: string) => appendAll(fd, line);
  const stream = new AlpacaNewsStream({ credentials, streamUrl, restUrl: config.alpaca.dataUrl, WebSocket: WebSocket as unknown as WebSocketConstructor }, symbols);

  let written = 0;
  let ending: string | undefined;
  let fatal: Error | undefined;
  let writeFailed: Error | undefined;
  const stop = (why: string) => {
    if (ending !== undefined) return;
    ending = why;
    stream.close();
  };
  const onSignal = (signal: NodeJS.Signals) => stop(`stopped by ${signal}`);
  // A reader that went away (nt news stream | head -3) ends the stream, not the process with EPIPE.
  // The error is told after the write that failed, which was counted.
  const onStdoutError = (e: NodeJS.ErrnoException) => stop(`${e.code === "EPIPE" ? "the reader of stdout went away" : `stdout: ${e.message}`}; the last line may not have reached it`);
  // Once: a second Ctrl-C kills as usual if closing hangs.
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (fd === undefined) process.stdout.on("error", onStdoutError);
  try {
    const closed = await new Promise<Extract<NewsStreamStatus, { state: "closed" }>>((done) => {
      stream.start({
        onArticle(a: NewsArticle) {
          if (ending !== undefined) return;
          try {
            write(JSON.stringify(newsFileItem({ ...a, score: scoreArticle(a) })) + "\n");
          } catch (e) {
            // A full disk, say: the stream ends rather than go on losing articles.
            writeFailed = e as Error;
            stop("writing failed");
            return;
          }
          written++;
          if (max !== undefined && written >= max) stop(`--max ${max} reached`);
        },
        onError(e, ends) {
          if (ends) fatal = e;
          else say(`warning: ${e.message}`);
        },
        onStatus(s) {
          // A close we did not ask for is told once, as the error that ends the command.
          if (s.state !== "closed" || ending !== undefined) say(statusLine(s, streamUrl, symbols));
          if (s.state === "closed") done(s);
        },
      });
    });
    if (ending === undefined) throw fatal ?? new StreamError(`Alpaca news stream closed: ${closed.reason}`, "closed", false);
    say(`${written} article${written === 1 ? "" : "s"} written${values.out === undefined ? "" : ` to ${values.out}`} (${ending})`);
    if (writeFailed) throw writeFailed;
    return 0;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    process.stdout.removeListener("error", onStdoutError);
    stream.close();
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * --out, checked before anything is opened: a new or empty file, or one of
 * JSON lines that ends with a line break, so what is appended keeps it a
 * news file. Returns its path.
 */
function jsonLinesOut(out: string, cwd: string): string {
  if (out.trim() === "") throw new UsageError("--out needs a file name");
  const path = resolve(cwd, out);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return path;
    throw new UsageError(`--out ${out}: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UsageError(`--out ${out}: is a directory; give a file name`);
    if (!stat.isFile() || stat.size === 0) return path;
    const head = Buffer.alloc(Math.min(stat.size, 4096));
    readSync(fd, head, 0, head.length, 0);
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, stat.size - 1);
    const first = head.toString("utf8").replace(/^\uFEFF/, "").trimStart()[0];
    if (first !== "{" || last[0] !== 0x0a) {
      throw new UsageError(`--out ${out} holds something other than JSON lines ending with a line break; appending would make it unreadable as a news file: give a new file`);
    }
    return path;
  } finally {
    closeSync(fd);
  }
}

/** Writes all of line at the end of fd: a short write (a nearly full disk) goes on where it stopped, or throws. */
function appendAll(fd: number, line: string): void {
  const bytes = Buffer.from(line, "utf8");
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** --symbols: tickers in capitals, comma-separated, or "*" alone for all news. */
function streamSymbols(text: string | undefined): string[] {
  if (text === undefined) throw new UsageError("--symbols is required: the tickers whose news to stream, comma-separated, or '*' for all news");
  const symbols = [...new Set(text.split(",").map((s) => s.trim()))];
  if (symbols.length === 1 && symbols[0] === "*") return symbols;
  if (symbols.some((s) => !/^[A-Z][A-Z0-9.-]{0,9}$/.test(s))) throw new UsageError(`--symbols must be tickers in capitals separated by commas, or '*' alone for all news, got ${shown(text)}`);
  return symbols;
}

function statusLine(s: NewsStreamStatus, url: string, symbols: readonly string[]): string {
  switch (s.state) {
    case "connecting":
      return `connecting to ${url}`;
    case "live":
      return `live: ${symbols[0] === "*" ? "all news" : `news about ${symbols.join(", ")}`}`;
    case "reconnecting":
      return `reconnecting in ${(s.retryInMs / 1000).toFixed(1)} s: ${s.reason}`;
    case "closed":
      return `closed: ${s.reason}`;
  }
}
