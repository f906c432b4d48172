// The same op cases in headless Chromium (Debian's, driven by playwright-core)
// on its WebGPU through SwiftShader. The page is served from 127.0.0.1: WebGPU
// needs a secure context.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../../runtimes/node/static-server.ts";
import { CHROMIUM, root } from "../browser/browser.ts";
import { GPU_ENV } from "./dawn.ts";
import { MODEL_KINDS } from "../../src/neural/model.ts";
import { SMALL_CONFIGS } from "../neural/model-cases.ts";
import { CASES, type CaseResult } from "./op-cases.ts";

/** WebGPU on the CPU: SwiftShader for Vulkan, ANGLE on SwiftShader for the rest. */
const WEBGPU_ARGS = [
  "--no-sandbox", "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
  "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
];

let dir: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nt-gpu-page-"));
  await build({
    entryPoints: [`${root}test/gpu/browser-check.ts`], outfile: join(dir, "check.js"),
    bundle: true, platform: "browser", format: "esm", target: "es2022", logLevel: "warning",
  });
  mkdirSync(join(dir, "models"));
  for (const kind of MODEL_KINDS) copyFileSync(`${root}models/${kind}.safetensors`, join(dir, "models", `${kind}.safetensors`));
  copyFileSync(`${root}data/sp500.csv`, join(dir, "sp500.csv"));
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>gpu ops</title><link rel="icon" href="data:,"><script type="module" src="check.js"></script>\n`);
  server = await startStaticServer({ root: dir, host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_ARGS, headless: true, env: { ...process.env, ...GPU_ENV } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("WGSL ops and models in headless Chromium (navigator.gpu, SwiftShader) match the CPU reference", () => {
  it("runs every op case and every model through gpuPredictor, each matching to 1e-4 relative", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.goto(server.url);
    await page.waitForFunction(() => "gpuReport" in globalThis);
    const report = (await page.evaluate(() => (globalThis as { gpuReport?: unknown }).gpuReport)) as
      { error?: string; adapter: string; results: CaseResult[]; models: CaseResult[] };
    expect(report.error).toBeUndefined();
    expect(problems).toEqual([]);
    expect(report.results.map((r) => r.name)).toEqual(CASES.map((c) => c.name));
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    // Every model through gpuPredictor against the CPU forward (test/neural/model-cases.ts).
    console.log(report.models.map((r) => `chromium ${r.name}: ${r.worst.toExponential(2)}`).join("\n"));
    expect(report.models).toHaveLength(3 + SMALL_CONFIGS.length);
    expect(report.models.filter((r) => !r.ok)).toEqual([]);
  }, 240_000);
});
