// The vector memory against hnswlib-node at scale: 1,000,000 vectors of
// dimension 32 (bench/hnsw-compare.ts). About 20 minutes on this 2-core
// machine (four builds of a million vectors), so a suite of its own.
import { compareHnsw, gaussian, subspace } from "./hnsw-compare.ts";

export const title = "Vector memory at scale: 1M vectors, HNSW against hnswlib-node";

export function run(): Promise<string> {
  return compareHnsw({ n: 1_000_000, dim: 32 }, [(s) => gaussian(s, 3), (s) => subspace(s, 4)]);
}
