import { XMLParser, XMLValidator } from "fast-xml-parser";
import { shown } from "../core/errors.ts";
import { parseRfc3339 } from "../feeds/rfc3339.ts";
import { ProtocolError } from "../net/errors.ts";
import { HttpClient, type Fetch } from "../net/http.ts";
import type { RetryPolicy } from "../net/retry.ts";
import type { Timers } from "../net/timers.ts";
import { plainText, type NewsArticle } from "./article.ts";
import type { SymbolTagger } from "./symbols.ts";

/** The articles of a feed, and the items left out, each with why (naming the feed and the element). */
export interface ParsedFeed {
  /** The feed's own title, or the source it was read from. */
  readonly title: string;
  readonly articles: NewsArticle[];
  readonly skipped: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, parseAttributeValue: false, trimValues: true,
  // dc:creator and an RSS feed's atom:link read as creator and link; Atom with a prefix (atom:feed) reads as plain Atom.
  removeNSPrefix: true,
  isArray: (name) => name === "item" || name === "entry" || name === "link" || name === "author",
});

/**
 * An RSS 2.0 or Atom 1.0 document as articles: title, link, publication
 * time, summary as plain text, and the symbols `tagger` finds in the title
 * and summary. A document that is not well-formed XML, or neither RSS nor
 * Atom, is a ProtocolError naming `source` (and the line and column); an
 * item without a title or a readable date is left out and named in
 * `skipped` ("item 3: pubDate ..."), so one bad item does not cost the rest.
 */
export function parseFeed(xml: string, source: string, tagger?: SymbolTagger): ParsedFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ProtocolError(`feed ${source}: not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as Record<string, unknown>;
  const rss = doc.rss as Record<string, unknown> | undefined;
  const atom = doc.feed as Record<string, unknown> | undefined;
  if (rss !== undefined) {
    const channel = rss.channel;
    if (!isObject(channel)) throw new ProtocolError(`feed ${source}: <rss> has no <channel>`);
    const title = text(channel.title) || source;
    return collect(title, source, list(channel.item), "item", (item) => rssItem(item, title), tagger);
  }
  if (atom !== undefined) {
    if (!isObject(atom)) throw new ProtocolError(`feed ${source}: <feed> is empty`);
    const title = text(atom.title) || source;
    return collect(title, source, list(atom.entry), "entry", (entry) => atomEntry(entry, title), tagger);
  }
  const root = Object.keys(doc).find((k) => k !== "?xml");
  throw new ProtocolError(`feed ${source}: neither RSS 2.0 (<rss>) nor Atom (<feed>): the root element is ${root === undefined ? "missing" : `<${root}>`}`);
}

type Read = (element: Record<string, unknown>) => Omit<NewsArticle, "symbols">;

function collect(title: string, source: string, elements: unknown[], kind: string, read: Read, tagger?: SymbolTagger): ParsedFeed {
  const articles: NewsArticle[] = [];
  const skipped: string[] = [];
  elements.forEach((element, i) => {
    try {
      if (!isObject(element)) throw new Error(`is ${shown(element)}, not an element with children`);
      const a = read(element);
      articles.push({ ...a, symbols: tagger ? tagger.tag(`${a.headline} ${a.summary}`) : [] });
    } catch (e) {
      skipped.push(`feed ${source}: ${kind} ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { title, articles, skipped };
}

function rssItem(item: Record<string, unknown>, feed: string): Omit<NewsArticle, "symbols"> {
  const headline = plainText(text(item.title));
  if (headline === "") throw new Error("has no <title>");
  const date = text(item.pubDate);
  if (date === "") throw new Error(`(${shown(headline)}) has no <pubDate>`);
  const time = parseRfc822(date);
  if (Number.isNaN(time)) throw new Error(`(${shown(headline)}): <pubDate> is not an RFC 822 date: ${shown(date)}`);
  const url = list(item.link).map(text).find((l) => l !== "");
  const author = [...list(item.author), ...list(item.creator)].map(text).find((a) => a !== "");
  const id = text(item.guid) || url || `${time} ${headline}`;
  return { id, source: feed, headline, summary: plainText(text(item.description)), ...(url ? { url } : {}), ...(author ? { author } : {}), time };
}

