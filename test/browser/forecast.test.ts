// The page's neural forecast in headless Chromium: on the tab's WebGPU
// (SwiftShader) and, in a Chromium launched without WebGPU, on the CPU; both
// equal `nt forecast --model lstm --json` on the bundled series, with the band
// measured by stepRmse on the same held-out tail.
import { readFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaticServer } from "../../runtimes/node/static-server.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { evaluateTail, stepRmse } from "../../src/neural/job.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { nt } from "../cli/capture.ts";
import { GPU_ENV } from "../gpu/dawn.ts";
import { CHROMIUM, ensureWebBuild, launchChromium, openPage, root, serveWeb, waitForBundledData } from "./browser.ts";

/** WebGPU on the CPU: SwiftShader for Vulkan, ANGLE on SwiftShader (docs: /work/shared/notes/webgpu-without-a-gpu.md). */
const WEBGPU_ARGS = [
  "--no-sandbox", "--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
  "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
];

const closes = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);
const lstm = loadWeights(readFileSync(`${root}models/lstm.safetensors`));

let server: StaticServer;
let expected: number[];
let expectedRmse: number[];

beforeAll(async () => {
  ensureWebBuild();
  server = await serveWeb();
  const { code, out, err } = await nt("forecast", "--model", "lstm", "--json");
  expect(err).toBe("");
  expect(code).toBe(0);
  expected = JSON.parse(out).forecast;
  expect(expected).toHaveLength(8);
  expectedRmse = await stepRmse(lstm, closes, 250, 8);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

function expectClose(actual: number[], wanted: number[]): void {
  expect(actual).toHaveLength(wanted.length);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - wanted[i]) / Math.abs(wanted[i])));
  expect(worst).toBeLessThan(1e-4);
}

/** Clicks Forecast with the lstm and reads the status's text and figures. */
async function forecastOnPage(page: Page) {
  const requested: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await waitForBundledData(page);
  await page.selectOption("[data-testid=forecast-model]", "lstm");
  await page.click("[data-testid=forecast-run]");
  await page.waitForSelector("[data-testid=forecast-status][data-state=done], [data-testid=forecast-status][data-state=error]", { timeout: 120_000 });
  const status = page.locator("[data-testid=forecast-status]");
  const attr = async (name: string) => (await status.getAttribute(name)) ?? "";
  return {
    text: (await status.textContent()) ?? "",
    state: await attr("data-state"),
    backend: await attr("data-backend"),
    forecast: JSON.parse((await attr("data-forecast")) || "[]") as number[],
    rmse: JSON.parse((await attr("data-rmse")) || "[]") as number[],
    z: Number(await attr("data-z")),
    requested,
  };
}

describe("the page's neural forecast", () => {
  it("the band's origins are the weights' held-out evaluation: their pooled MAE is the metadata's eval.mae", async () => {
    const e = await evaluateTail(lstm, closes, 250, 8);
    expect(e.origins).toBe(243);
    expect(e.mae.toFixed(3)).toBe(lstm.info["eval.mae"]);
    // The band widens with the step: a one-step forecast errs less than an eight-step one.
    expect(expectedRmse[0]).toBeLessThan(expectedRmse[7]);
  });

  describe("with WebGPU (SwiftShader)", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_ARGS, headless: true, env: { ...process.env, ...GPU_ENV } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("forecasts on the tab's GPU, says WebGPU, and equals nt forecast --json to 1e-4", async () => {
      const { page, problems } = await openPage(browser, server.url);
      const r = await forecastOnPage(page);
      expect(r.state, r.text).toBe("done");
      expect(r.backend).toBe("webgpu");
      expect(r.text).toMatch(/^WebGPU · lstm: next 8 closes/);
      expectClose(r.forecast, expected);
      expect(r.z).toBe(1.96);
      expectClose(r.rmse, expectedRmse);
      // The weights came as a static file, fetched when asked for.
      expect(r.requested).toContain("/models/lstm.safetensors");
      expect(r.requested).not.toContain("/models/nhits.safetensors");
      expect(problems).toEqual([]);
    }, 180_000);
  });

  describe("without WebGPU", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium(); // the flags of every other page test: --disable-gpu, no WebGPU
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("falls back to the CPU (neural.wasm), says so, and gives nt forecast's numbers to the bit", async () => {
      const { page, problems } = await openPage(browser, server.url);
      const adapter = await page.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
        return gpu ? (await gpu.requestAdapter()) !== null : false;
      });
      expect(adapter).toBe(false);
      const r = await forecastOnPage(page);
      expect(r.state, r.text).toBe("done");
      expect(r.backend).toBe("cpu");
      expect(r.text).toMatch(/^CPU: no WebGPU adapter in this browser · lstm: next 8 closes/);
      // The same kernels as nt forecast's CPU path, so the same floats.
      expect(r.requested).toContain("/neural.wasm");
      // The status says on hover why the CPU ran, and that it was the kernels, not the TypeScript fallback.
      const why = (await page.getAttribute("[data-testid=forecast-status]", "title")) ?? "";
      expect(why).not.toBe("");
      expect(why).not.toContain("did not load");
      expect(r.forecast).toEqual(expected);
      expectClose(r.rmse, expectedRmse);
      expect(problems).toEqual([]);
    }, 180_000);
  });
});
