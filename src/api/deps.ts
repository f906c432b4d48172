import type { ApiKey } from "../config/api-keys.ts";
import type { AppConfig } from "../config/app-config.ts";
import type { BarSeries } from "../core/data.ts";
import type { ComputePool } from "./compute/port.ts";
import type { KernelSet } from "./kernels.ts";
import type { ModelSources } from "./models.ts";
import type { Telemetry } from "../observability/telemetry.ts";

/** Wall-clock time in epoch milliseconds; injected so tests and every runtime agree on it. */
export type { Clock } from "../core/clock.ts";
import type { Clock, Scheduler } from "../core/clock.ts";
import type { Storage } from "../core/storage.ts";
import type { VectorIndex } from "../memory/vector-index.ts";

/** A series that ships with the server, loaded on first use. */
export interface SampleSeries {
  readonly name: string;
  readonly symbol: string;
  readonly description: string;
  /** CSV text (date,open,high,low,close,volume) or already-parsed bars. */
  load(): string | BarSeries | Promise<string | BarSeries>;
}

/** Everything the app needs from its host, passed in by the runtime adapter. */
export interface ApiDeps {
  readonly config: AppConfig;
  readonly kernels: KernelSet;
  readonly samples: readonly SampleSeries[];
  /** The shipped forecasting weights POST /forecast runs; without them it answers 501. */
  readonly models?: ModelSources;
  /** Package name and version, for GET /version. */
  readonly app: { readonly name: string; readonly version: string };
  readonly clock?: Clock;
  /** Timers and monotonic time for pacing sessions and slicing jobs (default: the real ones; tests pass a FakeScheduler). */
  readonly scheduler?: Scheduler;
  /**
   * Where paper sessions keep their journals (AppConfig sessionsDir, opened
   * by the runtime): with it they survive a restart; without, they live in
   * memory only.
   */
  readonly storage?: Storage;
  /** The vector memory POST /memory/search answers from (AppConfig memoryIndex, loaded by the runtime); without it, 404 memory_off. */
  readonly memory?: VectorIndex;
  /** Where unexpected errors are reported (default: console.error). */
  readonly log?: (message: string, err: unknown) => void;
  /**
   * Runs the routes whose cost scales with the request body off the thread
   * that serves requests (Node: worker threads). Default: this thread. The
   * host owns it and closes it when it stops.
   */
  readonly compute?: ComputePool;
  /**
   * Traces, metrics and logs (src/observability): the host builds them from
   * its SDK providers when asked; default: none recorded.
   */
  readonly telemetry?: Telemetry;
  /** The metrics in Prometheus text format, for GET /metrics; absent: /metrics answers 404 (metrics are off). */
  readonly metrics?: () => Promise<string>;
  /**
   * Whether memory outlives a request here (default true: a server process).
   * An edge isolate may serve each request afresh, so with `false` the
   * routes that keep state between requests (backtest jobs, paper sessions)
   * answer 501 instead of handing out ids that vanish.
   */
  readonly stateful?: boolean;
}

/**
 * A WebSocket as the app uses it, whatever the runtime: send text, close, and
 * hear when the peer goes away. Adapters wrap their native socket in this.
 */
export interface StreamSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onClose(listener: () => void): void;
}

/**
 * Upgrades the current request to a WebSocket and hands the socket to
 * `attach` once it is open; returns the response that completes the
 * handshake (Deno's 101, or a marker the Node adapter recognizes).
 */
export type SocketUpgrade = (attach: (socket: StreamSocket) => void) => Response | Promise<Response>;

/**
 * Per-request values an adapter passes as the second argument of
 * `app.fetch(request, env)`. Both are optional: a runtime without
 * WebSockets or without a peer address simply leaves them out.
 */
export interface ApiBindings {
  /** The peer's IP address, the rate limiter's key for clients without a token. */
  clientAddress?: string;
  upgradeSocket?: SocketUpgrade;
}

/** Per-request values the middleware sets: the presented secret and the key it is (null: unknown), looked up once. */
export interface ApiVariables {
  auth?: { readonly secret: string; readonly key: ApiKey | null };
}

export type ApiEnv = { Bindings: ApiBindings; Variables: ApiVariables };
