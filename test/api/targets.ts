// The three ways the same API runs: the Node server on a random loopback port,
// the Deno server spawned with `npx deno run`, and the edge bundle's fetch
// called in-process with standard Request objects.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { startNodeServer } from "../../runtimes/node/server.ts";
// @ts-expect-error: a plain .mjs build script without type declarations
import { edgeBuildOptions } from "../../runtimes/edge/build.mjs";
import { root } from "../helpers.ts";

export const TOKEN = "test-token-0123456789abcdef";
export const ALLOWED_ORIGIN = "https://app.example";
/** Small enough that a 413 test needs no big allocation, big enough for the sp500 bars as columns. */
export const BODY_LIMIT = 1024 * 1024;
export const RATE = { perSecond: 50, burst: 300 };

/** Settings every target runs with, as environment variables (the way each adapter reads them). */
export const testEnv: Record<string, string> = {
  NT_API_TOKEN: TOKEN,
  NT_CORS_ORIGINS: ALLOWED_ORIGIN,
  NT_RATE_LIMIT: `${RATE.perSecond}/s`,
  NT_RATE_BURST: String(RATE.burst),
  NT_BODY_LIMIT: String(BODY_LIMIT),
  // Tests give each rate-limit case its own client key with X-Forwarded-For.
  NT_TRUST_PROXY: "true",
};

export type RuntimeName = "node" | "deno" | "edge";

export interface Target {
  readonly name: RuntimeName;
  /** Base URL for servers that listen on a socket (node, deno); WebSockets need one. */
  readonly url?: string;
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
    fetch: (path, init) => fetch(url + path, init),
    close: () => stop(child),
  };
}

/** Bundles runtimes/edge exactly as scripts/bundle.mjs does (into a temp dir) and imports it. */
export async function startEdge(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "nt-edge-"));
  const outfile = join(dir, "edge.mjs");
  await build(edgeBuildOptions(outfile));
  const mod = (await import(pathToFileURL(outfile).href)) as { fetch(req: Request, env: Record<string, unknown>): Promise<Response> };
  return {
    name: "edge",
    fetch: (path, init) => mod.fetch(new Request(`http://edge.test${path}`, init), testEnv),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const starters: Record<RuntimeName, () => Promise<Target>> = { node: startNode, deno: startDeno, edge: startEdge };

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
