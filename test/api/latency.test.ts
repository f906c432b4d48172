// GET /health stays quick while requests that scale with their body run
// (issue 12, finding 2). The one timed test of the suite: it runs alone, after
// the main suite (vitest.latency.config.ts, wired into `npm test`), against
// `nt serve` in its own process, built from source.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { riskReport } from "../../src/risk/report.ts";
import { tsIndicators } from "../../src/features/indicators.ts";
import { root } from "../helpers.ts";

const ROWS = 5_000_000;
/** /health samples taken while a heavy request is in flight; p99 over fewer would be a single sample's noise. */
const MIN_SAMPLES = 400;
const P99_LIMIT_MS = 50;

const dir = join(root, "node_modules/.cache/test-latency", String(process.pid));
let server: { url: string; child: ChildProcess };

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  // From source, so the test never measures a stale dist/; packages stay external and resolve from node_modules.
  await build({
    entryPoints: {
      nt: join(root, "runtimes/node/cli/index.ts"),
      "compute-worker": join(root, "runtimes/node/compute-worker.ts"),
    },
    outdir: dir, outExtension: { ".js": ".mjs" }, bundle: true, platform: "node",
    format: "esm", target: "node20", packages: "external", logLevel: "silent",
  });
  server = await startServer();
}, 120_000);

afterAll(async () => {
  if (server) await stop(server.child);
  rmSync(dir, { recursive: true, force: true });
});

function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(dir, "nt.mjs"), "serve", "--port", "0"], {
    cwd: root,
    // A time budget well past the heavy requests' (they queue for the one worker a 2-core machine gets).
    env: { ...process.env, NT_HOST: "127.0.0.1", NT_RATE_LIMIT: "off", NT_BODY_LIMIT: "64mb", NT_COMPUTE_TIMEOUT: "5m", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.resume();
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err += d;
      const m = /listening on (http:\/\/\S+) /.exec(err);
      if (m) resolve({ url: m[1], child });
    });
    child.on("exit", (code) => reject(new Error(`nt serve exited with ${code}\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * Times GET /health from a thread of its own, so the test's own work on the
 * heavy answers (receiving 100 MB) never delays the measurement; a sample
 * counts only while a heavy request is in flight at both its ends.
 */
const PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
let busy = false, stopped = false;
parentPort.on("message", (m) => { if (m === "stop") stopped = true; else busy = m.busy; });
(async () => {
  while (!stopped) {
    const during = busy;
    const t0 = performance.now();
    const res = await fetch(workerData.url + "/health");
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error("/health answered " + res.status);
    if (during && busy) parentPort.postMessage(ms);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage("stopped");
})();`;

/** A random walk of small integers, so 5M closes fit a 10 MB body as the probe sent. */
function closes(): number[] {
  const out = new Array<number>(ROWS);
  let x = 5;
  let seed = 7;
  for (let i = 0; i < ROWS; i++) {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    x = Math.min(9, Math.max(1, x + ((seed >>> 0) % 3) - 1));
    out[i] = x;
  }
  return out;
}

/** Returns of -2% to +2% in whole percents. */
function returns(): number[] {
  return Array.from({ length: ROWS }, (_, i) => ((i * 7919) % 5) / 100 - 0.02);
}

describe("GET /health while heavy requests run (Node server)", () => {
  it(`answers within ${P99_LIMIT_MS} ms p99 while 5M-value /indicators and /risk requests run, and they succeed`, async () => {
    const series = closes();
    const indicatorsBody = JSON.stringify({ series, indicators: ["sma:20"] });
    const smaTail = tsIndicators.sma(Float64Array.from(series.slice(-40)), 20).at(-1)!;
    const r = returns();
    const riskBody = JSON.stringify({ returns: r });
    const riskExpected = riskReport(Float64Array.from(r), 252);
    expect(indicatorsBody.length).toBeLessThan(11 * 2 ** 20);

    const probe = new Worker(PROBE, { eval: true, workerData: { url: server.url } });
    const samples: number[] = [];
    const probeDone = new Promise<void>((resolve, reject) => {
      probe.on("message", (m) => (m === "stopped" ? resolve() : samples.push(m)));
      probe.on("error", reject);
    });
    let inFlight = 0;
    const heavy = async <T>(path: string, body: string, check: (res: Response) => Promise<T>): Promise<T> => {
      if (inFlight++ === 0) probe.postMessage({ busy: true });
      try {
        const res = await fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json" }, body });
        return await check(res);
      } finally {
        if (--inFlight === 0) probe.postMessage({ busy: false });
      }
    };
    const indicators = () => heavy("/indicators", indicatorsBody, async (res) => {
      expect(res.status).toBe(200);
      const text = Buffer.from(await res.arrayBuffer());
      // The head and the last value, read without parsing 100 MB on this thread.
      const head = `{"rows":${ROWS},"columns":{"sma:20":[null,null,`;
      expect(text.subarray(0, head.length).toString()).toBe(head);
      expect(Number(/,([^,\]]+)\]\}\}$/.exec(text.subarray(-64).toString())![1])).toBe(smaTail);
    });
    const risk = () => heavy("/risk", riskBody, async (res) => {
      expect(res.status).toBe(200);
      const { report } = await res.json();
      expect(report.n).toBe(ROWS);
      expect(report.mean).toBeCloseTo(riskExpected.mean, 12);
      expect(report.VaR.historical_95).toBeCloseTo(riskExpected.VaR.historical_95, 12);
    });

    // Two lanes of each kind, each sending its next request as soon as the last is answered, until enough samples.
    const started = performance.now();
    const lane = async (send: () => Promise<void>) => {
      let sent = 0;
      while (sent === 0 || (samples.length < MIN_SAMPLES && performance.now() - started < 120_000)) {
        await send();
        sent++;
      }
    };
    await Promise.all([lane(indicators), lane(risk), lane(indicators), lane(risk)]);
    probe.postMessage("stop");
    await probeDone;
    await probe.terminate();

    const sorted = [...samples].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1];
    console.log(`/health during heavy requests: ${sorted.length} samples, median ${sorted[sorted.length >> 1].toFixed(1)} ms, ` +
      `p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
    expect(sorted.length).toBeGreaterThanOrEqual(MIN_SAMPLES);
    expect(p99).toBeLessThan(P99_LIMIT_MS);
  }, 300_000);
});
