import type { Bar, BarSeries, Quote, SymbolId } from "../core/data.ts";
import { MarketDataError, shown } from "../core/errors.ts";
import type { CircuitBreaker } from "../net/breaker.ts";
import { AuthError, ProtocolError, StreamError } from "../net/errors.ts";
import { HttpClient, type Fetch } from "../net/http.ts";
import type { RetryPolicy } from "../net/retry.ts";
import { systemTimers, type Timers } from "../net/timers.ts";
import type { WebSocketConstructor } from "../net/websocket.ts";
import { ALPACA_STREAM_ERRORS, parseAlpacaData, type AlpacaControl, type AlpacaDataSink } from "./alpaca-messages.ts";
import type { StampedBar } from "./bar-continuity.ts";
import { barsToSeries, type Channels, type HistoricalBarsRequest, type MarketData, type MarketDataListener } from "./market-data.ts";
import { parseRfc3339, formatRfc3339 } from "./rfc3339.ts";
import { windowEnd, type Timeframe } from "./timeframe.ts";
import { VendorStream } from "./vendor-stream.ts";

export interface AlpacaCredentials {
  readonly keyId: string;
  readonly secret: string;
}

/** Connection settings shared by Alpaca's market-data and trading clients. */
export interface AlpacaConnection {
  readonly credentials: AlpacaCredentials;
  readonly fetch?: Fetch;
  /** Required for streams; the host's WebSocket (browsers, Deno, Node 22) or the `ws` package's. */
  readonly WebSocket?: WebSocketConstructor;
  readonly timers?: Timers;
  readonly random?: () => number;
  /** Per-request time budget (ms). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly breaker?: CircuitBreaker;
  /** Stream reconnect backoff and dead-peer detection. */
  readonly reconnect?: { readonly baseMs?: number; readonly maxMs?: number; readonly maxAttempts?: number; readonly idleTimeoutMs?: number };
}

export interface AlpacaMarketDataOptions extends AlpacaConnection {
  /** REST base, e.g. https://data.alpaca.markets. */
  readonly restUrl: string;
  /** Stream, e.g. wss://stream.data.alpaca.markets/v2/iex. */
  readonly streamUrl: string;
  /** The REST `feed` parameter: "iex" (free) or "sip"; default "iex". */
  readonly feed?: string;
  /** Fetch missed minute bars from REST after a reconnect (default true). */
  readonly recoverBars?: boolean;
}

const MINUTE_TF: Timeframe = { amount: 1, unit: "minute" };

/** The headers Alpaca's REST APIs authenticate by. */
export function alpacaHeaders(c: AlpacaCredentials): Record<string, string> {
  return { "APCA-API-KEY-ID": c.keyId, "APCA-API-SECRET-KEY": c.secret };
}

/** Alpaca's error bodies are {code, message}. */
export function alpacaErrorBody(body: unknown): { message?: string; code?: number | string } {
  if (body && typeof body === "object") {
    const b = body as { code?: unknown; message?: unknown };
    return { message: typeof b.message === "string" ? b.message.slice(0, 200) : undefined, code: typeof b.code === "number" ? b.code : undefined };
  }
  return typeof body === "string" ? { message: body.slice(0, 200) } : {};
}

/**
 * Alpaca market data: historical bars and the latest quote over REST, and
 * trades, quotes and minute bars over the v2 WebSocket stream (connected →
 * auth → subscribe). The stream reconnects with backoff, authenticates and
 * resubscribes by itself; minute bars stay free of duplicates and gaps
 * across a reconnect (BarContinuity, from REST history). Trades and quotes
 * missed while disconnected are not recovered: the stream cannot replay them.
 */
export class AlpacaMarketData implements MarketData {
  readonly name = "alpaca";
  private readonly http: HttpClient;
  private readonly timers: Timers;
  private readonly stream: VendorStream;
  private readonly sink: AlpacaDataSink;

  constructor(private readonly options: AlpacaMarketDataOptions) {
    this.timers = options.timers ?? systemTimers;
    this.http = new HttpClient({
      name: "Alpaca market data", baseUrl: options.restUrl, fetch: options.fetch, timers: this.timers, headers: alpacaHeaders(options.credentials),
      timeoutMs: options.timeoutMs, retry: options.retry, breaker: options.breaker, random: options.random, describeError: alpacaErrorBody,
    });
    this.stream = new VendorStream({
      name: "Alpaca market data", streamUrl: options.streamUrl, WebSocket: options.WebSocket, timers: this.timers, random: options.random,
      reconnect: options.reconnect, recoverBars: options.recoverBars, barTimeframe: MINUTE_TF,
      barsAfter: (symbol, after) => this.barPages(symbol, MINUTE_TF, after + 60_000, this.timers.now()),
    }, {
      parse: (text) => parseAlpacaData(text, this.sink),
      subscription: (action, channels) => JSON.stringify({ action, ...channels }),
    });
    this.sink = {
      trade: (trade) => this.stream.trade(trade),
      quote: (quote) => this.stream.quote(quote),
      bar: (symbol, start, bar) => this.stream.bar(symbol, start, bar),
      control: (m) => this.control(m),
      malformed: (problem) => this.stream.malformed(problem),
    };
  }

