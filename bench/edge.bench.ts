// The API at the edge: requests/s and p99 for GET /health and POST /indicators
// (1,000 closes, 3 indicators) on the Cloudflare Worker in workerd next to the
// Node and Deno servers, in one run and with the same load generator as
// bench/api.bench.ts; then the Worker's cold start, and the memory one
// request takes under the edge limits (bench/edge-memory.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseBarsCsv } from "../src/data/csv.ts";
import { env, measure, start, stop, type Measured, type Server } from "./api.bench.ts";

const INDICATORS = ["sma:20", "ema:50", "rsi:14"];
const COLD_RUNS = 7;
const JSON_HEADERS = { "content-type": "application/json" };

export async function run(): Promise<string> {
  for (const file of ["dist/nt.mjs", "dist/edge/worker.mjs", "dist/edge.mjs"]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const series = parseBarsCsv(readFileSync("data/sp500.csv", "utf8"), { source: "sp500.csv", symbol: "SPX" });
  const closes = JSON.stringify({ series: Array.from(series.close.subarray(0, 1000)), indicators: INDICATORS });

  const results: Result[] = [];
  const servers: Server[] = [];
  try {
    servers.push(await start("node", process.execPath, ["bin/nt.mjs", "serve", "--port", "0"]));
    servers.push(await start("deno", join("node_modules", ".bin", "deno"), ["run", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "runtimes/deno/server.ts", "--port", "0"]));
    servers.push(await start("workerd", process.execPath, ["bench/workerd-server.mjs"]));
    const hello = await start("workerd hello-world", process.execPath, ["bench/workerd-server.mjs", "--hello"]);
    servers.push(hello);
    // Same answers first: a benchmark of a broken server measures nothing.
    const apis = servers.filter((s) => s !== hello);
    const answers = await Promise.all(apis.map(async (s) => (await fetch(`${s.url}/indicators`, { method: "POST", headers: JSON_HEADERS, body: closes })).text()));
    if (answers.some((a) => a !== answers[0])) throw new Error("the servers answer POST /indicators differently");
    const cases: [string, string, Parameters<typeof measure>[2]][] = [
      ["GET /health", "/health", {}],
      [`POST /indicators, 1000 closes (${(closes.length / 1024).toFixed(1)} KB)`, "/indicators", { method: "POST", body: closes }],
      ["POST /indicators, 1000 closes, binary answer", "/indicators", { method: "POST", body: closes, headers: { ...JSON_HEADERS, accept: "application/octet-stream" } }],
    ];
    for (const [request, path, init] of cases) {
      for (const s of apis) results.push({ server: s.name, request, r: await measure(s, path, init) });
    }
    // The control: workerd answering `{"status":"ok"}` from a one-line Worker, its own cost per request.
    results.push({ server: hello.name, request: "GET /health", r: await measure(hello, "/health") });
  } finally {
    await Promise.all(servers.map(stop));
  }
  return [
    "autocannon as in the api suite (32 connections, 1 s warm-up, then 5 s per case, on 127.0.0.1, rate limiting off), against the",
    "Node server (`nt serve`), the Deno server and the Cloudflare Worker (`dist/edge/worker.mjs` and its .wasm modules) in workerd,",
    "Cloudflare's open-source runtime, run from a generated config by bench/workerd-server.mjs (not through miniflare, whose dev",
    `proxy costs more CPU per request than the API). Indicators: ${INDICATORS.join(", ")}. Every server answers the indicators request`,
    "with the same bytes before it is measured. Server CPU is per request, the server's process and its children together (from /proc).",
    "This is the runtime on this machine, not Cloudflare's network: it measures the code's cost in Cloudflare's runtime, not a",
    "deployment's latency.",
    "",
    "| server | request | requests/s | p99 latency (ms) | vs node | server CPU per request (µs) |",
    "|---|---|---:|---:|---:|---:|",
    ...byRequest(results).map((x) => row(x, results.find((n) => n.server === "node" && n.request === x.request)!.r)),
    "",
    coldStart(),
    "",
    memory(),
  ].join("\n");
}

interface Result {
  server: string;
  request: string;
  r: Measured;
}

/** Grouped by request in the order measured (a stable sort keeps the servers' order within each). */
function byRequest(results: Result[]): Result[] {
  const order = [...new Set(results.map((r) => r.request))];
  return [...results].sort((a, b) => order.indexOf(a.request) - order.indexOf(b.request));
}

function row({ server, request, r }: Result, node: Measured): string {
  const cpu = Number.isFinite(r.cpuMicros) ? String(Math.round(r.cpuMicros)) : "n/a";
  return `| ${server} | ${request} | ${Math.round(r.requests.average).toLocaleString("en-US")} | ${r.latency.p99} | ${((r.requests.average / node.requests.average) * 100).toFixed(0)}% | ${cpu} |`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x: number) => x.toFixed(1);

/** Cold start in workerd (a fresh workerd each run, next to a hello-world worker) and in one V8 process (Node). */
function coldStart(): string {
  const workerd = spawnSync(process.execPath, ["bench/workerd-server.mjs", "--cold", String(COLD_RUNS)], { encoding: "utf8", env, timeout: 300_000 });
  if (workerd.status !== 0) throw new Error(`bench/workerd-server.mjs --cold failed: ${workerd.stderr}`);
  const runs = JSON.parse(workerd.stdout.trim().split("\n").at(-1)!) as Record<"nt" | "hello", { ready: number; first: number; warm: number }[]>;
  const m = (who: "nt" | "hello", k: "ready" | "first" | "warm") => median(runs[who].map((r) => r[k]));
  // The neutral bundle in a fresh Node process: module evaluation, then the first answer (kernels compiled from bytes here,
  // which Cloudflare does at deploy time instead, so this is an upper bound on the same work).
  const probe = `const t0 = performance.now(); const m = await import("./dist/edge.mjs"); const t1 = performance.now();
    const r = await m.fetch(new Request("http://x/health")); await r.text(); const t2 = performance.now();
    console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1 }));`;
  const node = Array.from({ length: COLD_RUNS }, () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cold start in Node failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { load: number; first: number };
  });
  const coldWorkerd = m("nt", "ready") - m("hello", "ready") + m("nt", "first") - m("hello", "first");
  return [
    `**Cold start**, median of ${COLD_RUNS} runs. In workerd: a fresh workerd started with the Worker (its 0.75 MB module parsed and its`,
    "three .wasm modules compiled) until it listens, then the first GET /health (which instantiates the kernels and builds the app)",
    "over a new connection; the same for a hello-world Worker measures workerd's own start and the round trip. In Node: the neutral",
    "bundle imported in a fresh process, then its first answer (this also compiles the kernels from bytes, which Cloudflare does at deploy).",
    "",
    "| where | start until ready (ms) | first answer (ms) | a later answer (ms) |",
    "|---|---:|---:|---:|",
    `| workerd, the Worker | ${ms(m("nt", "ready"))} | ${ms(m("nt", "first"))} | ${ms(m("nt", "warm"))} |`,
    `| workerd, hello-world Worker | ${ms(m("hello", "ready"))} | ${ms(m("hello", "first"))} | ${ms(m("hello", "warm"))} |`,
    `| Node, neutral bundle in-process | ${ms(median(node.map((r) => r.load)))} (import) | ${ms(median(node.map((r) => r.first)))} | |`,
    "",
    `**The Worker's cold start in workerd** (module load to first answer, beyond a hello-world Worker's): ${ms(coldWorkerd)} ms; goal`,
    "under 50 ms. It is the readiness difference plus the first-answer difference of the medians; workerd's own start varies by",
    "tens of ms between runs on this shared machine. The Node row is a reference only: it also compiles the kernels from bytes and",
    `hashes them, which a Worker never does (module evaluation to first answer there: ${ms(median(node.map((r) => r.load + r.first)))} ms).`,
  ].join("\n");
}

