// The JSON writer kernels module: build/json.wasm. ABI: src is the byte
// address of a float64 array reserved with reserve(), n its length, dst the
// address of a byte buffer; the writers return how many bytes they wrote.
// Wrapper: src/kernels/json.ts; twin: src/api/json.ts (JSON.stringify's text).
export { reserve, resetArena } from "./lib/arena";
export { writeNumbers, writeNumber } from "./json/write";
