// Every op on Node's WebGPU (Dawn on SwiftShader) against its CPU twin.
import { afterAll, describe, expect, it } from "vitest";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { DAWN_LABEL, dawn } from "./dawn.ts";
import { CASES, REL, runAll, runCase } from "./op-cases.ts";

const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
// At most 8 workgroups per dimension: dispatches fold into y (9 to 64
// workgroups) and z (65 to 512: the attention cases).
const folded = new GpuRuntime(dawn, { label: DAWN_LABEL, maxWorkgroupsPerDimension: 8 });
afterAll(() => {
  runtime.destroy();
  folded.destroy();
});

describe("WGSL ops on Node (Dawn, SwiftShader) match the CPU reference", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const result = await runCase(await runtime.executor(), c);
      expect(result.worst, result.detail).toBeLessThanOrEqual(REL);
    });
  }

  it("every op again with dispatches folded into 8 x 8 x n workgroups", async () => {
    const results = await runAll(await folded.executor());
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
