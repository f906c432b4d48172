import { shown } from "../../core/errors.ts";
import { AuthError, ProtocolError } from "../../net/errors.ts";
import type { Timers } from "../../net/timers.ts";
import { ReconnectingSocket, type ReconnectOptions, type WebSocketConstructor } from "../../net/websocket.ts";
import type { AlpacaCredentials } from "../../feeds/alpaca-data.ts";

/** One `trade_updates` message's data: the event name, the order as it is now, and the execution when there is one. */
export interface TradeUpdate {
  readonly event: string;
  readonly order: unknown;
  readonly timestamp?: string;
  readonly execution_id?: string;
  readonly price?: string;
  readonly qty?: string;
  readonly position_qty?: string;
}

export interface TradeUpdatesHandlers {
  onUpdate(update: TradeUpdate): void;
  /** Listening (again): after a reconnect, the broker polls for what it missed. */
  onListening(reconnected: boolean): void;
  onError(error: Error): void;
  onClosed(reason: string): void;
}

/**
 * Alpaca's trading stream: authenticate (`{"action":"auth","key","secret"}`
 * → `{"stream":"authorization","data":{"status":"authorized"}}`), listen to
 * `trade_updates`, then receive order events. Alpaca sends these as binary
 * frames; ReconnectingSocket decodes both kinds. Reconnects with backoff;
 * bad credentials end it.
 */
export class TradeUpdatesStream {
  private readonly socket: ReconnectingSocket;
  private sessions = 0;

  constructor(
    url: string,
    WebSocket: WebSocketConstructor,
    private readonly credentials: AlpacaCredentials,
    timers: Timers,
    reconnect: Omit<ReconnectOptions, "url" | "WebSocket" | "timers">,
    private readonly handlers: TradeUpdatesHandlers,
  ) {
    this.socket = new ReconnectingSocket({ url, WebSocket, timers, ...reconnect }, {
      onOpen: () => this.send({ action: "auth", key: this.credentials.keyId, secret: this.credentials.secret }),
      onMessage: (text) => this.message(text),
      onClose: ({ reason, retryInMs }) => {
        if (retryInMs === undefined) this.handlers.onClosed(reason);
      },
    });
  }

  get state() {
    return this.socket.state;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }

  private send(m: object): void {
    this.socket.send(JSON.stringify(m));
  }

  private message(text: string): void {
    let m: { stream?: unknown; data?: Record<string, unknown> };
    try {
      m = JSON.parse(text);
    } catch {
      this.handlers.onError(new ProtocolError(`Alpaca trade_updates stream sent a malformed message, skipped: not JSON: ${shown(text)}`));
      return;
    }
    const data = m?.data;
    if (m?.stream === "authorization") {
      if (data?.status === "authorized") this.send({ action: "listen", data: { streams: ["trade_updates"] } });
      else {
        const error = new AuthError("Alpaca trade_updates stream: authorization refused: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)");
        this.handlers.onError(error);
        this.socket.stop(1000, "unauthorized");
      }
    } else if (m?.stream === "listening") {
      const streams = Array.isArray(data?.streams) ? data.streams : [];
      if (!streams.includes("trade_updates")) {
        this.handlers.onError(new ProtocolError(`Alpaca trade_updates stream: asked to listen to trade_updates, the server listens to ${shown(streams)}`));
        return;
      }
      this.socket.healthy();
      this.handlers.onListening(this.sessions++ > 0);
    } else if (m?.stream === "trade_updates") {
      if (!data || typeof data.event !== "string" || typeof data.order !== "object" || data.order === null) {
        this.handlers.onError(new ProtocolError(`Alpaca trade_updates stream sent an update without event and order, skipped: ${shown(text)}`));
        return;
      }
      this.handlers.onUpdate(data as unknown as TradeUpdate);
    } else {
      this.handlers.onError(new ProtocolError(`Alpaca trade_updates stream sent a message of unknown stream ${shown(m?.stream)}, skipped`));
    }
  }
}
