import type { Backtest, EngineEvent, RunSnapshot } from "../backtest/engine.ts";
import type { BacktestRequest } from "../backtest/job.ts";
import type { BarSeries } from "../core/data.ts";
import { EngineError } from "../core/errors.ts";
import type { Clock, StreamSocket } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { strategyBacktest } from "../backtest/job.ts";

export type SessionStatus = "running" | "finished" | "stopped" | "failed";

/** What GET /sessions/:id answers, and the first and last message on a stream. */
export interface SessionView {
  readonly id: string;
  /** The id of the key that started it. */
  readonly owner: string;
  readonly status: SessionStatus;
  readonly symbol: string;
  readonly strategy: string;
  readonly barsPerSecond: number;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly snapshot: RunSnapshot;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Messages on GET /sessions/:id/stream: the engine's events, then a status frame at either end. */
export type StreamMessage = EngineEvent | { readonly type: "session" | "end"; readonly session: SessionView };

/** The most bars one timer tick replays, so a fast pace cannot stall the server. */
const MAX_BARS_PER_TICK = 2000;
/** Shortest pause between ticks (timers are coarser than this in most runtimes anyway). */
const MIN_TICK_MS = 4;

/**
 * A paper session: a series replayed through the same engine as a backtest,
 * `barsPerSecond` bars a second, with every event fanned out to the
 * session's WebSocket subscribers. Pacing follows a monotonic clock and
 * catches up after a late timer, so the replay rate holds on average.
 */
export class PaperSession {
  readonly id = crypto.randomUUID();
  readonly symbol: string;
  readonly strategy: string;
  private state: SessionStatus = "running";
  private readonly run: Backtest;
  private readonly subscribers = new Set<StreamSocket>();
  private readonly createdAt: number;
  private ended: number | null = null;
  private error?: { code: string; message: string };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly startedAt = performance.now();
  private stepped = 0;

  constructor(
    series: BarSeries,
    req: BacktestRequest,
    readonly barsPerSecond: number,
    readonly owner: string,
    private readonly clock: Clock,
    private readonly log: (message: string, err: unknown) => void,
  ) {
    this.run = strategyBacktest(series, req, { onEvent: (event) => this.broadcast(event) });
    this.symbol = series.symbol;
    this.strategy = req.strategy;
    this.createdAt = clock.now();
    this.schedule(0);
  }

  get status(): SessionStatus {
    return this.state;
  }

  /** Epoch ms on the app's clock when it ended; null while it runs. */
  get endedAt(): number | null {
    return this.ended;
  }

  view(): SessionView {
    return {
      id: this.id, owner: this.owner, status: this.status, symbol: this.symbol, strategy: this.strategy, barsPerSecond: this.barsPerSecond,
      createdAt: this.createdAt, endedAt: this.ended, snapshot: this.run.snapshot(), ...(this.error ? { error: this.error } : {}),
    };
  }

  snapshot(): RunSnapshot {
    return this.run.snapshot();
  }

  /** Stops the replay (DELETE /sessions/:id); a no-op once it has ended. */
  stop(): void {
    if (this.state === "running") this.end("stopped");
  }

  /** Adds a stream subscriber: a status frame now, then every event, then an end frame and close. */
  subscribe(socket: StreamSocket): void {
    if (this.status !== "running") {
      this.sendTo(socket, { type: "end", session: this.view() });
      socket.close(1000, this.status);
      return;
    }
    this.subscribers.add(socket);
    socket.onClose(() => this.subscribers.delete(socket));
    this.sendTo(socket, { type: "session", session: this.view() });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.status !== "running") return;
    const elapsed = performance.now() - this.startedAt;
    // The first bar plays at once, then one every 1000 / barsPerSecond ms.
    const due = Math.min(Math.floor((elapsed * this.barsPerSecond) / 1000) + 1, this.stepped + MAX_BARS_PER_TICK);
    try {
      while (this.stepped < due && !this.run.done) {
        this.run.step();
        this.stepped++;
      }
    } catch (e) {
      if (!(e instanceof EngineError)) this.log(`paper session ${this.id} failed`, e);
      this.error = e instanceof EngineError ? { code: e.code, message: e.message } : { code: "internal", message: "the session failed unexpectedly" };
      this.end("failed");
      return;
    }
    if (this.run.done) {
      this.end("finished");
      return;
    }
    const nextAt = this.startedAt + (this.stepped * 1000) / this.barsPerSecond;
    this.schedule(Math.max(MIN_TICK_MS, nextAt - performance.now()));
  }

  private end(status: SessionStatus): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.state = status;
    this.ended = this.clock.now();
    const last: StreamMessage = { type: "end", session: this.view() };
    for (const socket of this.subscribers) {
      this.sendTo(socket, last);
      socket.close(1000, status);
    }
    this.subscribers.clear();
  }

  private broadcast(event: EngineEvent): void {
    if (this.subscribers.size === 0) return;
    const text = JSON.stringify(event);
    for (const socket of this.subscribers) this.sendText(socket, text);
  }

  private sendTo(socket: StreamSocket, message: StreamMessage): void {
    this.sendText(socket, JSON.stringify(message));
  }

  /** A socket that fails to send is dropped; the session goes on for the others. */
  private sendText(socket: StreamSocket, text: string): void {
    try {
      socket.send(text);
    } catch {
      this.subscribers.delete(socket);
      try { socket.close(1011, "send failed"); } catch { /* already gone */ }
    }
  }
}

/**
 * The paper sessions, at most `capacity`; ended ones make room, oldest
 * first, and expire `ttlMs` after they end. A session belongs to its owner:
 * the `owner` arguments filter by it, undefined meaning every owner (admin).
 */
export class PaperSessions {
  private readonly sessions = new Map<string, PaperSession>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { readonly capacity: number; readonly ttlMs: number },
    private readonly log: (message: string, err: unknown) => void,
  ) {}

  start(series: BarSeries, req: BacktestRequest, barsPerSecond: number, owner: string): PaperSession {
    this.expire();
    if (this.sessions.size >= this.limits.capacity && !this.evictOneEnded()) {
      throw new ApiError(429, "too_many_sessions", `${this.limits.capacity} paper sessions are running; stop one first`, undefined, { "retry-after": "1" });
    }
    const session = new PaperSession(series, req, barsPerSecond, owner, this.clock, this.log);
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string, owner?: string): PaperSession | undefined {
    this.expire();
    const session = this.sessions.get(id);
    return session && (owner === undefined || session.owner === owner) ? session : undefined;
  }

  list(owner?: string): PaperSession[] {
    this.expire();
    return [...this.sessions.values()].filter((s) => owner === undefined || s.owner === owner);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Stops every session (server shutdown). */
  stopAll(): void {
    for (const s of this.sessions.values()) s.stop();
  }

  /** Drops sessions ended longer than the TTL ago; run on every access, so the clock decides, not a timer. */
  private expire(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) {
      if (s.endedAt !== null && now - s.endedAt >= this.limits.ttlMs) this.sessions.delete(id);
    }
  }

  private evictOneEnded(): boolean {
    for (const [id, s] of this.sessions) {
      if (s.status !== "running") {
        this.sessions.delete(id);
        return true;
      }
    }
    return false;
  }
}
