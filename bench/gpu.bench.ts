// The WGSL kernels on Node's WebGPU against their CPU twins (src/neural/ops.ts).
// On a machine without a GPU, Dawn runs them on SwiftShader, Chromium's
// software Vulkan driver: these figures prove the kernels run and agree;
// they say nothing about GPU speed.
import { Bench } from "tinybench";
import * as gpu from "../src/gpu/ops.ts";
import * as cpu from "../src/neural/ops.ts";
import { GpuRuntime } from "../src/gpu/runtime.ts";
import { dawn, DAWN_LABEL } from "../test/gpu/dawn.ts";
import { random } from "../test/gpu/op-cases.ts";
import { medianMs } from "./stats.ts";

interface Row { op: string; gpuMs: number; cpuMs: number; firstMs: number; worst: number }

export async function run(): Promise<string> {
  const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
  const ex = await runtime.executor();
  const r = random(2026);
  const rows: Row[] = [];

  async function measure(op: string, onGpu: () => Promise<Float32Array>, onCpu: () => Float32Array): Promise<void> {
    const started = performance.now();
    await onGpu(); // compiles the pipeline
    const firstMs = performance.now() - started;
    const bench = new Bench({ iterations: 10, warmupIterations: 2, time: 0, warmupTime: 0 });
    bench.add("gpu", async () => void (await onGpu()));
    bench.add("cpu", () => void onCpu());
    await bench.run();
    const [actual, expected] = [await onGpu(), onCpu()];
    const worst = actual.reduce((m, x, i) => Math.max(m, Math.abs(x - expected[i])), 0) / expected.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    rows.push({ op, gpuMs: medianMs(bench.tasks[0]), cpuMs: medianMs(bench.tasks[1]), firstMs, worst });
  }

  const n = 256;
  const [a, b] = [r(n * n), r(n * n)];
  const [ta, tb] = [ex.upload(a, [n, n]), ex.upload(b, [n, n])];
  await measure("matmul 256 x 256 x 256", async () => {
    const c = gpu.matmul(ex, ta, tb);
    const out = await ex.read(c);
    c.release();
    return out;
  }, () => cpu.linear(a, b, null, n, n, n));

  const [batch, t, d, heads] = [8, 64, 32, 4];
  const [q, k, v] = [r(batch * t * d), r(batch * t * d), r(batch * t * d)];
  const [tq, tk, tv] = [q, k, v].map((x) => ex.upload(x, [batch, t, d]));
  await measure(`attention [${batch}, ${t}, ${d}], ${heads} heads, causal`, async () => {
    const o = gpu.attention(ex, tq, tk, tv, heads, true);
    const out = await ex.read(o);
    o.release();
    return out;
  }, () => cpu.attention(q, k, v, batch, t, d, heads, true));
  runtime.destroy();

  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);
  return [
    `**GPU ops, software-rendered.** WebGPU here is Dawn (npm \`webgpu\`) on ${ex.adapter}, a Vulkan driver that runs ` +
      "the WGSL on the CPU: these figures show the kernels run and agree with the CPU twins; they are not GPU speed. " +
      "GPU: one op on inputs already on the device, plus reading the output back (median of 10 after 2 warm-ups); " +
      "first call: the same, plus compiling the pipeline. CPU: the plain TypeScript twin in src/neural/ops.ts (float32 arrays, sums in float64 registers). " +
      "Error: max |gpu − cpu| / max |cpu| over the output (float32 sums of 256 terms against sums rounded once).",
    "",
    "| op | GPU (SwiftShader) ms | first call ms | CPU twin ms | error |",
    "|---|---:|---:|---:|---:|",
    ...rows.map((row) => `| ${row.op} | ${ms(row.gpuMs)} | ${ms(row.firstMs)} | ${ms(row.cpuMs)} | ${row.worst.toExponential(1)} |`),
  ].join("\n");
}
