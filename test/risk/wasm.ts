// The risk kernels module for tests, built by `node scripts/build-wasm.mjs risk`.
import { WasmRisk } from "../../src/kernels/risk.ts";
import { wasmBytes } from "../helpers.ts";

let risk: Promise<WasmRisk> | undefined;
export function wasmRisk(): Promise<WasmRisk> {
  return (risk ??= WasmRisk.load(wasmBytes("risk")));
}

/** Deterministic pseudo-random returns (a linear congruential generator, independent of src/core/random.ts). */
export function lcgReturns(n: number, seed: number, scale = 0.01): Float64Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  // Sum of 4 uniforms: roughly normal, with some skew from the square term.
  return new Float64Array(n).map(() => {
    const u = next() + next() + next() + next() - 2;
    return scale * (u + 0.3 * u * u - 0.1);
  });
}
