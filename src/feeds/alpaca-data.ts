import type { Bar, BarSeries, Quote, SymbolId } from "../core/data.ts";
import { ConfigError, MarketDataError, shown } from "../core/errors.ts";
import type { CircuitBreaker } from "../net/breaker.ts";
import { AuthError, ProtocolError, StreamError } from "../net/errors.ts";
import { HttpClient, type Fetch } from "../net/http.ts";
import type { RetryPolicy } from "../net/retry.ts";
import { systemTimers, type TimerHandle, type Timers } from "../net/timers.ts";
import { ReconnectingSocket, type WebSocketConstructor } from "../net/websocket.ts";
import { ALPACA_STREAM_ERRORS, parseAlpacaData, type AlpacaControl, type AlpacaDataSink } from "./alpaca-messages.ts";
import { BarContinuity, type StampedBar } from "./bar-continuity.ts";
import { barsToSeries, type Channels, type HistoricalBarsRequest, type MarketData, type MarketDataListener } from "./market-data.ts";
import { parseRfc3339, formatRfc3339 } from "./rfc3339.ts";
import { isEmpty, Subscriptions } from "./subscriptions.ts";
import { windowEnd, type Timeframe } from "./timeframe.ts";

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
const HANDSHAKE_MS = 15_000;

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
  private readonly subs = new Subscriptions();
  private readonly continuity: BarContinuity;
  private socket: ReconnectingSocket | undefined;
  private phase: "connecting" | "awaiting-auth" | "ready" = "connecting";
  private sessions = 0;
  private handshakeTimer: TimerHandle | undefined;
  private readonly sink: AlpacaDataSink;
  /** Data elements read and malformed ones skipped, for status lines and tests. */
  readonly counts = { data: 0, malformed: 0 };

  constructor(private readonly options: AlpacaMarketDataOptions) {
    this.timers = options.timers ?? systemTimers;
    this.http = new HttpClient({
      name: "Alpaca market data", baseUrl: options.restUrl, fetch: options.fetch, timers: this.timers, headers: alpacaHeaders(options.credentials),
      timeoutMs: options.timeoutMs, retry: options.retry, breaker: options.breaker, random: options.random, describeError: alpacaErrorBody,
    });
    this.continuity = new BarContinuity(
      (symbol, b) => this.subs.deliver({ kind: "bar", symbol, bar: b.bar, timeframe: MINUTE_TF }),
      (symbol, after) => this.minuteBarsAfter(symbol, after),
      (e) => this.subs.error(e),
    );
    this.sink = {
      trade: (trade) => this.subs.deliver({ kind: "trade", trade }),
      quote: (quote) => this.subs.deliver({ kind: "quote", quote }),
      bar: (symbol, start, bar) => this.continuity.live(symbol, { start, bar }),
      control: (m) => this.control(m),
      malformed: (problem) => {
        this.counts.malformed++;
        this.subs.error(new ProtocolError(`Alpaca market data stream sent a malformed message, skipped: ${problem}`));
      },
    };
  }

  subscribe(channels: Channels, listener: MarketDataListener): () => void {
    const { added, remove } = this.subs.add(channels, listener);
    if (!this.socket) this.start();
    else if (this.phase === "ready" && !isEmpty(added)) this.send({ action: "subscribe", ...added });
    return () => {
      const gone = remove();
      for (const s of gone.bars ?? []) this.continuity.forget(s);
      if (this.phase === "ready" && !isEmpty(gone)) this.send({ action: "unsubscribe", ...gone });
    };
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
    this.timers.clearTimeout(this.handshakeTimer);
    const socket = this.socket;
    // A later subscribe starts a new connection.
    this.socket = undefined;
    socket?.stop(1000, "closed by client");
  }

  private start(): void {
    const WebSocket = this.options.WebSocket;
    if (!WebSocket) throw new ConfigError("Alpaca market data: streaming needs a WebSocket implementation (pass WebSocket)", { field: "WebSocket" });
    const r = this.options.reconnect ?? {};
    this.subs.status({ state: "connecting" });
    this.socket = new ReconnectingSocket(
      { url: this.options.streamUrl, WebSocket, timers: this.timers, random: this.options.random, ...r },
      {
        onOpen: () => {
          this.phase = "connecting";
          // A server that never completes the handshake would leave us deaf; try a new connection.
          this.handshakeTimer = this.timers.setTimeout(() => this.socket?.reconnect(`not authenticated within ${HANDSHAKE_MS} ms`), HANDSHAKE_MS);
        },
        onMessage: (text) => {
          this.counts.data += parseAlpacaData(text, this.sink);
        },
        onClose: ({ reason, retryInMs }) => {
          this.timers.clearTimeout(this.handshakeTimer);
          this.phase = "connecting";
          if (retryInMs === undefined) {
            // Ended for good (refused credentials, out of attempts, closed): a later subscribe starts afresh.
            this.socket = undefined;
            this.subs.status({ state: "closed", reason });
          }
          else this.subs.status({ state: "reconnecting", reason, retryInMs });
        },
      },
    );
    this.socket.start();
  }

  private control(m: AlpacaControl): void {
    if (m.T === "success" && m.msg === "connected") {
      this.phase = "awaiting-auth";
      this.send({ action: "auth", key: this.options.credentials.keyId, secret: this.options.credentials.secret });
    } else if (m.T === "success" && m.msg === "authenticated") {
      this.timers.clearTimeout(this.handshakeTimer);
      this.phase = "ready";
      this.socket!.healthy();
      if (this.sessions++ > 0 && this.options.recoverBars !== false) {
        // Under "*", every symbol that had bars; otherwise the subscribed ones.
        const subscribed = this.subs.current().bars ?? [];
        void this.continuity.reconnected(subscribed.includes("*") ? this.continuity.symbols() : subscribed);
      }
      const current = this.subs.current();
      if (!isEmpty(current)) this.send({ action: "subscribe", ...current });
      this.subs.status({ state: "live" });
    } else if (m.T === "error") {
      const known = ALPACA_STREAM_ERRORS[m.code];
      const text = `Alpaca market data stream error ${m.code}: ${known?.what ?? "unknown error"}${m.msg ? ` (server said: ${shown(m.msg)})` : ""}`;
      const action = known?.action ?? "report";
      if (action === "fatal") {
        const error = m.code === 402 ? new AuthError(text) : new StreamError(text, m.code, false);
        this.subs.error(error);
        this.socket?.stop(1000, text);
        return;
      }
      this.subs.error(new StreamError(text, m.code, action === "reconnect"));
      if (action === "reconnect") this.socket?.reconnect(text);
    }
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private minuteBarsAfter(symbol: SymbolId, after: number): Promise<StampedBar[]> {
    return this.barPages(symbol, MINUTE_TF, after + 60_000, this.timers.now());
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