function atomEntry(entry: Record<string, unknown>, feed: string): Omit<NewsArticle, "symbols"> {
  const headline = plainText(text(entry.title));
  if (headline === "") throw new Error("has no <title>");
  const published = text(entry.published);
  const updatedText = text(entry.updated);
  // Atom requires <updated>; <published> is optional and, when there, is the first release.
  const stamp = published || updatedText;
  if (stamp === "") throw new Error(`(${shown(headline)}) has neither <published> nor <updated>`);
  const time = parseRfc3339(stamp);
  if (Number.isNaN(time)) throw new Error(`(${shown(headline)}): <${published ? "published" : "updated"}> is not an RFC 3339 time: ${shown(stamp)}`);
  const updated = updatedText === "" ? NaN : parseRfc3339(updatedText);
  const links = list(entry.link).filter(isObject);
  const link = links.find((l) => l["@_rel"] === undefined || l["@_rel"] === "alternate") ?? links[0];
  const url = link ? text(link["@_href"]) : "";
  const author = list(entry.author).map((a) => (isObject(a) ? text(a.name) : text(a))).find((a) => a !== "");
  const id = text(entry.id) || url || `${time} ${headline}`;
  return {
    id, source: feed, headline, summary: plainText(text(entry.summary) || text(entry.content)),
    ...(url ? { url } : {}), ...(author ? { author } : {}), time, ...(Number.isNaN(updated) ? {} : { updated }),
  };
}

/** An element's text: a plain value, or the #text of one with attributes (<title type="html">). */
function text(v: unknown): string {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number") return String(v);
  if (isObject(v)) return text(v["#text"]);
  return "";
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** RFC 822 §5.1's zones, hours from UTC. */
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7 };

/**
 * RSS 2.0's dates (RFC 822, with the four-digit years RFC 1123 allows):
 * "Mon, 05 Jan 2026 14:30:00 GMT", "5 Jan 2026 09:30 -0500". Read by hand
 * rather than by Date.parse, whose reading of anything but ISO 8601 differs
 * between engines. NaN when it is not one.
 */
export function parseRfc822(s: string): number {
  const m = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})$/.exec(s.trim());
  if (!m) return NaN;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  const zone = m[7].toUpperCase();
  let offsetMin: number;
  if (/^[+-]\d{4}$/.test(zone)) offsetMin = (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
  else if (zone in ZONES) offsetMin = ZONES[zone] * 60;
  else return NaN;
  const year = m[3].length === 2 ? 1900 + Number(m[3]) + (Number(m[3]) < 50 ? 100 : 0) : Number(m[3]);
  const [day, hour, minute, second] = [m[1], m[4], m[5], m[6] ?? "0"].map(Number);
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return NaN;
  const t = Date.UTC(year, month, day, hour, minute, second) - offsetMin * 60_000;
  // 31 Feb would roll into March: not a date.
  return new Date(Date.UTC(year, month, day)).getUTCDate() === day ? t : NaN;
}

export interface FeedFetchOptions {
  readonly fetch?: Fetch;
  readonly timers?: Timers;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly random?: () => number;
  readonly tagger?: SymbolTagger;
}

/** Fetches an RSS or Atom feed (with HttpClient's timeouts, retries and 429 handling) and parses it. */
export async function fetchFeed(url: string, options: FeedFetchOptions = {}): Promise<ParsedFeed> {
  const http = new HttpClient({
    name: `feed ${url}`, baseUrl: url, fetch: options.fetch, timers: options.timers, timeoutMs: options.timeoutMs, retry: options.retry, random: options.random,
    headers: { accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5" },
  });
  const { body } = await http.get(url);
  if (typeof body !== "string") throw new ProtocolError(`feed ${url}: expected an RSS or Atom document, got ${body === undefined ? "an empty answer" : "JSON"}`);
  return parseFeed(body, url, options.tagger);
}
