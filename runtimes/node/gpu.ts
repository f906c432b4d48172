// Node's WebGPU for the engine: Dawn (npm webgpu), imported only when a
// command asks for the GPU, so nothing else needs the native package.
import { GpuUnavailableError } from "../../src/gpu/errors.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";

export const DAWN_LABEL = "Dawn (npm webgpu)";

/**
 * Dawn's instance, made on first use and referenced here for the life of the
 * process: if it is garbage-collected while a device made from it lives,
 * Dawn's native side dies at random (mutex asserts, SIGSEGV, hangs).
 */
let dawn: GPU | undefined;

async function dawnGpu(): Promise<GPU> {
  if (!dawn) {
    let webgpu: typeof import("webgpu");
    try {
      webgpu = await import("webgpu");
    } catch (e) {
      throw new GpuUnavailableError(`WebGPU in Node needs the webgpu package (Dawn): npm install webgpu (importing it failed: ${String((e as Error)?.message ?? e).split("\n")[0]})`);
    }
    dawn = webgpu.create([]);
  }
  return dawn;
}

/**
 * A GpuRuntime on Dawn whose device is already acquired, so a missing GPU is
 * reported before any work: GpuUnavailableError lists every adapter request
 * tried and what to do without a GPU. Call destroy() when done.
 */
export async function nodeGpuRuntime(): Promise<GpuRuntime> {
  const runtime = new GpuRuntime(await dawnGpu(), { label: DAWN_LABEL });
  await runtime.executor();
  return runtime;
}
