// POST /backtest and /backtests with a combination of strategies (combine)
// and with the strategies that trade several series (pairs, mirror: `series`,
// and mirror's `holdings`),
// in-process: the answer is the library's run, errors name the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import { syntheticBars, syntheticPair } from "../../src/data/synthetic.ts";
import { withAnalysis } from "../../src/report/analysis.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { asJson, barRows, expectedBacktest, sp500, sp500Csv, stable } from "./fixtures.ts";

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

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
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

describe("pairs through the API", () => {
  const [a, b] = syntheticPair({ n: 700, seed: 5, beta: 0.9, alpha: -1, symbols: ["KO", "PEP"] });
  const series = [{ bars: barRows(a), symbol: "KO" }, { bars: barRows(b), symbol: "PEP" }];
  const req: BacktestRequest = { strategy: "pairs", params: { lookback: 80, testWindow: 200 } };
  const expected = asJson(withAnalysis(runStrategyBacktest([a, b], req), null));

  it("POST /backtest runs the pair given in series as the library does", async () => {
    const res = await post("/backtest", { series, ...req });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.symbol).toBe("KO,PEP");
    expect(body.trades.length).toBeGreaterThan(4);
    expect(stable(body)).toEqual(expected);
  });

  it("POST /backtests runs it as a job", async () => {
    const res = await post("/backtests", { series, ...req }, auth);
    expect(res.status).toBe(202);
    const view = await settled((await res.json()).id);
    expect(view.status).toBe("done");
    expect(stable(view.result)).toEqual(expected);
  });

  it("answers 400 naming what is missing or misplaced", async () => {
    for (const [body, field, message] of [
      [{ series: series.slice(0, 1), ...req }, "series", "pairs trades exactly two series (the pair's legs), got 1"],
      [{ sample: "sp500", ...req }, "series", "pairs trades exactly two series (the pair's legs), got 1"],
      [{ sample: "sp500", series, ...req }, "sample", "sample cannot be combined with series; give every series, this one included, in series"],
      [{ series: [series[0], { bars: barRows(b), symbol: "PEP", benchmark: {} }], ...req }, "series[1].benchmark", undefined],
      [{ series: [series[0], "PEP"], ...req }, "series[1]", undefined],
    ] as const) {
      const res = await post("/backtest", body);
      expect(res.status, field).toBe(400);
      const { error } = await res.json();
      expect(error.field, field).toBe(field);
      if (message) expect(error.message).toBe(message);
    }
  });
});

describe("mirror through the API", () => {
  const series = ["AAA", "BBB"].map((symbol, i) => syntheticBars({ n: 200, seed: 60 + i, symbol }));
  const body = { series: series.map((s) => ({ bars: barRows(s), symbol: s.symbol })) };
  const holdings = "date,symbol,value\n2000-01-31,AAA,3000\n2000-01-31,BBB,1000\n2000-03-31,BBB,5000\n";
  const req: BacktestRequest = { strategy: "mirror", params: { lagDays: 20 }, holdings };

  it("POST /backtest follows the holdings given as text over the series", async () => {
    const res = await post("/backtest", { ...body, ...req });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.trades.length).toBeGreaterThan(0);
    expect(stable(report)).toEqual(asJson(withAnalysis(runStrategyBacktest(series, req), null)));
  });

  it("answers 400 naming the holdings row, or the missing holdings", async () => {
    const bad = await post("/backtest", { ...body, ...req, holdings: "date,symbol,value\n2000-01-31,AAA,3000\n2000-01-31,XYZ,1\n" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ field: "symbol", message: expect.stringMatching(/^holdings, row 2: XYZ has no bar series/) });
    const none = await post("/backtest", { ...body, strategy: "mirror" });
    expect(none.status).toBe(400);
    expect((await none.json()).error.field).toBe("holdings");
  });
});
