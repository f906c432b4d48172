// The HNSW kernel (build/memory.wasm) against its TypeScript twin
// (src/memory/hnsw-twin.ts): the same adds must give the same graph, byte
// for byte, and the same queries the same answers, distances bit for bit.
import { describe, expect, it } from "vitest";
import { tsHnsw } from "../../src/memory/hnsw-twin.ts";
import type { HnswBackend } from "../../src/memory/layout.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { firstDifference, normalVectors, wasmHnsw } from "./data.ts";

// Dimension 20: not a multiple of the kernel's 8 lanes, so the zero padding is exercised.
const data = normalVectors(1500, 20, 11);
const queries = normalVectors(40, 20, 12);

function build(backend: HnswBackend, metric: "l2" | "cosine" | "ip"): VectorIndex {
  const index = new VectorIndex({ dimension: 20, metric, backend, M: 8, efConstruction: 64, efSearch: 32 });
  data.forEach((v, i) => index.add(i, v, { odd: i % 2 === 1, third: i % 3 === 0 }));
  return index;
}

describe("HNSW kernel = TypeScript twin", () => {
  for (const metric of ["l2", "cosine", "ip"] as const) {
    it(`${metric}: the same graph from the same adds, and the same answers to the same queries`, async () => {
      const wasm = build(await wasmHnsw(), metric);
      const twin = build(tsHnsw, metric);
      expect(wasm.stats().backend).toBe("wasm");
      expect(twin.stats().backend).toBe("typescript");
      expect(firstDifference(wasm.save(), twin.save())).toBe(-1);
      for (let i = 0; i < 300; i += 3) {
        wasm.remove(i);
        twin.remove(i);
      }
      for (let i = 0; i < 20; i++) {
        wasm.add(`new${i}`, queries[i]);
        twin.add(`new${i}`, queries[i]);
      }
      expect(firstDifference(wasm.save(), twin.save())).toBe(-1);
      for (const q of queries) {
        expect(wasm.search(q, 10)).toEqual(twin.search(q, 10));
        expect(wasm.exactSearch(q, 10)).toEqual(twin.exactSearch(q, 10));
        expect(wasm.search(q, 25, { third: true })).toEqual(twin.search(q, 25, { third: true }));
        expect(wasm.exactSearch(q, 5, { odd: true })).toEqual(twin.exactSearch(q, 5, { odd: true }));
      }
    });
  }

  it("agree after the 16-bit visit epoch wraps (65,535 searches)", async () => {
    const small = async (backend: HnswBackend) => {
      const index = new VectorIndex({ dimension: 20, metric: "l2", backend, M: 4, efSearch: 4 });
      data.slice(0, 40).forEach((v, i) => index.add(i, v));
      return index;
    };
    const [wasm, twin] = [await small(await wasmHnsw()), await small(tsHnsw)];
    const first = queries.map((q) => wasm.search(q, 3));
    for (let i = 0; i < 70_000; i++) {
      const q = i % queries.length;
      const [a, b] = [wasm.search(queries[q], 3), twin.search(queries[q], 3)];
      if (i % 997 === 0 || i > 65_500) {
        expect(a).toEqual(b);
        expect(a).toEqual(first[q]);
      }
    }
  });

  it("searching allocates nothing: the kernel's memory stays the same size", async () => {
    const index = build(await wasmHnsw(), "l2");
    index.search(queries[0], 10);
    const bytes = index.stats().memoryBytes;
    for (let round = 0; round < 20; round++) for (const q of queries) index.search(q, 10, { odd: true });
    expect(index.stats().memoryBytes).toBe(bytes);
  });
});
