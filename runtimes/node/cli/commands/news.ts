import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadAppConfig, requireAlpacaCredentials } from "../../../../src/config/app-config.ts";
import { shown } from "../../../../src/core/errors.ts";
import type { NewsArticle, ScoredArticle } from "../../../../src/news/article.ts";
import { AlpacaNews } from "../../../../src/news/alpaca-news.ts";
import { dedupe } from "../../../../src/news/dedupe.ts";
import { fetchFeed } from "../../../../src/news/rss.ts";
import { classLabels, ModelSentiment } from "../../../../src/news/model-sentiment.ts";
import { newsFileItem, type NewsRecord } from "../../../../src/news/news-file.ts";
import { scoreArticle, scoreText, sentimentLabel, type SentimentHit, type SentimentLabel } from "../../../../src/news/sentiment.ts";
import { SymbolTagger } from "../../../../src/news/symbols.ts";
import { WordPieceTokenizer } from "../../../../src/news/wordpiece.ts";
import { loadOnnxClassifier } from "../../onnx-sentiment.ts";
import { asUsageError, UsageError, type CliIO, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readNewsRecords } from "../files.ts";
import { streamNews } from "./news-stream.ts";

const usage = `Usage: nt news score FILE [--json] [--model FILE.onnx --vocab vocab.txt [--labels positive,negative,neutral]]
       nt news fetch --source alpaca --symbols A[,B...] [--from DATE] [--to DATE] [--max N] [--config FILE] [--out FILE.json]
       nt news fetch --source rss URL [URL...] --symbols A[,B...] [--alias A=Name ...] [--out FILE.json]
       nt news stream --symbols A[,B...]|'*' [--max N] [--config FILE] [--out FILE.jsonl]

score   Scores each headline with the finance word list (positive and negative words,
        movements read by what moved, negations, intensifiers): a score in (-1, 1) and a
        label (positive from +0.2, negative from -0.2). FILE is JSON (an array of items,
        or {"news": [...]}) or CSV with a header of: time, headline, summary, symbols,
        score, label, id, source, url, author (up to ${MAX_INPUT_LABEL}). With a label
        column, also the accuracy against it and the confusion matrix. With --model, a
        sentiment classifier of your own scores the headlines instead: an ONNX export of a
        BERT-style model (FinBERT, say) taking input_ids (and attention_mask,
        token_type_ids) and giving logits, with its WordPiece vocab.txt; the score is
        P(positive) - P(negative), run by onnxruntime-web.
fetch   Collects news into a news file for nt backtest --news: from Alpaca's news API
        (keys and endpoint from NT_ALPACA_KEY_ID, NT_ALPACA_SECRET, NT_ALPACA_DATA_URL or
        --config FILE), or from RSS 2.0 / Atom feeds, tagged with the symbols whose
        cashtag ($AAPL), ticker or alias they mention. Copies of one story across
        sources are kept once. Each article is scored.
stream  Follows Alpaca's real-time news (keys as for fetch; the WebSocket from
        NT_ALPACA_NEWS_STREAM_URL or news_stream_url under [alpaca]) until Ctrl-C, SIGTERM
        or --max articles. Each article, scored as fetch scores it, is one JSON line (the
        record fetch writes; the lines are a news file for nt backtest --news as they
        are), on stdout or appended to --out as it comes. It
        reconnects by itself and reads the articles published meanwhile from
        NT_ALPACA_DATA_URL, each written once. Status lines (connecting, live,
        reconnecting, closed), skipped messages and a last line with the count go to
        stderr. Refused keys end it with exit code 1.

  --json               score: print {"articles": [...], "accuracy": ...} as JSON
  --model FILE.onnx    score: the classifier (needs --vocab)
  --vocab vocab.txt    score: its WordPiece vocabulary, one piece a line
  --labels LIST        score: its output classes in order (default positive,negative,neutral, FinBERT's)
  --cased              score: the vocabulary is cased (default: lower-case the text, as uncased BERT)
  --source alpaca|rss  where fetch collects from
  --symbols A[,B...]   the tickers to collect (alpaca) or tag (rss); stream: or '*' for all news
  --alias A=Name       rss: a name that stands for ticker A, matched as written; repeatable
  --from DATE --to DATE  alpaca: the time range (ISO 8601; default: the last 7 days)
  --max N              alpaca: at most N articles (default: all in the range); stream: end after N
  --config FILE        the TOML settings file (see nt serve --help)
  --out FILE           fetch: write the news file there (default: print it);
                       stream: append the lines there (default: print them)`;

