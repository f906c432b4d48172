import { runStrategyBacktest } from "../../backtest/job.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { BACKTEST_FIELDS, backtestRequest } from "../input/backtest.ts";
import { seriesFromRequest } from "../input/data.ts";
import { onlyKeys, readJsonObject } from "../input/validate.ts";
import { strategyBacktest } from "../../backtest/job.ts";

/**
 * The most bars a synchronous POST /backtest runs: it holds the event loop
 * for the whole run, so longer series go through POST /backtests.
 */
export const MAX_SYNC_BARS = 200_000;

/** POST /backtest (answers with the report), POST /backtests and GET /backtests/:id (a job). */
export function backtestRoutes(app: ApiApp, state: AppState): void {
  app.post("/backtest", async (c) => {
    const body = await readJsonObject(c.req);
    onlyKeys(body, BACKTEST_FIELDS);
    const req = backtestRequest(body);
    const series = await seriesFromRequest(body, state.samples);
    if (series.close.length > MAX_SYNC_BARS) {
      throw new ApiError(413, "too_many_bars", `POST /backtest runs at most ${MAX_SYNC_BARS} bars (got ${series.close.length}); submit a job with POST /backtests`);
    }
    return c.json(runStrategyBacktest(series, req));
  });

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
    if (!job) throw notFound(`no backtest job ${c.req.param("id")} (jobs are kept until newer ones need the room)`);
    return c.json(job);
  });
}
