// One suite, every runtime: the shared cases against Node, Deno, the neutral
// edge bundle, the Cloudflare Worker in workerd and the Vercel Edge Function in
// edge-runtime, then the same requests compared across them, byte for byte.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCases } from "./cases.ts";
import { barColumns, edhecRows, sp500, sp500Returns, stable } from "./fixtures.ts";
import { starters, type RuntimeName, type Target } from "./targets.ts";
import { indicatorNames } from "../../src/features/spec.ts";

const names: RuntimeName[] = ["node", "deno", "edge", "workerd", "vercel-edge"];
const targets = new Map<RuntimeName, Target>();

beforeAll(async () => {
  const started = await Promise.all(names.map((n) => starters[n]()));
  started.forEach((t) => targets.set(t.name, t));
}, 120_000);

afterAll(async () => {
  await Promise.all([...targets.values()].map((t) => t.close()));
});

for (const name of names) {
  describe(name, () => apiCases(() => targets.get(name)!));
}

describe("every runtime gives the same answers, to the bit", () => {
  const bars = barColumns(sp500);
  const requests: [string, string, unknown][] = [
    ["every indicator over the S&P 500", "/indicators", { bars, indicators: indicatorNames }],
    ["momentum backtest", "/backtest", { sample: "sp500", strategy: "momentum" }],
    ["mean-reversion with shorts, stop and take-profit", "/backtest",
      { sample: "sp500", strategy: "mean-reversion", params: { allowShort: true }, config: { stopLossPct: 0.03, takeProfitPct: 0.06 } }],
    ["risk statistics", "/risk", { returns: sp500Returns(), scale: 252 }],
    ...(["nhits", "lstm", "transformer"] as const).map((model): [string, string, unknown] =>
      [`${model} forecast with its evaluation`, "/forecast", { sample: "sp500", model, evaluate: true }]),
    ["neural-forecast backtest (walk-forward fits)", "/backtest",
      { sample: "sp500", strategy: "neural-forecast", params: { trainBars: 300, retrainEvery: 1500, epochs: 2, errorWindow: 20, allowShort: true } }],
    ...(["minvar", "maxsharpe", "riskparity"] as const).map((method): [string, string, unknown] =>
      [`${method} on EDHEC returns`, "/optimize", { method, returns: edhecRows(6).rows, assets: edhecRows(6).assets, longOnly: true }]),
  ];

  for (const [label, path, body] of requests) {
    it(label, async () => {
      const texts = await Promise.all(names.map(async (n) => {
        const res = await targets.get(n)!.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        expect(res.status, `${n} ${path}`).toBe(200);
        // JSON numbers print the shortest text that reads back to the same double, so equal text is equal bits.
        return JSON.stringify(stable(await res.json()));
      }));
      names.forEach((n, i) => expect(texts[i], `${n} vs node`).toBe(texts[0]));
    });
  }

  it("every indicator as raw float64 columns", async () => {
    const digests = await Promise.all(names.map(async (n) => {
      const res = await targets.get(n)!.fetch("/indicators", {
        method: "POST", headers: { "content-type": "application/json", accept: "application/octet-stream" },
        body: JSON.stringify({ bars, indicators: indicatorNames }),
      });
      expect(res.status, n).toBe(200);
      return `${res.headers.get("x-nt-columns")} ${createHash("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")}`;
    }));
    names.forEach((n, i) => expect(digests[i], `${n} vs node`).toBe(digests[0]));
  });
});
