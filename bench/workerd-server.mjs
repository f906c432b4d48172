// Serves the built Cloudflare Worker (dist/edge/worker.mjs, its .wasm modules
// beside it) in workerd, Cloudflare's runtime, run directly from a generated
// config (no miniflare in the request path: miniflare's dev proxy costs more
// CPU per request than the API). Settings are this process's NT_* variables.
// Prints "listening on URL" once workerd listens; --hello serves a hello-world
// Worker instead, the control for workerd's own cost. With --cold N it instead
// starts the Worker N times, each in a fresh workerd, next to a hello-world
// Worker, and prints the start-up times as JSON (bench/edge.bench.ts).
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import workerd from "workerd";

// The CommonJS package's default export, the path of the platform's binary.
const workerdBinary = workerd.default ?? workerd;

const wrangler = readFileSync("runtimes/edge/wrangler.toml", "utf8");
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(wrangler)[1];
const vars = Object.entries(process.env).filter(([k]) => k.startsWith("NT_"));

/** A directory holding workerd's config for a worker: `main` is "nt" (dist/edge) or "hello". */
function configDir(main) {
  const dir = mkdtempSync(join(tmpdir(), "nt-workerd-"));
  const modules = [];
  if (main === "nt") {
    for (const f of readdirSync("dist/edge").filter((f) => f.endsWith(".mjs") || f.endsWith(".wasm"))) {
      copyFileSync(join("dist/edge", f), join(dir, f));
      modules.push(`(name = "${f}", ${f.endsWith(".wasm") ? "wasm" : "esModule"} = embed "${f}")`);
    }
    // The entry module comes first.
    modules.sort((a, b) => Number(b.includes("worker.mjs")) - Number(a.includes("worker.mjs")));
  } else {
    writeFileSync(join(dir, "hello.mjs"), 'export default { fetch() { return new Response(\'{"status":"ok"}\'); } };\n');
    modules.push('(name = "hello.mjs", esModule = embed "hello.mjs")');
  }
  const bindings = vars.map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`);
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(", ")} ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [ ${bindings.join(", ")} ],
);
`);
  return dir;
}

/** Starts workerd on a config dir; resolves with the process and its URL once it listens (reported on its control fd). */
function startWorkerd(dir) {
  const child = spawn(workerdBinary, ["serve", join(dir, "config.capnp"), "--control-fd=3"], { stdio: ["ignore", "inherit", "inherit", "pipe"] });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdio[3].on("data", (d) => {
      text += d;
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.event === "listen") resolve({ child, url: `http://127.0.0.1:${event.port}` });
      }
    });
    child.on("exit", (code) => reject(new Error(`workerd exited with ${code}`)));
  });
}

function stopWorkerd(child) {
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

/** workerd started with the worker until it listens, then the first GET /health answer and a later one, in ms. */
async function coldStart(main) {
  const dir = configDir(main);
  try {
    const t0 = performance.now();
    const { child, url } = await startWorkerd(dir);
    const t1 = performance.now();
    const res = await fetch(`${url}/health`);
    await res.text();
    const t2 = performance.now();
    await (await fetch(`${url}/health`)).text();
    const t3 = performance.now();
    await stopWorkerd(child);
    if (res.status !== 200) throw new Error(`GET /health answered ${res.status}`);
    return { ready: t1 - t0, first: t2 - t1, warm: t3 - t2 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const coldIndex = process.argv.indexOf("--cold");
if (coldIndex >= 0) {
  const runs = Number(process.argv[coldIndex + 1] ?? 5);
  const results = { nt: [], hello: [] };
  // Alternating, so a change in the machine's load hits both alike.
  for (let i = 0; i < runs; i++) {
    results.nt.push(await coldStart("nt"));
    results.hello.push(await coldStart("hello"));
  }
  console.log(JSON.stringify(results));
} else {
  const dir = configDir(process.argv.includes("--hello") ? "hello" : "nt");
  const { child, url } = await startWorkerd(dir);
  console.log(`listening on ${url}`);
  const stop = () => stopWorkerd(child).then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