/** The worst requests, each in a fresh process with a 128 MB heap: under the edge defaults, then two at the server's. */
function memory(): string {
  const server = { NT_BODY_LIMIT: "10mb", NT_MAX_OUTPUT_VALUES: "5000000" };
  const cases: [string, number, string, Record<string, string>][] = [
    ["output", 500_000, "POST /indicators answering 500,000 values (20 SMA columns x 25,000 closes), JSON", {}],
    ["closes", 2 * 2 ** 20, "POST /indicators, a 2 MB close series (262,000 closes), one column", {}],
    ["nested", 2 * 2 ** 20, "POST /indicators, 2 MB of `[],[],...` (JSON.parse's worst expansion)", {}],
    ["rows", 2 * 2 ** 20, "POST /indicators, 2 MB of bar rows, 5 columns", {}],
    ["csv", 2 * 2 ** 20, "POST /backtest, 2 MB of CSV (36,000 bars)", {}],
    ["output", 1_000_000, "server defaults: POST /indicators answering 1,000,000 values", server],
    ["nested", 10 * 2 ** 20, "server defaults: POST /indicators, 10 MB of `[],[],...`", server],
  ];
  const lines = cases.map(([kind, size, label, env]) => {
    const r = spawnSync(process.execPath, ["--max-old-space-size=128", "--expose-gc", "bench/edge-memory.mjs", "dist/edge.mjs", kind, String(size), JSON.stringify(env)], { encoding: "utf8" });
    if (r.status !== 0) {
      const reason = /heap out of memory/i.test(r.stderr) ? "JavaScript heap out of memory" : `exit ${r.status ?? r.signal}`;
      return `| ${label} | the process died: ${reason} | | | over 128 |`;
    }
    const o = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    return `| ${label} | ${o.status}${o.code ? ` ${o.code}` : ""} | ${o.idleMiB} | ${o.peakMiB} | ${(o.idleMiB + o.peakMiB).toFixed(0)} |`;
  });
  return [
    "**Memory per request** under the edge defaults (`NT_BODY_LIMIT=2mb`, `NT_MAX_OUTPUT_VALUES=500000`), and two requests under the",
    "server's (10 MB, 5,000,000): the neutral bundle (the Worker's code) in a fresh Node process with a 128 MB V8 heap, one request",
    "each (bench/edge-memory.mjs); peak is the process's peak resident memory above its idle level (JS heap, kernel memory and",
    "buffers together, as Cloudflare counts them; an upper bound, since V8 collects lazily).",
    "",
    "| request | answer | app at rest (MiB) | request peak (MiB) | total (MiB, limit 128) |",
    "|---|---|---:|---:|---:|",
    ...lines,
  ].join("\n");
}
