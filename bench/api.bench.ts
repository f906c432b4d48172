// HTTP API throughput: requests/s and p99 latency with autocannon on
// 127.0.0.1, for GET /health and POST /indicators (1,000 bars, 3 indicators)
// on the Node server (`nt serve`) and the Deno server, next to a plain
// node:http hello-world measured in the same run. Every server runs in its
// own process so the load generator does not share its event loop.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: autocannon ships no type declarations
import autocannon from "autocannon";
import { parseBarsCsv } from "../src/data/csv.ts";

const SECONDS = 5;
const WARMUP_SECONDS = 1;
const CONNECTIONS = 32;
const INDICATORS = ["sma:20", "ema:50", "rsi:14"];
/** GET /health and the node:http baseline are measured in this many alternating pairs. */
const HEALTH_ROUNDS = 3;

interface Result {
  requests: { average: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const cannon = autocannon as (opts: object) => Promise<Result>;

/** A server's settings for a benchmark: no rate limit (it would measure the limiter), loopback only. */
export const env = { ...process.env, NT_RATE_LIMIT: "off", NT_HOST: "127.0.0.1", NO_COLOR: "1" };

const HELLO = `require("node:http").createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end('{"status":"ok"}'); })
  .listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });`;

/**
 * A control for the load generator: reads the request body, then answers with
 * fixed bytes (the API's own answers, saved to files), computing nothing. Its
 * requests/s are the most autocannon can drive for that request and answer.
 */
const REPLAY = `const fs = require("node:fs"); const [json, bin] = [fs.readFileSync(process.argv[1]), fs.readFileSync(process.argv[2])];
  require("node:http").createServer((req, res) => { req.resume(); req.on("end", () => {
    const binary = (req.headers.accept || "").includes("application/octet-stream");
    res.setHeader("content-type", binary ? "application/octet-stream" : "application/json"); res.end(binary ? bin : json);
  }); }).listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });`;

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
}

export function start(name: string, command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Server> {
  const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${text}`)), 60_000);
    const onData = (d: Buffer) => {
      text += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ name, url: m[1], child });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${name} exited with ${code}: ${text}`)));
  });
}

