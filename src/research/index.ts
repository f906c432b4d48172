// Research at scale: parameter sweeps (grid and seeded random search),
// walk-forward optimization, overfitting guards (deflated Sharpe ratio, PBO
// by CSCV) and the vectorized fast path. Runtime-free: where runs execute
// comes in through RunExecutor (runtimes/* implement pools and queues).
export * from "./space.ts";
export * from "./objective.ts";
export * from "./stats.ts";
export * from "./guards.ts";
export * from "./run.ts";
export * from "./executor.ts";
export * from "./walk-forward.ts";
export * from "./sweep.ts";
export * from "./vector/kernels.ts";
export * from "./vector/engine.ts";
export * from "./vector/money.ts";
export { tsVectorKernels, decimalToNumber } from "./vector/twin.ts";
export * from "./view.ts";
export * from "./pool.ts";
