import type { SymbolId } from "../core/data.ts";
import { shown } from "../core/errors.ts";
import { alpacaErrorBody, alpacaHeaders, type AlpacaConnection } from "../feeds/alpaca-data.ts";
import { formatRfc3339, parseRfc3339 } from "../feeds/rfc3339.ts";
import { AuthError, HttpError, ProtocolError } from "../net/errors.ts";
import { HttpClient } from "../net/http.ts";
import { plainText, type NewsArticle } from "./article.ts";

export type AlpacaNewsOptions = Omit<AlpacaConnection, "WebSocket" | "reconnect"> & {
  /** REST base, e.g. https://data.alpaca.markets (AppConfig's alpaca.dataUrl). */
  readonly restUrl: string;
};

export interface NewsQuery {
  /** Only articles about these tickers; none: all news. */
  readonly symbols?: readonly SymbolId[];
  /** Inclusive bounds, epoch ms. */
  readonly start?: number;
  readonly end?: number;
  /** Stop after this many articles (default: every page). */
  readonly maxArticles?: number;
}

/** Alpaca serves at most 50 articles a page. */
const PAGE_SIZE = 50;

/**
 * Alpaca's news API (GET /v1beta1/news, Benzinga's wire): every page of the
 * articles in a time range, oldest first, following next_page_token.
 * Retries, 429s and timeouts are HttpClient's; refused keys are an
 * AuthError naming the settings to check, a malformed answer a
 * ProtocolError naming the page, the article and the field.
 */
export class AlpacaNews {
  private readonly http: HttpClient;

  constructor(options: AlpacaNewsOptions) {
    this.http = new HttpClient({
      name: "Alpaca news", baseUrl: options.restUrl, fetch: options.fetch, timers: options.timers, headers: alpacaHeaders(options.credentials),
      timeoutMs: options.timeoutMs, retry: options.retry, breaker: options.breaker, random: options.random, describeError: alpacaErrorBody,
    });
  }

  async articles(query: NewsQuery = {}): Promise<NewsArticle[]> {
    const out: NewsArticle[] = [];
    const max = query.maxArticles ?? Number.POSITIVE_INFINITY;
    let token: string | undefined;
    let page = 0;
    do {
      page++;
      const body = await this.page({
        symbols: query.symbols?.length ? query.symbols.join(",") : undefined,
        start: query.start === undefined ? undefined : formatRfc3339(query.start),
        end: query.end === undefined ? undefined : formatRfc3339(query.end),
        limit: Math.min(PAGE_SIZE, max - out.length), sort: "asc", page_token: token,
      });
      const b = body as { news?: unknown; next_page_token?: unknown } | undefined;
      if (!b || typeof b !== "object" || !Array.isArray(b.news)) {
        throw new ProtocolError(`Alpaca news, page ${page}: expected {news: [...], next_page_token}, got ${shown(body)}`);
      }
      b.news.forEach((raw, i) => out.push(alpacaArticle(raw, `Alpaca news, page ${page}, article ${i + 1}`)));
      token = typeof b.next_page_token === "string" && b.next_page_token !== "" ? b.next_page_token : undefined;
    } while (token && out.length < max);
    return out.slice(0, max);
  }

  private async page(query: Record<string, string | number | undefined>): Promise<unknown> {
    try {
      return (await this.http.get("/v1beta1/news", { query })).body;
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        throw new AuthError(`${e.message}: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)`);
      }
      throw e;
    }
  }
}

/** One element of `news`, checked field by field; `where` names it in errors. */
export function alpacaArticle(raw: unknown, where: string): NewsArticle {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ProtocolError(`${where}: expected an object, got ${shown(raw)}`);
  const r = raw as Record<string, unknown>;
  const text = (field: string, required: boolean): string | undefined => {
    const v = r[field];
    if (v === undefined || v === null) {
      if (required) throw new ProtocolError(`${where}: ${field} is missing`);
      return undefined;
    }
    if (typeof v !== "string") throw new ProtocolError(`${where}: ${field} must be a string, got ${shown(v)}`);
    return v;
  };
  const time = (field: string, required: boolean): number | undefined => {
    const v = text(field, required);
    if (v === undefined) return undefined;
    const t = parseRfc3339(v);
    if (Number.isNaN(t)) throw new ProtocolError(`${where}: ${field} must be an RFC 3339 time, got ${shown(v)}`);
    return t;
  };
  if (typeof r.id !== "number" && typeof r.id !== "string") throw new ProtocolError(`${where}: id must be a number, got ${shown(r.id)}`);
  const symbols = r.symbols ?? [];
  if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== "string")) throw new ProtocolError(`${where}: symbols must be an array of tickers, got ${shown(r.symbols)}`);
  const headline = text("headline", true)!;
  const url = text("url", false);
  const author = text("author", false);
  const publisher = text("source", false);
  const updated = time("updated_at", false);
  return {
    id: String(r.id), source: publisher ? `alpaca:${publisher}` : "alpaca", headline,
    summary: plainText(text("summary", false) ?? ""),
    ...(url ? { url } : {}), ...(author ? { author } : {}),
    time: time("created_at", true)!, ...(updated === undefined ? {} : { updated }),
    symbols: symbols as string[],
  };
}
