// The engine's Web Worker: loads and parses the CSV data (streamed, in
// slices, with progress and cancel), runs backtests over it (stepped the same
// way; sweeps run on research-worker.ts), decimates the bars and the last
// run's lines for each view the charts draw, and builds the run's exports:
// nothing the page's thread does grows with the length of the series.
// Indicator overlays come from the WASM kernels, loaded once per worker.
import { strategyBacktest } from "../../src/backtest/job.ts";
import { realScheduler } from "../../src/core/clock.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { runSteps } from "../../src/execution/runner.ts";
import { tsIndicators, type Indicators } from "../../src/features/indicators.ts";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { BarsCsvParser } from "../../src/data/csv.ts";
import { buyAndHold, withAnalysis, type AnalyzedReport } from "../../src/report/analysis.ts";
import { aggregateBars, decimateLine, planFor } from "./decimate.ts";
import { exportFile } from "./exports.ts";
import { priceDecimals } from "./format.ts";
import { parseStream } from "./load.ts";
import { computeOverlays } from "./overlays.ts";
import {
  splitReport, toPlainError, type Curves, type ExportFormat, type FromWorker, type InputLoaded, type PlainRequest, type ToWorker,
} from "./protocol.ts";
import { readInputFiles } from "./input-files.ts";
import type { InputKey } from "./inputs.ts";
import { messageChannelYield } from "./slices.ts";

