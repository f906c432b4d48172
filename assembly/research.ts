// The research kernels module: build/research.wasm, the vectorized fast path
// of parameter sweeps (src/research/vector). ABI: pointers are byte addresses
// reserved with reserve(); float64 series unless noted. Twins:
// src/research/vector/twin.ts.
export { reserve, resetArena } from "./lib/arena";
export { smaStream, rsiStream, bandsStream } from "./research/streams";
export { momentumSignals, meanReversionSignals } from "./research/signals";
export { simulate, decimalToF64 } from "./research/simulate";
export { equityStats } from "./research/stats";
export { cscvScores } from "./research/cscv";