export const newsCommand: Command = {
  name: "news",
  summary: "score headlines with the finance word list, fetch news from Alpaca or RSS/Atom feeds, or stream Alpaca's",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false }, source: { type: "string" }, symbols: { type: "string" },
        alias: { type: "string", multiple: true, default: [] }, from: { type: "string" }, to: { type: "string" },
        max: { type: "string" }, config: { type: "string" }, out: { type: "string" },
        model: { type: "string" }, vocab: { type: "string" }, labels: { type: "string" }, cased: { type: "boolean", default: false },
      },
    });
    const [action, ...rest] = positionals;
    if (action === "score") {
      for (const flag of ["source", "symbols", "from", "to", "max", "config", "out"] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to nt news fetch${["source", "from", "to"].includes(flag) ? "" : " and nt news stream"}`);
      }
      if (rest.length !== 1) throw new UsageError("nt news score takes one FILE");
      return score(rest[0], values.json!, await modelScorer(values, io), io);
    }
    if (action === "fetch") {
      if (values.json) throw new UsageError("--json belongs to nt news score; fetch writes JSON anyway");
      for (const flag of ["model", "vocab", "labels"] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to nt news score`);
      }
      return fetchNews(values, rest, io);
    }
    if (action === "stream") {
      if (values.json) throw new UsageError("--json belongs to nt news score; stream writes JSON lines anyway");
      if (values.cased) throw new UsageError("--cased belongs to nt news score");
      for (const flag of ["model", "vocab", "labels"] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to nt news score`);
      }
      for (const flag of ["source", "from", "to"] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to nt news fetch; stream reads Alpaca's news from now on`);
      }
      if (values.alias!.length > 0) throw new UsageError("--alias belongs to nt news fetch --source rss: Alpaca tags its articles itself");
      return streamNews(values, rest, io);
    }
    throw new UsageError(action === undefined ? "say what to do: nt news score FILE, nt news fetch or nt news stream" : `unknown action ${shown(action)}; expected score, fetch or stream`);
  },
};

type Matrix = Record<SentimentLabel, Record<SentimentLabel, number>>;
const LABELS: readonly SentimentLabel[] = ["positive", "neutral", "negative"];

/** What scores a headline: the word list (with its hits), or a model given with --model. */
type Scorer = (record: NewsRecord) => Promise<{ score: number; hits?: readonly SentimentHit[]; probabilities?: readonly number[] }>;

const wordList: Scorer = async (r) => ({ score: scoreArticle(r), hits: scoreText(r.headline).hits });

async function modelScorer(values: { model?: string; vocab?: string; labels?: string; cased?: boolean }, io: CliIO): Promise<{ scorer: Scorer; close(): Promise<void> }> {
  if (values.model === undefined) {
    if (values.vocab !== undefined || values.labels !== undefined || values.cased) throw new UsageError("--vocab, --labels and --cased go with --model");
    return { scorer: wordList, close: async () => {} };
  }
  if (values.vocab === undefined) throw new UsageError("--model needs --vocab: the model's vocab.txt");
  const labels = asUsageError(() => classLabels(values.labels ?? "positive,negative,neutral"));
  const tokenizer = new WordPieceTokenizer(readFileSync(resolve(io.cwd, values.vocab), "utf8"), { lowercase: !values.cased, source: values.vocab });
  const classifier = await loadOnnxClassifier(readFileSync(resolve(io.cwd, values.model)), values.model);
  const model = new ModelSentiment(tokenizer, classifier, labels);
  return { scorer: (r) => model.score(r.headline), close: () => classifier.close() };
}

async function score(file: string, json: boolean, using: { scorer: Scorer; close(): Promise<void> }, io: CliIO): Promise<number> {
  let records: NewsRecord[];
  const scored: { record: NewsRecord; score: number; label: SentimentLabel; hits?: readonly SentimentHit[]; probabilities?: readonly number[] }[] = [];
  try {
    records = await readNewsRecords(resolve(io.cwd, file), file);
    for (const r of records) {
      const s = await using.scorer(r);
      scored.push({ record: r, ...s, label: sentimentLabel(s.score) });
    }
  } finally {
    await using.close();
  }
  const labelled = scored.filter((s) => s.record.label !== undefined);
  const matrix = Object.fromEntries(LABELS.map((l) => [l, { positive: 0, neutral: 0, negative: 0 }])) as Matrix;
  for (const s of labelled) matrix[s.record.label!][s.label]++;
  const right = labelled.filter((s) => s.record.label === s.label).length;
  const accuracy = labelled.length === 0 ? undefined : { n: labelled.length, right, accuracy: right / labelled.length, matrix };
  if (json) {
    const articles = scored.map(({ record: r, score: s, label, hits, probabilities }) => ({
      id: r.id, ...(r.time === undefined ? {} : { time: new Date(r.time).toISOString() }), headline: r.headline, symbols: r.symbols,
      score: s, label, ...(r.label ? { expected: r.label } : {}), ...(hits ? { hits } : {}), ...(probabilities ? { probabilities } : {}),
    }));
    io.out(JSON.stringify({ articles, ...(accuracy ? { accuracy } : {}) }) + "\n");
    return 0;
  }
  const lines = scored.map(({ record: r, score: s, label }) =>
    `${(s >= 0 ? "+" : "") + s.toFixed(2)}  ${label.padEnd(8)}${r.label ? ` ${r.label === label ? "  " : "≠ "}${r.label.padEnd(8)}` : ""}  ${r.headline}`);
  if (accuracy) {
    lines.push("", `accuracy against the label column: ${right} of ${labelled.length} (${(100 * accuracy.accuracy).toFixed(1)}%)`,
      "label \\ scored   positive  neutral  negative",
      ...LABELS.map((l) => `${l.padEnd(16)} ${LABELS.map((g) => String(matrix[l][g]).padStart(8)).join(" ")}`));
  }
  io.out(lines.join("\n") + "\n");
  return 0;
}

