// A sweep: every point of a parameter space run on every series, the best
// by the chosen objective, optionally walk-forward, and the overfitting
// guards. Where the runs execute is the RunExecutor's business.
import type { BacktestRequest } from "../backtest/job.ts";
import { checkBacktestRequest } from "../backtest/request.ts";
import { resolveConfig } from "../backtest/config.ts";
import type { BarSeries } from "../core/data.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { SweepCancelled, type ExecuteOptions, type RunExecutor } from "./executor.ts";
import { inSpan, noTelemetry, type Telemetry } from "../observability/telemetry.ts";
import { deflatedSharpe, pboFromBlocks, type CscvScorer, type DeflatedSharpe, type Pbo } from "./guards.ts";
import { bestIndex, checkObjective, score, type Objective } from "./objective.ts";
import type { RunContext, RunRow, RunTask } from "./run.ts";
import { points, type Point, type SpaceSpec } from "./space.ts";
import type { RunStats } from "./stats.ts";
import { stitch, windows, type OutOfSample, type WalkForwardSpec, type Window } from "./walk-forward.ts";
import { realScheduler, type Scheduler } from "../core/clock.ts";

/** A sweep as plain data: what the CLI builds from flags, the API takes as a body, a queue carries. */
export interface SweepSpec {
  /** The strategy and every setting that does not vary. */
  readonly base: BacktestRequest;
  readonly space: SpaceSpec;
  /** Default sharpe. */
  readonly objective?: Objective;
  readonly walkForward?: WalkForwardSpec;
  /** Use the vectorized path where it applies (default true). */
  readonly fastPath?: boolean;
  /** Blocks for CSCV (even, default 16; fewer when the sweep is very large). */
  readonly guardBlocks?: number;
}

export interface WindowResult extends Window {
  /** The in-sample best point, or null when every in-sample run failed. */
  readonly best: Point | null;
  readonly inSample: RunStats | null;
  readonly outOfSample: RunStats | null;
  readonly error?: string;
}

export interface SymbolResult {
  readonly symbol: string;
  readonly best: RunRow | null;
  /** The deflated Sharpe ratio of the best full-sample run among all of this symbol's runs. */
  readonly deflatedSharpe: DeflatedSharpe | null;
  /** PBO by CSCV over this symbol's full-sample runs (in-sample choice by Sharpe, as the paper does). */
  readonly pbo: Pbo | null;
  readonly walkForward?: { readonly windows: readonly WindowResult[]; readonly outOfSample: OutOfSample };
}

export interface SweepResult {
  readonly strategy: string;
  readonly objective: Objective;
  readonly points: number;
  /** One row per point and series over the whole series. */
  readonly runs: readonly RunRow[];
  readonly best: RunRow | null;
  /** How many runs each path took, and why the vectorized path declined the others. */
  readonly engines: { readonly vectorized: number; readonly eventDriven: number; readonly declined: readonly { reason: string; runs: number }[] };
  readonly symbols: readonly SymbolResult[];
  /** With one series, its guards and out-of-sample result again at the top. */
  readonly deflatedSharpe?: DeflatedSharpe | null;
  readonly pbo?: Pbo | null;
  readonly outOfSample?: OutOfSample;
}

/** Most work the PBO of one symbol may take (splits x trials); more trials get fewer blocks. */
const PBO_BUDGET = 2e7;

/** The spec checked and completed: every error names the field at fault. */
export function checkSweepSpec(spec: SweepSpec): Required<Omit<SweepSpec, "walkForward">> & Pick<SweepSpec, "walkForward"> {
  if (typeof spec !== "object" || spec === null) throw new ConfigError(`a sweep must be an object, got ${shown(spec)}`, { field: "sweep" });
  const base = checkBacktestRequest(spec.base ?? {});
  const blocks = spec.guardBlocks ?? 16;
  if (!(Number.isInteger(blocks) && blocks >= 2 && blocks <= 24 && blocks % 2 === 0)) {
    throw new ConfigError(`guardBlocks must be an even integer from 2 to 24, got ${shown(blocks)}`, { field: "guardBlocks" });
  }
  if (spec.fastPath !== undefined && typeof spec.fastPath !== "boolean") throw new ConfigError(`fastPath must be true or false, got ${shown(spec.fastPath)}`, { field: "fastPath" });
  return {
    base, space: spec.space, objective: checkObjective(spec.objective ?? "sharpe"), walkForward: spec.walkForward,
    fastPath: spec.fastPath ?? true, guardBlocks: blocks,
  };
}