  /** Data elements read and malformed ones skipped, for status lines and tests. */
  get counts(): { readonly data: number; readonly malformed: number } {
    return this.stream.counts;
  }

  subscribe(channels: Channels, listener: MarketDataListener): () => void {
    return this.stream.subscribe(channels, listener);
  }

  async latestQuote(symbol: SymbolId): Promise<Quote> {
    const { body } = await this.http.get(`/v2/stocks/${encodeURIComponent(symbol)}/quotes/latest`, { query: { feed: this.options.feed ?? "iex" } });
    const q = (body as { quote?: Record<string, unknown> } | undefined)?.quote;
    const time = typeof q?.t === "string" ? parseRfc3339(q.t) : NaN;
    if (!q || typeof q.bp !== "number" || typeof q.ap !== "number" || typeof q.bs !== "number" || typeof q.as !== "number" || Number.isNaN(time)) {
      throw new ProtocolError(`Alpaca latest quote for ${symbol}: the answer has no usable quote (${shown(q)})`);
    }
    return { symbol, time, bidPrice: q.bp, bidSize: q.bs, askPrice: q.ap, askSize: q.as };
  }

  async historicalBars(req: HistoricalBarsRequest): Promise<BarSeries> {
    const bars = await this.barPages(req.symbol, req.timeframe, req.start, req.end, req.pageSize);
    return barsToSeries(req.symbol, bars.map((b) => b.bar));
  }

  close(): void {
    this.stream.close();
  }

  private control(m: AlpacaControl): void {
    if (m.T === "success" && m.msg === "connected") {
      this.stream.send(JSON.stringify({ action: "auth", key: this.options.credentials.keyId, secret: this.options.credentials.secret }));
    } else if (m.T === "success" && m.msg === "authenticated") {
      this.stream.authenticated();
    } else if (m.T === "error") {
      const known = ALPACA_STREAM_ERRORS[m.code];
      const text = `Alpaca market data stream error ${m.code}: ${known?.what ?? "unknown error"}${m.msg ? ` (server said: ${shown(m.msg)})` : ""}`;
      const action = known?.action ?? "report";
      if (action === "fatal") this.stream.fail(m.code === 402 ? new AuthError(text) : new StreamError(text, m.code, false), text);
      else if (action === "reconnect") this.stream.reconnect(new StreamError(text, m.code, true));
      else this.stream.report(new StreamError(text, m.code, false));
    }
  }

  /** Every page of /v2/stocks/{symbol}/bars, following next_page_token. */
  private async barPages(symbol: SymbolId, tf: Timeframe, start: number, end: number, pageSize = 10_000): Promise<StampedBar[]> {
    const timeframe = alpacaTimeframe(tf);
    const out: StampedBar[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      page++;
      const { body } = await this.http.get(`/v2/stocks/${encodeURIComponent(symbol)}/bars`, {
        query: {
          timeframe, start: formatRfc3339(start), end: formatRfc3339(end), limit: pageSize, adjustment: "raw",
          feed: this.options.feed ?? "iex", page_token: token,
        },
      });
      const b = body as { bars?: unknown; next_page_token?: unknown } | undefined;
      if (!b || typeof b !== "object" || (b.bars !== null && b.bars !== undefined && !Array.isArray(b.bars))) {
        throw new ProtocolError(`Alpaca bars for ${symbol}, page ${page}: expected {bars: [...], next_page_token}, got ${shown(body)}`);
      }
      (b.bars as unknown[] | null ?? []).forEach((raw, i) => out.push(restBar(raw, tf, `Alpaca bars for ${symbol}, page ${page}, bar ${i + 1}`)));
      token = typeof b.next_page_token === "string" && b.next_page_token !== "" ? b.next_page_token : undefined;
    } while (token);
    return out;
  }
}

function restBar(raw: unknown, tf: Timeframe, where: string): StampedBar {
  const r = raw as Record<string, unknown>;
  const start = typeof r?.t === "string" ? parseRfc3339(r.t) : NaN;
  for (const f of ["o", "h", "l", "c", "v"]) {
    if (typeof r?.[f] !== "number") throw new ProtocolError(`${where}: ${f} must be a number, got ${shown(r?.[f])}`);
  }
  if (Number.isNaN(start)) throw new ProtocolError(`${where}: t must be an RFC 3339 time, got ${shown(r?.t)}`);
  const bar: Bar = { time: windowEnd(start, tf), open: r.o as number, high: r.h as number, low: r.l as number, close: r.c as number, volume: r.v as number };
  return { start, bar };
}

/** Alpaca's spelling: 1Min ... 59Min, 1Hour ... 23Hour, 1Day, 1Week, 1/2/3/4/6/12Month. */
export function alpacaTimeframe(tf: Timeframe): string {
  const name = { minute: "Min", hour: "Hour", day: "Day", week: "Week", month: "Month" }[tf.unit as string];
  if (!name) throw new MarketDataError(`Alpaca has no ${tf.unit} bars; use minutes, hours, days, weeks or months`, { field: "timeframe" });
  return `${tf.amount}${name}`;
}
