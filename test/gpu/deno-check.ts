// Run by test/gpu/deno.test.ts: `deno run --unstable-webgpu test/gpu/deno-check.ts`.
// Deno's own WebGPU (wgpu) runs every op case; prints one JSON line.
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { runAll } from "./op-cases.ts";

const runtime = new GpuRuntime(navigator.gpu, { label: "navigator.gpu in Deno" });
const ex = await runtime.executor();
const results = await runAll(ex);
console.log(JSON.stringify({ adapter: ex.adapter, pipelines: ex.stats.pipelines, results }));
runtime.destroy();
