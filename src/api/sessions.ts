import { sessionSetup, type BacktestRequest } from "../backtest/job.ts";
import type { Clock, Scheduler } from "../core/clock.ts";
import type { BarSeries } from "../core/data.ts";
import { EngineError, ExecutionError } from "../core/errors.ts";
import type { Storage } from "../core/storage.ts";
import { PaperExchange } from "../execution/paper.ts";
import { runSteps } from "../execution/runner.ts";
import { SeriesFeed, TradingSession } from "../execution/session.ts";
import type { EngineEvent, RunSnapshot } from "../execution/types.ts";
import type { StreamSocket } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { noTelemetry, type Telemetry } from "../observability/telemetry.ts";

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
  /** Set when the session was picked up again from its journal after the server restarted. */
  readonly recovered?: { readonly at: number; readonly bars: number; readonly resent: readonly string[] };
}

/** Messages on GET /sessions/:id/stream: the engine's events, then a status frame at either end. */
export type StreamMessage = EngineEvent | { readonly type: "session" | "end"; readonly session: SessionView };

/** The most bars one wake-up replays, so a fast pace cannot stall the server. */
const MAX_BARS_PER_WAKE = 2000;

/** What a session keeps in session.json: enough to start it again, and its final state once it ends. */
interface SessionMeta {
  readonly id: string;
  readonly owner: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly barsPerSecond: number;
  readonly createdAt: number;
  readonly request: BacktestRequest;
  status: SessionStatus;
  endedAt: number | null;
  error?: { code: string; message: string };
  final?: RunSnapshot;
}

/** Where sessions live: nothing (memory only) or a storage folder where each has its own. */
interface SessionEnv {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly storage: Storage | null;
  readonly log: (message: string, err: unknown) => void;
  readonly telemetry: Telemetry;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A paper session: a series replayed at `barsPerSecond` as the market of a
 * trading session (the engine of a backtest, on the paper exchange), with
 * every event fanned out to the session's WebSocket subscribers. The one
 * runner (src/execution/runner.ts) paces it.
 *
 * With storage, the session journals every order event (fsync'd before an
 * order leaves) beside its bars and its paper exchange's journal, in a folder
 * of its own; after a restart it is picked up from there and goes on where
 * it stopped (see TradingSession). Without storage it lives in memory only.
 */
export class PaperSession {
  private state: SessionStatus;
  private readonly subscribers = new Set<StreamSocket>();
  private readonly abort = new AbortController();
  private trading: TradingSession | null = null;
  private exchange: PaperExchange | null = null;
  private recovered?: SessionView["recovered"];

  private constructor(private readonly meta: SessionMeta, private readonly env: SessionEnv, private readonly barsTotal: number) {
    this.state = meta.status;
  }

  get id(): string {
    return this.meta.id;
  }

  get owner(): string {
    return this.meta.owner;
  }

  get status(): SessionStatus {
    return this.state;
  }

  /** Epoch ms on the app's clock when it ended; null while it runs. */
  get endedAt(): number | null {
    return this.meta.endedAt;
  }

  /** Starts a new session; its first bar plays on the next turn of the event loop. */
  static async start(env: SessionEnv, series: BarSeries, request: BacktestRequest, barsPerSecond: number, owner: string): Promise<PaperSession> {
    const id = crypto.randomUUID();
    const meta: SessionMeta = {
      id, owner, symbol: series.symbol, strategy: request.strategy, barsPerSecond, createdAt: env.clock.now(), request, status: "running", endedAt: null,
    };
    if (env.storage) {
      env.storage.write(`${id}/bars.json`, encoder.encode(JSON.stringify(seriesJson(series))));
      env.storage.write(`${id}/session.json`, encoder.encode(JSON.stringify(meta)));
    }
    const session = new PaperSession(meta, env, series.close.length);
    await session.open(series);
    session.launch();
    return session;
  }

