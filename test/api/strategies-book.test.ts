// POST /backtest and /backtests with a combination of strategies (combine),
// in-process: the answer is the library's run, errors name the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import type { BacktestRequest } from "../../src/backtest/job.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { expectedBacktest, sp500, sp500Csv, stable } from "./fixtures.ts";

const TOKEN = "strategies-test-token-0123";
const auth = { authorization: `Bearer ${TOKEN}` };
let engine: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  engine = createApp({
    config: loadAppConfig({ env: { NT_API_TOKEN: TOKEN } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
  });
});
afterAll(() => engine.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return engine.fetch(new Request(`http://x${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
}

/** Polls a job until it leaves queued/running. */
async function settled(id: string): Promise<{ status: string; result: unknown }> {
  for (let i = 0; i < 400; i++) {
    const view = await (await engine.fetch(new Request(`http://x/backtests/${id}`, { headers: auth }))).json();
    if (view.status !== "queued" && view.status !== "running") return view;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the job did not finish");
}

const combination: BacktestRequest = {
  strategy: "momentum,mean-reversion", params: { "momentum.allowShort": true, "mean-reversion.period": 30 },
  combine: { method: "vote", weights: { "mean-reversion": 2 }, ttl: 20 },
};

describe("a combination through the API", () => {
  it("POST /backtest answers the library's run, dropped signals included", async () => {
    const res = await post("/backtest", { sample: "sp500", ...combination });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(stable(body)).toEqual(expectedBacktest(sp500, combination));
    expect(body.droppedSignals.length).toBeGreaterThan(0);
  });

  it("POST /backtests runs it as a job with the same result", async () => {
    const res = await post("/backtests", { sample: "sp500", ...combination }, auth);
    expect(res.status).toBe(202);
    const view = await settled((await res.json()).id);
    expect(view.status).toBe("done");
    expect(stable(view.result)).toEqual(expectedBacktest(sp500, combination));
  });

  it("refuses a bad combination with 400 naming the field", async () => {
    for (const [body, field] of [
      [{ sample: "sp500", strategy: "momentum,mean-reversion" }, "combine"],
      [{ sample: "sp500", strategy: "momentum,mean-reversion", combine: { method: "vote", ttl: 1.5 } }, "combine.ttl"],
      [{ sample: "sp500", strategy: "momentum,mean-reversion", combine: { method: "vote" }, params: { fast: 3 } }, "params.fast"],
    ] as const) {
      const res = await post("/backtest", body);
      expect(res.status, field).toBe(400);
      expect((await res.json()).error.field).toBe(field);
    }
  });
});
