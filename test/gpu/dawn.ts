// Node's WebGPU for the tests: Dawn (npm webgpu) on SwiftShader, Chromium's
// software Vulkan driver, so the WGSL runs for real on a machine without a GPU.
import { create } from "webgpu";

/** The environment every WebGPU process of the tests gets (Deno and Chromium are spawned with it). */
export const GPU_ENV = {
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? "/usr/lib/chromium/vk_swiftshader_icd.json",
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? "/tmp",
};
Object.assign(process.env, GPU_ENV);

/**
 * Dawn's instance. It must stay referenced for the life of the process:
 * once collected, Dawn's native side dies at random (mutex asserts,
 * SIGSEGV); a module-scope export keeps it alive.
 */
export const dawn: GPU = create([]);
export const DAWN_LABEL = "Dawn (npm webgpu) on Vulkan";
