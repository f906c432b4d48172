// The same op cases and model cases on Deno's WebGPU (wgpu, not Dawn) on
// SwiftShader: test/gpu/deno-check.ts runs them all in one `deno run --unstable-webgpu`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.ts";
import { GPU_ENV } from "./dawn.ts";
import { SMALL_CONFIGS } from "../neural/model-cases.ts";
import { CASES, type CaseResult } from "./op-cases.ts";

describe("WGSL ops and models on Deno (navigator.gpu, SwiftShader) match the CPU reference", () => {
  it("runs every op case and every model through gpuPredictor, each matching to 1e-4 relative", async () => {
    const { stdout } = await promisify(execFile)("npx", ["deno", "run", "--unstable-webgpu", "--no-prompt", "--allow-read=models,data", "test/gpu/deno-check.ts"], {
      cwd: root,
      env: { ...process.env, ...GPU_ENV, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      timeout: 210_000,
    });
    const report = JSON.parse(stdout.trim().split("\n").pop()!) as { adapter: string; results: CaseResult[]; models: CaseResult[] };
    expect(report.adapter).not.toBe("");
    expect(report.results.map((r) => r.name)).toEqual(CASES.map((c) => c.name));
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    // Every model through gpuPredictor against the CPU forward (test/neural/model-cases.ts).
    console.log(report.models.map((r) => `deno ${r.name}: ${r.worst.toExponential(2)}`).join("\n"));
    expect(report.models).toHaveLength(3 + SMALL_CONFIGS.length);
    expect(report.models.filter((r) => !r.ok)).toEqual([]);
  }, 240_000);
});