export function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    try {
      // The whole group: npx runs deno as its child.
      process.kill(-server.child.pid!, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

const JSON_HEADERS = { "content-type": "application/json" };

export interface Measured extends Result {
  /** Server CPU (user + system, its child processes included) per request in microseconds, from /proc; NaN where there is no /proc. */
  cpuMicros: number;
}

/** CPU seconds a process and its running descendants have used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, fields 14 and 15 of stat (12 and 13 after the command name), in clock ticks (USER_HZ = 100).
    const own = (Number(fields[11]) + Number(fields[12])) / 100;
    // workerd runs as miniflare's child; the Node and Deno servers have none.
    const children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(" ").filter((c) => c !== ""));
    return children.reduce((sum, c) => sum + (cpuSeconds(Number(c)) || 0), own);
  } catch {
    return NaN;
  }
}

export async function measure(server: Server, path: string, request: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Measured> {
  const opts = { url: server.url + path, connections: CONNECTIONS, headers: JSON_HEADERS, ...request };
  await cannon({ ...opts, duration: WARMUP_SECONDS });
  const cpu0 = cpuSeconds(server.child.pid!);
  const r = await cannon({ ...opts, duration: SECONDS });
  const cpu = cpuSeconds(server.child.pid!) - cpu0;
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(`${opts.url}: ${r.non2xx} non-2xx responses, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  return { ...r, cpuMicros: (cpu * 1e6) / (r.requests.average * SECONDS) };
}

export async function run(): Promise<string> {
  if (!existsSync("dist/nt.mjs")) throw new Error("dist/nt.mjs is missing: run `npm run build` first");
  const series = parseBarsCsv(readFileSync("data/sp500.csv", "utf8"), { source: "sp500.csv", symbol: "SPX" });
  const n = 1000;
  const cut = (a: Float64Array) => Array.from(a.subarray(0, n));
  const columns = JSON.stringify({
    bars: { time: cut(series.time), open: cut(series.open), high: cut(series.high), low: cut(series.low), close: cut(series.close), volume: cut(series.volume) },
    indicators: INDICATORS,
  });
  const closes = JSON.stringify({ series: cut(series.close), indicators: INDICATORS });

  const rows: string[] = [];
  const servers: Server[] = [];
  try {
    const hello = await start("node:http", process.execPath, ["-e", HELLO]);
    servers.push(hello);
    const node = await start("node", process.execPath, ["bin/nt.mjs", "serve", "--port", "0"]);
    servers.push(node);
    // The deno binary itself (what `npx deno` runs), so its CPU time can be read from /proc.
    const deno = await start("deno", join("node_modules", ".bin", "deno"), ["run", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "runtimes/deno/server.ts", "--port", "0"]);
    servers.push(deno);
    const before = await measure(hello, "/");
    rows.push(row("plain node:http hello-world", "GET /", before));
    // GET /health first, on servers that have served nothing else yet, in alternating runs with the
    // baseline (each side's median), so a change in the machine's load hits both sides alike.
    const health = new Map<Server, string>();
    for (const s of [node, deno]) {
      const pairs: [Measured, Measured][] = [];
      for (let k = 0; k < HEALTH_ROUNDS; k++) pairs.push([await measure(s, "/health"), await measure(hello, "/")]);
      health.set(s, row(`${s.name} API`, "GET /health", median(pairs.map((p) => p[0])), median(pairs.map((p) => p[1])).requests.average));
    }
    const replay = await startReplay(node.url, closes);
    servers.push(replay);
    rows.push(row("node:http replaying the JSON answer", "POST, 1000 closes (no computing)", await measure(replay, "/", { method: "POST", body: closes })));
    rows.push(row("node:http replaying the binary answer", "POST, 1000 closes (no computing)",
      await measure(replay, "/", { method: "POST", body: closes, headers: { ...JSON_HEADERS, accept: "application/octet-stream" } })));
    for (const s of [node, deno]) {
      rows.push(health.get(s)!);
      rows.push(row(`${s.name} API`, `POST /indicators, ${n} bars as columns (${kb(columns)} KB)`, await measure(s, "/indicators", { method: "POST", body: columns })));
      rows.push(row(`${s.name} API`, `POST /indicators, ${n} closes (${kb(closes)} KB)`, await measure(s, "/indicators", { method: "POST", body: closes })));
      rows.push(row(`${s.name} API`, `POST /indicators, ${n} closes, binary answer`,
        await measure(s, "/indicators", { method: "POST", body: closes, headers: { ...JSON_HEADERS, accept: "application/octet-stream" } })));
    }
  } finally {
    await Promise.all(servers.map(stop));
  }
  return [
    `autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s per case, on 127.0.0.1; every server in its own`,
    `process with rate limiting off, the load generator in another (all sharing the machine's cores). Indicators: ${INDICATORS.join(", ")}.`,
    `GET /health and plain node:http are measured first, in ${HEALTH_ROUNDS} alternating pairs; the table shows each side's median run.`,
    "Goals: POST /indicators >= 5,000 requests/s on Node; GET /health at >= 80% of plain node:http. The JSON answer prints 3,000",
    "doubles as text (most of its cost); `Accept: application/octet-stream` returns the same columns as raw float64.",
    "",
    "Server CPU is the server process's user + system time per request (from /proc); one core at 100% would serve 1 / CPU per request.",
    "The replay rows are a control: a node:http server that reads the same request and sends the API's saved answer without computing",
    "anything, so their requests/s are the most this load generator can drive for that exchange on this machine.",
    "",
    "| server | request | requests/s | p99 latency (ms) | vs node:http | server CPU per request (µs) | requests/s per server core |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** Saves the Node API's two answers to the closes request and starts the replay control on them. */
export async function startReplay(apiUrl: string, closes: string): Promise<Server> {
  const ask = (accept: string) => fetch(`${apiUrl}/indicators`, { method: "POST", body: closes, headers: { ...JSON_HEADERS, accept } });
  const dir = mkdtempSync(join(tmpdir(), "nt-bench-"));
  const files = [join(dir, "answer.json"), join(dir, "answer.bin")];
  writeFileSync(files[0], new Uint8Array(await (await ask("application/json")).arrayBuffer()));
  writeFileSync(files[1], new Uint8Array(await (await ask("application/octet-stream")).arrayBuffer()));
  const server = await start("replay", process.execPath, ["-e", REPLAY, ...files]);
  server.child.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return server;
}

/** The run with the median requests/s. */
function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.requests.average - b.requests.average)[runs.length >> 1];
}

function row(server: string, request: string, r: Measured, baseline?: number): string {
  const ratio = baseline ? `${((r.requests.average / baseline) * 100).toFixed(0)}%` : "";
  const cpu = Number.isFinite(r.cpuMicros) ? `${Math.round(r.cpuMicros)} | ${Math.round(1e6 / r.cpuMicros).toLocaleString("en-US")}` : "n/a | n/a";
  return `| ${server} | ${request} | ${Math.round(r.requests.average).toLocaleString("en-US")} | ${r.latency.p99} | ${ratio} | ${cpu} |`;
}

function kb(text: string): string {
  return (text.length / 1024).toFixed(1);
}