  /**
   * A session found in storage: an ended one shows its final state; a running
   * one resumes from its journal (reconciled with its paper exchange) and
   * plays on. One whose journal cannot be resumed is marked failed, saying why.
   */
  static async restore(env: SessionEnv, id: string): Promise<PaperSession | null> {
    const storage = env.storage!;
    const metaBytes = storage.read(`${id}/session.json`);
    if (metaBytes === null) return null;
    const meta = JSON.parse(decoder.decode(metaBytes)) as SessionMeta;
    const barsBytes = storage.read(`${id}/bars.json`);
    const series = barsBytes === null ? null : seriesFromJson(JSON.parse(decoder.decode(barsBytes)));
    const session = new PaperSession(meta, env, series?.close.length ?? meta.final?.barsTotal ?? 0);
    if (meta.status !== "running") return session;
    try {
      if (series === null) throw new ExecutionError(`session ${id} has no bars.json to resume from`, { field: "session" });
      await session.open(series);
      session.launch();
    } catch (e) {
      session.fail(e);
    }
    return session;
  }

  view(): SessionView {
    const m = this.meta;
    return {
      id: m.id, owner: m.owner, status: this.state, symbol: m.symbol, strategy: m.strategy, barsPerSecond: m.barsPerSecond,
      createdAt: m.createdAt, endedAt: m.endedAt, snapshot: this.snapshot(), ...(m.error ? { error: m.error } : {}),
      ...(this.recovered ? { recovered: this.recovered } : {}),
    };
  }

  snapshot(): RunSnapshot {
    if (this.trading) return this.trading.snapshot();
    return this.meta.final ?? { time: NaN, barsDone: 0, barsTotal: this.barsTotal, cash: "0", equity: 0, positions: [], openOrders: [], fills: [] };
  }

  /** Stops the replay (DELETE /sessions/:id); a no-op once it has ended. */
  stop(): void {
    if (this.state === "running") this.end("stopped");
  }

