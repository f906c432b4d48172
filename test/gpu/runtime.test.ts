// The runtime around the kernels, on Node's WebGPU (Dawn on SwiftShader):
// pipeline cache, buffer pool, folded dispatches past the per-dimension
// limit, and the errors for no adapter, limits and device loss.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { create } from "webgpu";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { GpuDeviceLostError, GpuError, GpuLimitError, GpuUnavailableError } from "../../src/gpu/errors.ts";
import * as gpu from "../../src/gpu/ops.ts";
import { softmaxProgram, type GpuProgram } from "../../src/gpu/programs.ts";
import * as cpu from "../../src/neural/ops.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { root } from "../helpers.ts";
import { DAWN_LABEL, GPU_ENV, dawn } from "./dawn.ts";
import { compare, random, REL } from "./op-cases.ts";

/** A Dawn instance restricted to an adapter name no machine has: requestAdapter throws. */
const dawnWithoutAdapter: GPU = create(["adapter=no-such-adapter"]);

const runtimes: GpuRuntime[] = [];
function newRuntime(options: ConstructorParameters<typeof GpuRuntime>[1] = {}): GpuRuntime {
  const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL, ...options });
  runtimes.push(runtime);
  return runtime;
}
afterAll(() => runtimes.forEach((r) => r.destroy()));

function expectClose(actual: Float32Array, expected: ArrayLike<number>, name = "y"): void {
  const { worst, detail } = compare({ name, actual, expected });
  expect(worst, detail).toBeLessThanOrEqual(REL);
}

describe("pipeline cache", () => {
  it("compiles a program once per set of override constants, and reuses it", async () => {
    const runtime = newRuntime();
    const ex = await runtime.executor();
    const r = random(1);
    const [x, w, b] = [ex.upload(r(6 * 5), [6, 5]), ex.upload(r(5 * 3), [5, 3]), ex.upload(r(3))];
    gpu.linear(ex, x, w, b, "relu");
    gpu.linear(ex, x, w, b, "relu");
    expect(ex.stats.pipelines).toBe(1);
    gpu.linear(ex, gpu.linear(ex, x, w, b, "relu"), ex.upload(r(9), [3, 3]), b, "relu");
    expect(runtime.counters.pipelinesCompiled).toBe(1);
    gpu.linear(ex, x, w, b, "gelu"); // ACT differs
    gpu.linear(ex, x, w, null, "relu"); // HAS_BIAS differs
    gpu.linear(ex, x, w, null, "relu");
    expect(ex.stats.pipelines).toBe(3);
    expect(runtime.counters.pipelinesCompiled).toBe(3);
    await ex.finish();
  });
});

describe("buffer pool", () => {
  it("reuses a released buffer of the same size class once its last use is submitted", async () => {
    const ex = await newRuntime().executor();
    const a = ex.upload(random(2)(100), [100]); // 400 bytes: the 512-byte class
    const buffer = a.buffer;
    a.release();
    ex.flush();
    const created = ex.stats.tensorBuffersCreated;
    const data = random(3)(90);
    const b = ex.upload(data, [90]); // 360 bytes: the same class
    expect(b.buffer).toBe(buffer);
    expect(ex.stats.tensorBuffersCreated).toBe(created);
    expect(ex.stats.tensorBuffersReused).toBeGreaterThan(0);
    expect(await ex.read(b)).toEqual(data);
  });

  it("does not hand out a released buffer that unsubmitted work still reads", async () => {
    const ex = await newRuntime().executor();
    const x = random(4)(4 * 30, -3, 3);
    const tx = ex.upload(x, [4, 30]);
    const y = gpu.softmax(ex, tx); // encoded, not submitted
    tx.release();
    // The upload's writeBuffer runs before the pending softmax is submitted: were it
    // given tx's buffer, softmax would read these values instead of x.
    const other = ex.upload(new Float32Array(4 * 30).fill(7), [4, 30]);
    expect(other.buffer).not.toBe(tx.buffer);
    expectClose(await ex.read(y), cpu.softmax(x, 4, 30));
  });

  it("refuses a released tensor, naming where it was used", async () => {
    const ex = await newRuntime().executor();
    const t = ex.upload(new Float32Array(8), [2, 4]);
    t.release();
    expect(() => gpu.softmax(ex, t)).toThrow(/softmax\.x: the tensor was released/);
  });
});

describe("dispatches past 65,535 workgroups per dimension", () => {
  it("folds 65,625 workgroups of interpolateLinear into two rows of the grid and matches the CPU", async () => {
    const ex = await newRuntime().executor();
    expect(ex.device.limits.maxComputeWorkgroupsPerDimension).toBe(65_535);
    const [rows, m, h] = [2, 5, 2_100_000]; // 4.2 M outputs, 64 per workgroup: 65,625 workgroups
    const x = random(5)(rows * m, -4, 4);
    const y = await ex.read(gpu.interpolateLinear(ex, ex.upload(x, [rows, m]), h));
    expectClose(y, cpu.interpolateLinear(x, rows, m, h));
  });

  it("names maxComputeWorkgroupsPerDimension when even three dimensions cannot hold the dispatch", async () => {
    const ex = await newRuntime({ maxWorkgroupsPerDimension: 2 }).executor();
    const t = ex.upload(new Float32Array(9 * 2), [9, 2]); // 9 workgroups > 2 x 2 x 2
    expect(() => gpu.softmax(ex, t)).toThrow(GpuLimitError);
    expect(() => gpu.softmax(ex, t)).toThrow(/softmax \(9 workgroups\) needs maxComputeWorkgroupsPerDimension = 3, but the device allows 2/);
  });
});

