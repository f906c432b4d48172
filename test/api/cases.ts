// The API's behaviour, written once and run against every runtime target.
import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import WebSocket from "ws";
import { readFileSync } from "node:fs";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { forecastReport } from "../../src/neural/job.ts";
import { WasmNeural } from "../../src/kernels/neural.ts";
import { kernelPredictor } from "../../src/kernels/neural-predictor.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { tsIndicators } from "../../src/features/indicators.ts";
import { readColumnsBinary } from "../../src/api/columns-binary.ts";
import { riskReport } from "../../src/risk/report.ts";
import { strategies } from "../../src/strategies/index.ts";
import { expectSeriesClose, root, wasmBytes, wasmIndicators } from "../helpers.ts";
import { barColumns, barRows, expectedBacktest, sp500, sp500Csv, sp500Returns, stable } from "./fixtures.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { benchmarkSeries } from "../../src/report/analysis.ts";
import { ALLOWED_ORIGIN, BODY_LIMIT, KEYS, RATE, TOKEN, type Target } from "./targets.ts";

const auth = { authorization: `Bearer ${TOKEN}` };
const STATELESS = "an edge build: jobs and sessions answer 501 (the stateless case checks it)";

async function post(t: Target, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return t.fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

async function expectError(res: Response, status: number, code: string, field?: string): Promise<{ code: string; message: string; field?: string }> {
  const body = await res.json();
  expect({ status: res.status, code: body.error?.code, field: body.error?.field }).toEqual({ status, code, field });
  expect(typeof body.error.message).toBe("string");
  expect(Object.keys(body)).toEqual(["error"]);
  return body.error;
}

const nums = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? NaN : v));

