// The linear solver kernels module: build/solver.wasm. ABI: every pointer is
// the byte address of a float64 array reserved with reserve(); matrices are
// n x n row-major; n is the number of unknowns. TypeScript twins with the
// same signatures (arrays for pointers) are in src/solver/kernels.ts.
export { reserve, resetArena } from "./lib/arena";
export { dominance, asymmetry, residualNorm } from "./solver/dense";
export { choleskyFactor, choleskySolve } from "./solver/cholesky";
export { conjugateGradient } from "./solver/cg";
export { pushSolve, pushEntry } from "./solver/push";
