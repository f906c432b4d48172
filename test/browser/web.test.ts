// The browser app in a real browser (Debian's headless Chromium through
// playwright-core): the numbers on the page must be the Node CLI's numbers.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { AnalyzedReport } from "../../src/report/analysis.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { CONFIG_SETTINGS } from "../../src/backtest/config.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import type { SettingSpec } from "../../src/core/settings.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS } from "../../src/risk/limits.ts";
import { SIZING_SETTINGS } from "../../src/risk/sizing.ts";
import type { StaticServer } from "../../runtimes/node/static-server.ts";
import {
  cli, ensureWebBuild, expectAnalysisEqual, expectStatsEqual, launchChromium, openPage, root, runBacktest, serveWeb, syntheticCsv, value, waitForBundledData,
} from "./browser.ts";

const artifacts = join(root, "test-artifacts");
const tmp = mkdtempSync(join(tmpdir(), "nt-web-"));

let browser: Browser;
let server: StaticServer;
const timings: { clickToResultsMs: number; engineMs: number; overlayMs: number }[] = [];

beforeAll(async () => {
  ensureWebBuild();
  mkdirSync(artifacts, { recursive: true });
  [browser, server] = await Promise.all([launchChromium(), serveWeb()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
  // Tests never rewrite tracked files: the figures go to bench/RESULTS.md only when asked for.
  if (timings.length > 0 && process.env.NT_BENCH_BROWSER === "1") writeBenchSection(browser?.version() ?? "Chromium");
});

const sp500 = () => parseBarsCsv(readFileSync(join(root, "data/sp500.csv"), "utf8"), { source: "sp500.csv", symbol: "SPX" });

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`[data-testid=${testId}]`)]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), "utf8") };
}

/** The report without the two fields that time the run (they differ run to run). */
function untimed(r: BacktestReport): Omit<BacktestReport, "elapsedMs" | "barsPerSecond"> {
  const { elapsedMs: _e, barsPerSecond: _b, ...rest } = r;
  return rest;
}