describe("errors", () => {
  it("names the storage binding limit when an output would not fit, before allocating it", async () => {
    const ex = await newRuntime().executor();
    const limit = ex.device.limits.maxStorageBufferBindingSize;
    const x = ex.upload(new Float32Array([1, 2]), [1, 2]);
    const size = Math.floor(limit / 4) + 1;
    const error = (() => {
      try {
        gpu.interpolateLinear(ex, x, size);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GpuLimitError);
    expect(error).toMatchObject({ code: "gpu_limit", limit: "maxStorageBufferBindingSize", requested: size * 4, allowed: limit });
  });

  it("names the attention head size limit of the kernel", async () => {
    const ex = await newRuntime().executor();
    const q = ex.upload(new Float32Array(2 * 130), [1, 2, 130]);
    expect(() => gpu.attention(ex, q, q, q, 2)).toThrow(/attention needs attention head size D\/heads = 65, but attention.wgsl allows 64/);
  });

  it("names the op, input and expected shape on a mismatch", async () => {
    const ex = await newRuntime().executor();
    const x = ex.upload(new Float32Array(12), [3, 4]);
    const w = ex.upload(new Float32Array(10), [5, 2]);
    const error = (() => {
      try {
        gpu.linear(ex, x, w, null);
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe("matmul.b");
    expect(error.message).toBe("matmul: b must be [K, N] with a's K = [4, 2]; got [5, 2]");
  });

  it("reports an error the device found (a pipeline with a missing entry point) as a GpuError", async () => {
    const ex = await newRuntime().executor();
    const broken: GpuProgram<Record<string, never>> = { ...softmaxProgram, name: "broken", entryPoint: "noSuchEntryPoint" };
    const t = ex.upload(new Float32Array(4), [2, 2]);
    ex.run(broken, [t], {});
    await expect(ex.finish()).rejects.toThrow(GpuError);
  });

  it("says which adapter requests were tried when Dawn finds no adapter", async () => {
    const runtime = new GpuRuntime(dawnWithoutAdapter, { label: "Dawn limited to adapter=no-such-adapter", powerPreference: "high-performance" });
    const error = await runtime.executor().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuUnavailableError);
    expect((error as GpuUnavailableError).message).toMatch(
      /^no WebGPU device from Dawn limited to adapter=no-such-adapter: requestAdapter\({"powerPreference":"high-performance"}\) threw "no suitable backends found"; requestAdapter\(\) threw .*; requestAdapter\({"forceFallbackAdapter":true}\) threw .*VK_ICD_FILENAMES/,
    );
  });

  it("gives GpuUnavailableError in a process without a Vulkan driver (requestAdapter answers null)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nt-gpu-"));
    try {
      // src/gpu bundled on its own (it imports nothing), Dawn imported from this checkout.
      await build({ entryPoints: [`${root}src/gpu/runtime.ts`], outfile: join(dir, "runtime.mjs"), bundle: true, platform: "neutral", format: "esm", logLevel: "silent" });
      writeFileSync(join(dir, "main.mjs"), [
        `import { create } from ${JSON.stringify(`${root}node_modules/webgpu/index.js`)};`,
        `import { GpuRuntime } from "./runtime.mjs";`,
        `const gpu = create([]);`,
        `const error = await new GpuRuntime(gpu, { label: "Dawn" }).executor().then(() => null, (e) => e);`,
        `console.log(JSON.stringify({ name: error?.name, code: error?.code, message: error?.message }));`,
      ].join("\n"));
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "main.mjs")], {
        cwd: root, env: { ...process.env, ...GPU_ENV, VK_ICD_FILENAMES: join(dir, "no-driver.json") }, timeout: 60_000,
      });
      const result = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(result).toMatchObject({ name: "GpuUnavailableError", code: "gpu_unavailable" });
      expect(result.message).toMatch(/^no WebGPU device from Dawn: requestAdapter\(\) gave null; requestAdapter\({"forceFallbackAdapter":true}\) gave null/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("device loss", () => {
  it("fails calls on the lost device with GpuDeviceLostError, and the next executor() gets a new device that recompiles", async () => {
    const runtime = newRuntime();
    const first = await runtime.executor();
    const x = random(6)(3 * 10);
    const tx = first.upload(x, [3, 10]);
    expectClose(await first.read(gpu.softmax(first, tx)), cpu.softmax(x, 3, 10));
    expect(runtime.counters).toEqual({ pipelinesCompiled: 1, devicesAcquired: 1 });

    first.device.destroy();
    const info = await first.lost;
    expect(info.reason).toBe("destroyed");
    expect(first.isLost).toBe(true);
    expect(() => gpu.softmax(first, tx)).toThrow(GpuDeviceLostError);
    expect(() => first.upload(x, [3, 10])).toThrow(/the WebGPU device was lost \(destroyed/);

    const second = await runtime.executor();
    expect(second).not.toBe(first);
    expect(() => gpu.softmax(second, tx)).toThrow(GpuDeviceLostError); // a tensor of the lost device
    const y = gpu.softmax(second, second.upload(x, [3, 10]));
    expectClose(await second.read(y), cpu.softmax(x, 3, 10));
    expect(runtime.counters).toEqual({ pipelinesCompiled: 2, devicesAcquired: 2 });
    expect(await runtime.executor()).toBe(second);
  });

  it("rejects a read in flight when the device is lost", async () => {
    const runtime = newRuntime();
    const ex = await runtime.executor();
    const t = ex.upload(random(7)(64), [8, 8]);
    const reading = ex.read(gpu.softmax(ex, t));
    ex.device.destroy();
    await expect(reading).rejects.toThrow(GpuDeviceLostError);
  });
});
