import type { Bar, BarSeries, Quote, SymbolId } from "../core/data.ts";
import { shown } from "../core/errors.ts";
import type { CircuitBreaker } from "../net/breaker.ts";
import { AuthError, ProtocolError, StreamError } from "../net/errors.ts";
import { HttpClient, type Fetch } from "../net/http.ts";
import type { RetryPolicy } from "../net/retry.ts";
import { systemTimers, type Timers } from "../net/timers.ts";
import type { WebSocketConstructor } from "../net/websocket.ts";
import type { StampedBar } from "./bar-continuity.ts";
import { barsToSeries, type Channels, type HistoricalBarsRequest, type MarketData, type MarketDataListener } from "./market-data.ts";
import { parsePolygonData, type PolygonDataSink, type PolygonStatus } from "./polygon-messages.ts";
import { windowEnd, type Timeframe } from "./timeframe.ts";
import { VendorStream } from "./vendor-stream.ts";

export interface PolygonOptions {
  readonly apiKey: string;
  /** REST base, e.g. https://api.polygon.io. */
  readonly restUrl: string;
  /** Stream, e.g. wss://socket.polygon.io/stocks (real time) or wss://delayed.polygon.io/stocks. */
  readonly streamUrl: string;
  /** Bars from minute (AM, default) or second (A) aggregates. */
  readonly barChannel?: "AM" | "A";
  readonly fetch?: Fetch;
  readonly WebSocket?: WebSocketConstructor;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly breaker?: CircuitBreaker;
  readonly reconnect?: { readonly baseMs?: number; readonly maxMs?: number; readonly maxAttempts?: number; readonly idleTimeoutMs?: number };
  /** Fetch missed aggregates from REST after a reconnect (default true). */
  readonly recoverBars?: boolean;
}

const CHANNEL_PREFIX = { trades: "T", quotes: "Q" } as const;

/** Polygon's error bodies: {status: "ERROR", error} or {status: "NOT_AUTHORIZED", message}. */
function polygonErrorBody(body: unknown): { message?: string; code?: string } {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const message = [b.message, b.error].find((m) => typeof m === "string") as string | undefined;
    return { message: message?.slice(0, 200), code: typeof b.status === "string" ? b.status : undefined };
  }
  return typeof body === "string" ? { message: body.slice(0, 200) } : {};
}

/**
 * Polygon (also served as Massive) stocks data: aggregates over REST,
 * following `next_url` until it is absent, the last NBBO quote, and the
 * WebSocket (auth with the key, subscribe to `AM.X,T.X,Q.X`). The key goes
 * in an Authorization header, never in a URL, and only to the configured
 * origin: a next_url pointing elsewhere is refused. Reconnects resubscribe,
 * and aggregates stay free of repeats and gaps (BarContinuity).
 */
export class PolygonMarketData implements MarketData {
  readonly name = "polygon";
  private readonly http: HttpClient;
  private readonly timers: Timers;
  private readonly stream: VendorStream;
  private readonly sink: PolygonDataSink;

