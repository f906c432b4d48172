import { ConfigError, shown, shownKey, type ErrorLocation } from "../core/errors.ts";
import { detectDelimiter } from "../data/csv-dialect.ts";
import { splitCsvLine } from "../data/returns-csv.ts";
import type { ScoredArticle } from "./article.ts";
import { parseRfc822 } from "./rss.ts";
import { scoreArticle, type SentimentLabel } from "./sentiment.ts";

/**
 * One row of a news file or element of a request's `news`, checked: what
 * `nt news score` scores and, once it has a time, what a backtest reads.
 * `score` and `label` are what the file gave, if anything.
 */
export interface NewsRecord {
  readonly id: string;
  readonly source: string;
  readonly headline: string;
  readonly summary: string;
  readonly url?: string;
  readonly author?: string;
  readonly time?: number;
  readonly symbols: readonly string[];
  readonly score?: number;
  readonly label?: SentimentLabel;
  /** Where it was read, for errors found later (a missing time). */
  readonly where: ErrorLocation;
}

/** The fields a news item may have (JSON keys, CSV columns); created_at is Alpaca's name for time. */
export const NEWS_FIELDS = ["time", "created_at", "updated", "updated_at", "id", "source", "headline", "summary", "content", "url", "author", "symbols", "score", "label", "images"] as const;
const LABELS: readonly SentimentLabel[] = ["positive", "negative", "neutral"];
/** The most items a news file or request may hold. */
export const MAX_NEWS_ITEMS = 1_000_000;

/**
 * A news file's text: JSON (an array of items, or an object whose `news`
 * is one, as Alpaca answers), JSON lines (one item per line, as `nt news
 * stream` writes) or CSV with a header naming NEWS_FIELDS columns (symbols
 * separated by spaces, commas or semicolons in their cell). Errors name the
 * file and the row (CSV), the line (JSON lines) or the item's path (JSON).
 */
export function parseNewsText(text: string, source: string): NewsRecord[] {
  const body = text.replace(/^\uFEFF/, "");
  const first = body.trimStart()[0];
  if (first === "[") return newsItems(parseJson(body, source), "", source);
  if (first === "{") {
    const whole = tryJson(body);
    if (!whole.ok) {
      // JSON lines only when the first line is an object on its own; else one document, broken where JSON.parse says.
      if (tryJson(body.trimStart().split(/\r?\n/, 1)[0]).ok) return newsLines(body, source);
      throw new ConfigError(`not valid JSON: ${whole.message}`, { source });
    }
    // One object is Alpaca's answer, or a single news item (a file of one JSON line, or pretty-printed): told apart by its keys.
    const o = whole.value as Record<string, unknown>;
    if (o.news === undefined && Object.keys(o).some((k) => (NEWS_FIELDS as readonly string[]).includes(k))) return newsItems([o], "", source);
    if (!Array.isArray(o.news)) throw new ConfigError("expected a JSON array of news items, an object with one under \"news\", or JSON lines of news items", { source });
    return newsItems(o.news, "news", source);
  }
  return newsCsv(body, source);
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message.slice(0, 200) };
  }
}

function parseJson(text: string, source: string): unknown {
  const parsed = tryJson(text);
  if (!parsed.ok) throw new ConfigError(`not valid JSON: ${parsed.message}`, { source });
  return parsed.value;
}

/** JSON lines: one news item per non-empty line, each error naming its line. */
function newsLines(text: string, source: string): NewsRecord[] {
  const items: unknown[] = [];
  const lineOf: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const parsed = tryJson(line);
    if (!parsed.ok) throw new ConfigError(`line ${i + 1} is not valid JSON: ${parsed.message}`, { source });
    items.push(parsed.value);
    lineOf.push(i + 1);
  });
  return newsItems(items, "", source, (i) => `line ${lineOf[i]}`);
}

/**
 * A JSON array of news items (a request's `news`, at `field`); `source` names
 * a file they came from, `itemPath` how an error names item i.
 */