type FetchFlags = { source?: string; symbols?: string; alias?: string[]; from?: string; to?: string; max?: string; config?: string; out?: string };

async function fetchNews(values: FetchFlags, urls: string[], io: CliIO): Promise<number> {
  if (values.source !== "alpaca" && values.source !== "rss") throw new UsageError(`--source must be alpaca or rss, got ${shown(values.source ?? "nothing")}`);
  if (values.symbols === undefined) throw new UsageError("--symbols is required: the tickers to collect or tag, comma-separated");
  const symbols = [...new Set(values.symbols.split(",").map((s) => s.trim()))];
  if (symbols.some((s) => !/^[A-Z][A-Z0-9.-]{0,9}$/.test(s))) throw new UsageError(`--symbols must be tickers in capitals separated by commas, got ${shown(values.symbols)}`);
  let articles: NewsArticle[];
  if (values.source === "alpaca") {
    if (urls.length > 0) throw new UsageError("--source alpaca takes no URL; its endpoint is NT_ALPACA_DATA_URL (or data_url under [alpaca])");
    if (values.alias!.length > 0) throw new UsageError("--alias belongs to --source rss: Alpaca tags its articles itself");
    const config = loadAppConfig({ env: process.env, file: values.config === undefined ? undefined : { name: values.config, text: readFileSync(resolve(io.cwd, values.config), "utf8") } });
    const to = values.to === undefined ? Date.now() : time(values.to, "--to");
    const from = values.from === undefined ? to - 7 * 86_400_000 : time(values.from, "--from");
    if (!(from <= to)) throw new UsageError(`--from (${values.from}) is after --to (${values.to ?? "now"})`);
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && !(/^\d{1,7}$/.test(values.max!) && max >= 1)) throw new UsageError(`--max must be a whole number of articles from 1, got ${shown(values.max)}`);
    const client = new AlpacaNews({ credentials: requireAlpacaCredentials(config), restUrl: config.alpaca.dataUrl });
    articles = await client.articles({ symbols, start: from, end: to, maxArticles: max });
  } else {
    for (const flag of ["from", "to", "max", "config"] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to --source alpaca; a feed gives what it has`);
    }
    if (urls.length === 0) throw new UsageError("--source rss needs the feeds' URLs");
    const aliases: Record<string, string[]> = {};
    for (const pair of values.alias!) {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--alias expects TICKER=Name, got ${shown(pair)}`);
      (aliases[pair.slice(0, eq).trim()] ??= []).push(pair.slice(eq + 1).trim());
    }
    let tagger: SymbolTagger;
    try {
      tagger = new SymbolTagger({ symbols, aliases });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/^aliases\./, "--alias "));
    }
    articles = [];
    for (const url of urls) {
      if (!/^https?:\/\//.test(url)) throw new UsageError(`a feed is an http(s) URL, got ${shown(url)}`);
      const feed = await fetchFeed(url, { tagger });
      for (const problem of feed.skipped) io.err(`nt news: warning: ${problem}; skipped\n`);
      articles.push(...feed.articles);
    }
  }
  const unique = dedupe(articles);
  const scored: ScoredArticle[] = unique.map((a) => ({ ...a, score: scoreArticle(a) }));
  const text = JSON.stringify(scored.map(newsFileItem), null, 1) + "\n";
  if (values.out === undefined) io.out(text);
  else {
    writeFileSync(resolve(io.cwd, values.out), text);
    const dropped = articles.length - unique.length;
    io.out(`${scored.length} articles written to ${values.out}${dropped > 0 ? ` (${dropped} duplicate${dropped === 1 ? "" : "s"} left out)` : ""}\n`);
  }
  return 0;
}

function time(text: string, flag: string): number {
  const t = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(text) ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`${flag} must be an ISO 8601 date or time with its zone, such as 2026-01-05 or 2026-01-05T14:30:00Z, got ${shown(text)}`);
  return t;
}
