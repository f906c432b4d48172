// GET /health latency while requests whose cost scales with their body run
// (issue 12, finding 2): the Node server computing on its serving thread
// (NT_COMPUTE_WORKERS=0, how it served before the compute pool) next to the
// default pool, in one run. A worker thread probes /health every 5 ms; a
// sample counts only while a heavy request is in flight at both its ends.
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { start, stop } from "./api.bench.ts";

const ROWS = 5_000_000;
const ROUNDS = 3;

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
    if (during && busy) parentPort.postMessage(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage("stopped");
})();`;

/** Small integers, so 5M closes fit the 10 MB body the probe sent. */
function closesBody(): string {
  const out = new Array<number>(ROWS);
  let x = 5;
  let seed = 7;
  for (let i = 0; i < ROWS; i++) {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    x = Math.min(9, Math.max(1, x + ((seed >>> 0) % 3) - 1));
    out[i] = x;
  }
  return JSON.stringify({ series: out, indicators: ["sma:20"] });
}

const riskBody = () => JSON.stringify({ returns: Array.from({ length: ROWS }, (_, i) => ((i * 7919) % 5) / 100 - 0.02) });

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(url: string, bodies: { path: string; body: string }[]) {
  const probe = new Worker(PROBE, { eval: true, workerData: { url } });
  const samples: number[] = [];
  const done = new Promise<void>((resolve) => probe.on("message", (m) => (m === "stopped" ? resolve() : samples.push(m))));
  const heavyMs: number[] = [];
  probe.postMessage({ busy: true });
  for (let round = 0; round < ROUNDS; round++) {
    for (const { path, body } of bodies) {
      const t0 = performance.now();
      const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      heavyMs.push(performance.now() - t0);
    }
  }
  probe.postMessage({ busy: false });
  probe.postMessage("stop");
  await done;
  await probe.terminate();
  samples.sort((a, b) => a - b);
  return { samples: samples.length, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: samples.at(-1)!, heavy: heavyMs.reduce((a, b) => a + b, 0) / heavyMs.length };
}

export async function run(): Promise<string> {
  if (!existsSync("dist/nt.mjs")) throw new Error("dist/nt.mjs is missing: run `npm run build` first");
  const bodies = [{ path: "/indicators", body: closesBody() }, { path: "/risk", body: riskBody() }];
  const rows: string[] = [];
  for (const [name, workers] of [["on the serving thread (NT_COMPUTE_WORKERS=0, as before)", "0"], ["on the compute pool (default)", "auto"]]) {
    const server = await start(name, process.execPath, ["bin/nt.mjs", "serve", "--port", "0"],
      { NT_BODY_LIMIT: "64mb", NT_COMPUTE_TIMEOUT: "5m", NT_COMPUTE_WORKERS: workers });
    try {
      const r = await measure(server.url, bodies);
      const f = (ms: number) => ms.toFixed(1);
      rows.push(`| ${name} | ${r.samples} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.heavy.toFixed(0)} |`);
    } finally {
      await stop(server);
    }
  }
  return [
    `${ROUNDS} rounds of POST /indicators (5,000,000 closes, sma:20, a ${(bodies[0].body.length / 2 ** 20).toFixed(1)} MiB body) then`,
    "POST /risk (5,000,000 returns), one at a time, against `nt serve`; a worker thread of the bench process times GET /health every",
    "5 ms and keeps the samples taken while a heavy request was in flight. Goal (issue 12): /health p99 under 50 ms.",
    "",
    "| heavy requests computed | /health samples | p50 (ms) | p99 (ms) | max (ms) | mean heavy request (ms) |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
