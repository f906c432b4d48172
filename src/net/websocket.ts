import { backoffMs } from "./retry.ts";
import { systemTimers, type TimerHandle, type Timers } from "./timers.ts";

/**
 * The WHATWG WebSocket as this code uses it. Browsers, Deno, Node 22+,
 * workers and the `ws` package all provide it, so a client takes the
 * constructor and never imports one. The handlers take `any` because each
 * implementation types its event objects differently (MessageEvent, ws's
 * WebSocket.MessageEvent, ...) and only `data`, `code` and `reason` are read.
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /* eslint-disable @typescript-eslint/no-explicit-any */
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

export type SocketState = "idle" | "connecting" | "open" | "waiting" | "stopped";

export interface ReconnectOptions {
  /** Where to connect; a function when it changes between attempts. */
  readonly url: string | (() => string);
  readonly WebSocket: WebSocketConstructor;
  readonly timers?: Timers;
  /** Backoff between attempts (equal jitter, doubling from baseMs to maxMs). */
  readonly baseMs?: number;
  readonly maxMs?: number;
  /** Attempts in a row (without a healthy connection between them) before giving up; default unlimited. */
  readonly maxAttempts?: number;
  /** A socket not open within this time is dropped and tried again (ms). */
  readonly connectTimeoutMs?: number;
  /** Nothing received for this long means a dead peer: drop and reconnect (ms; 0 = never). */
  readonly idleTimeoutMs?: number;
  readonly random?: () => number;
}

export interface SocketEvents {
  /** A connection is open: the protocol starts its handshake (auth, subscribe). */
  onOpen(): void;
  /** One message as text (binary frames are decoded as UTF-8). */
  onMessage(text: string): void;
  /** The connection closed; `retryInMs` undefined: no further attempt (stopped or out of attempts). */
  onClose?(info: { code: number; reason: string; retryInMs?: number }): void;
}

/**
 * A WebSocket that comes back. When the connection drops (or never opens,
 * or goes silent past the idle timeout) it reconnects after a backoff with
 * jitter, and calls `onOpen` again so the protocol on top re-authenticates
 * and resubscribes. The backoff resets once the protocol calls `healthy()`
 * (after a successful auth), not merely on open, so a server that accepts
 * and then at once refuses us is not hammered.
 */
export class ReconnectingSocket {
  private socket: WebSocketLike | undefined;
  private current: SocketState = "idle";
  private attempts = 0;
  private retryTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  private readonly timers: Timers;
  /** Connections opened so far; tests and status lines read it. */
  opened = 0;

  constructor(private readonly options: ReconnectOptions, private readonly events: SocketEvents) {
    this.timers = options.timers ?? systemTimers;
  }

  get state(): SocketState {
    return this.current;
  }

  start(): void {
    if (this.current !== "idle") return;
    this.connect();
  }

  /** Sends when open; false when not (the protocol resends what it needs on the next onOpen). */
  send(text: string): boolean {
    if (this.socket?.readyState !== OPEN) return false;
    this.socket.send(text);
    return true;
  }

  /** The protocol is up (authenticated): later drops start their backoff afresh. */
  healthy(): void {
    this.attempts = 0;
  }

  /** Drops this connection and connects again after the backoff (a protocol error that a new session may cure). */
  reconnect(reason: string): void {
    if (this.current === "stopped") return;
    this.drop(4000, reason);
  }

  /** Closes for good. */
  stop(code = 1000, reason = "closed by client"): void {
    if (this.current === "stopped") return;
    this.current = "stopped";
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      detach(socket);
      closeQuietly(socket, code, reason);
    }
    this.events.onClose?.({ code, reason });
  }

  private connect(): void {
    this.current = "connecting";
    const url = typeof this.options.url === "function" ? this.options.url() : this.options.url;
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(url);
    } catch (e) {
      // A bad URL throws at once; treat it as a failed attempt, which the backoff paces.
      this.scheduleRetry(1006, `cannot connect to ${url}: ${(e as Error).message}`);
      return;
    }
    this.socket = socket;
    // Browsers default to Blob, which only reads asynchronously; bytes decode in order.
    socket.binaryType = "arraybuffer";
    const connectMs = this.options.connectTimeoutMs ?? 10_000;
    this.connectTimer = this.timers.setTimeout(() => this.drop(4001, `not open after ${connectMs} ms`), connectMs);
    socket.onopen = () => {
      this.timers.clearTimeout(this.connectTimer);
      this.current = "open";
      this.opened++;
      this.touch();
      this.events.onOpen();
    };
    socket.onmessage = (event: { data: unknown }) => {
      this.touch();
      this.events.onMessage(decode(event.data));
    };
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      detach(socket);
      this.scheduleRetry(event.code ?? 1006, event.reason || "connection closed");
    };
    // An error is always followed by close, which is where we act.
    socket.onerror = () => {};
  }

  /** Closes the socket on our side and schedules the next attempt. */
  private drop(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      detach(socket);
      closeQuietly(socket, code, reason);
    }
    this.scheduleRetry(code, reason);
  }

  private scheduleRetry(code: number, reason: string): void {
    this.clearTimers();
    const max = this.options.maxAttempts ?? Infinity;
    if (this.attempts >= max) {
      this.current = "stopped";
      this.events.onClose?.({ code, reason: `${reason}; gave up after ${this.attempts} attempts` });
      return;
    }
    const delay = backoffMs(this.attempts++, { baseMs: this.options.baseMs ?? 500, maxMs: this.options.maxMs ?? 30_000 }, this.options.random);
    this.current = "waiting";
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
    this.events.onClose?.({ code, reason, retryInMs: delay });
  }

  /** Restarts the idle watchdog: a peer that sends nothing for idleTimeoutMs is presumed dead. */
  private touch(): void {
    const idle = this.options.idleTimeoutMs ?? 0;
    if (idle <= 0) return;
    this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => this.drop(4002, `nothing received for ${idle} ms`), idle);
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.connectTimer, this.idleTimer]) if (t !== undefined) this.timers.clearTimeout(t);
    this.retryTimer = this.connectTimer = this.idleTimer = undefined;
  }
}

/**
 * Closes without throwing. A close reason may hold at most 123 bytes of
 * UTF-8 (RFC 6455 §5.5), and implementations throw beyond that, which would
 * leave the connection open; the full reason goes to onClose instead.
 */
function closeQuietly(socket: WebSocketLike, code: number, reason: string): void {
  let short = reason;
  while (new TextEncoder().encode(short).length > 123) short = short.slice(0, -1);
  try {
    socket.close(code, short);
  } catch {
    try {
      socket.close();
    } catch { /* not open yet in some runtimes: closing is then a no-op */ }
  }
}

function detach(socket: WebSocketLike): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  socket.onerror = () => {};
}

const utf8 = new TextDecoder();

/** Text frames arrive as strings; binary ones (Alpaca's trading stream sends those) as bytes. */
function decode(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return utf8.decode(data);
  if (ArrayBuffer.isView(data)) return utf8.decode(data);
  // ws delivers a fragmented binary message as an array of Buffers when binaryType is "fragments".
  if (Array.isArray(data)) return data.map(decode).join("");
  return String(data);
}
