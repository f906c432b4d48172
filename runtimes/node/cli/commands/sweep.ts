import { readdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BarSeries } from "../../../../src/core/data.ts";
import { shown } from "../../../../src/core/errors.ts";
import { settingFromText } from "../../../../src/core/settings.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { WasmVectorKernels } from "../../../../src/kernels/research.ts";
import { renderSweepHtml } from "../../../../src/report/sweep-html.ts";
import {
  checkObjective, LocalExecutor, OBJECTIVES, resolveKey, runSweep, shortKeys, sweepView, VectorEngine,
  type GridAxis, type RandomAxis, type RunExecutor, type SpaceSpec, type SweepResult, type SweepSpec,
} from "../../../../src/research/index.ts";
import type { BacktestRequest } from "../../../../src/backtest/job.ts";
import { kernelBytes, sampleDataFile } from "../../assets.ts";
import { bundledWorkerScript, nodeSweepPool } from "../../research/pool.ts";
import { asUsageError, UsageError, type CliIO, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { REQUEST_OPTIONS, requestFromFlags, type Flags } from "../request-flags.ts";

const usage = `Usage: nt sweep --strategy NAME|A,B --combine vote|weighted (--grid k=a:b:step[,k2=...] | --random N --space k=a:b[,k2=c:d])
                [--data FILE|DIR ...] [--objective sharpe] [--walk-forward IS:OOS[:anchored]]
                [--workers N] [--redis URL] [--seed N] [--json] [--out report.html]

Runs a strategy, or several combined (--strategy A,B --combine vote|weighted), over every point
of a parameter grid (or N seeded random points) on one or more series, picks the best by the
objective, and reports the overfitting guards.

  --grid k=a:b:step      values a, a+step, ... up to b; k=v1|v2 lists values; several axes comma-separated.
                         k is a strategy parameter or a run setting (slippageBps, commissionPerShare,
                         positionFraction, ...), or limits.NAME / sizing.NAME. A combination's keys are
                         its strategies' parameters by prefix (momentum.fast) and its own settings:
                         combine.minConfidence, combine.ttl, combine.weights.NAME
  --random N             N points drawn uniformly from --space k=a:b[,k2=c:d] (integers stay integers)
  --seed N               seed of the random search (default 1): the same seed gives the same points
  --data FILE|DIR        bars (CSV, up to ${MAX_INPUT_LABEL}); repeatable; a directory means its *.csv files
                         (default: bundled S&P 500 2000-2020)
  --objective NAME       ${Object.keys(OBJECTIVES).join(" | ")} (default sharpe)
  --walk-forward IS:OOS[:anchored]
                         re-optimize on IS bars, run the best on the next OOS bars, step by OOS;
                         anchored keeps every in-sample window starting at the first bar
  --workers N            worker threads (default: one per core, ${availableParallelism()} here; 1 = this thread)
  --redis URL            run on a BullMQ queue served by \`nt worker --redis URL\` processes
  --no-fast-path         run every backtest on the event-driven engine
  --blocks S             CSCV blocks for the PBO (even, default 16)
  --json                 print {runs, best, engines, deflatedSharpe, pbo, outOfSample, symbols} as JSON
  --out FILE.html        write a self-contained report: heat map, out-of-sample equity, guards
Fixed settings take the \`nt backtest\` flags: --param k=v, --cash, --slippage-bps, --commission,
--commission-order, --fraction, --stop-loss, --take-profit, --sizing, --max-... (risk limits), and for
a combination --combine, --weight NAME=W, --min-confidence, --ttl, --override.

The vectorized path runs momentum and mean-reversion backtests in one WebAssembly loop with the
same results as the event-driven engine; runs with risk limits, stops or a combination of
strategies run event-driven.`;

export const sweepCommand: Command = {
  name: "sweep",
  summary: "parameter grid or random search, walk-forward, deflated Sharpe and PBO",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        ...REQUEST_OPTIONS,
        data: { type: "string", multiple: true, default: [] }, grid: { type: "string" }, random: { type: "string" },
        space: { type: "string" }, seed: { type: "string", default: "1" }, objective: { type: "string", default: "sharpe" },
        "walk-forward": { type: "string" }, workers: { type: "string" }, redis: { type: "string" },
        "no-fast-path": { type: "boolean", default: false }, blocks: { type: "string" },
        json: { type: "boolean", default: false }, out: { type: "string" },
      },
    });
    const spec = sweepSpec(values as Flags);
    const series = await loadSeries(values.data as string[], io);
    const started = performance.now();
    const kernels = await WasmVectorKernels.load(kernelBytes("research"));
    const result = await withExecutor(values as Flags, kernels, (executor) => runSweep(spec, series, executor, {
      onProgress: (done, total) => io.progress(done, total, "sweep"),
      cscv: kernels.cscv,
    }));
    const seconds = (performance.now() - started) / 1000;
    io.out(values.json ? JSON.stringify(sweepView(result)) + "\n" : summary(result, seconds) + "\n");
    if (values.out) {
      const out = resolve(io.cwd, values.out);
      writeFileSync(out, renderSweepHtml(result));
      if (!values.json) io.out(`HTML report written to ${out}\n`);
    }
    return 0;
  },
};

