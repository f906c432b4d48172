// Run by test/memory/deno.test.ts under Deno: builds a vector index on
// build/memory.wasm from the vectors in args[1] (JSON) and saves it through
// runtimes/deno/storage.ts into args[0]; prints the answers of a search.
import { DenoStorage } from "../../runtimes/deno/storage.ts";
import { WasmHnsw } from "../../src/kernels/memory.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";

const [dir, vectorsFile, wasmFile] = Deno.args;
const vectors: number[][] = JSON.parse(await Deno.readTextFile(vectorsFile));
const index = new VectorIndex({ dimension: vectors[0].length, metric: "ip", backend: await WasmHnsw.load(await Deno.readFile(wasmFile)) });
vectors.forEach((v, i) => index.add(i, v, { i }));
const storage = new DenoStorage(dir);
index.saveTo(storage, "deno/index.ntvx");
const loaded = VectorIndex.loadFrom(storage, "deno/index.ntvx");
console.log(JSON.stringify(loaded.search(vectors[0], 5)));
