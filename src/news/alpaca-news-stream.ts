import type { SymbolId } from "../core/data.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { ALPACA_STREAM_ERRORS } from "../feeds/alpaca-messages.ts";
import type { AlpacaConnection } from "../feeds/alpaca-data.ts";
import { AuthError, ProtocolError, StreamError } from "../net/errors.ts";
import { systemTimers, type TimerHandle } from "../net/timers.ts";
import { ReconnectingSocket } from "../net/websocket.ts";
import type { NewsArticle } from "./article.ts";
import { AlpacaNews, alpacaArticle } from "./alpaca-news.ts";

export interface NewsStreamOptions extends AlpacaConnection {
  /** e.g. wss://stream.data.alpaca.markets/v1beta1/news */
  readonly streamUrl: string;
  /** REST base (https://data.alpaca.markets): with it, articles missed while disconnected are read from the news API. */
  readonly restUrl?: string;
}

export type NewsStreamStatus =
  | { readonly state: "connecting" | "live" }
  | { readonly state: "reconnecting"; readonly reason: string; readonly retryInMs: number }
  | { readonly state: "closed"; readonly reason: string };

export interface NewsStreamListener {
  onArticle(article: NewsArticle): void;
  /**
   * A malformed message (skipped), a stream error, a failed recovery. `fatal`:
   * the error ends the stream (refused keys, a plan without news); a "closed"
   * status follows at once.
   */
  onError?(error: Error, fatal: boolean): void;
  onStatus?(status: NewsStreamStatus): void;
}

const HANDSHAKE_MS = 15_000;
/** Ids remembered to deliver each article once; older ones are forgotten past this many. */
const REMEMBERED = 10_000;

/**
 * Alpaca's real-time news (wss://stream.data.alpaca.markets/v1beta1/news):
 * connected → auth → subscribe {news: [symbols or "*"]}, articles as `T:"n"`
 * elements of batched JSON arrays. It reconnects with backoff and
 * resubscribes by itself; with `restUrl`, the articles published while it
 * was away are read from the news API after a reconnect, and each article
 * is delivered once (by id). Bad keys end it with an AuthError naming the
 * settings; a malformed element is reported and skipped.
 */
export class AlpacaNewsStream {
  private socket?: ReconnectingSocket;
  private listener?: NewsStreamListener;
  private sessions = 0;
  private handshakeTimer: TimerHandle | undefined;
  /** Article id → publication time, of those delivered lately. */
  private readonly delivered = new Map<string, number>();
  private lastTime = Number.NEGATIVE_INFINITY;
  private readonly rest?: AlpacaNews;

  constructor(private readonly options: NewsStreamOptions, private readonly symbols: readonly SymbolId[] = ["*"]) {
    if (!options.WebSocket) throw new ConfigError("Alpaca news stream: streaming needs a WebSocket implementation (pass WebSocket)", { field: "WebSocket" });
    if (options.restUrl !== undefined) this.rest = new AlpacaNews({ ...options, restUrl: options.restUrl });
  }

  start(listener: NewsStreamListener): void {
    if (this.socket) throw new ConfigError("Alpaca news stream: already started");
    this.listener = listener;
    const timers = this.options.timers ?? systemTimers;
    listener.onStatus?.({ state: "connecting" });
    this.socket = new ReconnectingSocket(
      { url: this.options.streamUrl, WebSocket: this.options.WebSocket!, timers, random: this.options.random, ...this.options.reconnect },
      {
        onOpen: () => {
          this.handshakeTimer = timers.setTimeout(() => this.socket?.reconnect(`not authenticated within ${HANDSHAKE_MS} ms`), HANDSHAKE_MS);
        },
        onMessage: (text) => this.message(text),
        onClose: ({ reason, retryInMs }) => {
          timers.clearTimeout(this.handshakeTimer);
          if (retryInMs === undefined) listener.onStatus?.({ state: "closed", reason });
          else listener.onStatus?.({ state: "reconnecting", reason, retryInMs });
        },
      },
    );
    this.socket.start();
  }

  close(): void {
    (this.options.timers ?? systemTimers).clearTimeout(this.handshakeTimer);
    this.socket?.stop(1000, "closed by client");
  }

  private message(text: string): void {
    let batch: unknown;
    try {
      batch = JSON.parse(text);
    } catch {
      this.malformed(`not JSON: ${shown(text)}`);
      return;
    }
    if (!Array.isArray(batch)) {
      this.malformed(`expected a JSON array of messages, got ${shown(batch)}`);
      return;
    }
    batch.forEach((m, i) => {
      const e = m as Record<string, unknown>;
      if (typeof m !== "object" || m === null) this.malformed(`element ${i} is ${shown(m)}, not an object`);
      else if (e.T === "n") {
        try {
          this.deliver(alpacaArticle(e, `Alpaca news stream, element ${i}`));
        } catch (err) {
          this.listener?.onError?.(err as Error, false);
        }
      } else if (e.T === "success") this.control(String(e.msg));
      else if (e.T === "error") this.streamError(Number(e.code), typeof e.msg === "string" ? e.msg : "");
    });
  }

  private control(msg: string): void {
    if (msg === "connected") {
      this.socket?.send(JSON.stringify({ action: "auth", key: this.options.credentials.keyId, secret: this.options.credentials.secret }));
    } else if (msg === "authenticated") {
      (this.options.timers ?? systemTimers).clearTimeout(this.handshakeTimer);
      this.socket?.healthy();
      this.socket?.send(JSON.stringify({ action: "subscribe", news: this.symbols }));
      this.listener?.onStatus?.({ state: "live" });
      if (this.sessions++ > 0) void this.recover();
    }
  }

  private streamError(code: number, msg: string): void {
    const known = ALPACA_STREAM_ERRORS[code];
    const text = `Alpaca news stream error ${code}: ${known?.what ?? "unknown error"}${msg ? ` (server said: ${shown(msg)})` : ""}`;
    const action = known?.action ?? "report";
    if (action === "fatal") {
      this.listener?.onError?.(code === 402 ? new AuthError(text) : new StreamError(text, code, false), true);
      this.socket?.stop(1000, text);
      return;
    }
    this.listener?.onError?.(new StreamError(text, code, action === "reconnect"), false);
    if (action === "reconnect") this.socket?.reconnect(text);
  }

  /** After a reconnect: what was published since the last article delivered, from REST. */
  private async recover(): Promise<void> {
    if (!this.rest || this.lastTime === Number.NEGATIVE_INFINITY) return;
    try {
      const missed = await this.rest.articles({ symbols: this.symbols.includes("*") ? undefined : this.symbols, start: this.lastTime });
      for (const a of missed) this.deliver(a);
    } catch (e) {
      this.listener?.onError?.(e as Error, false);
    }
  }

  private deliver(a: NewsArticle): void {
    if (this.delivered.has(a.id)) return;
    this.delivered.set(a.id, a.time);
    this.lastTime = Math.max(this.lastTime, a.time);
    if (this.delivered.size > REMEMBERED) {
      // A recovery reads from the last article's time on: ids a day older than that cannot come again.
      for (const [id, time] of this.delivered) if (time < this.lastTime - 86_400_000) this.delivered.delete(id);
    }
    this.listener?.onArticle(a);
  }

  private malformed(problem: string): void {
    this.listener?.onError?.(new ProtocolError(`Alpaca news stream sent a malformed message, skipped: ${problem}`), false);
  }
}
