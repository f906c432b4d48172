// The neural inference kernels module: build/neural.wasm, the CPU fast path of
// the forecasting models (wrapper: src/kernels/neural.ts; passes:
// src/neural/kernel-models.ts). ABI: pointers are byte addresses of float32
// arrays reserved with reserve(); row strides and sizes count floats. Twins:
// src/neural/ops.ts.
export { reserve, resetArena } from "./lib/arena";
export { gemm } from "./neural/gemm";
export { attention, copy2d, layerNorm, lstmCell, maxPool1d, tokenEmbed } from "./neural/layers";
