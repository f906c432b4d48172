import { checkSeriesList } from "../risk/comoments.ts";
import { checkMonteCarlo, notPositiveSemiDefinite } from "../risk/montecarlo.ts";
import { checkCompleteRows, checkConfidence, checkPaired, checkReturns, checkScale } from "../risk/params.ts";
import {
  SUMMARY_FIELDS, type Comoments, type Drawdown, type MonteCarloRisk, type MonteCarloSpec, type RiskStats,
  type RiskSummary, type TailRisk, type VaRES,
} from "../risk/stats.ts";
import { instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/risk.wasm (assembly/risk.ts). */
export interface RiskExports extends KernelExports {
  summary(src: Ptr, n: number, scale: number, out: Ptr): void;
  drawdown(src: Ptr, n: number, geometric: boolean, out: Ptr): void;
  tailRisk(src: Ptr, scratch: Ptr, n: number, alpha: number, out: Ptr): void;
  historical(src: Ptr, scratch: Ptr, n: number, alpha: number, out: Ptr): void;
  covarianceMatrix(src: Ptr, k: number, n: number, means: Ptr, out: Ptr): number;
  monteCarlo(params: Ptr, k: number, paths: number, seed: number, df: number, alpha: number, scratch: Ptr, out: Ptr): number;
}

/** Buffer slots, in this order: the input, a scratch copy, the (small) output, small scratch. */
const INPUT = 0;
const OUT = 2;

/**
 * Risk statistics computed by the WASM kernels, with the same checks and
 * errors as the TypeScript twins. Inputs are copied once into buffers in the
 * module's memory that are reserved once and grown only when a larger input
 * arrives. Not reentrant: one instance serves one thread.
 */
export class WasmRisk implements RiskStats {
  private sizes = [0, 0, 0, 0];
  private ptrs: Ptr[] = [];

  constructor(readonly k: RiskExports) {}

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmRisk> {
    return new WasmRisk(await instantiateKernels<RiskExports>(source, "risk"));
  }

  summary(returns: Float64Array, scale: number): RiskSummary {
    checkScale("scale", scale);
    checkReturns("returns", returns, 2);
    const [src, , out] = this.input([returns], SUMMARY_FIELDS.length);
    this.k.summary(src, returns.length, scale, out);
    const values = this.view(OUT, SUMMARY_FIELDS.length);
    return Object.fromEntries(SUMMARY_FIELDS.map((f, i) => [f, values[i]])) as unknown as RiskSummary;
  }

  tailRisk(returns: Float64Array, confidence: number): TailRisk {
    checkConfidence("confidence", confidence);
    checkReturns("returns", returns, 1);
    const [src, scratch, out] = this.input([returns], 6, returns.length);
    this.k.tailRisk(src, scratch, returns.length, 1 - confidence, out);
    const v = this.view(OUT, 6);
    return {
      historical: { VaR: v[0], ES: v[1] },
      gaussian: { VaR: v[2], ES: v[3] },
      modified: { VaR: v[4], ES: v[5] },
    };
  }

  historical(returns: Float64Array, confidence: number): VaRES {
    checkConfidence("confidence", confidence);
    checkReturns("returns", returns, 1);
    const [src, scratch, out] = this.input([returns], 2, returns.length);
    this.k.historical(src, scratch, returns.length, 1 - confidence, out);
    const v = this.view(OUT, 2);
    return { VaR: v[0], ES: v[1] };
  }

  drawdown(returns: Float64Array, geometric: boolean): Drawdown {
    checkReturns("returns", returns, 1);
    const [src, , out] = this.input([returns], 4);
    this.k.drawdown(src, returns.length, geometric, out);
    const v = this.view(OUT, 4);
    return { depth: v[0], peak: v[1], trough: v[2], recovery: v[3] };
  }

  comoments(asset: Float64Array, benchmark: Float64Array): Comoments {
    checkPaired("benchmark", asset, benchmark);
    checkReturns("asset", asset, 0);
    checkReturns("benchmark", benchmark, 0);
    const [cov, n] = this.covariance([asset, benchmark], "benchmark");
    const sab = cov[1];
    return { n, covariance: sab, beta: sab / cov[3], correlation: sab / Math.sqrt(cov[0] * cov[3]) };
  }

  covarianceMatrix(series: readonly Float64Array[]): Float64Array {
    checkSeriesList(series);
    return this.covariance(series, "series")[0];
  }

  monteCarlo(spec: MonteCarloSpec): MonteCarloRisk {
    const k = checkMonteCarlo(spec);
    const [params, scratch, out] = this.ensure([2 * k + 2 * k * k + k, spec.paths, 4, 0]);
    const p = this.view(INPUT, 2 * k + k * k);
    p.set(spec.weights, 0);
    p.set(spec.means, k);
    p.set(spec.covariance, 2 * k);
    const alpha = 1 - spec.confidence;
    const failed = this.k.monteCarlo(params, k, spec.paths, spec.seed, spec.df ?? 0, alpha, scratch, out);
    const v = this.view(OUT, 4);
    if (failed >= 0) throw notPositiveSemiDefinite(v[0], failed);
    return { VaR: v[0], ES: v[1], paths: spec.paths, mean: v[2], stdDev: v[3] };
  }

  /** Runs the covariance kernel on equal-length series; returns the matrix and the complete rows. */
  private covariance(series: readonly Float64Array[], field: string): [Float64Array, number] {
    const k = series.length;
    const n = series[0].length;
    const [src, , out, means] = this.ensure([k * n, 0, k * k, k]);
    const input = this.view(INPUT, k * n);
    series.forEach((s, a) => input.set(s, a * n));
    const rows = checkCompleteRows(field, this.k.covarianceMatrix(src, k, n, means, out));
    return [this.view(OUT, k * k).slice(), rows];
  }

  /** Copies series one after another into the input slot; sizes the output and scratch slots. */
  private input(series: Float64Array[], outSize: number, scratchSize = 0): readonly Ptr[] {
    const total = series.reduce((sum, s) => sum + s.length, 0);
    const ptrs = this.ensure([total, scratchSize, outSize, 0]);
    const view = this.view(INPUT, total);
    let at = 0;
    for (const s of series) {
      view.set(s, at);
      at += s.length;
    }
    return ptrs;
  }

  /**
   * Makes every slot hold at least sizes[slot] float64 values; returns their
   * addresses. Growing resets the arena and reserves all slots anew, so
   * steady-state calls reserve nothing.
   */
  private ensure(sizes: number[]): readonly Ptr[] {
    if (this.ptrs.length === 0 || sizes.some((size, slot) => size > this.sizes[slot])) {
      this.sizes = this.sizes.map((old, slot) => Math.max(old, sizes[slot], 16));
      this.k.resetArena();
      this.ptrs = this.sizes.map((size) => this.k.reserve(size * 8) >>> 0);
    }
    return this.ptrs;
  }

  /** A view of the first n values of a slot, made after any memory growth. */
  private view(slot: number, n: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, this.ptrs[slot], n);
  }
}
