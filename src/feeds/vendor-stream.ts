import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { ProtocolError } from "../net/errors.ts";
import type { TimerHandle, Timers } from "../net/timers.ts";
import { ReconnectingSocket, type WebSocketConstructor } from "../net/websocket.ts";
import { BarContinuity, type StampedBar } from "./bar-continuity.ts";
import type { Channels, MarketDataListener } from "./market-data.ts";
import { isEmpty, Subscriptions } from "./subscriptions.ts";
import type { Timeframe } from "./timeframe.ts";

/** What differs between vendors' streams: how frames read and how channels are asked for. */
export interface StreamProtocol {
  /** Parses one text frame, handing its contents to the stream; returns the data elements read. */
  parse(text: string): number;
  /** The frame that subscribes to or unsubscribes from these channels. */
  subscription(action: "subscribe" | "unsubscribe", channels: Channels): string;
}

export interface VendorStreamOptions {
  /** For messages: "Alpaca market data", "Polygon". */
  readonly name: string;
  readonly streamUrl: string;
  readonly WebSocket?: WebSocketConstructor;
  readonly timers: Timers;
  readonly random?: () => number;
  readonly reconnect?: { readonly baseMs?: number; readonly maxMs?: number; readonly maxAttempts?: number; readonly idleTimeoutMs?: number };
  /** Fetch missed bars from REST after a reconnect (default true). */
  readonly recoverBars?: boolean;
  /** The interval of the stream's bars. */
  readonly barTimeframe: Timeframe;
  /** The vendor's bars of `symbol` whose window starts after `after` (epoch ms), from its REST history. */
  readonly barsAfter: (symbol: SymbolId, after: number) => Promise<StampedBar[]>;
}

/** A server that never completes the handshake would leave us deaf: after this long, a new connection. */
const HANDSHAKE_MS = 15_000;

/**
 * The part of a vendor's market-data stream every vendor shares: one
 * reconnecting WebSocket for any number of listeners, the union of their
 * channels subscribed upstream (again after every reconnect), bars kept free
 * of repeats and gaps across reconnects (BarContinuity), statuses and
 * errors to the listeners. The vendor class speaks its protocol: it parses
 * frames into the handlers below and calls `authenticated()` once the
 * server has accepted its credentials.
 */
export class VendorStream {
  private readonly subs = new Subscriptions();
  private readonly continuity: BarContinuity;
  private socket: ReconnectingSocket | undefined;
  private ready = false;
  private sessions = 0;
  private handshakeTimer: TimerHandle | undefined;
  /** Data elements read and malformed ones skipped, for status lines and tests. */
  readonly counts = { data: 0, malformed: 0 };

  constructor(private readonly options: VendorStreamOptions, private readonly protocol: StreamProtocol) {
    this.continuity = new BarContinuity(
      (symbol, b) => this.subs.deliver({ kind: "bar", symbol, bar: b.bar, timeframe: options.barTimeframe }),
      options.barsAfter,
      (e) => this.subs.error(e),
    );
  }

  subscribe(channels: Channels, listener: MarketDataListener): () => void {
    const { added, remove } = this.subs.add(channels, listener);
    if (!this.socket) this.start();
    else if (this.ready && !isEmpty(added)) this.send(this.protocol.subscription("subscribe", added));
    return () => {
      const gone = remove();
      for (const s of gone.bars ?? []) this.continuity.forget(s);
      if (this.ready && !isEmpty(gone)) this.send(this.protocol.subscription("unsubscribe", gone));
    };
  }

  close(): void {
    this.options.timers.clearTimeout(this.handshakeTimer);
    const socket = this.socket;
    // A later subscribe starts a new connection.
    this.socket = undefined;
    socket?.stop(1000, "closed by client");
  }

  send(text: string): void {
    this.socket?.send(text);
  }

  trade(trade: Tick): void {
    this.subs.deliver({ kind: "trade", trade });
  }

  quote(quote: Quote): void {
    this.subs.deliver({ kind: "quote", quote });
  }

  /** A bar as the vendor streams it, stamped with its window's start. */
  bar(symbol: SymbolId, start: number, bar: Bar): void {
    this.continuity.live(symbol, { start, bar });
  }

  malformed(problem: string): void {
    this.counts.malformed++;
    this.subs.error(new ProtocolError(`${this.options.name} stream sent a malformed message, skipped: ${problem}`));
  }

  /** The server accepted the credentials: recover missed bars (after a reconnect), subscribe, go live. */
  authenticated(): void {
    this.options.timers.clearTimeout(this.handshakeTimer);
    this.ready = true;
    this.socket!.healthy();
    if (this.sessions++ > 0 && this.options.recoverBars !== false) {
      // Under "*", every symbol that had bars; otherwise the subscribed ones.
      const subscribed = this.subs.current().bars ?? [];
      void this.continuity.reconnected(subscribed.includes("*") ? this.continuity.symbols() : subscribed);
    }
    const current = this.subs.current();
    if (!isEmpty(current)) this.send(this.protocol.subscription("subscribe", current));
    this.subs.status({ state: "live" });
  }

  /** Tells the listeners; the stream goes on. */
  report(error: Error): void {
    this.subs.error(error);
  }

  /** Tells the listeners and tries a new connection. */
  reconnect(error: Error): void {
    this.subs.error(error);
    this.socket?.reconnect(error.message);
  }

  /** Tells the listeners and ends the stream for good (refused credentials). */
  fail(error: Error, reason: string): void {
    this.subs.error(error);
    this.socket?.stop(1000, reason);
  }

  private start(): void {
    const { WebSocket, timers } = this.options;
    if (!WebSocket) throw new ConfigError(`${this.options.name}: streaming needs a WebSocket implementation (pass WebSocket)`, { field: "WebSocket" });
    this.subs.status({ state: "connecting" });
    this.socket = new ReconnectingSocket(
      { url: this.options.streamUrl, WebSocket, timers, random: this.options.random, ...this.options.reconnect },
      {
        onOpen: () => {
          this.ready = false;
          this.handshakeTimer = timers.setTimeout(() => this.socket?.reconnect(`not authenticated within ${HANDSHAKE_MS} ms`), HANDSHAKE_MS);
        },
        onMessage: (text) => {
          this.counts.data += this.protocol.parse(text);
        },
        onClose: ({ reason, retryInMs }) => {
          timers.clearTimeout(this.handshakeTimer);
          this.ready = false;
          if (retryInMs === undefined) {
            // Ended for good (refused credentials, out of attempts, closed): a later subscribe starts afresh.
            this.socket = undefined;
            this.subs.status({ state: "closed", reason });
          } else this.subs.status({ state: "reconnecting", reason, retryInMs });
        },
      },
    );
    this.socket.start();
  }
}
