// The page's neural forecast: the shipped weights (static files next to
// app.js, fetched on first use) run on the tab's GPU through gpuPredictor
// when the navigator.gpu the page passes in gives an adapter, else on the
// CPU (neural.wasm, as `nt forecast` and POST /forecast run them), and the
// page says which ran.
import { GpuUnavailableError } from "../../src/gpu/errors.ts";
import { WasmNeural } from "../../src/kernels/neural.ts";
import { kernelPredictor } from "../../src/kernels/neural-predictor.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { gpuPredictor } from "../../src/neural/gpu-predictor.ts";
import { DEFAULT_TAIL, forecastReport, stepRmse, type ForecastReport } from "../../src/neural/job.ts";
import type { ModelKind } from "../../src/neural/model.ts";
import { cpuPredictor, type Predictor } from "../../src/neural/predictor.ts";
import { loadWeights, type TrainedModel } from "../../src/neural/weights.ts";

/** Said on screen when no GPU adapter answered. */
export const CPU_FALLBACK = "CPU: no WebGPU adapter in this browser";

/**
 * The band's width in RMSEs: ±1.96 RMSE holds 95% of the forecasts if
 * their errors are normal with mean zero (they are not quite: read it as a
 * rough range, not a guarantee).
 */
export const BAND_Z = 1.96;

export interface Chosen {
  predictor: Predictor;
  /** "WebGPU" or CPU_FALLBACK, shown on the page. */
  label: string;
  /** Why the CPU ran, where it did (the adapter requests tried). */
  detail: string;
}

export interface PageForecast {
  report: ForecastReport;
  label: string;
  /**
   * The band: per step j, forecast ± BAND_Z × rmse[j], where rmse[j] is the
   * RMSE of the model's (j+1)-step-ahead forecasts over rolling origins in
   * the last `tail` closes of the loaded series (stepRmse). The shipped
   * weights' metadata stores only one MAE pooled over all 8 steps, in the
   * bundled series' points (eval.mae), neither an RMSE nor per step, so the
   * RMSE is measured per step here, on the same origins as the weights'
   * held-out evaluation: on the bundled S&P 500 the last 250 closes were not
   * seen in training. Empty when the series is too short for a tail of at
   * least the horizon.
   */
  rmse: number[];
  tail: number;
  z: number;
}

/** Picks the backend once: the GPU when `gpu` gives a device, else the CPU; `base` is where neural.wasm lies. */
export async function choosePredictor(gpu: GPU | undefined, base: string | URL): Promise<Chosen> {
  if (!gpu) return cpuBackend(base, "navigator.gpu is undefined");
  const runtime = new GpuRuntime(gpu, { label: "navigator.gpu in the tab" });
  try {
    await runtime.executor();
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    return cpuBackend(base, e.message);
  }
  return { predictor: gpuPredictor(runtime), label: "WebGPU", detail: "" };
}

/** The CPU backend: neural.wasm's kernels, or the TypeScript forward (the same answers to 1e-4) where that module does not load. */
async function cpuBackend(base: string | URL, why: string): Promise<Chosen> {
  const url = new URL("neural.wasm", base);
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return { predictor: kernelPredictor(await WasmNeural.load(await res.arrayBuffer())), label: CPU_FALLBACK, detail: why };
  } catch (e) {
    return { predictor: cpuPredictor, label: CPU_FALLBACK, detail: `${why}; ${url.pathname} did not load (${e instanceof Error ? e.message : String(e)}), so the TypeScript forward runs` };
  }
}

/** Fetches and checks models/<kind>.safetensors. */
export async function fetchWeights(kind: ModelKind, base: string | URL): Promise<TrainedModel> {
  const url = new URL(`models/${kind}.safetensors`, base);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url.pathname} failed: HTTP ${res.status}`);
  return loadWeights(new Uint8Array(await res.arrayBuffer()), url.pathname);
}

/** The forecast of the series' next closes (the model's horizon) with its band. */
export async function pageForecast(trained: TrainedModel, closes: ArrayLike<number>, chosen: Chosen): Promise<PageForecast> {
  const report = await forecastReport(trained, closes, {}, chosen.predictor);
  const tail = Math.min(DEFAULT_TAIL, closes.length - trained.model.config.inputSize - 1);
  const rmse = tail >= report.horizon ? await stepRmse(trained, closes, tail, report.horizon, chosen.predictor) : [];
  return { report, label: chosen.label, rmse, tail: rmse.length > 0 ? tail : 0, z: BAND_Z };
}

/** The bar spacing forecasts step by: the median of the last 20 gaps (weekends and holidays aside). */
export function barStep(time: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = Math.max(1, time.length - 20); i < time.length; i++) gaps.push(time[i] - time[i - 1]);
  gaps.sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[gaps.length >> 1] : 86_400_000;
}
