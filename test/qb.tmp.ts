import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Random } from "../src/core/random.ts";
import { VectorIndex } from "../src/memory/vector-index.ts";
import { wasmHnsw } from "./memory/data.ts";
const N = 50000, D = 64, Q = 1000, M = 16, EFC = 100;
const rng = new Random(1);
const data = Array.from({ length: N }, () => Float32Array.from({ length: D }, () => rng.normal()));
const queries = Array.from({ length: Q }, () => Float32Array.from({ length: D }, () => rng.normal()));
const { HierarchicalNSW } = (await import("hnswlib-node")).default;
const h = new HierarchicalNSW("l2", D);
let idx: VectorIndex;
if (!existsSync("/tmp/qb.ntvx")) {
  let t = performance.now();
  idx = new VectorIndex({ dimension: D, metric: "l2", M, efConstruction: EFC, backend: await wasmHnsw() });
  data.forEach((v, i) => idx.add(i, v));
  console.log("ours build s", ((performance.now() - t) / 1000).toFixed(1));
  writeFileSync("/tmp/qb.ntvx", idx.save());
  t = performance.now();
  h.initIndex(N, M, EFC, 42);
  data.forEach((v, i) => h.addPoint(Array.from(v), i));
  console.log("hnswlib build s", ((performance.now() - t) / 1000).toFixed(1));
  h.writeIndexSync("/tmp/qb.hnsw");
} else {
  idx = VectorIndex.load(readFileSync("/tmp/qb.ntvx"), { backend: await wasmHnsw() });
  h.readIndexSync("/tmp/qb.hnsw");
}
const ef = Number(process.argv[2] ?? 200);
idx.efSearch = ef; h.setEf(ef);
const qa = queries.map((q) => Array.from(q));
for (let rep = 0; rep < 3; rep++) {
  for (const [name, f] of [["ours", (i: number) => idx.search(queries[i], 10)], ["hnswlib", (i: number) => h.searchKnn(qa[i], 10)]] as const) {
    const a = performance.now();
    for (let i = 0; i < Q; i++) f(i);
    console.log(name, "ef", ef, "us/query", ((performance.now() - a) * 1000 / Q).toFixed(1));
  }
}