/** The tasks of a sweep's first batch: full-sample runs, then in-sample runs of every walk-forward period. */
export function planSweep(spec: SweepSpec, series: readonly BarSeries[]): { points: Point[]; tasks: RunTask[]; windows: Window[][] } {
  const s = checkSweepSpec(spec);
  if (series.length === 0) throw new ConfigError("a sweep needs at least one series", { field: "data" });
  const pts = points(s.base, s.space);
  const tasks: RunTask[] = [];
  series.forEach((ser, k) => pts.forEach((point) => tasks.push({ id: tasks.length, series: k, from: 0, to: ser.close.length, point })));
  const wins = series.map((ser) => (s.walkForward ? windows(ser.close.length, s.walkForward) : []));
  // Grouped by slice, so a worker reuses one slice's indicator arrays across its points.
  wins.forEach((list, k) => list.forEach((w) => pts.forEach((point) => tasks.push({ id: tasks.length, series: k, from: w.isFrom, to: w.isTo, point }))));
  return { points: pts, tasks, windows: wins };
}

export interface SweepOptions extends ExecuteOptions {
  /** PBO's scorer (a kernel's, e.g. WasmVectorKernels.cscv); default TypeScript. */
  readonly cscv?: CscvScorer;
  /** A span around the sweep, and its runs counted by engine (default: none recorded). */
  readonly telemetry?: Telemetry;
  /** Times the sweep for its duration metric (default: realScheduler). */
  readonly scheduler?: Scheduler;
}

/** Runs a sweep on `executor`; progress counts every run, in-sample and out-of-sample included. */
export async function runSweep(spec: SweepSpec, series: readonly BarSeries[], executor: RunExecutor, options: SweepOptions = {}): Promise<SweepResult> {
  const t = options.telemetry ?? noTelemetry;
  const clock = options.scheduler ?? realScheduler;
  const start = clock.now();
  let outcome = "failed";
  try {
    return await inSpan(t.tracer, "sweep", { "nt.strategy": spec.base?.strategy ?? "?", "nt.series": series.length }, async (set) => {
      const result = await sweep(spec, series, executor, options);
      const bars = (r: RunRow) => (r.stats ? r.stats.bars : 0);
      const all = result.runs;
      set({ "nt.points": result.points, "nt.runs.vectorized": result.engines.vectorized, "nt.runs.event_driven": result.engines.eventDriven });
      t.instruments.backtests.add(result.engines.vectorized, { engine: "vectorized", where: "sweep" });
      t.instruments.backtests.add(result.engines.eventDriven, { engine: "event-driven", where: "sweep" });
      t.instruments.bars.add(all.reduce((n, r) => n + bars(r), 0), { where: "sweep" });
      outcome = "done";
      return result;
    });
  } catch (e) {
    if (e instanceof SweepCancelled) outcome = "cancelled";
    throw e;
  } finally {
    t.instruments.sweeps.add(1, { outcome });
    t.instruments.sweepSeconds.record((clock.now() - start) / 1000, { outcome });
  }
}

