// The GPU half of the neural layer: WGSL kernels (shaders/) run through
// WebGPU on a device acquired from the GPU object the runtime injects.
export * from "./errors.ts";
export * from "./device.ts";
export * from "./buffer-pool.ts";
export * from "./programs.ts";
export * from "./executor.ts";
export * from "./runtime.ts";
export * as gpuOps from "./ops.ts";
