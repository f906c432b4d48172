import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { tsHnsw } from "../../src/memory/hnsw-twin.ts";
import type { Metric } from "../../src/memory/params.ts";
import { REBUILD_RATIO, VectorIndex, type MetadataFilter, type SearchHit } from "../../src/memory/vector-index.ts";
import { firstDifference, normalVectors, recall, wasmHnsw } from "./data.ts";

const ids = (hits: SearchHit[]) => hits.map((h) => h.id);

/** Squared L2, 1 - cosine and 1 - dot, in float64: the reference for exactSearch. */
function referenceDistance(metric: Metric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
    l2 += (a[i] - b[i]) ** 2;
  }
  return metric === "l2" ? l2 : metric === "cosine" ? 1 - dot / Math.sqrt(aa * bb) : 1 - dot;
}

describe("VectorIndex exact search on a tiny set, checked by hand", () => {
  // l2: query (1, 1) to a (0,0) = 2, b (1,0) = 1, c (0,3) = 1 + 4 = 5, d (3,4) = 4 + 9 = 13.
  // cosine: q = (2, 1), |q| = sqrt 5: v (1,1): 1 - 3 / sqrt 10 = 0.051317; e1 (1,0): 1 - 2 / sqrt 5 = 0.105573;
  //   e2 (0,1): 1 - 1 / sqrt 5 = 0.552786; w (-1,0): 1 + 2 / sqrt 5 = 1.894427.
  // ip: q = (2, 1): v: 1 - 3 = -2; e1: 1 - 2 = -1; e2: 1 - 1 = 0; w: 1 + 2 = 3.
  const cases: { metric: Metric; points: [string, number[]][]; query: number[]; order: string[]; distances: number[] }[] = [
    { metric: "l2", points: [["a", [0, 0]], ["b", [1, 0]], ["c", [0, 3]], ["d", [3, 4]]], query: [1, 1], order: ["b", "a", "c", "d"], distances: [1, 2, 5, 13] },
    {
      metric: "cosine", points: [["e1", [1, 0]], ["e2", [0, 1]], ["v", [1, 1]], ["w", [-1, 0]]], query: [2, 1],
      order: ["v", "e1", "e2", "w"], distances: [1 - 3 / Math.sqrt(10), 1 - 2 / Math.sqrt(5), 1 - 1 / Math.sqrt(5), 1 + 2 / Math.sqrt(5)],
    },
    { metric: "ip", points: [["e1", [1, 0]], ["e2", [0, 1]], ["v", [1, 1]], ["w", [-1, 0]]], query: [2, 1], order: ["v", "e1", "e2", "w"], distances: [-2, -1, 0, 3] },
  ];
  for (const { metric, points, query, order, distances } of cases) {
    it(`${metric}: order and distances, exactly and through the graph, on both backends`, async () => {
      for (const backend of [tsHnsw, await wasmHnsw()]) {
        const index = new VectorIndex({ dimension: 2, metric, backend });
        for (const [id, v] of points) index.add(id, v, { name: id });
        for (const hits of [index.exactSearch(query, 4), index.search(query, 4)]) {
          expect(ids(hits)).toEqual(order);
          hits.forEach((h, i) => expect(h.distance).toBeCloseTo(distances[i], 6));
          expect(hits[0].metadata).toEqual({ name: order[0] });
        }
        expect(ids(index.exactSearch(query, 2))).toEqual(order.slice(0, 2));
      }
    });
  }

  it("returns every vector when k exceeds the size, and nothing from an empty index", () => {
    const index = new VectorIndex({ dimension: 3, metric: "l2" });
    expect(index.search([1, 2, 3], 5)).toEqual([]);
    expect(index.exactSearch([1, 2, 3], 5)).toEqual([]);
    index.add(7, [1, 2, 3]);
    expect(index.search([1, 2, 3], 5)).toEqual([{ id: 7, distance: 0, metadata: undefined }]);
  });
});