/** The flags as a sweep spec: the base request from the backtest flags, the space from --grid or --random. */
export function sweepSpec(values: Flags): SweepSpec {
  const base = requestFromFlags(values);
  if ((values.grid === undefined) === (values.random === undefined)) throw new UsageError("give either --grid or --random (with --space)");
  let space: SpaceSpec;
  if (values.grid !== undefined) space = { grid: splitAxes(values.grid as string, "--grid").map(([k, v]) => gridAxis(base, k, v)) };
  else {
    if (values.space === undefined) throw new UsageError("--random needs --space k=a:b[,k2=c:d]");
    const count = flagNumber(values.random as string, "--random", { min: 1, max: 100_000 });
    const seed = flagNumber(values.seed as string, "--seed", { min: 0, max: 2 ** 32 - 1 });
    space = { random: { count, seed, space: splitAxes(values.space as string, "--space").map(([k, v]) => randomAxis(base, k, v)) } };
  }
  const objective = asUsageError(() => checkObjective(values.objective));
  const blocks = values.blocks === undefined ? undefined : flagNumber(values.blocks as string, "--blocks", { min: 2, max: 24 });
  return {
    base, space, objective, fastPath: !values["no-fast-path"], guardBlocks: blocks,
    walkForward: values["walk-forward"] === undefined ? undefined : walkForwardSpec(values["walk-forward"] as string),
  };
}

