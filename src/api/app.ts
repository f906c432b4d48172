import { Hono } from "hono";
import { cors } from "hono/cors";
import { InlineCompute } from "./compute/inline.ts";
import type { AppState } from "./context.ts";
import { realScheduler, systemClock } from "../core/clock.ts";
import type { ApiDeps, ApiEnv } from "./deps.ts";
import { ApiError, errorResponse, handleError } from "./errors.ts";
import { shownKey } from "../core/errors.ts";
import { SampleStore } from "./input/data.ts";
import { BacktestJobs } from "./jobs.ts";
import { KeyRing } from "./middleware/auth.ts";
import { ModelStore } from "./models.ts";
import { bodyLimit } from "./middleware/body-limit.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { backtestRoutes } from "./routes/backtest.ts";
import { forecastRoutes } from "./routes/forecast.ts";
import { indicatorRoutes } from "./routes/indicators.ts";
import { mcpRoutes } from "./routes/mcp.ts";
import { metaRoutes } from "./routes/meta.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { sweepRoutes } from "./routes/sweeps.ts";
import { observe } from "./middleware/observe.ts";
import { noTelemetry } from "../observability/telemetry.ts";
import { PaperSessions } from "./sessions.ts";
import type { McpServers } from "../mcp/server.ts";
import { memoryRoutes } from "./routes/memory.ts";


/** The app plus what a host needs to shut it down cleanly. */
export interface EngineApp {
  readonly app: Hono<ApiEnv>;
  /** `app.fetch`, bound: what Deno's serve, an edge runtime or @hono/node-server call. */
  readonly fetch: Hono<ApiEnv>["fetch"];
  /** Pauses every paper session (stored ones resume on the next start; their timers would otherwise keep a process alive). */
  close(): void;
  /** MCP servers over this app's tools, the tools POST /mcp serves (`nt mcp` connects one to stdio). */
  readonly mcp: McpServers;
}

/**
 * The HTTP API over the engine, built on web standards only: each runtime
 * adapter (runtimes/*) passes in its kernels, sample data, configuration and
 * clock, and serves `fetch`.
 */
export function createApp(deps: ApiDeps): EngineApp {
  const clock = deps.clock ?? systemClock;
  const scheduler = deps.scheduler ?? realScheduler;
  const log = deps.log ?? ((message: string, err: unknown) => console.error(message, err));
  const telemetry = deps.telemetry ?? noTelemetry;
  const { config } = deps;
  const samples = new SampleStore(deps.samples);
  const models = new ModelStore(deps.models);
  const state: AppState = {
    deps, clock, log, samples, models,
    compute: deps.compute ?? new InlineCompute({ kernels: deps.kernels, samples, models }),
    keys: new KeyRing(config.apiKeys),
    telemetry,
    jobs: new BacktestJobs(clock, { maxJobs: config.maxJobs, memoryBytes: config.jobsMemoryBytes, ttlMs: config.resultTtlMs }, log, telemetry, scheduler),
    sessions: new PaperSessions(clock, { capacity: config.maxSessions, ttlMs: config.resultTtlMs }, log, scheduler, deps.stateful === false ? null : deps.storage ?? null, telemetry),
  };

  const app = new Hono<ApiEnv>();
  app.onError((err, c) => handleError(err, c, log));
  app.notFound((c) => errorResponse(404, "not_found", `no route ${c.req.method} ${shownKey(new URL(c.req.url).pathname)}; see /openapi.json`));

  // Outermost: every request gets its span and its count, errors and refusals included.
  app.use("*", observe(telemetry));

  // CORS first, so preflights and error responses carry its headers too.
  if (config.corsOrigins.length > 0) {
    app.use("*", cors({
      origin: config.corsOrigins.includes("*") ? "*" : [...config.corsOrigins],
      allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type"],
      exposeHeaders: ["Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "X-NT-Rows", "X-NT-Columns"],
      maxAge: 600,
    }));
  }
  if (config.rateLimit.perSecond > 0) {
    app.use("*", rateLimit({ ...config.rateLimit, clock, keys: state.keys, trustProxy: config.trustProxy }));
  }
  // Only POST routes read a body; registering the limit for POST alone keeps GETs free of it.
  app.post("*", bodyLimit(config.bodyLimitBytes));

  if (deps.stateful === false) refuseStatefulRoutes(app);
  metaRoutes(app, state);
  indicatorRoutes(app, state);
  backtestRoutes(app, state);
  sweepRoutes(app, state);
  analyticsRoutes(app, state);
  forecastRoutes(app, state);
  sessionRoutes(app, state);
  memoryRoutes(app, state);
  const mcp = mcpRoutes(app, state);

  return { app, fetch: app.fetch.bind(app), close: () => state.sessions.stopAll(), mcp };
}

/** Registered before the routes, so it answers first; CORS and rate limits still apply. */
function refuseStatefulRoutes(app: Hono<ApiEnv>): void {
  const refuse = (what: string) => () => {
    throw new ApiError(501, "stateless_runtime",
      `${what} keep state between requests, which this deployment does not (an edge isolate may serve each request afresh); ` +
      "use POST /backtest for a backtest answered in one request, or the Node or Deno server for jobs and paper sessions");
  };
  for (const path of ["/backtests", "/backtests/*"]) app.all(path, refuse("backtest jobs"));
  for (const path of ["/sweeps", "/sweeps/*"]) app.all(path, refuse("sweep jobs"));
  for (const path of ["/sessions", "/sessions/*"]) app.all(path, refuse("paper sessions"));
}
