import { describe, expect, it } from "vitest";
import type { Drawdown, RiskStats } from "../../src/risk/stats.ts";
import { tsRisk } from "../../src/risk/stats.ts";
import { wasmRisk } from "./wasm.ts";

const cases: [string, number[], boolean, Drawdown][] = [
  // wealth 1.1, 0.55, 0.66, 1.32, 1.188
  ["compounded", [0.1, -0.5, 0.2, 1.0, -0.1], true, { depth: 0.5, peak: 0, trough: 1, recovery: 3 }],
  // wealth 1 + cumsum: 1.1, 0.6, 0.8, 1.8, 1.7
  ["simple", [0.1, -0.5, 0.2, 1.0, -0.1], false, { depth: 1 - 0.6 / 1.1, peak: 0, trough: 1, recovery: 3 }],
  // falls from the start and never recovers: the peak is the starting capital
  ["from the start", [-0.1, 0.05, -0.2], true, { depth: 1 - 0.9 * 1.05 * 0.8, peak: -1, trough: 2, recovery: -1 }],
  // recovers from a first fall, then a deeper one from a new high
  ["deeper later", [-0.1, 0.2, -0.3, 0.5], true, { depth: 0.3, peak: 1, trough: 2, recovery: 3 }],
  ["none", [0.01, 0.02, 0], true, { depth: 0, peak: -1, trough: -1, recovery: -1 }],
  // missing values keep their index
  ["with gaps", [0.1, NaN, -0.5, NaN, 1.0], true, { depth: 0.5, peak: 0, trough: 2, recovery: 4 }],
];

describe("max drawdown with peak, trough and recovery", async () => {
  const implementations: [string, RiskStats][] = [["twin", tsRisk], ["wasm", await wasmRisk()]];
  for (const [impl, stats] of implementations) {
    it(`finds them on hand-computed cases (${impl})`, () => {
      for (const [name, r, geometric, expected] of cases) {
        const got = stats.drawdown(Float64Array.from(r), geometric);
        expect({ ...got, depth: 0 }, name).toEqual({ ...expected, depth: 0 });
        expect(got.depth, name).toBeCloseTo(expected.depth, 15);
      }
    });
  }
});