describe("VectorIndex recall on 10,000 random vectors of dimension 32 (wasm backend)", () => {
  const data = normalVectors(10_000, 32, 1);
  const queries = normalVectors(100, 32, 2);
  for (const metric of ["l2", "cosine", "ip"] as const) {
    it(`${metric}: recall@10 >= 0.95 against exact search, which agrees with a float64 brute force`, async () => {
      const index = new VectorIndex({ dimension: 32, metric, backend: await wasmHnsw() });
      data.forEach((v, i) => index.add(i, v));
      expect(index.size).toBe(10_000);
      const exact = queries.map((q) => index.exactSearch(q, 10));
      for (const [q, hits] of exact.slice(0, 5).entries()) {
        const reference = data.map((v, i) => ({ i, d: referenceDistance(metric, queries[q], v) })).sort((a, b) => a.d - b.d).slice(0, 10);
        expect(ids(hits)).toEqual(reference.map((r) => r.i));
        hits.forEach((h, j) => expect(h.distance).toBeCloseTo(reference[j].d, 4));
      }
      const found = queries.map((q) => index.search(q, 10));
      expect(recall(found, exact)).toBeGreaterThanOrEqual(0.95);
      found.forEach((hits) => hits.slice(1).forEach((h, j) => expect(h.distance).toBeGreaterThanOrEqual(hits[j].distance)));
    });
  }
});

describe("VectorIndex.remove", () => {
  const data = normalVectors(4000, 16, 3);
  const queries = normalVectors(100, 16, 4);

  it("never returns a removed id, and recall against exact search holds", async () => {
    const index = new VectorIndex({ dimension: 16, metric: "l2", backend: await wasmHnsw() });
    data.forEach((v, i) => index.add(i, v));
    // Remove the nearest neighbours of every query first (the hardest case), then every 7th vector: about 19%, under the rebuild ratio.
    const removed = new Set<number>();
    for (const q of queries) for (const h of index.search(q, 3)) removed.add(h.id as number);
    for (let i = 0; i < data.length; i += 7) removed.add(i);
    expect(removed.size).toBeLessThan(REBUILD_RATIO * data.length);
    for (const id of removed) expect(index.remove(id)).toBe(true);
    expect(index.remove(removed.values().next().value!)).toBe(false);
    expect(index.size).toBe(data.length - removed.size);
    expect(index.stats().deleted).toBe(removed.size);
    const found = queries.map((q) => index.search(q, 10));
    const exact = queries.map((q) => index.exactSearch(q, 10));
    for (const hits of [...found, ...exact]) {
      expect(hits).toHaveLength(10);
      for (const h of hits) expect(removed.has(h.id as number)).toBe(false);
    }
    expect(recall(found, exact)).toBeGreaterThanOrEqual(0.95);
  });

  it("rebuilds without tombstones past the rebuild ratio, keeping results and ids", async () => {
    const index = new VectorIndex({ dimension: 16, metric: "cosine", backend: await wasmHnsw() });
    data.forEach((v, i) => index.add(`v${i}`, v, { i }));
    const limit = Math.floor(REBUILD_RATIO * data.length);
    for (let i = 0; i < limit; i++) index.remove(`v${2 * i}`);
    expect(index.stats().deleted).toBe(limit);
    index.remove(`v${2 * limit}`);
    expect(index.stats().deleted).toBe(0);
    expect(index.size).toBe(data.length - limit - 1);
    const exact = queries.map((q) => index.exactSearch(q, 10));
    const found = queries.map((q) => index.search(q, 10));
    expect(recall(found, exact)).toBeGreaterThanOrEqual(0.95);
    for (const hits of found) for (const h of hits) expect(Number((h.id as string).slice(1)) % 2 === 1 || Number((h.id as string).slice(1)) > 2 * limit).toBe(true);
    expect(index.metadata("v1")).toEqual({ i: 1 });
  });

  it("add under an existing id replaces the vector and its metadata", () => {
    const index = new VectorIndex({ dimension: 2, metric: "l2" });
    index.add("a", [0, 0], { v: 1 });
    index.add("b", [5, 5]);
    index.add("a", [10, 10], { v: 2 });
    expect(index.size).toBe(2);
    expect(index.search([10, 10], 1)).toEqual([{ id: "a", distance: 0, metadata: { v: 2 } }]);
    expect(ids(index.exactSearch([0, 0], 2))).toEqual(["b", "a"]);
  });
});