export function apiCases(target: () => Target): void {
  it("GET /health answers ok", async () => {
    const res = await target().fetch("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /version names the package and the loaded kernel modules by hash", async () => {
    const body = await (await target().fetch("/version")).json();
    expect(body.name).toBe("neural-trader-engine");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    const ind = body.kernels.find((k: { name: string }) => k.name === "indicators");
    expect(ind.sha256).toBe(createHash("sha256").update(wasmBytes("indicators")).digest("hex"));
    expect(ind.bytes).toBe(wasmBytes("indicators").length);
    expect(ind.exports).toEqual(expect.arrayContaining(["sma", "ema", "rsi", "reserve", "resetArena", "memory"]));
  });

  it("GET /strategies lists every strategy with typed parameters, defaults and ranges", async () => {
    const body = await (await target().fetch("/strategies")).json();
    expect(body.strategies.map((s: { name: string }) => s.name)).toEqual(strategies.map((s) => s.name));
    const momentum = body.strategies.find((s: { name: string }) => s.name === "momentum");
    expect(momentum.params.find((p: { name: string }) => p.name === "fast")).toEqual({
      name: "fast", type: "integer", default: 20, min: 1, max: 1000, description: "fast SMA period",
    });
  });

  it("POST /indicators over bar rows: each column equals the WASM kernel and matches the TypeScript twin, null where undefined", async () => {
    const n = 400;
    const res = await post(target(), "/indicators", { bars: barRows(sp500, n), indicators: ["sma:20", "rsi:14", "macd:12:26:9", "atr"] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.rows).toBe(n);
    expect(body.time).toEqual(Array.from(sp500.time.subarray(0, n)));
    expect(Object.keys(body.columns)).toEqual(["sma:20", "rsi:14", "macd:12:26:9.macd", "macd:12:26:9.signal", "macd:12:26:9.hist", "atr"]);
    expect(body.columns["sma:20"].slice(0, 19)).toEqual(Array(19).fill(null));
    const close = sp500.close.subarray(0, n);
    const wasm = await wasmIndicators();
    expect(body.columns["sma:20"]).toEqual(Array.from(wasm.sma(close, 20), (v) => (Number.isNaN(v) ? null : v)));
    expectSeriesClose(nums(body.columns["sma:20"]), tsIndicators.sma(close, 20), 1e-12, 0, "sma:20");
    expectSeriesClose(nums(body.columns["rsi:14"]), tsIndicators.rsi(close, 14), 1e-10, 0, "rsi:14");
    const macd = tsIndicators.macd(close, 12, 26, 9);
    expectSeriesClose(nums(body.columns["macd:12:26:9.signal"]), macd.signal, 1e-10, 0, "macd.signal");
  });

  it("POST /indicators over columns with dates, and over a plain close series", async () => {
    const cols = barColumns(sp500, 60);
    const dates = cols.time.map((t) => new Date(t).toISOString().slice(0, 10));
    const byDate = await (await post(target(), "/indicators", { bars: { ...cols, time: undefined, date: dates }, indicators: "ema:10,bbands:20:2" })).json();
    expect(byDate.time).toEqual(cols.time);
    const series = await (await post(target(), "/indicators", { series: cols.close, indicators: ["ema:10", "bbands:20:2"] })).json();
    expect(series.time).toBeUndefined();
    expect(series.columns).toEqual(byDate.columns);
    expectSeriesClose(nums(series.columns["bbands:20:2.upper"]), tsIndicators.bbands(Float64Array.from(cols.close), 20, 2).upper, 1e-10, 0, "bbands.upper");
  });

  it("POST /indicators with Accept: application/octet-stream answers the same columns as raw float64, NaN kept", async () => {
    const body = { bars: barColumns(sp500, 300), indicators: ["sma:20", "bbands:10:2"] };
    const asJson = await (await post(target(), "/indicators", body)).json();
    const res = await post(target(), "/indicators", body, { accept: "application/octet-stream" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("x-nt-rows")).toBe("300");
    const columns = readColumnsBinary(await res.arrayBuffer(), res.headers.get("x-nt-rows")!, res.headers.get("x-nt-columns")!);
    expect([...columns.keys()]).toEqual(["time", "sma:20", "bbands:10:2.lower", "bbands:10:2.middle", "bbands:10:2.upper"]);
    expect(Array.from(columns.get("time")!)).toEqual(asJson.time);
    for (const [name, values] of Object.entries(asJson.columns as Record<string, (number | null)[]>)) {
      expect(Array.from(columns.get(name)!), name).toEqual(values.map((v) => (v === null ? NaN : v)));
    }
  });

  it("POST /indicators refuses bad input, naming the field", async () => {
    const t = target();
    const rows = barRows(sp500, 30);
    await expectError(await post(t, "/indicators", { series: [1, 2, 3], indicators: ["atr:3"] }), 400, "validation", "indicators[0]");
    await expectError(await post(t, "/indicators", { series: [1, 2, 3], indicators: ["sma:2", "nope:3"] }), 400, "validation", "indicators[1]");
    await expectError(await post(t, "/indicators", { series: [1, 2, 3], indicators: "sma:0" }), 400, "validation", "indicators");
    await expectError(await post(t, "/indicators", { series: [1, 2, 3] }), 400, "validation", "indicators");
    await expectError(await post(t, "/indicators", { series: [1, "2", 3], indicators: ["sma:2"] }), 400, "validation", "series[1]");
    const badHigh = rows.map((r, i) => (i === 3 ? { ...r, high: "x" } : r));
    await expectError(await post(t, "/indicators", { bars: badHigh, indicators: ["sma:5"] }), 400, "validation", "bars[3].high");
    const inverted = rows.map((r, i) => (i === 7 ? { ...r, low: r.high + 1 } : r));
    await expectError(await post(t, "/indicators", { bars: inverted, indicators: ["sma:5"] }), 400, "validation", "bars[7].low");
    const backwards = rows.map((r, i) => (i === 5 ? { ...r, time: rows[4].time } : r));
    await expectError(await post(t, "/indicators", { bars: backwards, indicators: ["sma:5"] }), 400, "validation", "bars[5].time");
    await expectError(await post(t, "/indicators", { bars: rows, indicators: ["sma:5"], extra: 1 }), 400, "validation", "extra");
    const res = await t.fetch("/indicators", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    await expectError(res, 400, "invalid_json");
  });

  it("POST /backtest on the bundled series equals runStrategyBacktest run directly", async () => {
    const req = { strategy: "momentum", params: { fast: 10, slow: 50 }, config: { initialCash: 50_000, slippageBps: 2 } };
    const res = await post(target(), "/backtest", { sample: "sp500", ...req });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.trades.length).toBeGreaterThan(10);
    expect(stable(body)).toEqual(expectedBacktest(sp500, req));
    expect(body.analysis.benchmark.name).toBe("SPX buy & hold");
  });

  it("POST /backtest on inline CSV text and inline bars", async () => {
    const csv = sp500Csv.split("\n").slice(0, 1201).join("\n");
    const req = { strategy: "mean-reversion", params: { period: 20, entryZ: 1.5, allowShort: true }, config: { stopLossPct: 0.05 } };
    const fromCsv = await (await post(target(), "/backtest", { csv, symbol: "SPX", ...req })).json();
    const fromBars = await (await post(target(), "/backtest", { bars: barRows(sp500, 1200), symbol: "SPX", ...req })).json();
    const direct = expectedBacktest({ ...sp500, ...barColumnsTyped(1200) }, req);
    expect(stable(fromCsv)).toEqual(direct);
    expect(stable(fromBars)).toEqual(direct);
  });

  it("POST /backtest compares with a benchmark given as CSV, matched by date, and names a bad one", async () => {
    const t = target();
    // Every third S&P 500 bar of the first 1,500, as another series.
    const lines = sp500Csv.trim().split("\n");
    const csv = [lines[0], ...lines.slice(1, 1501).filter((_, i) => i % 3 === 0)].join("\n");
    const req = { strategy: "momentum" };
    const body = await (await post(t, "/backtest", { sample: "sp500", ...req, benchmark: { csv, symbol: "IDX" } })).json();
    expect([body.analysis.benchmark.name, body.analysis.benchmark.bars]).toEqual(["IDX", 500]);
    expect(stable(body)).toEqual(expectedBacktest(sp500, req, benchmarkSeries(parseBarsCsv(csv, { symbol: "IDX" }))));
    await expectError(await post(t, "/backtest", { sample: "sp500", ...req, benchmark: "sp500" }), 400, "validation", "benchmark");
    await expectError(await post(t, "/backtest", { sample: "sp500", ...req, benchmark: { sample: "sp500", extra: 1 } }), 400, "validation", "benchmark.extra");
    await expectError(await post(t, "/backtest", { sample: "sp500", ...req, benchmark: {} }), 400, "validation", "benchmark.sample");
    const apart = "date,open,high,low,close,volume\n1990-01-02,1,1,1,1,1\n1990-01-03,1,1,1,1,1\n";
    await expectError(await post(t, "/backtest", { sample: "sp500", ...req, benchmark: { csv: apart } }), 400, "config", "benchmark");
  });

  it("POST /backtest maps engine errors to 400 with their code and field", async () => {
    const t = target();
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "nope" }), 400, "strategy", "strategy");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", params: { fast: 0 } }), 400, "strategy", "params.fast");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", config: { positionFraction: 2 } }), 400, "config", "config.positionFraction");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", config: { cash: 1 } }), 400, "config", "config.cash");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", limits: { maxDrawdown: 2 } }), 400, "config", "limits.maxDrawdown");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", limits: { maxLoss: 1 } }), 400, "config", "limits.maxLoss");
    await expectError(await post(t, "/backtest", { sample: "sp500", strategy: "momentum", sizing: { method: "martingale" } }), 400, "config", "sizing.method");
    await expectError(await post(t, "/backtest", { sample: "nasdaq", strategy: "momentum" }), 400, "validation", "sample");
    await expectError(await post(t, "/backtest", { strategy: "momentum" }), 400, "validation", "sample");
    await expectError(await post(t, "/backtest", { sample: "sp500", csv: "x", strategy: "momentum" }), 400, "validation", "csv");
    await expectError(await post(t, "/backtest", { csv: "date,open,high,low,close,volume\n2020-01-01,1,2,0.5,9,1\n", strategy: "momentum" }), 400, "market_data", "close");
  });

  it("POST /forecast: the shipped weights' forecast and tail evaluation, as the library gives them on neural.wasm", async () => {
    const t = target();
    const shipped = (kind: string) => loadWeights(readFileSync(`${root}models/${kind}.safetensors`));
    // Every runtime ships neural.wasm, so each answer is the kernels' to the bit.
    const kernels = kernelPredictor(await WasmNeural.load(wasmBytes("neural")));
    const res = await post(t, "/forecast", { sample: "sp500", model: "lstm", evaluate: true });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(await forecastReport(shipped("lstm"), sp500.close, { evaluate: true }, kernels))));
    expect(body).toMatchObject({ model: "lstm", horizon: 8, backend: "cpu", evaluation: { tail: 250, origins: 243 } });
    // ...and the TypeScript reference forward's to float32 rounding.
    const reference = await forecastReport(shipped("lstm"), sp500.close, { evaluate: true });
    const f64 = (...v: number[]) => Float64Array.from(v);
    expectSeriesClose(f64(...body.forecast), f64(...reference.forecast), 1e-4, 0, "forecast");
    expectSeriesClose(f64(body.evaluation.mae, body.evaluation.rmse), f64(reference.evaluation!.mae, reference.evaluation!.rmse), 1e-4, 0, "evaluation");
    const closes = Array.from(sp500.close.subarray(0, 400));
    const short = await (await post(t, "/forecast", { closes, model: "nhits", horizon: 3, evaluate: true, tail: 50 })).json();
    expect(short).toEqual(JSON.parse(JSON.stringify(await forecastReport(shipped("nhits"), closes, { horizon: 3, evaluate: true, tail: 50 }, kernels))));
    const csv = sp500Csv.split("\n").slice(0, 401).join("\n");
    expect(await (await post(t, "/forecast", { csv, model: "transformer" })).json()).toEqual(JSON.parse(JSON.stringify(await forecastReport(shipped("transformer"), closes, {}, kernels))));
  });

  it("POST /forecast names the field at fault", async () => {
    const t = target();
    const closes = Array.from(sp500.close.subarray(0, 100));
    await expectError(await post(t, "/forecast", { closes, model: "arima" }), 400, "validation", "model");
    await expectError(await post(t, "/forecast", { closes }), 400, "validation", "model");
    await expectError(await post(t, "/forecast", { model: "nhits" }), 400, "validation", "closes");
    await expectError(await post(t, "/forecast", { closes, sample: "sp500", model: "nhits" }), 400, "validation", "sample");
    await expectError(await post(t, "/forecast", { closes: [...closes.slice(0, 70), -1], model: "nhits" }), 400, "validation", "closes[70]");
    const short = await expectError(await post(t, "/forecast", { closes: closes.slice(0, 10), model: "nhits" }), 400, "validation", "closes");
    expect(short.message).toBe("the nhits model reads 64 closes, the series has 10");
    const far = await expectError(await post(t, "/forecast", { closes, model: "nhits", horizon: 9 }), 400, "validation", "horizon");
    expect(far.message).toMatch(/^horizon 9 is beyond the 8 steps these nhits weights forecast/);
    await expectError(await post(t, "/forecast", { closes, model: "nhits", tail: 20 }), 400, "validation", "tail");
    const tail = await expectError(await post(t, "/forecast", { closes, model: "nhits", evaluate: true }), 400, "validation", "tail");
    expect(tail.message).toBe("an evaluation over the last 250 closes needs 64 closes before them (314 in all); the series has 100");
    await expectError(await post(t, "/forecast", { closes, model: "nhits", evaluate: true, tail: 1001 }), 400, "validation", "tail");
    await expectError(await post(t, "/forecast", { closes, model: "nhits", evaluate: "yes" }), 400, "validation", "evaluate");
    await expectError(await post(t, "/forecast", { closes, model: "nhits", seed: 1 }), 400, "validation", "seed");
  });

  it("POST /backtests runs an asynchronous job: 202, then queued/running, then done with the direct result", async (ctx) => {
    const t = target();
    ctx.skip(!t.stateful, STATELESS);
    const req = {
      strategy: "momentum", params: { fast: 5, slow: 30 },
      limits: { maxDrawdown: 0.1, maxOrderRate: { count: 3, windowMs: 30 * 86_400_000 } }, sizing: { method: "volTarget" as const, target: 0.1 },
    };
    const res = await post(t, "/backtests", { sample: "sp500", ...req }, auth);
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(res.headers.get("location")).toBe(`/backtests/${job.id}`);
    expect(["queued", "running"]).toContain(job.status);
    expect(job.progress.barsTotal).toBe(sp500.close.length);
    let view = job;
    for (let i = 0; i < 400 && (view.status === "queued" || view.status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 25));
      view = await (await t.fetch(`/backtests/${job.id}`, { headers: auth })).json();
    }
    expect(view.status).toBe("done");
    expect(view.progress).toEqual({ barsDone: sp500.close.length, barsTotal: sp500.close.length, fraction: 1 });
    expect(view.finishedAt).toBeGreaterThanOrEqual(view.startedAt);
    expect(stable(view.result)).toEqual(expectedBacktest(sp500, req));
    expect(view.result.rejections.length).toBeGreaterThan(0);
    await expectError(await t.fetch("/backtests/00000000-0000-0000-0000-000000000000", { headers: auth }), 404, "not_found");
    await expectError(await post(t, "/backtests", { sample: "sp500", strategy: "momentum", params: { slow: 1 } }, auth), 400, "strategy", "params.slow");
    await expectError(await t.fetch(`/backtests/${job.id}`), 401, "unauthorized");
  });

  it("POST /risk computes the statistics riskReport computes", async () => {
    const returns = sp500Returns();
    const res = await post(target(), "/risk", { returns, scale: 252 });
    expect(res.status).toBe(200);
    const body = await res.json();
    const direct = JSON.parse(JSON.stringify(riskReport(Float64Array.from(returns), 252)));
    for (const key of ["n", "mean", "stdDev", "maxDrawdown"]) expect(body.report[key]).toBeCloseTo(direct[key], 12);
    expect(body.report.VaR.historical_95).toBeCloseTo(direct.VaR.historical_95, 12);
    const named = await (await post(target(), "/risk", { returns: { a: returns.slice(0, 500), b: [0.01, null, -0.02, 0.005] }, scale: 12 })).json();
    expect(named.reports.b.n).toBe(3);
    await expectError(await post(target(), "/risk", { returns: [0.1, "x"] }), 400, "validation", "returns[1]");
  });

  it("POST /optimize returns weights that sum to 1 and respect the constraints", async () => {
    const cov = [[0.04, 0.006, 0.002], [0.006, 0.09, 0.01], [0.002, 0.01, 0.0225]];
    const res = await post(target(), "/optimize", { method: "minvar", covariance: cov, assets: ["a", "b", "c"], longOnly: true });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.assets).toEqual(["a", "b", "c"]);
    expect(body.weights.reduce((s: number, w: number) => s + w, 0)).toBeCloseTo(1, 12);
    for (const w of body.weights) expect(w).toBeGreaterThanOrEqual(-1e-12);
    // The minimum-variance portfolio: no other fully invested mix of these assets has lower variance.
    const variance = (w: number[]) => w.reduce((s, wi, i) => s + wi * w.reduce((t, wj, j) => t + cov[i][j] * wj, 0), 0);
    expect(body.volatility).toBeCloseTo(Math.sqrt(variance(body.weights)), 12);
    for (const other of [[1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5], [0.4, 0.1, 0.5]]) expect(variance(body.weights)).toBeLessThanOrEqual(variance(other));
    await expectError(await post(target(), "/optimize", { method: "best", covariance: cov }), 400, "validation", "method");
    await expectError(await post(target(), "/optimize", { method: "minvar", covariance: [[1, 2], [3]] }), 400, "validation", "covariance[1]");
  });

  it("GET /openapi.json is an OpenAPI 3.1 document of the routes", async () => {
    const doc = await (await target().fetch("/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health", "/indicators", "/backtest", "/backtests/{id}", "/sessions/{id}/stream"]));
  });

  it("unknown routes answer 404 in the error shape", async () => {
    await expectError(await target().fetch("/no/such/route"), 404, "not_found");
    await expectError(await target().fetch("/health", { method: "DELETE" }), 404, "not_found");
  });

  it("bodies over the limit answer 413", async () => {
    const big = JSON.stringify({ series: [], pad: "x".repeat(BODY_LIMIT) });
    const res = await target().fetch("/indicators", { method: "POST", headers: { "content-type": "application/json" }, body: big });
    await expectError(res, 413, "body_too_large");
  });

  it("rate limiting: a client past its burst gets 429 with Retry-After; others are unaffected", async () => {
    const t = target();
    const client = { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 200) + 1}` };
    const statuses: number[] = [];
    // In batches, so the bucket's refill during the burst stays small.
    for (let sent = 0; sent < RATE.burst + 100; sent += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => t.fetch("/health", { headers: client })));
      for (const r of batch) {
        statuses.push(r.status);
        if (r.status === 429) {
          expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
          expect((await r.json()).error.code).toBe("rate_limited");
        } else await r.arrayBuffer();
      }
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(RATE.burst);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await t.fetch("/health", { headers: { "x-forwarded-for": "198.51.100.9" } })).status).toBe(200);
  });

  it("CORS: allowed origins get the headers (errors included), preflights are answered, others get none", async () => {
    const t = target();
    const pre = await t.fetch("/sessions", {
      method: "OPTIONS",
      headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const ok = await t.fetch("/health", { headers: { origin: ALLOWED_ORIGIN } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const denied = await post(t, "/sessions", {}, { origin: ALLOWED_ORIGIN });
    expect(denied.status).toBe(t.stateful ? 401 : 501);
    expect(denied.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    const other = await t.fetch("/health", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("stateless targets (the edge builds) refuse jobs and paper sessions with 501 saying where to go instead", async (ctx) => {
    const t = target();
    ctx.skip(t.stateful, "this target keeps jobs and sessions");
    const id = "00000000-0000-0000-0000-000000000000";
    const refused = [
      await post(t, "/backtests", { sample: "sp500", strategy: "momentum" }),
      await t.fetch(`/backtests/${id}`),
      await post(t, "/sessions", { sample: "sp500", strategy: "momentum", barsPerSecond: 10 }, auth),
      await post(t, "/sessions", {}),
      await t.fetch("/sessions", { headers: auth }),
      await t.fetch(`/sessions/${id}/orders`, { headers: auth }),
      await t.fetch(`/sessions/${id}`, { method: "DELETE", headers: auth }),
      await t.fetch(`/sessions/${id}/stream`, { headers: { ...auth, upgrade: "websocket" } }),
    ];
    for (const res of refused) {
      const error = await expectError(res, 501, "stateless_runtime");
      expect(error.message).toContain("POST /backtest");
    }
    // The synchronous route still answers (read to the end: an unread body holds miniflare's connection open).
    const sync = await post(t, "/backtest", { sample: "sp500", strategy: "momentum" });
    expect(sync.status).toBe(200);
    expect((await sync.json()).trades.length).toBeGreaterThan(0);
  });

  it("sessions need a key: 401 without one or with an unknown one", async (ctx) => {
    const t = target();
    ctx.skip(!t.stateful, STATELESS);
    const body = { sample: "sp500", strategy: "momentum", barsPerSecond: 10 };
    const none = await post(t, "/sessions", body);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    await expectError(none, 401, "unauthorized");
    await expectError(await post(t, "/sessions", body, { authorization: "Bearer wrong-token-0123456789" }), 401, "unauthorized");
    await expectError(await t.fetch("/sessions/x"), 401, "unauthorized");
    await expectError(await t.fetch("/sessions/x", { headers: auth }), 404, "not_found");
    await expectError(await post(t, "/sessions", { ...body, barsPerSecond: 0 }, auth), 400, "validation", "barsPerSecond");
  });

  it("keys have scopes and own what they start: 403 naming the missing scope, another key's session is a 404, admin sees all", async (ctx) => {
    const t = target();
    ctx.skip(!t.stateful, STATELESS);
    const reader = { authorization: `Bearer ${KEYS.reader}` };
    const trader = { authorization: `Bearer ${KEYS.trader}` };
    const body = { sample: "sp500", strategy: "momentum", barsPerSecond: 1 };
    const refused = await expectError(await post(t, "/sessions", body, reader), 403, "insufficient_scope");
    expect(refused.message).toContain('"trade" scope');
    const started = await post(t, "/sessions", body, trader);
    expect(started.status).toBe(201);
    const { id, owner } = await started.json();
    expect(owner).toBe("trader");
    await expectError(await t.fetch(`/sessions/${id}`, { headers: reader }), 404, "not_found");
    await expectError(await t.fetch(`/sessions/${id}`, { method: "DELETE", headers: reader }), 403, "insufficient_scope");
    const ids = async (headers: Record<string, string>) => (await (await t.fetch("/sessions", { headers })).json()).sessions.map((s: { id: string }) => s.id);
    expect(await ids(reader)).toEqual([]);
    expect(await ids(trader)).toContain(id);
    expect(await ids(auth)).toContain(id);
    expect((await (await t.fetch(`/sessions/${id}`, { method: "DELETE", headers: auth })).json()).status).toBe("stopped");
  });

  it("a paper session replays at its pace, shows its state, and stops on DELETE", async (ctx) => {
    const t = target();
    ctx.skip(!t.stateful, STATELESS);
    const t0 = performance.now();
    const res = await post(t, "/sessions", { sample: "sp500", strategy: "momentum", params: { fast: 3, slow: 10 }, barsPerSecond: 200 }, auth);
    expect(res.status).toBe(201);
    const started = await res.json();
    expect(res.headers.get("location")).toBe(`/sessions/${started.id}`);
    expect(started).toMatchObject({ status: "running", symbol: "SPX", strategy: "momentum", barsPerSecond: 200 });
    await new Promise((r) => setTimeout(r, 400));
    const mid = await (await t.fetch(`/sessions/${started.id}`, { headers: auth })).json();
    const elapsed = performance.now() - t0;
    // 200 bars/s: clearly moving, and never ahead of the pace (the first bar plays at once).
    expect(mid.snapshot.barsDone).toBeGreaterThan(20);
    expect(mid.snapshot.barsDone).toBeLessThanOrEqual(Math.floor(elapsed * 0.2) + 1);
    expect(mid.snapshot.barsTotal).toBe(sp500.close.length);
    const positions = await (await t.fetch(`/sessions/${started.id}/positions`, { headers: auth })).json();
    expect(Object.keys(positions)).toEqual(["time", "cash", "equity", "positions"]);
    const orders = await (await t.fetch(`/sessions/${started.id}/orders`, { headers: auth })).json();
    expect(Array.isArray(orders.open) && Array.isArray(orders.fills)).toBe(true);
    const stopped = await (await t.fetch(`/sessions/${started.id}`, { method: "DELETE", headers: auth })).json();
    expect(stopped.status).toBe("stopped");
    await new Promise((r) => setTimeout(r, 100));
    const after = await (await t.fetch(`/sessions/${started.id}`, { headers: auth })).json();
    expect(after.snapshot.barsDone).toBe(stopped.snapshot.barsDone);
  });

  it("GET /sessions/:id/stream streams bars, signals, orders and fills over a WebSocket", async (ctx) => {
    const t = target();
    if (!t.stateful || !t.url) return ctx.skip(STATELESS);
    const req = { strategy: "momentum", params: { fast: 5, slow: 20 } };
    const started = await (await post(t, "/sessions", { sample: "sp500", ...req, barsPerSecond: 10_000 }, auth)).json();
    const messages = await streamMessages(`${t.url.replace(/^http/, "ws")}/sessions/${started.id}/stream`, auth);
    const types = messages.map((m) => m.type);
    expect(types[0]).toBe("session");
    expect(types.at(-1)).toBe("end");
    for (const type of ["bar", "signal", "order", "fill"]) expect(types).toContain(type);
    const first = messages[0].session;
    const last = messages.at(-1).session;
    expect(last.status).toBe("finished");
    // Every bar after the first status frame arrives, exactly once.
    expect(first.snapshot.barsDone + types.filter((x) => x === "bar").length).toBe(sp500.close.length);
    const fill = messages.find((m) => m.type === "fill").fill;
    // tradeId: the venue's id of the execution, which makes applying a fill twice (a replay, a reconnect) detectable.
    expect(Object.keys(fill).sort()).toEqual(["commission", "orderId", "price", "quantity", "side", "symbol", "time", "tradeId"]);
    // The paper session is the backtest engine: it ends where runStrategyBacktest ends.
    expect(last.snapshot.equity).toBe(runStrategyBacktest(sp500, req).finalEquity);
  });

  it("the stream refuses a missing token and accepts ?access_token=", async (ctx) => {
    const t = target();
    if (!t.stateful || !t.url) return ctx.skip(STATELESS);
    const started = await (await post(t, "/sessions", { sample: "sp500", strategy: "momentum", barsPerSecond: 5000 }, auth)).json();
    const base = `${t.url.replace(/^http/, "ws")}/sessions/${started.id}/stream`;
    await expect(streamMessages(base, {})).rejects.toThrow(/401/);
    const messages = await streamMessages(`${base}?access_token=${TOKEN}`, {});
    expect(messages.at(-1).type).toBe("end");
  });
}

/** Columns of the first n sp500 bars as a BarSeries part. */
function barColumnsTyped(n: number) {
  const cut = (a: Float64Array) => a.slice(0, n);
  return { time: cut(sp500.time), open: cut(sp500.open), high: cut(sp500.high), low: cut(sp500.low), close: cut(sp500.close), volume: cut(sp500.volume) };
}

/** Every message of a stream until the server closes it; rejects when the handshake fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function streamMessages(url: string, headers: Record<string, string>): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: unknown[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`stream did not end within 20 s (${messages.length} messages)`));
    }, 20_000);
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`handshake refused with ${res.statusCode}`));
      ws.terminate();
    });
    ws.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on("close", () => {
      clearTimeout(timer);
      resolve(messages);
    });
  });
}