export function newsItems(value: unknown, field: string, source?: string, itemPath = (i: number) => `${field}[${i}]`): NewsRecord[] {
  const at = (f: string): ErrorLocation => ({ field: f, source });
  if (!Array.isArray(value)) throw new ConfigError(`${field || "news"} must be an array of news items, got ${shown(value)}`, at(field || "news"));
  if (value.length > MAX_NEWS_ITEMS) throw new ConfigError(`${field || "news"} holds ${value.length} items; at most ${MAX_NEWS_ITEMS}`, at(field || "news"));
  return value.map((item, i) => {
    const path = itemPath(i);
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw new ConfigError(`${path} must be an object, got ${shown(item)}`, at(path));
    const o = item as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!(NEWS_FIELDS as readonly string[]).includes(key)) throw new ConfigError(`${path}.${shownKey(key)} is not a known field; expected one of ${NEWS_FIELDS.join(", ")}`, at(`${path}.${shownKey(key)}`));
    }
    const where = (name: string) => at(`${path}.${name}`);
    const symbols = o.symbols === undefined ? [] : o.symbols;
    if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== "string" || !/^\S{1,32}$/.test(s))) {
      throw new ConfigError(`${path}.symbols must be an array of tickers, got ${shown(o.symbols)}`, where("symbols"));
    }
    const timeValue = o.time ?? o.created_at;
    const timeName = o.time === undefined && o.created_at !== undefined ? "created_at" : "time";
    return record({
      id: o.id === undefined ? undefined : typeof o.id === "number" ? String(o.id) : o.id,
      source: o.source, headline: o.headline, summary: o.summary, url: o.url, author: o.author, symbols: symbols as string[],
      time: timeValue, score: o.score, label: o.label,
    }, (name) => (name === "time" ? where(timeName) : where(name)), `${path}.`, source ?? "request", `${i + 1}`);
  });
}

function newsCsv(text: string, source: string): NewsRecord[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new ConfigError("the file is empty; expected news as JSON, JSON lines or CSV (a header such as time,headline,symbols)", { source });
  const delimiter = detectDelimiter(lines[0]);
  const header = splitCsvLine(lines[0], delimiter).map((h) => h.trim().toLowerCase());
  header.forEach((h, c) => {
    if (!(NEWS_FIELDS as readonly string[]).includes(h)) throw new ConfigError(`column ${c + 1} ${shown(h)} is not a news field; expected some of ${NEWS_FIELDS.join(", ")}`, { source, row: 0 });
  });
  if (!header.includes("headline") && !header.includes("score")) throw new ConfigError("the header needs a headline or a score column", { source, row: 0 });
  if (lines.length - 1 > MAX_NEWS_ITEMS) throw new ConfigError(`${lines.length - 1} rows; at most ${MAX_NEWS_ITEMS}`, { source });
  const out: NewsRecord[] = [];
  for (let r = 1; r < lines.length; r++) {
    if (lines[r].trim() === "") continue;
    const cells = splitCsvLine(lines[r], delimiter);
    const row = { source, row: r };
    if (cells.length !== header.length) throw new ConfigError(`has ${cells.length} cells; the header has ${header.length}`, row);
    const cell = (name: string): string | undefined => {
      const c = header.indexOf(name);
      return c < 0 || cells[c].trim() === "" ? undefined : cells[c].trim();
    };
    const scoreText = cell("score");
    const score = scoreText === undefined ? undefined : /^[+-]?(\d+\.?\d*|\.\d+)$/.test(scoreText) ? Number(scoreText) : scoreText;
    out.push(record({
      id: cell("id"), source: cell("source"), headline: cell("headline"), summary: cell("summary"), url: cell("url"), author: cell("author"),
      symbols: (cell("symbols") ?? "").split(/[\s,;|]+/).filter((s) => s !== ""),
      time: cell("time") ?? cell("created_at"), score, label: cell("label"),
    }, () => row, "", source, `row ${r}`));
  }
  return out;
}

interface Raw {
  id?: unknown; source?: unknown; headline?: unknown; summary?: unknown; url?: unknown; author?: unknown;
  symbols: string[]; time?: unknown; score?: unknown; label?: unknown;
}

