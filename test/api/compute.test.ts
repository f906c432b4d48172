// The heavy routes on real workers behind the servers: the same answers as on
// the serving thread (to the byte, errors included), a full queue refused
// with 503, and a request past its time budget stopped with 504 (Node's
// worker threads and Deno's Web Workers).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { COMPUTE_TASKS, LIGHT_BODY_BYTES } from "../../src/api/compute/tasks.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { sampleSeries, shippedModels } from "../../runtimes/node/assets.ts";
import { wasmBytes } from "../helpers.ts";
import { barColumns, edhecRows, sp500, sp500Returns, stable } from "./fixtures.ts";
import { startDeno, startNode, testEnv, type Target } from "./targets.ts";

const json = { "content-type": "application/json" };
const post = (t: Target, path: string, body: string, headers: Record<string, string> = json) => t.fetch(path, { method: "POST", headers, body });

/** 5M closes in a 10 MB body: seconds of parsing, computing and printing on any machine. */
const HEAVY = (() => {
  const series = Array.from({ length: 5_000_000 }, (_, i) => 1 + ((i * 7) % 9));
  return JSON.stringify({ series, indicators: ["sma:20"] });
})();
/** Small, but /optimize always goes to a worker (a tiny body can ask for a 100-asset QP). */
const SMALL = JSON.stringify({ method: "minvar", covariance: [[1, 0], [0, 4]] });
/** Trailing whitespace past LIGHT_BODY_BYTES sends a request to a worker whatever it asks. */
const toWorker = (body: string) => body + " ".repeat(LIGHT_BODY_BYTES + 1);
const BIG_BODIES = { NT_BODY_LIMIT: "16mb", NT_RATE_LIMIT: "off" };

async function expectError(res: Response, status: number, code: string): Promise<string> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe("the same answer from a worker thread as from the serving thread", () => {
  let pooled: Target;
  let unpooled: Target;
  let inProcess: EngineApp;

  beforeAll(async () => {
    [pooled, unpooled] = await Promise.all([startNode(), startNode({ NT_COMPUTE_WORKERS: "0" })]);
    inProcess = createApp({
      config: loadAppConfig({ env: testEnv }),
      // As `nt serve` loads them (neural.wasm runs the forecasts).
      kernels: await loadKernels({ indicators: wasmBytes("indicators"), risk: wasmBytes("risk"), solver: wasmBytes("solver"), neural: wasmBytes("neural") }),
      samples: sampleSeries(),
      models: shippedModels(),
      app: { name: "neural-trader-engine", version: "0.0.0" },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pooled?.close(), unpooled?.close()]);
    inProcess?.close();
  });

  const bars = barColumns(sp500, 300);
  const edhec = edhecRows(4);
  const cases: [string, string, string, Record<string, string>?][] = [
    ["indicators over bars", "/indicators", JSON.stringify({ bars, indicators: ["sma:20", "macd", "atr"] })],
    ["indicators as raw float64", "/indicators", JSON.stringify({ bars, indicators: ["rsi:14", "bbands:20:2"] }), { ...json, accept: "application/octet-stream" }],
    ["risk", "/risk", JSON.stringify({ returns: sp500Returns(), scale: 252 })],
    ["optimize", "/optimize", JSON.stringify({ method: "maxsharpe", returns: edhec.rows, assets: edhec.assets, longOnly: true })],
    ["malformed JSON", "/indicators", '{"series": [1, 2,'],
    ["an empty body", "/risk", ""],
    ["a JSON array, not an object", "/optimize", "[1, 2]"],
    ["an unknown field", "/indicators", JSON.stringify({ series: [1, 2], indicators: ["sma:2"], colour: "red" })],
    ["an unknown indicator", "/indicators", JSON.stringify({ series: [1, 2], indicators: ["smaa:2"] })],
    ["a plain series where bars are needed", "/indicators", JSON.stringify({ series: [1, 2, 3], indicators: ["atr"] })],
    ["an answer over the value limit (413)", "/indicators",
      JSON.stringify({ series: Array(160_000).fill(1), indicators: Array.from({ length: 32 }, (_, i) => `sma:${i + 1}`) })],
    ["a bad return", "/risk", JSON.stringify({ returns: [0.01, "x"] })],
    ["an unknown method", "/optimize", JSON.stringify({ method: "best", covariance: [[1]] })],
    ["an unknown strategy (an engine error)", "/backtest", JSON.stringify({ sample: "sp500", strategy: "moonshot" })],
    ["an unknown sample", "/backtest", JSON.stringify({ sample: "nasdaq", strategy: "momentum" })],
    ["a forecast with its evaluation", "/forecast", JSON.stringify({ sample: "sp500", model: "transformer", evaluate: true, tail: 100 })],
    ["a horizon past the weights'", "/forecast", JSON.stringify({ sample: "sp500", model: "nhits", horizon: 20 })],
  ];

  for (const [label, path, body, headers] of cases.flatMap(([label, path, body, headers]) => [
    [`${label}, on a worker`, path, toWorker(body), headers] as const,
    [`${label}, light enough for the serving thread where it is`, path, body, headers] as const,
  ])) {
    it(label, async () => {
      const ask = async (fetch: (path: string, init: RequestInit) => Promise<Response>) => {
        const res = await fetch(path, { method: "POST", headers: headers ?? json, body });
        const named = ["content-type", "x-nt-rows", "x-nt-columns", "retry-after"].map((h) => `${h}: ${res.headers.get(h)}`);
        return { status: res.status, headers: named, bytes: Buffer.from(await res.arrayBuffer()).toString("base64") };
      };
      const [a, b, c] = await Promise.all([
        ask(pooled.fetch), ask(unpooled.fetch), ask(async (p, init) => inProcess.fetch(new Request(`http://test${p}`, init))),
      ]);
      expect(a.status).toBeGreaterThan(0);
      expect(b, "main thread vs worker").toEqual(a);
      expect(c, "in-process app vs worker").toEqual(a);
    });
  }

  it("a backtest on the bundled series (timings aside)", async () => {
    const body = JSON.stringify({ sample: "sp500", strategy: "mean-reversion", params: { allowShort: true } });
    expect(COMPUTE_TASKS.backtest).not.toHaveProperty("light");
    const [a, b] = await Promise.all([pooled, unpooled].map(async (t) => {
      const res = await post(t, "/backtest", body);
      expect(res.status).toBe(200);
      return stable(await res.json());
    }));
    expect(b).toEqual(a);
  });
});

