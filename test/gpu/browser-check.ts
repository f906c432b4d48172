// Bundled by test/gpu/browser.test.ts into a page: the tab's navigator.gpu
// runs every op case; the report is left in window.gpuReport.
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { runAll } from "./op-cases.ts";

async function report() {
  const runtime = new GpuRuntime(navigator.gpu, { label: "navigator.gpu in the tab" });
  const ex = await runtime.executor();
  const results = await runAll(ex);
  runtime.destroy();
  return { adapter: ex.adapter, results };
}

(globalThis as { gpuReport?: unknown }).gpuReport = report().catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
