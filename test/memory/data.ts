// Shared inputs for the vector memory tests: seeded random vectors, the wasm
// backend, and recall against a reference answer.
import { Random } from "../../src/core/random.ts";
import { WasmHnsw } from "../../src/kernels/memory.ts";
import type { SearchHit } from "../../src/memory/vector-index.ts";
import { wasmBytes } from "../helpers.ts";

let wasm: Promise<WasmHnsw> | undefined;
export function wasmHnsw(): Promise<WasmHnsw> {
  return (wasm ??= WasmHnsw.load(wasmBytes("memory") as BufferSource));
}

/** n vectors of standard normal values. */
export function normalVectors(n: number, dimension: number, seed: number): Float32Array[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dimension }, () => rng.normal()));
}

/** Share of the reference ids found, over all queries. */
export function recall(found: readonly SearchHit[][], reference: readonly SearchHit[][]): number {
  let hit = 0;
  let total = 0;
  found.forEach((hits, q) => {
    const want = new Set(reference[q].map((h) => h.id));
    hit += hits.filter((h) => want.has(h.id)).length;
    total += want.size;
  });
  return hit / total;
}

/** The first index where two byte arrays differ (-1 when equal): toEqual walks big typed arrays slowly. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
