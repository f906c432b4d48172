// The ways the same API runs: the Node server on a random loopback port, the
// Deno server spawned with `npx deno run`, the neutral edge bundle's fetch
// called in-process, the Cloudflare Worker in workerd (through miniflare) and
// the Vercel Edge Function in Vercel's edge-runtime, each built as
// scripts/bundle.mjs builds it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { Miniflare } from "miniflare";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { startNodeServer } from "../../runtimes/node/server.ts";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildVercel, buildWorker, edgeBuildOptions } from "../../runtimes/edge/build.mjs";
import { root } from "../helpers.ts";

/** NT_API_TOKEN: the admin key. */
export const TOKEN = "test-token-0123456789abcdef";
/** Keys of NT_API_KEYS, one with each kind of scope a client would have. */
export const KEYS = { reader: "reader-key-0123456789abcdef", trader: "trader-key-0123456789abcdef" };
export const ALLOWED_ORIGIN = "https://app.example";
/** Small enough that a 413 test needs no big allocation, big enough for the sp500 bars as columns. */
export const BODY_LIMIT = 1024 * 1024;
export const RATE = { perSecond: 50, burst: 300 };

/** Settings every target runs with, as environment variables (the way each adapter reads them). */
export const testEnv: Record<string, string> = {
  NT_API_TOKEN: TOKEN,
  NT_API_KEYS: `reader:read:${KEYS.reader} trader:read,trade,backtest:${KEYS.trader}`,
  NT_CORS_ORIGINS: ALLOWED_ORIGIN,
  NT_RATE_LIMIT: `${RATE.perSecond}/s`,
  NT_RATE_BURST: String(RATE.burst),
  NT_BODY_LIMIT: String(BODY_LIMIT),
  // Tests give each rate-limit case its own client key with X-Forwarded-For.
  NT_TRUST_PROXY: "true",
};

export type RuntimeName = "node" | "deno" | "edge" | "workerd" | "vercel-edge";

