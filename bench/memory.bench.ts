// The vector memory against hnswlib-node: 100,000 vectors of dimension 64 (bench/hnsw-compare.ts).
import { compareHnsw, gaussian, subspace } from "./hnsw-compare.ts";

export const title = "Vector memory: HNSW against hnswlib-node";

export function run(): Promise<string> {
  return compareHnsw({ n: 100_000, dim: 64 }, [(s) => gaussian(s, 1), (s) => subspace(s, 2)]);
}