describe("a full compute queue", () => {
  let node: Target;
  beforeAll(async () => void (node = await startNode({ ...BIG_BODIES, NT_COMPUTE_WORKERS: "1", NT_COMPUTE_QUEUE: "1" })), 60_000);
  afterAll(async () => node?.close());

  it("refuses a request beyond the queue with 503 and Retry-After; queued and running ones succeed", async () => {
    const heavy = post(node, "/indicators", HEAVY);
    let heavyDone = false;
    void heavy.finally(() => (heavyDone = true));
    const answers: Promise<Response>[] = [];
    let refused: Response | undefined;
    // A small request that is still pending after 200 ms is queued behind the heavy one: the next is one too many.
    while (refused === undefined && !heavyDone) {
      const queued = post(node, "/optimize", SMALL);
      answers.push(queued);
      const settled = await Promise.race([queued.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
      if (settled) continue;
      const extra = await post(node, "/optimize", SMALL);
      if (extra.status === 503) refused = extra;
      else answers.push(Promise.resolve(extra));
    }
    expect(refused, "no request was refused while the heavy one ran").toBeDefined();
    expect(refused!.headers.get("retry-after")).toBe("1");
    expect(await expectError(refused!, 503, "compute_busy")).toBe(
      "all 1 compute workers are busy and 1 requests are waiting (compute.queue, NT_COMPUTE_QUEUE); retry shortly");
    expect((await heavy).status).toBe(200);
    for (const res of await Promise.all(answers)) expect((await res.json()).weights).toEqual([0.8, 0.2]);
  }, 120_000);
});

describe.each([["node", startNode], ["deno", startDeno]] as const)("a request past its time budget on %s", (_, start) => {
  let node: Target;
  beforeAll(async () => void (node = await start({ ...BIG_BODIES, NT_COMPUTE_WORKERS: "1", NT_COMPUTE_QUEUE: "0", NT_COMPUTE_TIMEOUT: "200ms" })), 60_000);
  afterAll(async () => node?.close());

  it("is stopped with 504 naming the budget, and its worker is replaced at once", async () => {
    const message = await expectError(await post(node, "/indicators", HEAVY), 504, "time_budget_exceeded");
    expect(message).toContain("time budget of 200 ms (compute.timeout, NT_COMPUTE_TIMEOUT)");
    // With one worker and no queue, a worker still busy with the heavy request would refuse the next with 503;
    // the replacement may still be loading its kernels (504 under a 200 ms budget) but takes the request.
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      const res = await post(node, "/optimize", SMALL);
      status = res.status;
      if (status !== 200) expect(await expectError(res, 504, "time_budget_exceeded")).toContain("200 ms");
    }
    expect(status).toBe(200);
  }, 60_000);
});
