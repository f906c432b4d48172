import { runStrategyBacktest, strategyBacktest } from "../../backtest/job.ts";
import { jsonAnswer, type Answer } from "../answer.ts";
import type { ComputeEnv, ComputeRequest } from "../compute/port.ts";
import { offload } from "../compute/route.ts";
import type { ApiApp, AppState } from "../context.ts";
import { shownKey } from "../../core/errors.ts";
import { ApiError, notFound } from "../errors.ts";
import { callerKey, computeAccess, requireScope, visibleOwner } from "../middleware/auth.ts";
import { BACKTEST_RUN_FIELDS, backtestRequest } from "../input/backtest.ts";
import { benchmarkFromRequest, seriesListFromRequest } from "../input/data.ts";
import { withAnalysis } from "../../report/analysis.ts";
import { onlyKeys, readJsonObject, type JsonObject } from "../input/validate.ts";

/**
 * The most bars a synchronous POST /backtest runs: it holds a compute worker
 * for the whole run, so longer series go through POST /backtests.
 */
export const MAX_SYNC_BARS = 200_000;

/**
 * POST /backtest (answers with the report, on the compute pool; public
 * unless configured otherwise), and the jobs, which need a key and belong to
 * it: POST /backtests, GET /backtests (the caller's own), GET and DELETE
 * /backtests/:id. Another key's job is a 404, so ids do not leak.
 */
export function backtestRoutes(app: ApiApp, state: AppState): void {
  const { keys } = state;
  app.post("/backtest", computeAccess(keys, state.deps.config.publicRoutes, "/backtest"), offload(state, "backtest"));

  app.post("/backtests", requireScope(keys, "backtest"), async (c) => {
    const body = await readJsonObject(c.req);
    onlyKeys(body, BACKTEST_RUN_FIELDS);
    const req = backtestRequest(body);
    const series = await seriesListFromRequest(body, state.samples);
    const benchmark = await benchmarkFromRequest(body, series, state.samples);
    // Built here so a bad strategy or parameter is a 400 now, not a failed job later.
    const run = strategyBacktest(series, req);
    // Hono keeps the text readJsonObject read: its length is the body's, with no second read.
    const bodyBytes = (await c.req.text()).length;
    const job = state.jobs.submit(run, { owner: callerKey(c).id, barsTotal: series[0].close.length, bodyBytes, benchmark });
    return c.json(job, 202, { location: `/backtests/${job.id}` });
  });

  app.get("/backtests", requireScope(keys, "read"), (c) => c.json({ jobs: state.jobs.list(visibleOwner(callerKey(c))) }));

  const missing = (id: string) => notFound(`no backtest job ${shownKey(id)} (finished jobs expire after limits.result_ttl, or make room for newer ones)`);

  app.get("/backtests/:id", requireScope(keys, "read"), (c) => {
    const job = state.jobs.get(c.req.param("id"), visibleOwner(callerKey(c)));
    if (!job) throw missing(c.req.param("id"));
    return c.json(job);
  });

  app.delete("/backtests/:id", requireScope(keys, "backtest"), (c) => {
    if (!state.jobs.delete(c.req.param("id"), visibleOwner(callerKey(c)))) throw missing(c.req.param("id"));
    return c.body(null, 204);
  });
}

/** The answer of POST /backtest, on the compute pool. */
export async function backtestAnswer(body: JsonObject, _request: ComputeRequest, env: ComputeEnv): Promise<Answer> {
  onlyKeys(body, BACKTEST_RUN_FIELDS);
  const req = backtestRequest(body);
  const series = await seriesListFromRequest(body, env.samples);
  const bars = series.reduce((n, s) => n + s.close.length, 0);
  if (bars > MAX_SYNC_BARS) {
    throw new ApiError(413, "too_many_bars", `POST /backtest runs at most ${MAX_SYNC_BARS} bars, over all its series (got ${bars}); submit a job with POST /backtests`);
  }
  const benchmark = await benchmarkFromRequest(body, series, env.samples);
  return jsonAnswer(withAnalysis(runStrategyBacktest(series, req), benchmark));
}
