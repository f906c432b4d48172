// What the edge builds promise beyond the shared API cases (runtimes.test.ts):
// the platforms really refuse to compile WebAssembly from bytes (so the
// targets are faithful and the per-platform builds are needed), each build
// ships the files its deploy step expects, and the edge defaults keep the
// worst requests inside a Worker's 128 MB.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildVercel, buildWorker, KERNELS } from "../../runtimes/edge/build.mjs";
import { EDGE_DEFAULTS } from "../../runtimes/edge/defaults.ts";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { root, wasmBytes } from "../helpers.ts";
import { sp500Csv } from "./fixtures.ts";
import { buildNeutral, KEYS, readWranglerToml, startEdge, startVercelEdge, startWorkerd, testEnv, TOKEN } from "./targets.ts";

const kernels = KERNELS as string[];

describe("the edge platforms refuse WebAssembly compiled from bytes", () => {
  it("workerd: the neutral bundle answers 500 startup_failed, naming the refusal", async () => {
    const t = await startWorkerd(buildNeutral);
    try {
      const res = await t.fetch("/health");
      const body = await res.json();
      expect(res.status).toBe(500);
      expect(body.error.code).toBe("startup_failed");
      expect(body.error.message).toMatch(/Wasm code generation disallowed/);
    } finally {
      await t.close();
    }
  }, 60_000);

  it("edge-runtime with code generation off: the neutral bundle answers 500 startup_failed", async () => {
    const t = await startVercelEdge(buildNeutral, "m.fetch(event.request, process.env)");
    try {
      const res = await t.fetch("/health");
      expect(res.status).toBe(500);
      expect((await res.json()).error.message).toMatch(/WebAssembly\.compile\(\).*disallowed/i);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe("each build ships what its deploy step uploads", () => {
  const dir = mkdtempSync(join(tmpdir(), "nt-edge-builds-"));
  let worker: string;
  let vercel: string;
  beforeAll(async () => {
    worker = await buildWorker(join(dir, "edge"));
    vercel = await buildVercel(join(dir, "vercel"));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The imports a built file leaves to its platform, and its exports. */
  async function surface(file: string) {
    const r = await build({ entryPoints: [file], bundle: true, write: false, metafile: true, format: "esm", outdir: "out", external: ["*.wasm", "*.wasm?module"], logLevel: "silent" });
    const out = Object.values(r.metafile.outputs)[0];
    return { imports: out.imports.map((i) => i.path).sort(), exports: out.exports.sort() };
  }

  it("the Worker imports exactly the kernels, as .wasm modules copied beside it; wrangler.toml points at it", async () => {
    expect(await surface(worker)).toEqual({ imports: kernels.map((k) => `./${k}.wasm`).sort(), exports: ["default"] });
    for (const k of kernels) expect(readFileSync(join(dir, "edge", `${k}.wasm`))).toEqual(readFileSync(join(root, "build", `${k}.wasm`)));
    const wrangler = readWranglerToml();
    expect(wrangler.main).toBe(join(root, "dist/edge/worker.mjs"));
    expect(wrangler.rules).toEqual([{ type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: false }]);
    // npm run build wrote the real one there.
    expect(existsSync(wrangler.main)).toBe(true);
  });

  it("the Vercel function imports the kernels with ?module, runs on the edge runtime, and gets every path", async () => {
    expect(await surface(vercel)).toEqual({ imports: kernels.map((k) => `./${k}.wasm?module`).sort(), exports: ["config", "default"] });
    // Vercel finds the runtime only as an exported const object literal in the entry's text (@vercel/static-config).
    expect(readFileSync(vercel, "utf8")).toMatch(/^export const config = \{ runtime: "edge" \};$/m);
    for (const k of kernels) expect(readFileSync(join(dir, "vercel/lib", `${k}.wasm`))).toEqual(readFileSync(join(root, "build", `${k}.wasm`)));
    const config = JSON.parse(readFileSync(join(dir, "vercel/vercel.json"), "utf8"));
    expect(config.rewrites).toEqual([{ source: "/(.*)", destination: "/api" }]);
  });
});

describe("the edge defaults keep the worst requests inside a Worker's 128 MB", () => {
  const WORKER_MEMORY_MIB = 128;
  const bodyLimit = 2 * 1024 * 1024;
  const maxValues = 500_000;
  const dir = mkdtempSync(join(tmpdir(), "nt-edge-memory-"));
  let bundle: string;
  beforeAll(async () => {
    bundle = await buildNeutral(dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the defaults are the ones measured here", () => {
    expect(EDGE_DEFAULTS).toEqual({ NT_BODY_LIMIT: "2mb", NT_MAX_OUTPUT_VALUES: String(maxValues) });
  });

  it("the platform's variables override them; an empty one keeps the default", async () => {
    const closes = Array.from({ length: 320_000 }, (_, i) => 100 + (i % 97) / 8);
    const body = JSON.stringify({ series: closes, indicators: ["sma:20"] });
    expect(body.length).toBeGreaterThan(bodyLimit);
    const statusWith = async (env: Record<string, string>, instance: string) => {
      // A fresh module instance per setting: the app reads its settings once, on its first request.
      const mod = await import(`${pathToFileURL(bundle).href}?${instance}`);
      const res: Response = await mod.fetch(new Request("http://edge.test/indicators", { method: "POST", headers: { "content-type": "application/json" }, body }), env);
      return res.status;
    };
    expect(await statusWith({}, "defaults")).toBe(413);
    expect(await statusWith({ NT_BODY_LIMIT: "" }, "empty")).toBe(413);
    expect(await statusWith({ NT_BODY_LIMIT: "4mb" }, "raised")).toBe(200);
  });

  /** One request in a fresh process with a 128 MB V8 heap (bench/edge-memory.mjs), with the edge defaults. */
  function probe(kind: string, size: number) {
    const env = { NT_API_TOKEN: testEnv.NT_API_TOKEN };
    const r = spawnSync(process.execPath, ["--max-old-space-size=128", "--expose-gc", join(root, "bench/edge-memory.mjs"), bundle, kind, String(size), JSON.stringify(env)], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, `${kind} ${size}: the process died\n${r.stderr.slice(-2000)}`).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(out.idleMiB + out.peakMiB, `${kind} ${size}: ${JSON.stringify(out)}`).toBeLessThan(WORKER_MEMORY_MIB);
    return out;
  }

  // Kinds (bench/edge-memory.mjs): an answer of `size` values, or a body of `size` bytes.
  it.each([
    ["output", maxValues, "200"],
    ["output", maxValues + 1, "413 too_many_values"],
    ["closes", bodyLimit, "200"],
    ["nested", bodyLimit, "400 validation"],
    ["rows", bodyLimit, "200"],
    ["csv", bodyLimit, "200"],
    ["closes", bodyLimit + 1000, "413 body_too_large"],
  ] as const)("%s, size %i: answers %s", (kind, size, answer) => {
    const out = probe(kind, size);
    expect(out.code ? `${out.status} ${out.code}` : String(out.status)).toBe(answer);
  }, 60_000);
});

describe("API keys at the edge: hashed on the first request, checked on every platform", () => {
  // Every compute route closed: the keys decide, after the async hashing each platform does at start-up.
  const env = { NT_PUBLIC_ROUTES: "none" };
  it.each([
    ["edge", () => startEdge(env)],
    ["workerd", () => startWorkerd(buildWorker, env)],
    ["vercel-edge", () => startVercelEdge(buildVercel, "m.default(event.request)", env)],
  ] as const)("%s: 401 without a key, 403 without the backtest scope, 200 with it", async (_, start) => {
    const t = await start();
    try {
      const body = JSON.stringify({ series: [1, 2, 3, 4], indicators: ["sma:2"] });
      const indicators = async (key?: string) => {
        const res = await t.fetch("/indicators", { method: "POST", headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
        const json = await res.json();
        return res.status === 200 ? "200" : `${res.status} ${json.error.code}`;
      };
      expect(await indicators()).toBe("401 unauthorized");
      expect(await indicators("not-a-key-0123456789abcdef")).toBe("401 unauthorized");
      expect(await indicators(KEYS.reader)).toBe("403 insufficient_scope");
      expect(await indicators(KEYS.trader)).toBe("200");
      expect(await indicators(TOKEN)).toBe("200");
      expect((await t.fetch("/health")).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe("a host that keeps state but serves no WebSockets", () => {
  it("answers the stream route with 501 websocket_unsupported and lets clients poll the session instead", async () => {
    const engine = createApp({
      config: loadAppConfig({ env: { NT_API_TOKEN: TOKEN } }),
      kernels: await loadKernels({ indicators: wasmBytes("indicators") }),
      samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
      app: { name: "nt", version: "0.0.0-test" },
    });
    const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    try {
      const started = await engine.fetch(new Request("http://x/sessions", {
        method: "POST", headers: auth, body: JSON.stringify({ sample: "sp500", strategy: "momentum", barsPerSecond: 10 }),
      }));
      expect(started.status).toBe(201);
      const { id } = await started.json();
      const res = await engine.fetch(new Request(`http://x/sessions/${id}/stream`, { headers: { ...auth, upgrade: "websocket" } }));
      expect(res.status).toBe(501);
      expect((await res.json()).error.code).toBe("websocket_unsupported");
      expect((await engine.fetch(new Request(`http://x/sessions/${id}`, { headers: auth }))).status).toBe(200);
    } finally {
      engine.close();
    }
  });
});