interface WorkerScope {
  readonly location: { readonly href: string };
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** Longest stretch of parsing or engine work between progress reports and cancel checks. */
const SLICE_MS = 12;

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const yieldNow = messageChannelYield();
const cancelled = new Set<number>();
const cancelledLoads = new Set<number>();
let series: { id: number; bars: BarSeries } | null = null;
/** The other series a run may take besides `series` (a pair's second leg, mirror's), by the input that read them. */
let others: { id: number; list: BarSeries[] } | null = null;
/** The latest input asked for, by kind: a file still being read when another is chosen is dropped. */
const latestInput = new Map<InputKey, number>();
/** The last run: its whole report for the exports, its lines and curves over the bars to draw. */
let last: { jobId: number; seriesId: number; report: AnalyzedReport; overlays: Record<string, Float64Array>; curves: Curves } | null = null;

interface Kernels {
  readonly ind: Indicators;
  readonly kind: "wasm" | "typescript";
  readonly detail?: string;
}
let kernels: Promise<Kernels> | null = null;

/**
 * The WASM indicator kernels, fetched next to this script. Where WebAssembly
 * cannot load, the TypeScript twins (the reference implementations) take
 * over, and the page is told so.
 */
function loadKernels(): Promise<Kernels> {
  kernels ??= (async (): Promise<Kernels> => {
    const url = new URL("indicators.wasm", scope.location.href);
    try {
      let module: WebAssembly.Module;
      try {
        module = await WebAssembly.compileStreaming(fetch(url));
      } catch {
        // A server without the application/wasm type: compile from bytes instead.
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
        module = await WebAssembly.compile(await res.arrayBuffer());
      }
      return { ind: await WasmIndicators.load(module), kind: "wasm" };
    } catch (e) {
      return { ind: tsIndicators, kind: "typescript", detail: `WASM kernels unavailable (${(e as Error).message})` };
    }
  })();
  return kernels;
}

function seriesFor(id: number): BarSeries {
  if (!series || series.id !== id) throw new Error("other data was loaded as the run started; run it again");
  return series.bars;
}

/** The request with nothing but plain values, as the engine takes it (an API body's fields). */
function engineRequest(req: PlainRequest) {
  return {
    strategy: req.strategy, params: req.params, combine: req.combine, memory: req.memory, config: { ...req.config }, limits: req.limits, sizing: req.sizing,
    holdings: req.holdings, news: req.news,
  };
}

/**
 * A strategy's input file(s), read by the code `nt backtest` reads them with
 * (input-files.ts); the other series are kept here for the runs that name
 * this input. A read that another file for the same input supersedes stops
 * at its next slice, and says nothing.
 */
async function readInput(msg: Extract<ToWorker, { type: "input" }>): Promise<InputLoaded | null> {
  const { key, files } = msg;
  const current = () => latestInput.get(key) === msg.inputId;
  if (files.length === 0) {
    if (key === "series") others = null;
    return null;
  }
  const read = await readInputFiles(key, files, { sliceMs: SLICE_MS, now: () => performance.now(), yieldNow, cancelled: () => !current() });
  if (read === null || !current()) return null;
  if (key === "series") others = { id: msg.inputId, list: read.series! };
  return read.loaded;
}

async function load(msg: Extract<ToWorker, { type: "load" }>): Promise<void> {
  const { loadId, source } = msg;
  let stream: ReadableStream<Uint8Array>;
  let total: number;
  if ("file" in source) {
    stream = source.file.stream();
    total = source.file.size;
  } else {
    const res = await fetch(new URL(source.url, scope.location.href));
    if (!res.ok || !res.body) throw new Error(`${source.name}: HTTP ${res.status}`);
    stream = res.body;
    total = Number(res.headers.get("content-length") ?? 0);
  }
  const parser = new BarsCsvParser({ source: source.name, symbol: "symbol" in source ? source.symbol : undefined });
  const bars = await parseStream(stream, parser, {
    source: source.name, sliceMs: SLICE_MS, now: () => performance.now(), yieldNow,
    cancelled: () => cancelledLoads.has(loadId),
    onProgress: (bytes) => post({ type: "load-progress", loadId, bytes, total }),
  });
  cancelledLoads.delete(loadId);
  if (bars === null) {
    post({ type: "load-cancelled", loadId });
    return;
  }
  series = { id: msg.seriesId, bars };
  last = null;
  // The page keeps a copy for its sweeps; the worker this one for runs and drawing.
  const copy = {
    symbol: bars.symbol, time: bars.time.slice(), open: bars.open.slice(), high: bars.high.slice(), low: bars.low.slice(),
    close: bars.close.slice(), volume: bars.volume.slice(),
  };
  const decimals = priceDecimals(bars.open, bars.high, bars.low, bars.close);
  post(
    { type: "loaded", loadId, seriesId: msg.seriesId, series: copy, priceDecimals: decimals },
    [copy.time, copy.open, copy.high, copy.low, copy.close, copy.volume].map((a) => a.buffer),
  );
}

/** An export of the last run (the page asks only for the run it shows). */
function exportOf(jobId: number, format: ExportFormat): Blob {
  if (!last || last.jobId !== jobId) throw new Error(`run ${jobId} is not the last one; run it again to export it`);
  return exportFile(last.report, format);
}

async function backtest(msg: Extract<ToWorker, { type: "backtest" }>): Promise<void> {
  const { jobId } = msg;
  const bars = seriesFor(msg.seriesId);
  let list = [bars];
  if (msg.extraSeries !== undefined) {
    if (!others || others.id !== msg.extraSeries) throw new Error("other series were chosen as the run started; run it again");
    list = [bars, ...others.list];
  }
  // As nt backtest runs its --data files: the loaded series first, then the others, aligned by the engine.
  const engine = strategyBacktest(list, engineRequest(msg.request));
  const total = bars.close.length;
  const outcome = await runSteps(engine, {
    scheduler: realScheduler,
    sliceMs: SLICE_MS,
    yieldNow,
    cancelled: () => cancelled.has(jobId),
    onSlice: (done) => post({ type: "progress", jobId, done, total }),
  });
  const busy = outcome.busyMs;
  const wasCancelled = outcome.cancelled || cancelled.has(jobId);
  cancelled.delete(jobId);
  if (wasCancelled) {
    post({ type: "cancelled", jobId });
    return;
  }
  post({ type: "analysing", jobId });
  const engineReport = engine.report();
  // Stepped runs time themselves here: the engine times only run(). The analysis is the CLI's (buy and hold of the series when there is one).
  const report = withAnalysis({
    ...engineReport, elapsedMs: busy, barsPerSecond: busy > 0 ? Math.round(engineReport.bars / (busy / 1000)) : engineReport.bars * 1000,
  }, list.length === 1 ? buyAndHold(bars) : null);
  const k = await loadKernels();
  const t0 = performance.now();
  const overlays = computeOverlays(k.ind, bars.close, msg.overlays, list.slice(1));
  const overlayMs = performance.now() - t0;
  const split = splitReport(report, bars.time);
  last = { jobId, seriesId: msg.seriesId, report, overlays, curves: split.curves };
  post({ type: "result", jobId, report: split.report, kernels: k.kind, engineMs: busy, overlayMs });
}

/** The points of a view of the series, and the last run's lines at them, decimated here so the page's work is the points'. */
function draw(msg: Extract<ToWorker, { type: "draw" }>): void {
  // A view of a series this worker no longer holds (new data on its way to the page) has nothing to draw.
  if (!series || series.id !== msg.seriesId) return;
  const bars = series.bars;
  const plan = planFor(bars.close.length, msg.from, msg.to, msg.buckets);
  const times = Float64Array.from(plan.points.subarray(0, plan.points.length - 1), (i) => bars.time[i]);
  const candles = aggregateBars(bars, plan);
  const run = last && last.seriesId === msg.seriesId ? last : null;
  const line = (values: Float64Array) => decimateLine(values, plan);
  const drawnRun = run && {
    jobId: run.jobId,
    overlays: Object.fromEntries(Object.entries(run.overlays).map(([id, values]) => [id, line(values)])),
    curves: {
      equity: line(run.curves.equity), drawdown: line(run.curves.drawdown),
      benchmark: run.curves.benchmark && { name: run.curves.benchmark.name, equity: line(run.curves.benchmark.equity) },
      rolling: { window: run.curves.rolling.window, sharpe: line(run.curves.rolling.sharpe), volatility: line(run.curves.rolling.volatility) },
    },
  };
  const buffers = [plan.buckets, plan.points, times, ...Object.values(candles)].map((a) => a.buffer as ArrayBuffer);
  post({ type: "drawn", drawId: msg.drawId, plan, times, candles, run: drawnRun }, buffers);
}

scope.onmessage = (e) => {
  const msg = e.data;
  switch (msg.type) {
    case "init":
      void loadKernels().then((k) => post({ type: "ready", kernels: k.kind, detail: k.detail }));
      return;
    case "load":
      load(msg).catch((err: unknown) => {
        cancelledLoads.delete(msg.loadId);
        post({ type: "load-error", loadId: msg.loadId, error: toPlainError(err) });
      });
      return;
    case "input":
      latestInput.set(msg.key, msg.inputId);
      readInput(msg).then((loaded) => {
        if (loaded && latestInput.get(msg.key) === msg.inputId) post({ type: "input-loaded", inputId: msg.inputId, key: msg.key, loaded });
      }, (err: unknown) => {
        if (latestInput.get(msg.key) === msg.inputId) post({ type: "input-error", inputId: msg.inputId, key: msg.key, error: toPlainError(err) });
      });
      return;
    case "cancel-load":
      cancelledLoads.add(msg.loadId);
      return;
    case "series":
      series = { id: msg.seriesId, bars: msg.series };
      return;
    case "export":
      try {
        post({ type: "exported", jobId: msg.jobId, format: msg.format, file: exportOf(msg.jobId, msg.format) });
      } catch (err) {
        post({ type: "error", jobId: msg.jobId, error: toPlainError(err) });
      }
      return;
    case "cancel":
      cancelled.add(msg.jobId);
      return;
    case "draw":
      draw(msg);
      return;
    case "backtest":
      backtest(msg).catch((err: unknown) => {
        cancelled.delete(msg.jobId);
        post({ type: "error", jobId: msg.jobId, error: toPlainError(err) });
      });
      return;
  }
};
