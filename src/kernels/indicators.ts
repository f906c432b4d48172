import { checkSameLength, nonFinite } from "../features/params.ts";
import { ConfigError } from "../core/errors.ts";
import { type AnyIndicator, checkParams, INDICATORS, INPUT_COLUMNS, type IndicatorMethodsInto, type IndicatorName } from "../features/registry.ts";
import { F64Arena, instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/**
 * The raw ABI of build/indicators.wasm (docs/kernel-abi.md): each
 * indicator's export takes (...inputs, ...outputs, ...scratch, n,
 * ...params) as the registry's entry describes, all buffers n values long.
 */
export type IndicatorExports = KernelExports & Record<IndicatorName, (...args: number[]) => void> & {
  /** Index of the first NaN or infinite value, or -1. */
  firstNonFinite(src: Ptr, n: number): number;
};

/** Buffers one call uses: its inputs, outputs and scratch. */
const slotsOf = (e: AnyIndicator) => INPUT_COLUMNS[e.inputs].length + (e.outputs?.length ?? 1) + (e.kernel.scratch ?? 0);
/** The most buffers any indicator kernel uses (ADX: 3 in, 3 out). */
const SLOTS = Math.max(...INDICATORS.map(slotsOf));
/** Released result arrays kept for reuse, per length; more than this are left to the GC. */
const POOL_LIMIT = 16;

type Output = Float64Array | Record<string, Float64Array>;

/**
 * Indicators computed by the WASM kernels, one method per registry entry
 * (wasm.sma(close, 20), wasm.macd(close, 12, 26, 9), ...). Inputs are copied
 * once into reused buffers in the module's memory and each output is copied
 * once out: into the caller's own arrays when the last argument gives them,
 * else into arrays the caller owns from then on. Those come from a pool of
 * arrays handed back with release() when there are any, or are fresh: a
 * fresh 8 MB array is new memory whose first touch page-faults, which costs
 * more than the kernel, so a caller done with a result may release() it.
 * Not reentrant: one instance serves one thread.
 */
export type WasmIndicators = IndicatorMethodsInto & {
  readonly k: IndicatorExports;
  /**
   * Hands result arrays back for reuse by later calls of this instance. The
   * caller must not read or keep them (nor subarrays or their buffer) after;
   * pass only arrays that no one else holds.
   */
  release(...results: Output[]): void;
};

export const WasmIndicators = {
  async load(source: BufferSource | WebAssembly.Module): Promise<WasmIndicators> {
    return new Dispatch(await instantiateKernels<IndicatorExports>(source, "indicators")).methods();
  },
};

/** Runs any registry entry on the kernels. */
class Dispatch {
  private readonly arena: F64Arena;
  private readonly pool = new Map<number, Float64Array[]>();

  constructor(readonly k: IndicatorExports) {
    this.arena = new F64Arena(k, SLOTS);
  }

  methods(): WasmIndicators {
    const methods: Record<string, unknown> = { k: this.k, release: (...r: Output[]) => this.release(r) };
    for (const e of INDICATORS) {
      const inputs = INPUT_COLUMNS[e.inputs].length;
      const params = e.params.length;
      methods[e.name] = (...a: unknown[]) =>
        this.run(e, a.slice(0, inputs) as Float64Array[], a.slice(inputs, inputs + params) as number[], a[inputs + params] as Output | undefined);
    }
    return methods as WasmIndicators;
  }

  run(e: AnyIndicator, series: Float64Array[], args: number[], out?: Output): Output {
    checkParams(e, args);
    const n = checkSameLength(e.name, ...series);
    const ptrs = this.arena.ensure(n);
    series.forEach((s, slot) => this.arena.view(slot, n).set(s));
    if (!e.kernel.propagates) this.checkInputs(e.name, series, ptrs);
    // A window longer than n leaves every output undefined, so clamping to
    // n + 1 changes no result and keeps huge periods from wrapping an i32.
    const params = args.map((v, i) => (e.params[i].type === "integer" ? Math.min(v, n + 1) : v));
    (this.k as unknown as Record<string, (...a: number[]) => void>)[e.kernel.export](...ptrs.slice(0, slotsOf(e)), n, ...params);
    const first = series.length;
    if (e.kernel.propagates) this.checkPropagated(e.name, series, ptrs, first, n);
    if (!e.outputs) return this.output(first, n, out as Float64Array | undefined);
    const parts = out as Record<string, Float64Array> | undefined;
    return Object.fromEntries(e.outputs.map((p, i) => [p, this.output(first + i, n, parts?.[p])]));
  }

  /** Scans each copied input (a SIMD pass in the module, not a JS loop). */
  private checkInputs(name: string, series: Float64Array[], ptrs: readonly Ptr[]): void {
    series.forEach((s, slot) => {
      const bad = this.k.firstNonFinite(ptrs[slot], s.length);
      if (bad >= 0) throw nonFinite(name, bad, s[bad]);
    });
  }

  /**
   * The input check for recursive indicators (EMA, RSI): once a NaN or an
   * infinity enters their smoothing it never leaves, so a finite last output
   * proves every input finite and saves a pass; otherwise the input is scanned.
   */
  private checkPropagated(name: string, series: Float64Array[], ptrs: readonly Ptr[], outSlot: number, n: number): void {
    if (n === 0 || Number.isFinite(this.arena.view(outSlot, n)[n - 1])) return;
    this.checkInputs(name, series, ptrs);
  }

  /** Output slot `slot` copied into `out` (the caller's array), a released array, or a fresh one. */
  private output(slot: number, n: number, out?: Float64Array): Float64Array {
    if (out === undefined) {
      const reused = this.pool.get(n)?.pop();
      if (reused === undefined) return new Float64Array(this.arena.view(slot, n));
      reused.set(this.arena.view(slot, n));
      return reused;
    }
    if (out.length !== n) throw new ConfigError(`output array has length ${out.length}, expected ${n} (the input length)`, { field: "out" });
    out.set(this.arena.view(slot, n));
    return out;
  }

  private release(results: Output[]): void {
    for (const r of results) {
      for (const a of r instanceof Float64Array ? [r] : Object.values(r)) {
        // Only whole arrays of their own buffer: a subarray's buffer may hold data someone else reads.
        if (a.byteOffset !== 0 || a.buffer.byteLength !== a.byteLength) continue;
        const free = this.pool.get(a.length) ?? [];
        if (free.length < POOL_LIMIT && !free.includes(a)) free.push(a);
        this.pool.set(a.length, free);
      }
    }
  }
}