describe("VectorIndex filtered search", () => {
  const data = normalVectors(5000, 16, 5);
  const queries = normalVectors(50, 16, 6);

  async function bucketIndex(): Promise<VectorIndex> {
    const index = new VectorIndex({ dimension: 16, metric: "l2", backend: await wasmHnsw() });
    data.forEach((v, i) => index.add(i, v, { bucket: i % 10, rare: i % 500 === 0 }));
    return index;
  }

  it("returns k matching results, near the exact filtered answer, for wide and selective filters", async () => {
    const index = await bucketIndex();
    // Each filter with the ids it lets through (computed from the ids directly) and k. With efSearch 100:
    const filters: [MetadataFilter, (i: number) => boolean, number][] = [
      [(m) => (m!.bucket as number) < 8, (i) => i % 10 < 8, 10], // 80% pass: the beam's 100 answers hold 10 that pass
      [(m) => (m!.bucket as number) < 2, (i) => i % 10 < 2, 50], // 20% pass, k 50: the graph is searched again with the filter as a mask
      [{ bucket: 3 }, (i) => i % 10 === 3, 10], // 10% pass: exact search over them when the beam held fewer than 10 (about half the queries)
      [{ rare: true }, (i) => i % 500 === 0, 10], // 10 of 5000 pass
    ];
    for (const [filter, passes, k] of filters) {
      const found = queries.map((q) => index.search(q, k, filter));
      const exact = queries.map((q) => index.exactSearch(q, k, filter));
      for (const hits of [...found, ...exact]) {
        expect(hits).toHaveLength(k);
        for (const h of hits) expect(passes(h.id as number)).toBe(true);
      }
      expect(recall(found, exact)).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("returns every match when fewer than k match, and none when nothing does", async () => {
    const index = await bucketIndex();
    const hits = index.search(queries[0], 10, (m, id) => (id as number) < 1000 && m!.rare === true);
    expect(ids(hits).sort()).toEqual([0, 500]);
    expect(index.search(queries[0], 10, { bucket: 11 })).toEqual([]);
    expect(index.search(queries[0], 10, { missing: "x" })).toEqual([]);
  });

  it("refuses a filter that is neither a function nor an object", async () => {
    const index = await bucketIndex();
    expect(() => index.search(queries[0], 3, 5 as never)).toThrow(/filter must be a function or an object/);
  });
});

describe("VectorIndex determinism and input checks", () => {
  it("the same adds with the same seed give the same graph; another seed another", async () => {
    const data = normalVectors(500, 8, 7);
    const build = async (seed: number) => {
      const index = new VectorIndex({ dimension: 8, metric: "l2", seed, backend: await wasmHnsw() });
      data.forEach((v, i) => index.add(i, v));
      return index.save();
    };
    expect(firstDifference(await build(9), await build(9))).toBe(-1);
    expect(firstDifference(await build(9), await build(10))).not.toBe(-1);
  });

  it("names the field at fault", () => {
    expect(() => new VectorIndex({ dimension: 0, metric: "l2" })).toThrow(ConfigError);
    expect(() => new VectorIndex({ dimension: 4, metric: "hamming" as Metric })).toThrow(/metric must be one of l2, cosine, ip/);
    expect(() => new VectorIndex({ dimension: 4, metric: "l2", M: 1 })).toThrow(/M must be an integer from 2 to 128, got 1/);
    const index = new VectorIndex({ dimension: 3, metric: "cosine" });
    expect(() => index.add("x", [1, 2])).toThrow(/vector has 2 values; this index holds vectors of dimension 3/);
    expect(() => index.add("x", [1, Number.NaN, 2])).toThrow(/vector\[1\] must be a finite float32 number, got NaN/);
    expect(() => index.add("x", [1, 1e39, 2])).toThrow(/vector\[1\] must be a finite float32 number/);
    expect(() => index.add("x", [0, 0, 0])).toThrow(/vector is all zeros; cosine distance needs a direction/);
    expect(() => index.add({} as never, [1, 2, 3])).toThrow(/id must be a string or a finite number/);
    expect(() => index.add("x", [1, 2, 3], [] as never)).toThrow(/metadata of "x" must be an object/);
    expect(() => index.search([1, 2, 3], 0)).toThrow(/k must be an integer from 1/);
    expect(() => index.search([1, 2], 1)).toThrow(/query has 2 values/);
    expect(() => index.setMetadata("nope", {})).toThrow(/no vector with id "nope"/);
    expect(index.size).toBe(0);
  });
});
