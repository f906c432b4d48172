// The vector memory's kernels: build/memory.wasm, an HNSW graph over float32
// vectors. ABI: `context` is the byte address of the i32 context block that
// names every region (src/memory/layout.ts); the host owns all memory from
// heapBase() up and grows it itself. Wrapper: src/kernels/memory.ts; twin:
// src/memory/hnsw-twin.ts.
export { heapBase, insert, search, exact } from "./memory/hnsw";
