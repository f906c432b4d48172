// A million bars in the page (headless Chromium): the file is read and parsed
// in the engine's worker, the run stepped there, and the page's own thread
// never holds a task over 100 ms from the file's pick to the results drawn,
// as a PerformanceObserver for long tasks sees it. Cancel works while the file
// is read and while the run steps, and leaves the page ready for the next run.
// A large news file (a strategy's input) costs the form's check on each
// keystroke nothing: the worker checked its articles as it read them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import type { StaticServer } from "../../runtimes/node/static-server.ts";
import { ensureWebBuild, launchChromium, openPage, root, runBacktest, serveWeb, syntheticCsv, value, waitForBundledData } from "./browser.ts";

const BARS = 1_000_000;
const HOUR = 3_600_000;
const tmp = mkdtempSync(join(tmpdir(), "nt-large-"));
const file = join(tmp, "hourly.csv");

let browser: Browser;
let server: StaticServer;
let series: BarSeries;

beforeAll(async () => {
  ensureWebBuild();
  // Hourly bars: a million of them span 114 years, so the report's tables stay a page long.
  const text = syntheticCsv(BARS, 11, HOUR);
  writeFileSync(file, text);
  series = parseBarsCsv(text, { source: "hourly.csv" });
  [browser, server] = await Promise.all([launchChromium(), serveWeb()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Records every main-thread task over 50 ms (the Long Tasks API's threshold) from now on. */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof seen }).longTasks = seen;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) seen.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: "longtask" });
  });
}

const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks);

async function loadLargeFile(page: Page): Promise<void> {
  await page.setInputFiles("[data-testid=file-input]", file);
  await page.waitForSelector(`[data-testid=data-status][data-bars='${BARS}']`, { timeout: 120_000 });
}

/** The headline figures on the page equal a run of the engine in Node, to the bit. */
async function expectFigures(page: Page, expected: BacktestReport): Promise<void> {
  for (const key of ["totalReturn", "sharpe", "maxDrawdown", "finalEquity", "bars"] as const) expect(await value(page, `stat-${key}`), key).toBe(expected[key]);
  expect(await value(page, "stat-trades")).toBe(expected.trades.length);
}

describe("a million bars in the page", () => {
  it("loads and runs with no main-thread task over 100 ms, and shows the engine's numbers", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await watchLongTasks(page);
    await loadLargeFile(page);
    expect(await page.getAttribute("[data-testid=data-status]", "data-symbol")).toBe("HOURLY");
    await runBacktest(page, 1, 300_000);
    const tasks = await longTasks(page);
    expect(tasks.filter((t) => t.duration > 100)).toEqual([]);
    await expectFigures(page, runStrategyBacktest(series, { strategy: "momentum" }));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 600_000);

  it("cancels while the file is read and while the run steps; the next run is right", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    // Cancelled while reading: the bundled data stays, and runs as before.
    await page.setInputFiles("[data-testid=file-input]", file);
    await page.waitForSelector("[data-testid=data-status][data-load-bytes]", { timeout: 60_000 });
    await page.click("[data-testid=data-cancel]");
    await page.waitForSelector("[data-testid=data-status][data-state=cancelled]", { timeout: 30_000 });
    expect(await page.textContent("[data-testid=data-status]")).toMatch(/^Reading hourly\.csv was cancelled\. Still using SPX · 5,105 bars/);
    expect(await page.getAttribute("[data-testid=data-status]", "data-bars")).toBe("5105");
    await runBacktest(page, 1);
    const sp500 = parseBarsCsv(readFileSync(join(root, "data/sp500.csv"), "utf8"), { source: "sp500.csv", symbol: "SPX" });
    await expectFigures(page, runStrategyBacktest(sp500, { strategy: "momentum" }));

    // Cancelled while the run steps: no result, and the next run (other parameters) is the engine's.
    await loadLargeFile(page);
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=run-status][data-done]", { timeout: 60_000 });
    await page.click("[data-testid=cancel]");
    await page.waitForSelector("[data-testid=run-status][data-state=cancelled]", { timeout: 30_000 });
    const done = Number(await page.getAttribute("[data-testid=run-status]", "data-done"));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(BARS);
    expect(await page.getAttribute("[data-testid=results]", "data-runs")).toBe("1");
    await page.fill("[data-testid=param-fast]", "10");
    await page.fill("[data-testid=param-slow]", "40");
    await runBacktest(page, 2, 300_000);
    await expectFigures(page, runStrategyBacktest(series, { strategy: "momentum", params: { fast: 10, slow: 40 } }));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 600_000);
});

describe("a large news file on the page", () => {
  it("checks the form on each keystroke without going over the articles again", async () => {
    const ARTICLES = 200_000;
    const t0 = Date.UTC(2000, 0, 3);
    const lines = ["time,score,symbols"];
    for (let i = 0; i < ARTICLES; i++) lines.push(`${new Date(t0 + i * 60_000).toISOString()},${((i % 7) - 3) / 3},SPX`);
    const news = join(tmp, "news.csv");
    writeFileSync(news, `${lines.join("\n")}\n`);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.selectOption("[data-testid=strategy]", "neural-sentiment");
    await page.setInputFiles("[data-testid=input-news]", news);
    await page.waitForSelector("[data-testid=input-news-status][data-state=loaded]", { timeout: 120_000 });
    expect(await page.textContent("[data-testid=input-news-status]")).toBe("news.csv: 200,000 articles");
    // Each keystroke in a parameter field checks the whole form, synchronously on the page's thread: timed here, five of them.
    const ms = await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>("[data-testid=param-minConfidence]")!;
      return ["0.2", "0.3", "0.25", "0.35", "0.4"].map((v) => {
        const start = performance.now();
        input.value = v;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        return performance.now() - start;
      });
    });
    expect(await page.textContent("[data-testid=error-input-news]")).toBe("");
    expect(ms.sort((a, b) => a - b)[2], `keystrokes took ${ms.map((x) => x.toFixed(1)).join(", ")} ms`).toBeLessThan(50);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 300_000);
});
