import type { Indicators } from "../features/indicators.ts";
import { checkPeriod } from "../features/params.ts";
import { F64Arena, instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/indicators.wasm (documented in README, "Kernel ABI"). */
export interface IndicatorExports extends KernelExports {
  sma(src: Ptr, dst: Ptr, n: number, period: number): void;
}

/** The most input plus output buffers any indicator kernel uses (e.g. ADX: 3 in, 3 out). */
const SLOTS = 8;

/**
 * Indicators computed by the WASM kernels. Inputs are copied once into
 * reused buffers in the module's memory and each output is copied once out,
 * so a call allocates nothing but its result arrays. Not reentrant: one
 * instance serves one thread.
 */
export class WasmIndicators implements Indicators {
  private readonly arena: F64Arena;

  constructor(readonly k: IndicatorExports) {
    this.arena = new F64Arena(k, SLOTS);
  }

  static async load(bytes: BufferSource | WebAssembly.Module): Promise<WasmIndicators> {
    return new WasmIndicators(await instantiateKernels<IndicatorExports>(bytes, "indicators"));
  }

  sma(values: Float64Array, period: number): Float64Array {
    checkPeriod("sma.period", period);
    const [src, dst] = this.input(values);
    this.k.sma(src, dst, values.length, period);
    return this.output(1, values.length);
  }

  /** Copies the inputs into slots 0..k-1; returns every slot's address. */
  private input(...series: Float64Array[]): readonly Ptr[] {
    const n = series[0].length;
    const ptrs = this.arena.ensure(n);
    series.forEach((s, slot) => this.arena.view(slot, n).set(s));
    return ptrs;
  }

  /** A fresh copy of output slot `slot`. */
  private output(slot: number, n: number): Float64Array {
    return this.arena.view(slot, n).slice();
  }
}
