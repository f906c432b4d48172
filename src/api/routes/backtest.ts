import { runStrategyBacktest, strategyBacktest } from "../../backtest/job.ts";
import { jsonAnswer, type Answer } from "../answer.ts";
import type { ComputeEnv, ComputeRequest } from "../compute/port.ts";
import { offload } from "../compute/route.ts";
import type { ApiApp, AppState } from "../context.ts";
import { shownKey } from "../../core/errors.ts";
import { ApiError, notFound } from "../errors.ts";
import { BACKTEST_FIELDS, backtestRequest } from "../input/backtest.ts";
import { seriesFromRequest } from "../input/data.ts";
import { onlyKeys, readJsonObject, type JsonObject } from "../input/validate.ts";

/**
 * The most bars a synchronous POST /backtest runs: it holds a compute worker
 * for the whole run, so longer series go through POST /backtests.
 */
export const MAX_SYNC_BARS = 200_000;

/** POST /backtest (answers with the report, on the compute pool), POST /backtests and GET /backtests/:id (a job). */
export function backtestRoutes(app: ApiApp, state: AppState): void {
  app.post("/backtest", offload(state, "backtest"));

  app.post("/backtests", async (c) => {
    const body = await readJsonObject(c.req);
    onlyKeys(body, BACKTEST_FIELDS);
    const req = backtestRequest(body);
    const series = await seriesFromRequest(body, state.samples);
    // Built here so a bad strategy or parameter is a 400 now, not a failed job later.
    const run = strategyBacktest(series, req);
    const job = state.jobs.submit(run, series.close.length);
    return c.json(job, 202, { location: `/backtests/${job.id}` });
  });

  app.get("/backtests/:id", (c) => {
    const job = state.jobs.get(c.req.param("id"));
    if (!job) throw notFound(`no backtest job ${shownKey(c.req.param("id"))} (jobs are kept until newer ones need the room)`);
    return c.json(job);
  });
}

/** The answer of POST /backtest, on the compute pool. */
export async function backtestAnswer(body: JsonObject, _request: ComputeRequest, env: ComputeEnv): Promise<Answer> {
  onlyKeys(body, BACKTEST_FIELDS);
  const req = backtestRequest(body);
  const series = await seriesFromRequest(body, env.samples);
  if (series.close.length > MAX_SYNC_BARS) {
    throw new ApiError(413, "too_many_bars", `POST /backtest runs at most ${MAX_SYNC_BARS} bars (got ${series.close.length}); submit a job with POST /backtests`);
  }
  return jsonAnswer(runStrategyBacktest(series, req));
}