/** Checks one item's fields; `prefix` starts each field's name in messages (news[3].), `fallbackId` stands in for a missing id. */
function record(raw: Raw, at: (name: string) => ErrorLocation, prefix: string, source: string, fallbackId: string): NewsRecord {
  const text = (name: keyof Raw, value: unknown, max: number): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw new ConfigError(`${prefix}${name} must be text, got ${shown(value)}`, at(name));
    if (value.length > max) throw new ConfigError(`${prefix}${name} is ${value.length} characters; at most ${max}`, at(name));
    return value;
  };
  const headline = text("headline", raw.headline, 2_000) ?? "";
  const summary = text("summary", raw.summary, 20_000) ?? "";
  let score: number | undefined;
  if (raw.score !== undefined) {
    if (typeof raw.score !== "number" || !(raw.score >= -1 && raw.score <= 1)) throw new ConfigError(`${prefix}score must be a number from -1 to 1, got ${shown(raw.score)}`, at("score"));
    score = raw.score;
  }
  if (headline === "" && score === undefined) throw new ConfigError(`${prefix}headline is missing: give a headline to score, or a score`, at("headline"));
  let label: SentimentLabel | undefined;
  if (raw.label !== undefined) {
    if (!LABELS.includes(raw.label as SentimentLabel)) throw new ConfigError(`${prefix}label must be one of ${LABELS.join(", ")}, got ${shown(raw.label)}`, at("label"));
    label = raw.label as SentimentLabel;
  }
  const time = raw.time === undefined ? undefined : newsTime(raw.time, `${prefix}time`, at("time"));
  const url = text("url", raw.url, 2_000);
  const author = text("author", raw.author, 500);
  return {
    id: text("id", raw.id, 500) ?? fallbackId, source: text("source", raw.source, 500) ?? source, headline, summary,
    ...(url ? { url } : {}), ...(author ? { author } : {}), ...(time === undefined ? {} : { time }),
    symbols: raw.symbols, ...(score === undefined ? {} : { score }), ...(label ? { label } : {}), where: at("time"),
  };
}

/** Epoch ms from epoch ms, an ISO 8601 date or date-time (UTC unless it says), or an RFC 822 date (RSS). */
export function newsTime(value: unknown, name: string, where: ErrorLocation): number {
  let t = NaN;
  if (typeof value === "number") t = Number.isFinite(value) ? value : NaN;
  else if (typeof value === "string") {
    const s = value.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) t = Date.parse(`${s}T00:00:00Z`);
    else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) t = Date.parse(s.replace(" ", "T"));
    else t = parseRfc822(s);
  }
  if (Number.isNaN(t)) throw new ConfigError(`${name} must be epoch milliseconds or an ISO 8601 time such as 2020-03-02T14:30:00Z (with its zone), got ${shown(value)}`, where);
  return t;
}

/**
 * Records as scored articles for a backtest: each needs its time; a score
 * the file gave is kept, otherwise the headline and summary are scored.
 */
export function scoredArticles(records: readonly NewsRecord[]): ScoredArticle[] {
  return records.map((r) => {
    if (r.time === undefined) {
      throw new ConfigError(`${r.where.field ?? "time"} is missing: a backtest places each article in time (epoch ms or ISO 8601)`, r.where);
    }
    const { where: _where, label: _label, score, ...article } = r;
    return { ...article, time: r.time, score: score ?? scoreArticle(r) };
  });
}

/**
 * An article as a news file holds it, the way nt news fetch and nt news
 * stream write it: its fields and score, the time in ISO 8601 (as nt news
 * score and nt backtest --news read it), the revision time left out.
 */
export function newsFileItem(a: ScoredArticle): Record<string, unknown> {
  const { time, updated: _revised, ...rest } = a;
  return { ...rest, time: new Date(time).toISOString() };
}

/** The news of a request, checked: the array at `field`, each item with a time, scored. */
export function checkNews(value: unknown, field = "news"): ScoredArticle[] {
  return scoredArticles(newsItems(value, field));
}
