// The risk statistics kernels module: build/risk.wasm. ABI: every pointer is
// the byte address of a float64 array reserved with reserve(); n is its
// length; NaN in a return series marks a missing value. Wrapper and twins:
// src/kernels/risk.ts, src/risk/.
export { reserve, resetArena } from "./lib/arena";
export { summary, drawdown } from "./risk/summary";
export { tailRisk, historical } from "./risk/var";
export { covarianceMatrix } from "./risk/comoments";
export { monteCarlo } from "./risk/montecarlo";