  constructor(private readonly options: PolygonOptions) {
    this.timers = options.timers ?? systemTimers;
    const barTimeframe: Timeframe = options.barChannel === "A" ? { amount: 1, unit: "second" } : { amount: 1, unit: "minute" };
    const barChannel = options.barChannel ?? "AM";
    this.http = new HttpClient({
      name: "Polygon", baseUrl: options.restUrl, fetch: options.fetch, timers: this.timers, headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs, retry: options.retry, breaker: options.breaker, random: options.random, describeError: polygonErrorBody,
    });
    this.stream = new VendorStream({
      name: "Polygon", streamUrl: options.streamUrl, WebSocket: options.WebSocket, timers: this.timers, random: options.random,
      reconnect: options.reconnect, recoverBars: options.recoverBars, barTimeframe,
      barsAfter: (symbol, after) => this.aggregates(symbol, barTimeframe, after + 1, this.timers.now()),
    }, {
      parse: (text) => parsePolygonData(text, this.sink),
      subscription: (action, channels) => JSON.stringify({ action, params: channelParams(channels, barChannel).join(",") }),
    });
    this.sink = {
      trade: (trade) => this.stream.trade(trade),
      quote: (quote) => this.stream.quote(quote),
      bar: (channel, symbol, start, bar) => {
        if (channel === barChannel) this.stream.bar(symbol, start, bar);
      },
      status: (s) => this.status(s),
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
    const { body } = await this.http.get(`/v2/last/nbbo/${encodeURIComponent(symbol)}`);
    const r = (body as { results?: Record<string, unknown> } | undefined)?.results;
    if (!r || typeof r.p !== "number" || typeof r.P !== "number" || typeof r.s !== "number" || typeof r.S !== "number" || typeof r.t !== "number") {
      throw new ProtocolError(`Polygon last quote for ${symbol}: the answer has no usable results (${shown(r)})`);
    }
    // t is the SIP time in nanoseconds.
    return { symbol, time: Math.floor(r.t / 1e6), bidPrice: r.p, bidSize: r.s, askPrice: r.P, askSize: r.S };
  }

  async historicalBars(req: HistoricalBarsRequest): Promise<BarSeries> {
    const bars = await this.aggregates(req.symbol, req.timeframe, req.start, req.end, req.pageSize);
    return barsToSeries(req.symbol, bars.map((b) => b.bar));
  }

  close(): void {
    this.stream.close();
  }

  private status(s: PolygonStatus): void {
    switch (s.status) {
      case "connected":
        this.stream.send(JSON.stringify({ action: "auth", params: this.options.apiKey }));
        return;
      case "auth_success":
        this.stream.authenticated();
        return;
      case "auth_failed": {
        const text = `Polygon stream: authentication failed: check the API key (NT_POLYGON_KEY)${s.message ? ` (server said: ${shown(s.message)})` : ""}`;
        this.stream.fail(new AuthError(text), "authentication failed");
        return;
      }
      case "max_connections":
        // Another connection holds the key's slot; the server closes this one and a later try may get in.
        this.stream.report(new StreamError(`Polygon stream: too many connections for this key (${s.message})`, s.status, true));
        return;
      case "success":
        return; // subscribed to / unsubscribed from ...
      default:
        this.stream.report(new StreamError(`Polygon stream status ${shown(s.status)}: ${s.message}`, s.status, false));
    }
  }

  /** Every page of /v2/aggs/ticker/.../range/..., following next_url. */
  private async aggregates(symbol: SymbolId, tf: Timeframe, start: number, end: number, pageSize = 50_000): Promise<StampedBar[]> {
    const origin = new URL(this.options.restUrl).origin;
    let url: string | undefined = `/v2/aggs/ticker/${encodeURIComponent(symbol)}/range/${tf.amount}/${tf.unit}/${start}/${end}`;
    let query: Record<string, string | number> | undefined = { adjusted: "true", sort: "asc", limit: Math.min(pageSize, 50_000) };
    const out: StampedBar[] = [];
    for (let page = 1; url; page++) {
      const { body } = await this.http.get(url, { query });
      const b = body as { results?: unknown; next_url?: unknown; status?: unknown } | undefined;
      if (!b || typeof b !== "object" || (b.results !== undefined && !Array.isArray(b.results))) {
        throw new ProtocolError(`Polygon aggregates for ${symbol}, page ${page}: expected {results: [...], next_url?}, got ${shown(body)}`);
      }
      ((b.results as unknown[] | undefined) ?? []).forEach((raw, i) => out.push(aggregate(raw, tf, `Polygon aggregates for ${symbol}, page ${page}, bar ${i + 1}`)));
      if (typeof b.next_url === "string" && b.next_url !== "") {
        if (new URL(b.next_url, origin).origin !== origin) {
          throw new ProtocolError(`Polygon aggregates for ${symbol}: next_url points to another origin (${shown(b.next_url)}); not sending the key there`);
        }
        url = b.next_url;
        query = undefined; // next_url carries its own query (the cursor)
      } else url = undefined;
    }
    return out;
  }
}

function aggregate(raw: unknown, tf: Timeframe, where: string): StampedBar {
  const r = raw as Record<string, unknown>;
  for (const f of ["o", "h", "l", "c", "v", "t"]) {
    if (typeof r?.[f] !== "number") throw new ProtocolError(`${where}: ${f} must be a number, got ${shown(r?.[f])}`);
  }
  const start = r.t as number;
  const bar: Bar = { time: windowEnd(start, tf), open: r.o as number, high: r.h as number, low: r.l as number, close: r.c as number, volume: r.v as number };
  return { start, bar };
}

/** Polygon's channel names: T.X trades, Q.X quotes, AM.X (or A.X) aggregates. */
function channelParams(channels: Channels, barChannel: string): string[] {
  return [
    ...(channels.trades ?? []).map((s) => `${CHANNEL_PREFIX.trades}.${s}`),
    ...(channels.quotes ?? []).map((s) => `${CHANNEL_PREFIX.quotes}.${s}`),
    ...(channels.bars ?? []).map((s) => `${barChannel}.${s}`),
  ];
}
