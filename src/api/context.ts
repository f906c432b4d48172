import type { Hono } from "hono";
import type { ComputePool } from "./compute/port.ts";
import type { ApiDeps, ApiEnv, Clock } from "./deps.ts";
import type { SampleStore } from "./input/data.ts";
import type { BacktestJobs } from "./jobs.ts";
import type { KeyRing } from "./middleware/auth.ts";
import type { ModelStore } from "./models.ts";
import type { PaperSessions } from "./sessions.ts";

/** What every route module gets: the injected deps and the app's own state. */
export interface AppState {
  readonly deps: ApiDeps;
  readonly clock: Clock;
  readonly log: (message: string, err: unknown) => void;
  readonly samples: SampleStore;
  /** The API keys, for routes that need one. */
  readonly keys: KeyRing;
  readonly models: ModelStore;
  readonly jobs: BacktestJobs;
  readonly sessions: PaperSessions;
  /** Where the routes that scale with their body run (deps.compute, else this thread). */
  readonly compute: ComputePool;
}

export type ApiApp = Hono<ApiEnv>;
