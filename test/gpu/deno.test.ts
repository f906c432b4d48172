// The same op cases on Deno's WebGPU (wgpu, not Dawn) on SwiftShader:
// test/gpu/deno-check.ts runs them all in one `deno run --unstable-webgpu`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.ts";
import { GPU_ENV } from "./dawn.ts";
import { CASES, type CaseResult } from "./op-cases.ts";

describe("WGSL ops on Deno (navigator.gpu, SwiftShader) match the CPU reference", () => {
  it("runs every op case and each matches to 1e-4 relative", async () => {
    const { stdout } = await promisify(execFile)("npx", ["deno", "run", "--unstable-webgpu", "--no-prompt", "test/gpu/deno-check.ts"], {
      cwd: root,
      env: { ...process.env, ...GPU_ENV, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      timeout: 120_000,
    });
    const report = JSON.parse(stdout.trim().split("\n").pop()!) as { adapter: string; results: CaseResult[] };
    expect(report.adapter).not.toBe("");
    expect(report.results.map((r) => r.name)).toEqual(CASES.map((c) => c.name));
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
  }, 150_000);
});
