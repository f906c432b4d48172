// The engine's Web Worker: backtests (stepped in slices, with progress and
// cancel) and sweep cells, over a series the page sends once. Indicator
// overlays come from the WASM kernels, loaded once per worker.
import { Backtest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest, strategyAndConfig } from "../../src/backtest/job.ts";
import { realScheduler } from "../../src/core/clock.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { runSteps } from "../../src/execution/runner.ts";
import { tsIndicators, type Indicators } from "../../src/features/indicators.ts";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { computeOverlays } from "./overlays.ts";
import { cellMetrics, toPlainError, type FromWorker, type PlainRequest, type ToWorker } from "./protocol.ts";
import { messageChannelYield } from "./slices.ts";

interface WorkerScope {
  readonly location: { readonly href: string };
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** Longest stretch of engine work between progress reports and cancel checks. */
const SLICE_MS = 12;

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const yieldNow = messageChannelYield();
const cancelled = new Set<number>();
let series: { id: number; bars: BarSeries } | null = null;

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
  if (!series || series.id !== id) throw new Error(`worker has no series ${id}; send it first`);
  return series.bars;
}

/** The request with nothing but plain values, as the engine takes it. */
function engineRequest(req: PlainRequest) {
  return { strategy: req.strategy, params: req.params, config: { ...req.config }, limits: req.limits, sizing: req.sizing };
}

async function backtest(msg: Extract<ToWorker, { type: "backtest" }>): Promise<void> {
  const { jobId } = msg;
  const bars = seriesFor(msg.seriesId);
  const [strategy, config] = strategyAndConfig(engineRequest(msg.request));
  const engine = new Backtest(bars, strategy, config);
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
  const report = engine.report();
  const k = await loadKernels();
  const t0 = performance.now();
  const overlays = computeOverlays(k.ind, bars.close, msg.overlays);
  const overlayMs = performance.now() - t0;
  post(
    {
      type: "result", jobId, overlays, kernels: k.kind, engineMs: busy, overlayMs,
      // Stepped runs time themselves here: the engine times only run().
      report: { ...report, elapsedMs: busy, barsPerSecond: busy > 0 ? Math.round(report.bars / (busy / 1000)) : report.bars * 1000 },
    },
    Object.values(overlays).map((a) => a.buffer),
  );
}

function cell(msg: Extract<ToWorker, { type: "cell" }>): void {
  const report = runStrategyBacktest(seriesFor(msg.seriesId), engineRequest(msg.request));
  post({ type: "cell", jobId: msg.jobId, metrics: cellMetrics(report) });
}

scope.onmessage = (e) => {
  const msg = e.data;
  switch (msg.type) {
    case "init":
      void loadKernels().then((k) => post({ type: "ready", kernels: k.kind, detail: k.detail }));
      return;
    case "series":
      series = { id: msg.seriesId, bars: msg.series };
      return;
    case "cancel":
      cancelled.add(msg.jobId);
      return;
    case "backtest":
      backtest(msg).catch((err: unknown) => {
        cancelled.delete(msg.jobId);
        post({ type: "error", jobId: msg.jobId, error: toPlainError(err) });
      });
      return;
    case "cell":
      try {
        cell(msg);
      } catch (err) {
        post({ type: "error", jobId: msg.jobId, error: toPlainError(err) });
      }
      return;
  }
};