function splitAxes(text: string, flag: string): [string, string][] {
  return text.split(",").map((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects k=..., got ${shown(part)}`);
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
}

function gridAxis(base: BacktestRequest, key: string, text: string): GridAxis {
  const { spec } = asUsageError(() => resolveKey(base, key));
  const value = (t: string) => asUsageError(() => settingFromText(spec, t, `--grid ${key}`));
  if (text.includes("|")) return { key, values: text.split("|").map(value) };
  const parts = text.split(":");
  if (parts.length === 1) return { key, values: [value(parts[0])] };
  if (parts.length !== 3) throw new UsageError(`--grid ${key} expects a:b:step, v1|v2|... or one value, got ${shown(text)}`);
  const [from, to] = parts.slice(0, 2).map(value) as number[];
  const step = flagNumber(parts[2], `--grid ${key} step`, { min: 0, exclusive: true, integer: false });
  return { key, from, to, step };
}

function randomAxis(base: BacktestRequest, key: string, text: string): RandomAxis {
  const { spec } = asUsageError(() => resolveKey(base, key));
  const parts = text.split(":");
  if (parts.length !== 2) throw new UsageError(`--space ${key} expects a:b, got ${shown(text)}`);
  const [min, max] = parts.map((t) => asUsageError(() => settingFromText(spec, t, `--space ${key}`))) as number[];
  return { key, min, max };
}

function walkForwardSpec(text: string): { inSample: number; outOfSample: number; anchored: boolean } {
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[2] !== "anchored")) {
    throw new UsageError(`--walk-forward expects IS:OOS or IS:OOS:anchored (bars), got ${shown(text)}`);
  }
  return {
    inSample: flagNumber(parts[0], "--walk-forward IS", { min: 2 }),
    outOfSample: flagNumber(parts[1], "--walk-forward OOS", { min: 2 }),
    anchored: parts.length === 3,
  };
}

function flagNumber(text: string, flag: string, o: { min: number; max?: number; exclusive?: boolean; integer?: boolean }): number {
  const spec = { name: flag, type: o.integer === false ? "number" : "integer", min: o.min, max: o.max, minExclusive: o.exclusive, description: flag } as const;
  return asUsageError(() => settingFromText(spec, text, flag)) as number;
}

/** The series to sweep: each --data file, each *.csv in a --data directory, or the bundled S&P 500. */
async function loadSeries(data: readonly string[], io: CliIO): Promise<BarSeries[]> {
  if (data.length === 0) return [await readTextFile(sampleDataFile, "sp500.csv", new BarsCsvParser({ source: "sp500.csv", symbol: "SPX" }))];
  const files: { path: string; shown: string }[] = [];
  for (const d of data) {
    const path = resolve(io.cwd, d);
    if (statSync(path).isDirectory()) {
      const csv = readdirSync(path).filter((f) => f.toLowerCase().endsWith(".csv")).sort();
      if (csv.length === 0) throw new UsageError(`--data ${d} is a directory without .csv files`);
      for (const f of csv) files.push({ path: join(path, f), shown: join(d, f) });
    } else files.push({ path, shown: d });
  }
  const series: BarSeries[] = [];
  for (const f of files) series.push(await readTextFile(f.path, f.shown, new BarsCsvParser({ source: basename(f.shown) })));
  return series;
}

/** Runs `body` on the executor the flags choose, and releases it afterwards. */
async function withExecutor<T>(values: Flags, kernels: WasmVectorKernels, body: (executor: RunExecutor) => Promise<T>): Promise<T> {
  if (values.redis !== undefined) {
    const { queueSweepExecutor } = await import("../../research/queue.ts");
    const executor = await queueSweepExecutor(values.redis as string);
    try {
      return await body(executor);
    } finally {
      await executor.close();
    }
  }
  const workers = values.workers === undefined ? availableParallelism() : flagNumber(values.workers as string, "--workers", { min: 1, max: 1024 });
  const kernel = kernelBytes("research");
  if (workers === 1) return body(new LocalExecutor(new VectorEngine(kernels)));
  const pool = nodeSweepPool({ size: workers, kernel, script: bundledWorkerScript() });
  try {
    return await body(pool);
  } finally {
    pool.close();
  }
}

function summary(r: SweepResult, seconds: number): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const statsLine = (s: { sharpe: number; cagr: number; maxDrawdown: number; trades: number; totalReturn: number }) =>
    `Sharpe ${s.sharpe.toFixed(3)}, CAGR ${pct(s.cagr)}, total return ${pct(s.totalReturn)}, max drawdown ${pct(s.maxDrawdown)}, ${s.trades} trades`;
  const params = (p: Record<string, number | boolean>) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(" ");
  const total = r.engines.vectorized + r.engines.eventDriven;
  const lines = [
    `${r.strategy}: ${r.runs.length} runs (${r.points} parameter sets x ${r.symbols.length} series) and ${total - r.runs.length} walk-forward runs in ${seconds.toFixed(2)} s`,
    `engines: ${r.engines.vectorized} vectorized, ${r.engines.eventDriven} event-driven${r.engines.declined.map((d) => `; declined ${d.runs}: ${d.reason}`).join("")}`,
  ];
  const failed = r.runs.filter((x) => x.error);
  if (failed.length) lines.push(`${failed.length} runs failed, e.g. ${params(shortKeys(failed[0].point))}: ${failed[0].error!.message}`);
  for (const s of r.symbols) {
    lines.push("", `${s.symbol}`);
    lines.push(s.best?.stats ? `  best by ${r.objective}: ${params(shortKeys(s.best.point))}: ${statsLine(s.best.stats)}` : "  no run succeeded");
    if (s.walkForward) {
      const wf = s.walkForward;
      lines.push(`  walk-forward, ${wf.windows.length} windows, out of sample: ${statsLine(wf.outOfSample.stats)}`);
    }
    if (s.deflatedSharpe) lines.push(`  deflated Sharpe ratio ${s.deflatedSharpe.dsr.toFixed(4)} (best of ${s.deflatedSharpe.trials} trials; benchmark ${s.deflatedSharpe.benchmark.toFixed(4)} per bar vs ${s.deflatedSharpe.sr.toFixed(4)})`);
    if (s.pbo) lines.push(`  probability of backtest overfitting ${pct(s.pbo.pbo)} (${s.pbo.splits} CSCV splits of ${s.pbo.blocks} blocks)`);
  }
  return lines.join("\n");
}
