import { shownKey } from "../../core/errors.ts";
import { LocalExecutor } from "../../research/executor.ts";
import { planSweep, runSweep } from "../../research/sweep.ts";
import { VectorEngine } from "../../research/vector/engine.ts";
import { tsVectorKernels } from "../../research/vector/twin.ts";
import { sweepView } from "../../research/view.ts";
import type { ApiApp, AppState } from "../context.ts";
import { notFound } from "../errors.ts";
import { seriesFromRequest } from "../input/data.ts";
import { sweepSpec } from "../input/sweep.ts";
import { readJsonObject } from "../input/validate.ts";
import type { SweepWork } from "../jobs.ts";
import { callerKey, requireScope, visibleOwner } from "../middleware/auth.ts";
import { SLICE_MS, yieldToEventLoop } from "../yield.ts";

/**
 * Sweeps as asynchronous jobs, as backtest jobs work: POST /sweeps (the
 * `backtest` scope) checks the body and plans the runs now, so a bad key or
 * range is a 400 rather than a failed job; the job runs in slices on this
 * thread (vectorized where it applies), counts against the jobs' memory
 * budget, and belongs to the key that made it.
 */
export function sweepRoutes(app: ApiApp, state: AppState): void {
  const { keys } = state;
  // One engine for the app: jobs run one at a time, and it keeps one series' indicator arrays.
  const kernels = state.deps.kernels.vector ?? tsVectorKernels;
  const vector = new VectorEngine(kernels);

  app.post("/sweeps", requireScope(keys, "backtest"), async (c) => {
    const body = await readJsonObject(c.req);
    const spec = sweepSpec(body);
    const series = await seriesFromRequest(body, state.samples);
    const plan = planSweep(spec, [series]);
    const runsTotal = plan.tasks.length + plan.windows.reduce((n, w) => n + w.length, 0);
    const work: SweepWork = {
      runsTotal,
      run: async (progress, signal) => sweepView(await runSweep(spec, [series], new LocalExecutor(vector, yieldToEventLoop, SLICE_MS), {
        signal, onProgress: (done) => progress(done), cscv: kernels.cscv, telemetry: state.telemetry,
      })),
    };
    const bodyBytes = (await c.req.text()).length;
    const job = state.jobs.submitSweep(work, { owner: callerKey(c).id, bodyBytes, bars: spec.walkForward ? series.close.length : 0 });
    return c.json(job, 202, { location: `/sweeps/${job.id}` });
  });

  app.get("/sweeps", requireScope(keys, "read"), (c) => c.json({ jobs: state.jobs.list(visibleOwner(callerKey(c)), "sweep") }));

  const missing = (id: string) => notFound(`no sweep job ${shownKey(id)} (finished jobs expire after limits.result_ttl, or make room for newer ones)`);

  app.get("/sweeps/:id", requireScope(keys, "read"), (c) => {
    const job = state.jobs.getSweep(c.req.param("id"), visibleOwner(callerKey(c)));
    if (!job) throw missing(c.req.param("id"));
    return c.json(job);
  });

  app.delete("/sweeps/:id", requireScope(keys, "backtest"), (c) => {
    if (!state.jobs.delete(c.req.param("id"), visibleOwner(callerKey(c)), "sweep")) throw missing(c.req.param("id"));
    return c.body(null, 204);
  });
}
