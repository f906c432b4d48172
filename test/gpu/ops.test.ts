// Every op on Node's WebGPU (Dawn on SwiftShader) against its CPU twin.
import { afterAll, describe, expect, it } from "vitest";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { DAWN_LABEL, dawn } from "./dawn.ts";
import { CASES, REL, runAll, runCase } from "./op-cases.ts";

const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
// At most 3 workgroups per dimension: dispatches of 4 to 9 workgroups fold
// into y, those of 10 to 27 into z. One case of each program needs 10 to 27.
const folded = new GpuRuntime(dawn, { label: DAWN_LABEL, maxWorkgroupsPerDimension: 3 });
const FOLDED_INTO_Z = [
  "matmul batched [11, 21, 35]", "maxPool1d [20, 130] k 2", "interpolateLinear [5, 3] -> 250", "lstmCell B 100",
  "layerNorm [12, 70]", "softmax [13, 100]", "attention [4, 100, 6]",
];
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

  it("every program again with its dispatch folded into 3 x 3 x n workgroups", async () => {
    const cases = CASES.filter((c) => FOLDED_INTO_Z.some((name) => c.name.startsWith(name)));
    expect(cases).toHaveLength(FOLDED_INTO_Z.length);
    const results = await runAll(await folded.executor(), cases);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
