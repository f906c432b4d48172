import { GpuUnavailableError } from "./errors.ts";

export interface AcquireOptions {
  /** Names the injected GPU object in errors, e.g. "Dawn (npm webgpu)" or "navigator.gpu in Deno". */
  readonly label?: string;
  /** Asked for first; the plain request and the fallback (software) adapter follow. */
  readonly powerPreference?: GPUPowerPreference;
}

export interface AcquiredDevice {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  /** "vendor architecture description" of the adapter, for messages and bench labels. */
  readonly description: string;
}

/**
 * Limits raised from WebGPU's defaults to what the adapter offers: the
 * default 128 MiB storage binding would cap a tensor far below what the
 * device can hold.
 */
const RAISED_LIMITS = ["maxStorageBufferBindingSize", "maxBufferSize", "maxStorageBuffersPerShaderStage"] as const;

/**
 * A device from the GPU object the runtime injects (Dawn's `create()` result
 * in Node, `navigator.gpu` in Deno and the tab). Tries the preferred adapter,
 * then any adapter, then the fallback adapter, and names every attempt when
 * none answers.
 */
export async function acquireDevice(gpu: GPU, options: AcquireOptions = {}): Promise<AcquiredDevice> {
  const label = options.label ?? "the injected GPU object";
  const requests: GPURequestAdapterOptions[] = [
    ...(options.powerPreference ? [{ powerPreference: options.powerPreference }] : []),
    {},
    { forceFallbackAdapter: true },
  ];
  const tried: string[] = [];
  for (const request of requests) {
    const call = `requestAdapter(${JSON.stringify(request).replace("{}", "")})`;
    let adapter: GPUAdapter | null;
    try {
      adapter = await gpu.requestAdapter(request);
    } catch (e) {
      tried.push(`${call} threw "${firstLine(e)}"`);
      continue;
    }
    if (!adapter) {
      tried.push(`${call} gave null`);
      continue;
    }
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) {
      const offered = adapter.limits[name];
      if (typeof offered === "number") requiredLimits[name] = offered;
    }
    try {
      const device = await adapter.requestDevice({ label: "nt", requiredLimits });
      return { adapter, device, description: describe(adapter) };
    } catch (e) {
      tried.push(`${call} gave ${describe(adapter)}, whose requestDevice threw "${firstLine(e)}"`);
    }
  }
  throw new GpuUnavailableError(
    `no WebGPU device from ${label}: ${tried.join("; ")}. Without a GPU, a software Vulkan driver serves ` +
      "(SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json; Chromium: --enable-unsafe-swiftshader), " +
      "or use the CPU path",
  );
}

function describe(adapter: GPUAdapter): string {
  const info = adapter.info;
  const text = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") : "";
  return text || "an unnamed adapter";
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}