describe("the browser app", () => {
  it("loads the bundled S&P 500 and the WASM kernels from static files", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    expect(await page.getAttribute("[data-testid=data-status]", "data-symbol")).toBe("SPX");
    expect(await page.getAttribute("[data-testid=kernels]", "data-kernels")).toBe("wasm");
    // The form comes from the strategy metadata.
    const options = await page.$$eval("[data-testid=strategy] option", (o) => o.map((x) => [(x as HTMLOptionElement).value, (x as HTMLOptionElement).disabled]));
    // Every strategy is offered: one that needs more than the bars gets file inputs for it (test/browser/inputs.test.ts).
    expect(options).toEqual([["momentum", false], ["mean-reversion", false], ["neural-forecast", false], ["neural-sentiment", false], ["pairs", false], ["mirror", false]]);
    expect(await page.textContent("[data-testid=strategy] option[value=pairs]")).toBe("pairs");
    for (const name of ["fast", "slow", "rsiPeriod", "rsiMax", "allowShort"]) {
      expect(await page.locator(`[data-testid=param-${name}]`).count(), name).toBe(1);
    }
    expect(await page.inputValue("[data-testid=param-slow]")).toBe("100");
    expect(await page.getAttribute("[data-testid=param-rsiMax]", "max")).toBe("100");
    // Every input has a label.
    const unlabelled = await page.$$eval("input:not([type=file]), select", (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("generates the run settings, risk limits and sizing options from the engine's declarations, each with its default", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.click("#settings summary");
    /** The form's fields in `container`, by data-testid, with their values. */
    const fields = (container: string) => page.$$eval(`${container} input`, (inputs) =>
      inputs.map((i) => [i.getAttribute("data-testid"), (i as HTMLInputElement).value]));
    const expected = (prefix: string, specs: readonly SettingSpec[], group = "") =>
      specs.map((s) => [`${prefix}-${group}${s.name}`, s.default === undefined ? "" : String(s.default)]);
    // Every declared setting, in the declared order, nothing else, each showing its default.
    expect(await fields("#setting-fields")).toEqual(expected("setting", CONFIG_SETTINGS));
    expect(await fields("#limit-fields")).toEqual([...expected("limit", LIMIT_SETTINGS), ...expected("limit", ORDER_RATE_SETTINGS, "maxOrderRate.")]);
    const methods = await page.$$eval("[data-testid=sizing-method] option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(methods).toEqual(["", ...Object.keys(SIZING_SETTINGS)]);
    expect(await fields("#sizing-fields")).toEqual([]);
    for (const [method, specs] of Object.entries(SIZING_SETTINGS)) {
      await page.selectOption("[data-testid=sizing-method]", method);
      expect(await fields("#sizing-fields"), method).toEqual(expected("sizing", specs));
    }
    // A window typed in days reaches the engine in milliseconds: 1 order in 30 days, as `--max-orders 1:30`.
    await page.selectOption("[data-testid=sizing-method]", "");
    await page.fill("[data-testid=param-fast]", "2");
    await page.fill("[data-testid=param-slow]", "5");
    await page.fill("[data-testid='limit-maxOrderRate.count']", "1");
    await expect.poll(() => page.textContent("[data-testid='error-maxOrderRate.windowMs']")).toBe("maxOrderRate.windowMs must be a number > 0, got nothing");
    await page.fill("[data-testid='limit-maxOrderRate.windowMs']", "30");
    await expect.poll(() => page.locator("[aria-invalid=true]").count()).toBe(0);
    await runBacktest(page, 1);
    const engine = runStrategyBacktest(sp500(), { strategy: "momentum", params: { fast: 2, slow: 5 }, limits: { maxOrderRate: { count: 1, windowMs: 30 * 86_400_000 } } });
    expect(engine.rejections.length).toBeGreaterThan(0);
    expect(await value(page, "stat-totalReturn")).toBe(engine.totalReturn);
    expect(await value(page, "stat-rejections")).toBe(engine.rejections.length);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("runs momentum in a worker and shows exactly the numbers of `nt backtest --json`", async () => {
    const expected = await cli();
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);
    expect(expected.resized.length).toBeGreaterThan(0);
    expect(await page.textContent("[data-testid=equity-legend]")).toContain("SPX buy & hold");
    expect(await page.getAttribute("[data-testid=run-status]", "data-state")).toBe("done");
    expect(await page.getAttribute("[data-testid=result-timing]", "data-kernels")).toBe("wasm");

    // The overlays (computed by the WASM kernels) and both charts are drawn.
    const legend = await page.textContent("[data-testid=price-legend]");
    expect(legend).toContain("SMA(20)");
    expect(legend).toContain("SMA(100)");
    expect(legend).toContain("RSI(14)");
    expect(await page.locator("#price-chart canvas").count()).toBeGreaterThan(0);
    expect(await page.locator("#equity-chart canvas").count()).toBeGreaterThan(0);
    expect(await page.locator("[data-testid=trade-row]").count()).toBe(expected.trades.length);

    // The JSON export is the CLI's report; the CSV export lists the same trades.
    const json = await download(page, "export-json");
    // Named by the strategy and its parameters.
    const stem = "momentum_fast-20_slow-100_rsiPeriod-14_rsiMax-70_allowShort-false";
    expect(json.name).toBe(`${stem}.json`);
    const exported = JSON.parse(json.text) as BacktestReport;
    expect(untimed(exported)).toEqual(untimed(expected));
    expect(exported.elapsedMs).toBeGreaterThan(0);
    const csv = await download(page, "export-csv");
    expect(csv.name).toBe(`${stem}.csv`);
    const lines = csv.text.trim().split("\n");
    expect(lines[0]).toBe("side,entry_time,exit_time,entry_price,exit_price,quantity,pnl,return_pct,commission,bars,entry_reason,exit_reason");
    expect(lines.length).toBe(expected.trades.length + 1);
    const first = expected.trades[0];
    const cells = lines[1].split(",");
    expect(cells.slice(0, 3)).toEqual([first.side, new Date(first.entryTime).toISOString().slice(0, 10), new Date(first.exitTime).toISOString().slice(0, 10)]);
    expect(Number(cells[6])).toBe(first.pnl);
    // The HTML export is the report's self-contained HTML (the CLI's --out).
    const html = await download(page, "export-html");
    expect(html.name).toBe(`${stem}.html`);
    expect(html.text).toBe(renderReportHtml(exported as AnalyzedReport));

    // Prices at the data's tick (S&P 500 closes in cents, written as single-precision floats: 1455.219971).
    const cents = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const row = await page.$$eval("[data-testid=trade-row]:first-child td", (tds) => tds.map((td) => td.textContent));
    expect(row.slice(6, 8)).toEqual([cents(first.entryPrice), cents(first.exitPrice)]);
    expect(await page.textContent("[data-testid=price-legend]")).toMatch(/^SPX \S+ {2}O [\d,]+\.\d\d {2}H [\d,]+\.\d\d {2}L [\d,]+\.\d\d {2}C [\d,]+\.\d\d(?!\d)/);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(artifacts, "browser-results.png"), fullPage: true });

    // Click to results on the bundled 5,105 bars, timed in the page (performance.now): the first
    // run above and ten more.
    const read = async () => ({
      clickToResultsMs: Number(await page.getAttribute("[data-testid=result-timing]", "data-click-to-results-ms")),
      engineMs: Number(await page.getAttribute("[data-testid=result-timing]", "data-engine-ms")),
      overlayMs: Number(await page.getAttribute("[data-testid=result-timing]", "data-overlay-ms")),
    });
    timings.push(await read());
    for (let k = 2; k <= 11; k++) {
      await runBacktest(page, k);
      timings.push(await read());
    }
    for (const t of timings) expect(t.clickToResultsMs).toBeGreaterThan(t.engineMs);
    await expectStatsEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("draws a series whole, zooms in to single bars, and puts prices and equity on log scales", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await runBacktest(page, 1);
    const perPoint = async () => Number(await page.getAttribute("#price-chart [data-bars-per-point]", "data-bars-per-point"));
    // 5,105 bars on a chart some 900 pixels wide: each candle stands for several bars, none left out.
    const whole = await perPoint();
    expect(whole).toBeGreaterThan(1);
    // A trade's number zooms to it, drawn bar by bar.
    await page.click("[data-testid=trade-row] >> nth=0 >> button");
    await expect.poll(perPoint).toBe(1);
    await page.click("[data-testid=show-all]");
    await expect.poll(perPoint).toBe(whole);
    // The mouse wheel zooms in, and the bars in view are drawn again more finely.
    const box = (await page.locator("#price-chart").boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    for (let k = 0; k < 6; k++) await page.mouse.wheel(0, -400);
    await expect.poll(perPoint).toBeLessThan(whole);
    for (const chart of ["price", "equity"]) {
      await page.check(`[data-testid=${chart}-log]`);
      expect(await page.getAttribute(`#${chart}-chart [data-scale]`, "data-scale"), chart).toBe("log");
      await page.uncheck(`[data-testid=${chart}-log]`);
      expect(await page.getAttribute(`#${chart}-chart [data-scale]`, "data-scale"), chart).toBe("linear");
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("runs the parameters and settings typed into the generated form like the CLI flags", async () => {
    const expected = await cli("--strategy", "mean-reversion", "--param", "period=30", "--param", "entryZ=1.5",
      "--param", "allowShort=true", "--stop-loss", "0.05", "--commission", "0.01");
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.selectOption("[data-testid=strategy]", "mean-reversion");
    await page.fill("[data-testid=param-period]", "30");
    await page.fill("[data-testid=param-entryZ]", "1.5");
    await page.check("[data-testid=param-allowShort]");
    await page.click("#settings summary");
    await page.fill("[data-testid=setting-stopLossPct]", "0.05");
    await page.fill("[data-testid=setting-commissionPerShare]", "0.01");
    await runBacktest(page, 1);
    expect(expected.trades.some((t) => t.side === "short")).toBe(true);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);
    expect(await page.textContent("[data-testid=result-title]")).toContain("period=30, entryZ=1.5, exitZ=0, allowShort=true");
    const legend = await page.textContent("[data-testid=price-legend]");
    expect(legend).toContain("BB(30, 1.5) upper");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("runs the neural-forecast strategy (walk-forward fits in the tab's worker) like the CLI, to the bit", async () => {
    const params = { trainBars: "300", retrainEvery: "1500", epochs: "2", errorWindow: "20", allowShort: "true" };
    const expected = await cli("--strategy", "neural-forecast", ...Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]));
    expect(expected.trades.length).toBeGreaterThan(5);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.selectOption("[data-testid=strategy]", "neural-forecast");
    for (const [k, v] of Object.entries(params)) {
      if (k === "allowShort") await page.check(`[data-testid=param-${k}]`);
      else await page.fill(`[data-testid=param-${k}]`, v);
    }
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs risk limits and sizing from the run settings like the engine, and lists the rejections", async () => {
    const expected = runStrategyBacktest(sp500(), {
      strategy: "momentum", params: { fast: 5, slow: 20 }, limits: { maxDrawdown: 0.1 }, sizing: { method: "volTarget", target: 0.15 },
    });
    expect(expected.rejections.length).toBeGreaterThan(0);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.fill("[data-testid=param-fast]", "5");
    await page.fill("[data-testid=param-slow]", "20");
    await page.click("#settings summary");
    await page.fill("[data-testid=limit-maxDrawdown]", "1.5");
    await expect.poll(() => page.textContent("[data-testid=error-maxDrawdown]")).toBe('limits.maxDrawdown must be a number in (0, 1), got "1.5"');
    await page.fill("[data-testid=limit-maxDrawdown]", "0.1");
    await page.selectOption("[data-testid=sizing-method]", "volTarget");
    await page.fill("[data-testid=sizing-target]", "0.15");
    await expect.poll(() => page.textContent("[data-testid=error-maxDrawdown]")).toBe("");
    await runBacktest(page, 1);
    expect(await value(page, "stat-totalReturn")).toBe(expected.totalReturn);
    expect(await value(page, "stat-trades")).toBe(expected.trades.length);
    expect(await value(page, "stat-rejections")).toBe(expected.rejections.length);
    expect(await page.locator("[data-testid=rejection-row]").count()).toBe(Math.min(50, expected.rejections.length));
    expect(await page.textContent("[data-testid=rejection-rule] >> nth=0")).toBe(expected.rejections[0].rule);
    expect(Number(await page.getAttribute("[data-testid=rejection-time] >> nth=0", "data-value"))).toBe(expected.rejections[0].time);
    await page.locator("#rejections-h").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, "browser-risk.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("shows the engine's validation message next to the field at fault", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.fill("[data-testid=param-fast]", "150");
    await expect.poll(() => page.textContent("[data-testid=error-fast]"))
      .toBe("momentum: fast period (150) must be shorter than slow period (100)");
    expect(await page.getAttribute("[data-testid=param-fast]", "aria-invalid")).toBe("true");
    await page.click("[data-testid=run]");
    expect(await page.textContent("[data-testid=run-status]")).toBe("Fix the highlighted fields first.");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("p-fast");
    expect(await page.getAttribute("[data-testid=results]", "data-runs")).toBeNull();

    await page.fill("[data-testid=param-fast]", "2.5");
    await expect.poll(() => page.textContent("[data-testid=error-fast]")).toBe('momentum: params.fast must be an integer from 1 to 1000, got "2.5"');
    // Text is read by the rules the CLI's --param uses (settingFromText): no exponent.
    await page.fill("[data-testid=param-fast]", "1e1");
    await expect.poll(() => page.textContent("[data-testid=error-fast]"))
      .toBe('momentum: params.fast must be an integer from 1 to 1000 written in plain decimal (no exponent, hex, + or spaces), got "1e1"');
    await page.fill("[data-testid=param-fast]", "20");
    await page.fill("[data-testid=param-rsiMax]", "101");
    await expect.poll(() => page.textContent("[data-testid=error-rsiMax]")).toBe('momentum: params.rsiMax must be a number from 0 to 100, got "101"');
    expect(await page.textContent("[data-testid=error-fast]")).toBe("");
    await page.fill("[data-testid=param-rsiMax]", "70");
    await page.click("#settings summary");
    await page.fill("[data-testid=setting-positionFraction]", "1.5");
    await expect.poll(() => page.textContent("[data-testid=error-positionFraction]")).toBe('config.positionFraction must be a number in (0, 1], got "1.5"');
    await page.fill("[data-testid=setting-positionFraction]", "1");
    await expect.poll(() => page.locator("[aria-invalid=true]").count()).toBe(0);
    await runBacktest(page, 1);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("names the bad row of a malformed CSV, picked or dropped, and keeps the loaded data", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    const picked = "date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,11,10,10.8,120\n2020-01-06,10.8,11,10.2,12.5,90\n";
    await page.setInputFiles("[data-testid=file-input]", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(picked) });
    await page.waitForSelector("[data-testid=data-error]:not([hidden])");
    expect(await page.getAttribute("[data-testid=data-error]", "data-row")).toBe("3");
    expect(await page.textContent("[data-testid=data-error-message]")).toBe("bad.csv, row 3: close: close 12.5 is outside [low 10.2, high 11]");
    expect(await page.textContent("[data-testid=data-error-where]")).toBe(" (row 3, column “close”)");
    await page.screenshot({ path: join(artifacts, "browser-csv-error.png") });
    expect(await page.getAttribute("[data-testid=data-status]", "data-bars")).toBe("5105");

    // Dropped on the drop zone: a text volume on row 2.
    const dropped = "Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,11,10,10.8,lots\n";
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "dropped.csv", { type: "text/csv" }));
      document.getElementById("dropzone")!.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, dropped);
    await expect.poll(() => page.getAttribute("[data-testid=data-error]", "data-row")).toBe("2");
    expect(await page.textContent("[data-testid=data-error-message]")).toBe('dropped.csv, row 2: Volume: expected a finite number, got "lots"');
    expect(await page.getAttribute("[data-testid=data-status]", "data-bars")).toBe("5105");

    // Not text at all: named as binary, not as a bad first row. Dropped as a PNG, picked as a spreadsheet saved as Latin-1.
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52];
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "chart.png", { type: "image/png" }));
      document.getElementById("dropzone")!.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, png);
    await expect.poll(() => page.textContent("[data-testid=data-error-message]"))
      .toBe("chart.png: a binary file, not CSV text (byte 9 is a NUL byte, which CSV text never holds)");
    const latin1 = Buffer.from("date,open,high,low,close,volume,note\n2020-01-02,10,11,9,10.5,100,caf\xe9\n", "latin1");
    await page.setInputFiles("[data-testid=file-input]", { name: "export.csv", mimeType: "text/csv", buffer: latin1 });
    await expect.poll(() => page.textContent("[data-testid=data-error-message]"))
      .toBe(`export.csv: a binary file, not CSV text (its first ${latin1.length} bytes are not UTF-8 text)`);
    expect(await page.getAttribute("[data-testid=data-error]", "data-row")).toBeNull();
    expect(await page.getAttribute("[data-testid=data-status]", "data-bars")).toBe("5105");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("backtests a CSV the user picks exactly like `nt backtest --data`", async () => {
    const file = join(tmp, "synth.csv");
    writeFileSync(file, syntheticCsv(800));
    const expected = await cli("--data", file, "--param", "fast=10", "--param", "slow=40");
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.setInputFiles("[data-testid=file-input]", file);
    await page.waitForSelector("[data-testid=data-status][data-bars='800']");
    expect(await page.getAttribute("[data-testid=data-status]", "data-symbol")).toBe("SYNTH");
    await page.fill("[data-testid=param-fast]", "10");
    await page.fill("[data-testid=param-slow]", "40");
    await runBacktest(page, 1);
    expect(expected.symbol).toBe("SYNTH");
    expect(expected.trades.length).toBeGreaterThan(3);
    await expectStatsEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("cancels a long run between slices, and the worker goes on serving", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    // 120,000 bars with a 5,000-bar band: seconds of engine time (about 2 s in Node), so the cancel lands mid-run.
    await page.setInputFiles("[data-testid=file-input]", { name: "long.csv", mimeType: "text/csv", buffer: Buffer.from(syntheticCsv(120_000)) });
    await page.waitForSelector("[data-testid=data-status][data-bars='120000']", { timeout: 30_000 });
    await page.selectOption("[data-testid=strategy]", "mean-reversion");
    await page.fill("[data-testid=param-period]", "5000");
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=run-status][data-done]", { timeout: 30_000 });
    await page.click("[data-testid=cancel]");
    await page.waitForSelector("[data-testid=run-status][data-state=cancelled]", { timeout: 10_000 });
    const done = Number(await page.getAttribute("[data-testid=run-status]", "data-done"));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(120_000);
    expect(await page.textContent("[data-testid=run-status]")).toMatch(/^Cancelled after \d+ bars\.$/);
    expect(await page.getAttribute("[data-testid=results]", "data-runs")).toBeNull();
    expect(await page.isEnabled("[data-testid=run]")).toBe(true);
    // The same worker runs the next backtest.
    await page.fill("[data-testid=param-period]", "20");
    await runBacktest(page, 1);
    expect(await value(page, "stat-bars")).toBe(120_000);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("keeps the run button in view however far the page or the form is scrolled, and brings the results into view when a run ends", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.click("#settings summary");
    /** Whether the run button is in the window and nothing covers its middle. */
    const runInView = () => page.evaluate(() => {
      const run = document.querySelector<HTMLElement>("[data-testid=run]")!;
      const r = run.getBoundingClientRect();
      const inside = r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
      return inside && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === run;
    });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    expect(await runInView()).toBe(true);
    // The open settings make the form taller than the window: at its top, the button stays at the bottom.
    await page.evaluate(() => document.querySelector(".controls")!.scrollTo(0, 0));
    expect(await page.evaluate(() => document.getElementById("run-form")!.getBoundingClientRect().bottom > window.innerHeight)).toBe(true);
    expect(await runInView()).toBe(true);
    await runBacktest(page, 1);
    // Scrolled (smoothly) until the results' heading is at the top of the window.
    const headingTop = () => page.evaluate(() => Math.round(document.getElementById("summary-h")!.getBoundingClientRect().top));
    await expect.poll(async () => { const top = await headingTop(); return top >= 0 && top < 40; }).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("fits a wide heat map in its panel and scrolls a tall one to its best cell", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    const sweep = async (x: [string, string, string], y: [string, string, string]) => {
      for (const [axis, [from, to, steps]] of [["x", x], ["y", y]] as const) {
        await page.fill(`[data-testid=sweep-${axis}-from]`, from);
        await page.fill(`[data-testid=sweep-${axis}-to]`, to);
        await page.fill(`[data-testid=sweep-${axis}-steps]`, steps);
      }
      await page.click("[data-testid=sweep-run]");
      await page.waitForSelector("[data-testid=sweep-status][data-state=done]", { timeout: 120_000 });
    };
    const wrap = (prop: string) => page.$eval("[data-testid=heatmap]", (t, p) => (t.parentElement as unknown as Record<string, number>)[p], prop);
    // 25 columns (fast 2 to 26) by 2 rows: no sideways scrolling.
    await sweep(["2", "26", "25"], ["100", "150", "2"]);
    expect(await page.locator("[data-testid=heat-cell][data-value]").count()).toBe(50);
    expect(await wrap("scrollWidth")).toBeLessThanOrEqual(await wrap("clientWidth"));
    // 2 columns by 25 rows (slow 30 to 270): taller than the panel, scrolled so the best cell shows.
    await sweep(["10", "20", "2"], ["30", "270", "25"]);
    expect(await wrap("scrollHeight")).toBeGreaterThan(await wrap("clientHeight"));
    const shown = await page.$eval("[data-testid=heatmap]", (t) => {
      const best = t.querySelector(".heat-cell.best")!.getBoundingClientRect();
      const box = t.parentElement!.getBoundingClientRect();
      return best.top >= box.top && best.bottom <= box.bottom;
    });
    expect(shown).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("sweeps two parameters on a worker pool into a heat map whose cells equal direct backtests", async () => {
    const series = sp500();
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.textContent("[data-testid=pool-size]")).toBe(String(Math.max(1, Math.min(16, cores))));
    await page.selectOption("[data-testid=sweep-x-param]", "fast");
    await page.fill("[data-testid=sweep-x-from]", "10");
    await page.fill("[data-testid=sweep-x-to]", "110");
    await page.fill("[data-testid=sweep-x-steps]", "3");
    await page.selectOption("[data-testid=sweep-y-param]", "slow");
    await page.fill("[data-testid=sweep-y-from]", "50");
    await page.fill("[data-testid=sweep-y-to]", "150");
    await page.fill("[data-testid=sweep-y-steps]", "3");
    await page.click("[data-testid=sweep-run]");
    await page.waitForSelector("[data-testid=sweep-status][data-state=done]", { timeout: 60_000 });

    const cells = page.locator("[data-testid=heat-cell]");
    expect(await cells.count()).toBe(9);
    // fast >= slow is refused by the strategy: those cells carry its message.
    const invalid = await page.$$eval("[data-testid=heat-cell][data-error]", (els) => els.map((e) => `${e.getAttribute("data-x")}/${e.getAttribute("data-y")}`).sort());
    expect(invalid).toEqual(["110/100", "110/50", "60/50"]);
    expect(await page.getAttribute("[data-testid=heat-cell][data-x='60'][data-y='50']", "data-error"))
      .toBe("momentum: fast period (60) must be shorter than slow period (50)");
    expect(await page.locator("[data-testid=heat-cell][data-value]").count()).toBe(6);

    const direct = runStrategyBacktest(series, { strategy: "momentum", params: { fast: 60, slow: 150 } });
    const cell = "[data-testid=heat-cell][data-x='60'][data-y='150']";
    expect(Number(await page.getAttribute(cell, "data-value"))).toBe(direct.sharpe);
    expect(Number(await page.getAttribute(cell, "data-trades"))).toBe(direct.trades.length);
    // Sharpe is signed: the colours diverge around zero, out to the largest magnitude either side.
    await expectLegend(page, "diverging");
    await page.selectOption("[data-testid=sweep-metric]", "totalReturn");
    await expect.poll(async () => Number(await page.getAttribute(cell, "data-value"))).toBe(direct.totalReturn);
    await expectLegend(page, "diverging");
    // A drawdown is not: from the smallest (neutral) to the largest (deepest red).
    await page.selectOption("[data-testid=sweep-metric]", "maxDrawdown");
    await expect.poll(async () => Number(await page.getAttribute(cell, "data-value"))).toBe(direct.maxDrawdown);
    await expectLegend(page, "sequential");
    await page.screenshot({ path: join(artifacts, "browser-sweep.png"), fullPage: true });

    // A cell loads its parameters into the form and runs them.
    await page.click("[data-testid=heat-cell][data-x='10'][data-y='100']");
    await page.waitForSelector("[data-testid=results][data-runs='1']", { timeout: 60_000 });
    expect(await page.inputValue("[data-testid=param-fast]")).toBe("10");
    await expectStatsEqual(page, runStrategyBacktest(series, { strategy: "momentum", params: { fast: 10, slow: 100 } }));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

const NEUTRAL = "rgb(247, 247, 247)";

/** The heat map's legend spans its cells' values as the scale says, and the cells at its ends and middle take the legend's colours. */
async function expectLegend(page: Page, kind: "diverging" | "sequential"): Promise<void> {
  const cells = await page.$$eval("[data-testid=heat-cell][data-value]", (els) =>
    els.map((e) => ({ value: Number(e.getAttribute("data-value")), color: (e as HTMLElement).style.background })));
  const swatches = await page.$$eval("[data-testid=heat-swatch]", (els) =>
    els.map((e) => ({ value: Number(e.getAttribute("data-value")), color: (e as HTMLElement).style.background })));
  const values = cells.map((c) => c.value);
  const [lo, hi] = kind === "diverging"
    ? [-Math.max(...values.map(Math.abs)), Math.max(...values.map(Math.abs))]
    : [Math.min(...values), Math.max(...values)];
  expect(swatches[0].value).toBeCloseTo(lo, 12);
  expect(swatches.at(-1)!.value).toBeCloseTo(hi, 12);
  const middle = swatches[swatches.length >> 1];
  if (kind === "diverging") {
    // Zero in the middle, neutral; red below, green above.
    expect(middle.value).toBeCloseTo(0, 12);
    expect([swatches[0].color, middle.color, swatches.at(-1)!.color]).toEqual(["rgb(215, 48, 39)", NEUTRAL, "rgb(26, 152, 80)"]);
  } else {
    expect([swatches[0].color, swatches.at(-1)!.color]).toEqual([NEUTRAL, "rgb(215, 48, 39)"]);
  }
  // The cell of the largest magnitude (diverging) or the largest value (sequential) takes the end colour.
  const extreme = cells.reduce((a, c) => (Math.abs(c.value) > Math.abs(a.value) ? c : a));
  expect(extreme.color).toBe(extreme.value >= 0 || kind === "sequential" ? swatches.at(-1)!.color : swatches[0].color);
}

/** Replaces the browser section of bench/RESULTS.md (the markers the bench runner uses). */
function writeBenchSection(chromiumVersion: string): void {
  const file = join(root, "bench/RESULTS.md");
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const [first, ...warm] = timings;
  const row = (label: string, xs: typeof timings) =>
    `| ${label} | ${xs.length} | ${ms(median(xs.map((t) => t.clickToResultsMs)))} | ${ms(Math.min(...xs.map((t) => t.clickToResultsMs)))} | ` +
    `${ms(Math.max(...xs.map((t) => t.clickToResultsMs)))} | ${ms(median(xs.map((t) => t.engineMs)))} | ${ms(median(xs.map((t) => t.overlayMs)))} |`;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const section = [
    "<!-- suite:browser -->",
    "## browser",
    "",
    `_Measured on ${cpu} (${os.cpus().length} cores), headless Chromium ${chromiumVersion} (--disable-gpu: software rendering), ${new Date().toISOString().slice(0, 10)}; repeat with \`NT_BENCH_BROWSER=1 npx vitest run test/browser/web.test.ts\`._`,
    "",
    "Click on Run to results shown (performance.now in the page: the click, the backtest in the Web Worker,",
    "the WASM indicator overlays, the statistics, trade list and both charts drawn, up to the next painted frame),",
    "for momentum (fast 20, slow 100) over the bundled S&P 500, 5,105 daily bars, in one page. Taken while the",
    "tests run, so other work on the machine shows up as noise in the wall-clock columns.",
    "",
    "| runs | n | click to results, median | min | max | engine in worker, median | overlays (WASM), median |",
    "|---|---:|---:|---:|---:|---:|---:|",
    row("first click after load", [first]),
    ...(warm.length ? [row("following clicks", warm)] : []),
    "<!-- /suite:browser -->",
  ].join("\n");
  let text = readFileSafe(file) ?? "# Benchmark results\n\nEvery figure below was measured by `npm run bench`; each section says how to repeat it.\n";
  const re = /<!-- suite:browser -->[\s\S]*?<!-- \/suite:browser -->/;
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

function readFileSafe(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
