import { Random } from "../src/core/random.ts";
import { VectorIndex } from "../src/memory/vector-index.ts";
import { wasmHnsw } from "./memory/data.ts";
const N = Number(process.argv[2]), D = 64, Q = 500, M = 16, EFC = Number(process.argv[3] ?? 200);
const rng = new Random(1);
const data = Array.from({ length: N }, () => Float32Array.from({ length: D }, () => rng.normal()));
const queries = Array.from({ length: Q }, () => Float32Array.from({ length: D }, () => rng.normal()));
let t = performance.now();
const idx = new VectorIndex({ dimension: D, metric: "l2", M, efConstruction: EFC, backend: await wasmHnsw() });
data.forEach((v, i) => idx.add(i, v));
console.log("ours build s", ((performance.now() - t) / 1000).toFixed(1));
const truth = queries.map((q) => idx.exactSearch(q, 10).map((h) => h.id as number));
const { HierarchicalNSW } = (await import("hnswlib-node")).default;
t = performance.now();
const h = new HierarchicalNSW("l2", D);
h.initIndex(N, M, EFC, 42);
data.forEach((v, i) => h.addPoint(Array.from(v), i));
console.log("hnswlib build s", ((performance.now() - t) / 1000).toFixed(1));
for (const ef of (process.argv[4] ?? "64,128").split(",").map(Number)) {
  idx.efSearch = ef; h.setEf(ef);
  for (const [name, f] of [["ours", (q: Float32Array) => idx.search(q, 10).map((x) => x.id as number)], ["hnswlib", (q: Float32Array) => h.searchKnn(Array.from(q), 10).neighbors]] as const) {
    let hit = 0; const lat: number[] = [];
    for (let r = 0; r < 2; r++) queries.forEach((q, i) => { const a = performance.now(); const got = f(q); lat.push(performance.now() - a); if (r) { const s = new Set(truth[i]); hit += got.filter((x) => s.has(x)).length; } });
    lat.sort((a, b) => a - b);
    console.log(name, "ef", ef, "recall", (hit / (Q * 10)).toFixed(4), "p50", lat[lat.length >> 1].toFixed(4), "p99", lat[Math.floor(lat.length * 0.99)].toFixed(4));
  }
}