export interface Target {
  readonly name: RuntimeName;
  /** Base URL for servers that listen on a socket (node, deno); WebSockets need one. */
  readonly url?: string;
  /** False on the edge builds: jobs and paper sessions answer 501 there (an isolate keeps nothing between requests). */
  readonly stateful: boolean;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

let workerBuild: { script: Promise<URL>; dir: string; users: number } | undefined;

/**
 * The compute worker bundled from source for the Node servers this test
 * process runs, where its packages resolve from node_modules (as
 * test/api/serve-cli.test.ts builds the CLI), so a test never runs a stale
 * dist/compute-worker.mjs. Built for the first server, removed with the last.
 */
function acquireWorkerScript(): Promise<URL> {
  if (workerBuild === undefined) {
    const dir = join(root, "node_modules/.cache/test-compute", String(process.pid));
    const outfile = join(dir, "compute-worker.mjs");
    mkdirSync(dir, { recursive: true });
    const script = build({
      entryPoints: [join(root, "runtimes/node/compute-worker.ts")], outfile, bundle: true, platform: "node",
      format: "esm", target: "node20", packages: "external", logLevel: "silent",
    }).then(() => pathToFileURL(outfile));
    workerBuild = { script, dir, users: 0 };
  }
  workerBuild.users++;
  return workerBuild.script;
}

function releaseWorkerScript(): void {
  if (workerBuild && --workerBuild.users === 0) {
    rmSync(workerBuild.dir, { recursive: true, force: true });
    workerBuild = undefined;
  }
}

/** The Node server in this process, its heavy routes on worker threads; `env` adds to or overrides testEnv. */
export async function startNode(env: Record<string, string> = {}): Promise<Target> {
  const config = loadAppConfig({ env: { ...testEnv, ...env }, overrides: { port: 0, host: "127.0.0.1" } });
  let server: Awaited<ReturnType<typeof startNodeServer>>;
  try {
    server = await startNodeServer(config, { computeWorker: await acquireWorkerScript() });
  } catch (e) {
    releaseWorkerScript();
    throw e;
  }
  return {
    name: "node",
    url: server.url,
    stateful: true,
    fetch: (path, init) => fetch(server.url + path, init),
    close: async () => {
      await server.close();
      releaseWorkerScript();
    },
  };
}

export async function startDeno(env: Record<string, string> = {}): Promise<Target> {
  const child = spawn("npx", ["deno", "run", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "runtimes/deno/server.ts", "--port", "0"], {
    cwd: root,
    env: { ...process.env, ...testEnv, ...env, NT_HOST: "127.0.0.1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: npx runs deno as a child, and stopping the group stops both.
    detached: true,
  });
  const url = await listeningUrl(child);
  return {
    name: "deno",
    url,
    stateful: true,
    fetch: (path, init) => fetch(url + path, init),
    close: () => stop(child),
  };
}

/** Bundles runtimes/edge exactly as scripts/bundle.mjs does (into a temp dir) and imports it; `env` adds to or overrides testEnv. */
export async function startEdge(env: Record<string, string> = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "nt-edge-"));
  const outfile = await buildNeutral(dir);
  const mod = (await import(pathToFileURL(outfile).href)) as { fetch(req: Request, env: Record<string, unknown>): Promise<Response> };
  return {
    name: "edge",
    stateful: false,
    fetch: (path, init) => mod.fetch(new Request(`http://edge.test${path}`, init), { ...testEnv, ...env }),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Builds an entry into a temp dir; returns the file to run. */
export type EntryBuild = (dir: string) => Promise<string>;

/** The neutral bundle, for checking that the edge platforms refuse it. */
export const buildNeutral: EntryBuild = async (dir) => {
  const outfile = join(dir, "edge.mjs");
  await build(edgeBuildOptions(outfile));
  return outfile;
};

/**
 * The Cloudflare Worker in workerd, Cloudflare's own runtime, which refuses to
 * compile WebAssembly from bytes as Workers do: built into a temp dir and run
 * with the module rules and compatibility date of the shipped wrangler.toml.
 */
export async function startWorkerd(buildEntry: EntryBuild = buildWorker, env: Record<string, string> = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "nt-workerd-"));
  const scriptPath = await buildEntry(dir);
  const wrangler = readWranglerToml();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are paths under this root, as wrangler names them under the worker's directory.
    modulesRoot: dir,
    compatibilityDate: wrangler.compatibilityDate,
    modulesRules: wrangler.rules,
    bindings: { ...testEnv, ...env },
  });
  await mf.ready;
  return {
    name: "workerd",
    stateful: false,
    fetch: async (path, init) => buffered(await mf.dispatchFetch(`http://workerd.test${path}`, init as never)),
    close: async () => {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What runtimes/edge/wrangler.toml tells wrangler, checked against the built worker's place. */
export function readWranglerToml(): { main: string; compatibilityDate: string; rules: { type: "CompiledWasm"; include: string[]; fallthrough?: boolean }[] } {
  const file = join(root, "runtimes/edge/wrangler.toml");
  const text = readFileSync(file, "utf8");
  const field = (key: string, where = text): string | undefined => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(where)?.[1];
  const main = field("main");
  const compatibilityDate = field("compatibility_date");
  if (!main || !compatibilityDate) throw new Error(`${file} must set main and compatibility_date`);
  const rules = text.split("[[rules]]").slice(1).map((block) => {
    const body = block.split(/^\[/m)[0];
    const type = field("type", body);
    const globs = /^globs\s*=\s*\[([^\]]*)\]/m.exec(body)?.[1].split(",").map((g) => g.trim().replace(/^"|"$/g, "")).filter((g) => g !== "");
    if (type !== "CompiledWasm" || !globs?.length) throw new Error(`${file}: each [[rules]] here must be type = "CompiledWasm" with globs`);
    return { type: "CompiledWasm" as const, include: globs, fallthrough: /^fallthrough\s*=\s*true/m.test(body) };
  });
  return { main: resolve(dirname(file), main), compatibilityDate, rules };
}

/**
 * The Vercel Edge Function in Vercel's edge-runtime with WebAssembly
 * compilation disabled, as in production. Its `?module` imports become
 * modules compiled by the host and handed into the VM, which is how Vercel
 * and Next.js's edge sandbox provide them; the VM dispatches a FetchEvent to
 * `handle`, called on the entry's exports `m`, with settings in process.env.
 */
export async function startVercelEdge(buildEntry: EntryBuild = buildVercel, handle = "m.default(event.request)", env: Record<string, string> = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "nt-vercel-"));
  const entry = await buildEntry(dir);
  const wasmFiles: string[] = [];
  const bindings: Plugin = {
    name: "vercel-wasm-bindings",
    setup(b) {
      b.onResolve({ filter: /\.wasm\?module$/ }, (a) => {
        const file = resolve(a.resolveDir, a.path.replace(/\?module$/, ""));
        wasmFiles.push(file);
        return { path: file, namespace: "wasm-binding" };
      });
      b.onLoad({ filter: /.*/, namespace: "wasm-binding" }, (a) => ({ contents: `export default globalThis.__wasmBindings[${JSON.stringify(basename(a.path))}];`, loader: "js" }));
    },
  };
  const script = await build({
    stdin: {
      contents: `import * as m from ${JSON.stringify(entry)};\naddEventListener("fetch", (event) => event.respondWith(${handle}));`,
      resolveDir: dir,
    },
    bundle: true, write: false, format: "iife", platform: "neutral", target: "es2022", plugins: [bindings], logLevel: "warning",
  });
  const modules = Object.fromEntries(await Promise.all(wasmFiles.map(async (f) => [basename(f), await WebAssembly.compile(readFileSync(f))] as const)));
  const runtime = new EdgeRuntime({
    codeGeneration: { strings: false, wasm: false },
    extend: (context) => Object.assign(context, { __wasmBindings: modules, process: { env: { ...testEnv, ...env } } }),
  });
  runtime.evaluate(script.outputFiles[0].text);
  return {
    name: "vercel-edge",
    stateful: false,
    fetch: async (path, init) => buffered(await runtime.dispatchFetch(`http://vercel.test${path}`, init)),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A platform's Response (miniflare's undici, edge-runtime's VM realm) read to
 * the end and rebuilt as this realm's: no body left holding a connection.
 */
async function buffered(res: { status: number; headers: Iterable<[string, string]>; arrayBuffer(): Promise<ArrayBuffer> }): Promise<Response> {
  const body = await res.arrayBuffer();
  const empty = [101, 204, 205, 304].includes(res.status);
  return new Response(empty ? null : body, { status: res.status, headers: [...res.headers] });
}

export const starters: Record<RuntimeName, () => Promise<Target>> = {
  node: startNode, deno: startDeno, edge: () => startEdge(), workerd: () => startWorkerd(), "vercel-edge": () => startVercelEdge(),
};

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`deno server did not start within 60 s\n${out}\n${err}`)), 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      reject(e);
    };
    child.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) => fail(new Error(`deno server exited with ${code} before listening\n${out}\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    killGroup(child, "SIGTERM");
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}