  /**
   * Server shutdown: stops stepping and closes the journals but leaves the
   * session marked running, so the next start resumes it. Without storage
   * there is nothing to resume from, and it is stopped.
   */
  suspend(): void {
    if (this.state !== "running") return;
    if (!this.env.storage) {
      this.stop();
      return;
    }
    this.abort.abort();
    this.closeJournals();
    for (const socket of this.subscribers) socket.close(1001, "server shutting down; the session resumes when it restarts");
    this.subscribers.clear();
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

  /** The paper exchange and the trading session, both from their journals when there is storage. */
  private async open(series: BarSeries): Promise<void> {
    const { storage } = this.env;
    const id = this.meta.id;
    const setup = sessionSetup(this.meta.request, { onEvent: (event) => this.broadcast(event) });
    this.exchange = PaperExchange.open(setup.venue, storage?.openAppend(`${id}/paper.journal`)).exchange;
    const { session, recovery } = await TradingSession.open({
      feed: new SeriesFeed([series]), strategy: () => setup.strategy, settings: setup.settings, client: this.exchange, market: this.exchange,
      journal: storage ? { file: storage.openAppend(`${id}/engine.journal`), run: { request: setup.request, symbol: series.symbol, bars: series.close.length } } : undefined,
      observe: { telemetry: this.env.telemetry, now: () => this.env.scheduler.now() },
    });
    this.trading = session;
    if (recovery) this.recovered = { at: this.env.clock.now(), bars: recovery.bars, resent: recovery.reconciliation.resubmitted };
  }

  /** Plays the bars at the session's pace, from the next turn of the event loop. */
  private launch(): void {
    const trading = this.trading!;
    this.env.scheduler.after(0, () => {
      if (this.state !== "running" || this.abort.signal.aborted) return;
      runSteps(trading, { scheduler: this.env.scheduler, pace: this.meta.barsPerSecond, maxStepsPerWake: MAX_BARS_PER_WAKE, signal: this.abort.signal })
        .then((outcome) => {
          if (!outcome.cancelled && this.state === "running") this.end("finished");
        })
        .catch((e: unknown) => this.fail(e));
    });
  }

  private fail(e: unknown): void {
    if (!(e instanceof EngineError)) this.env.log(`paper session ${this.id} failed`, e);
    this.meta.error = e instanceof EngineError ? { code: e.code, message: e.message } : { code: "internal", message: "the session failed unexpectedly" };
    this.end("failed");
  }

  private end(status: SessionStatus): void {
    this.abort.abort();
    this.state = status;
    this.meta.status = status;
    this.meta.endedAt = this.env.clock.now();
    this.meta.final = this.snapshot();
    this.closeJournals();
    this.persist();
    const last: StreamMessage = { type: "end", session: this.view() };
    for (const socket of this.subscribers) {
      this.sendTo(socket, last);
      socket.close(1000, status);
    }
    this.subscribers.clear();
  }

  private closeJournals(): void {
    try {
      this.trading?.close();
      this.exchange?.close();
    } catch (e) {
      this.env.log(`paper session ${this.id}: closing its journals failed`, e);
    }
  }

  private persist(): void {
    if (!this.env.storage) return;
    try {
      this.env.storage.write(`${this.id}/session.json`, encoder.encode(JSON.stringify(this.meta)));
    } catch (e) {
      this.env.log(`paper session ${this.id}: saving its state failed`, e);
    }
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
 * first, and expire `ttlMs` after they end (their folders with them). A
 * session belongs to its owner: the `owner` arguments filter by it,
 * undefined meaning every owner (admin). With storage, the sessions found
 * there are restored when the app starts (`ready` settles when they are).
 */
export class PaperSessions {
  private readonly sessions = new Map<string, PaperSession>();
  private readonly env: SessionEnv;
  /** Settles once the sessions kept in storage are back. */
  readonly ready: Promise<void>;

  constructor(
    clock: Clock,
    private readonly limits: { readonly capacity: number; readonly ttlMs: number },
    log: (message: string, err: unknown) => void,
    scheduler: Scheduler,
    storage: Storage | null = null,
    telemetry: Telemetry = noTelemetry,
  ) {
    this.env = { clock, log, scheduler, storage, telemetry };
    this.ready = storage ? this.restoreAll(storage) : Promise.resolve();
  }

  async start(series: BarSeries, req: BacktestRequest, barsPerSecond: number, owner: string): Promise<PaperSession> {
    await this.ready;
    this.expire();
    if (this.sessions.size >= this.limits.capacity && !this.evictOneEnded()) {
      throw new ApiError(429, "too_many_sessions", `${this.limits.capacity} paper sessions are running; stop one first`, undefined, { "retry-after": "1" });
    }
    const session = await PaperSession.start(this.env, series, req, barsPerSecond, owner);
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

  /** Server shutdown: running sessions pause with their journals closed, to resume on the next start (stopped when nothing is stored). */
  stopAll(): void {
    for (const s of this.sessions.values()) s.suspend();
  }

  private async restoreAll(storage: Storage): Promise<void> {
    for (const id of storage.list("")) {
      try {
        const session = await PaperSession.restore(this.env, id);
        if (session) this.sessions.set(id, session);
      } catch (e) {
        this.env.log(`paper session ${id} could not be restored`, e);
      }
    }
  }

  /** Drops sessions ended longer than the TTL ago; run on every access, so the clock decides, not a timer. */
  private expire(): void {
    const now = this.env.clock.now();
    for (const [id, s] of this.sessions) {
      if (s.endedAt !== null && now - s.endedAt >= this.limits.ttlMs) this.forget(id);
    }
  }

  private evictOneEnded(): boolean {
    for (const [id, s] of this.sessions) {
      if (s.status !== "running") {
        this.forget(id);
        return true;
      }
    }
    return false;
  }

  private forget(id: string): void {
    this.sessions.delete(id);
    try {
      this.env.storage?.remove(id);
    } catch (e) {
      this.env.log(`paper session ${id}: removing its folder failed`, e);
    }
  }
}

interface SeriesJson {
  readonly symbol: string;
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
  readonly volume: number[];
}

/** JSON numbers carry doubles exactly, so the bars come back bit for bit. */
function seriesJson(s: BarSeries): SeriesJson {
  return {
    symbol: s.symbol, time: Array.from(s.time), open: Array.from(s.open), high: Array.from(s.high), low: Array.from(s.low),
    close: Array.from(s.close), volume: Array.from(s.volume),
  };
}

function seriesFromJson(j: SeriesJson): BarSeries {
  return {
    symbol: j.symbol, time: Float64Array.from(j.time), open: Float64Array.from(j.open), high: Float64Array.from(j.high),
    low: Float64Array.from(j.low), close: Float64Array.from(j.close), volume: Float64Array.from(j.volume),
  };
}