async function sweep(spec: SweepSpec, series: readonly BarSeries[], executor: RunExecutor, options: SweepOptions): Promise<SweepResult> {
  const s = checkSweepSpec(spec);
  const plan = planSweep(s, series);
  const oosCount = plan.windows.reduce((n, w) => n + w.length, 0);
  const total = plan.tasks.length + oosCount;
  const context: RunContext = { base: s.base, fastPath: s.fastPath, guardBlocks: blockCount(s.guardBlocks, plan.points.length) };
  const progress = (offset: number) => (done: number) => options.onProgress?.(offset + done, total);
  const rows = sortById(await executor.execute(context, series, plan.tasks, { ...options, onProgress: progress(0) }));
  const fullCount = series.length * plan.points.length;
  const full = rows.filter((r) => r.id < fullCount);

  // Walk-forward: the in-sample best of each period, run out of sample.
  const oosTasks: RunTask[] = [];
  const chosen: { series: number; period: Window; best: RunRow | null }[] = [];
  plan.windows.forEach((list, k) => list.forEach((w) => {
    const inSample = rows.filter((r) => r.id >= fullCount && r.series === k && r.from === w.isFrom && r.to === w.isTo);
    const i = bestIndex(inSample, (r) => (r.stats ? score(r.stats, s.objective) : NaN));
    const best = i < 0 ? null : inSample[i];
    chosen.push({ series: k, period: w, best });
    if (best) oosTasks.push({ id: total + oosTasks.length, series: k, from: w.isTo, to: w.oosTo, point: best.point, keepEquity: true });
  }));
  const oosRows = oosTasks.length ? sortById(await executor.execute(context, series, oosTasks, { ...options, onProgress: progress(plan.tasks.length) })) : [];
  options.onProgress?.(total, total);

  const initialCash = resolveConfig(s.base.config ?? {}).initialCash;
  const symbols = series.map((ser, k): SymbolResult => {
    const mine = full.filter((r) => r.series === k);
    const result: SymbolResult = { symbol: ser.symbol, best: pick(mine, s.objective), ...guards(mine, s.objective, options.cscv) };
    if (!s.walkForward) return result;
    const list = chosen.filter((c) => c.series === k);
    const windowsOut = list.map((c): WindowResult => {
      const oos = oosRows.find((r) => r.series === k && r.from === c.period.isTo && r.to === c.period.oosTo);
      return {
        ...c.period, best: c.best?.point ?? null, inSample: c.best?.stats ?? null, outOfSample: oos?.stats ?? null,
        ...(c.best === null ? { error: "every in-sample run failed" } : oos?.error ? { error: oos.error.message } : {}),
      };
    });
    const pieces = list.flatMap((c) => {
      const oos = oosRows.find((r) => r.series === k && r.from === c.period.isTo && r.to === c.period.oosTo);
      return oos?.stats && oos.equity ? [{ piece: { equity: oos.equity, stats: oos.stats, initialCash }, time: ser.time.subarray(oos.from, oos.to) }] : [];
    });
    const perYear = s.base.config?.periodsPerYear;
    const outOfSample = stitch(pieces.map((p) => p.piece), pieces.map((p) => p.time), initialCash, perYear);
    return { ...result, walkForward: { windows: windowsOut, outOfSample } };
  });

  const all = [...rows, ...oosRows];
  const declined = new Map<string, number>();
  for (const r of all) if (r.declined) declined.set(r.declined, (declined.get(r.declined) ?? 0) + 1);
  const one = symbols.length === 1 ? symbols[0] : undefined;
  return {
    strategy: s.base.strategy, objective: s.objective, points: plan.points.length, runs: full, best: pick(full, s.objective),
    engines: {
      vectorized: all.filter((r) => r.engine === "vectorized" && !r.error).length,
      eventDriven: all.filter((r) => r.engine === "event-driven" && !r.error).length,
      declined: [...declined].map(([reason, runs]) => ({ reason, runs })),
    },
    symbols,
    ...(one ? { deflatedSharpe: one.deflatedSharpe, pbo: one.pbo, ...(one.walkForward ? { outOfSample: one.walkForward.outOfSample } : {}) } : {}),
  };
}

function sortById(rows: RunRow[]): RunRow[] {
  return rows.sort((a, b) => a.id - b.id);
}

function pick(rows: readonly RunRow[], objective: Objective): RunRow | null {
  const i = bestIndex(rows, (r) => (r.stats ? score(r.stats, objective) : NaN));
  return i < 0 ? null : rows[i];
}

/** The DSR of the best run and the PBO of the selection, over the runs that succeeded. */
function guards(rows: readonly RunRow[], objective: Objective, cscv?: CscvScorer): { deflatedSharpe: DeflatedSharpe | null; pbo: Pbo | null } {
  const ok = rows.filter((r) => r.stats && r.guard && r.guard.n > 1);
  if (ok.length === 0) return { deflatedSharpe: null, pbo: null };
  const best = ok[bestIndex(ok, (r) => score(r.stats!, objective))];
  const g = best.guard!;
  const dsr = deflatedSharpe({ sr: g.srPerBar, n: g.n, skewness: g.skewness, kurtosis: g.kurtosis }, ok.map((r) => r.guard!.srPerBar));
  const blocks = ok[0].guard!.blocks.length;
  const usable = ok.length >= 2 && blocks >= 2 && ok.every((r) => r.guard!.blocks.length === blocks);
  return { deflatedSharpe: dsr, pbo: usable ? pboFromBlocks(ok.map((r) => r.guard!.blocks), cscv) : null };
}

/** The most blocks (even, at most `wanted`) whose C(S, S/2) splits times `trials` stay within the PBO budget. */
export function blockCount(wanted: number, trials: number): number {
  let s = wanted;
  while (s > 2 && choose(s, s / 2) * Math.max(1, trials) > PBO_BUDGET) s -= 2;
  return s;
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}
