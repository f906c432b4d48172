// Shared set-up for the browser tests: the web build (rebuilt when stale),
// the static server `nt web` uses, and Debian's headless Chromium driven by
// playwright-core (never a downloaded browser); and the checks that the
// figures on the page are the CLI's.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { AnalyzedReport } from "../../src/report/analysis.ts";
import { main } from "../../runtimes/node/cli/main.ts";
import { startStaticServer, type StaticServer } from "../../runtimes/node/static-server.ts";

export const root = new URL("../../", import.meta.url).pathname;
/** Names Chromium goes by in package managers; NT_CHROMIUM names any other binary. */
const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"];

/** The Chromium binary: NT_CHROMIUM, else the first of CHROMIUM_NAMES on PATH; "" when there is none. */
function findChromium(): string {
  const chosen = process.env.NT_CHROMIUM;
  if (chosen) return chosen;
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "");
  for (const name of CHROMIUM_NAMES) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return "";
}

export const CHROMIUM = findChromium();
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Builds dist/web with scripts/build-web.mjs when it is missing or older than its inputs. */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, [`${root}scripts/build-web.mjs`, "--if-stale"], { cwd: root, stdio: "pipe" });
}

export async function launchChromium(): Promise<Browser> {
  if (CHROMIUM === "" || !existsSync(CHROMIUM)) {
    throw new Error(`no Chromium found (${process.env.NT_CHROMIUM ? `NT_CHROMIUM=${process.env.NT_CHROMIUM} does not exist` : `none of ${CHROMIUM_NAMES.join(", ")} on PATH`}): ` +
      "install Debian's chromium (apt-get install -y chromium; .ci/run does this) or set NT_CHROMIUM to a Chromium binary");
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function serveWeb(): Promise<StaticServer> {
  return startStaticServer({ root: `${root}dist/web`, host: "127.0.0.1", port: 0 });
}

/** A fresh page that records console errors and uncaught exceptions; `init` runs in it before the page's own scripts. */
export async function openPage(browser: Browser, url: string, init?: () => void): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, problems };
}

/**
 * A deterministic random walk as OHLCV CSV text: `n` bars from 1900-01-01,
 * `stepMs` apart (daily unless given), dated YYYY-MM-DD or, intraday, as ISO
 * date-times. The log price is pulled gently towards 100, so a million bars
 * stay at prices a chart can draw.
 */
const MEAN_LOG_PRICE = Math.log(100);

export function syntheticCsv(n: number, seed = 7, stepMs = 86_400_000): string {
  let state = seed >>> 0;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const daily = stepMs % 86_400_000 === 0;
  const lines = ["date,open,high,low,close,volume"];
  let close = 100;
  const t0 = Date.UTC(1900, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = round(close);
    close = round(open * Math.exp((rand() - 0.5) * 0.04 + 0.001 * (MEAN_LOG_PRICE - Math.log(open))));
    const high = round(Math.max(open, close) * (1 + rand() * 0.01));
    const low = round(Math.min(open, close) * (1 - rand() * 0.01));
    const iso = new Date(t0 + i * stepMs).toISOString();
    const date = daily ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
    lines.push(`${date},${open},${high},${low},${close},${Math.round(1e6 + rand() * 1e6)}`);
  }
  return lines.join("\n") + "\n";
}

/** Waits for the bundled S&P 500 (5,105 bars) and the kernels to be ready. */
export async function waitForBundledData(page: Page): Promise<void> {
  await page.waitForSelector("[data-testid=data-status][data-bars='5105']");
  await page.waitForSelector("[data-testid=kernels][data-kernels]");
}

/** Clicks Run and waits for the n-th result to be on the page. */
export async function runBacktest(page: Page, n: number, timeout = 60_000): Promise<void> {
  await page.click("[data-testid=run]");
  await page.waitForSelector(`[data-testid=results][data-runs='${n}']`, { timeout });
}

/** A figure's full value, from the data-value next to its rounded text. */
export async function value(page: Page, testId: string): Promise<number> {
  const v = await page.getAttribute(`[data-testid=${testId}]`, "data-value");
  if (v === null) throw new Error(`${testId} has no data-value`);
  return Number(v);
}

/** `nt backtest ... --json`, run in-process through the CLI's main(). */
export async function cli(...argv: string[]): Promise<AnalyzedReport> {
  let out = "";
  let err = "";
  const code = await main(["backtest", ...argv, "--json"], {
    out: (t) => void (out += t), err: (t) => void (err += t), progress: () => {}, cwd: root,
  });
  expect(code, err).toBe(0);
  return JSON.parse(out) as AnalyzedReport;
}

const STAT_KEYS = ["totalReturn", "cagr", "sharpe", "sortino", "maxDrawdown", "winRate", "exposure", "finalEquity", "totalCommission", "initialCash", "bars"] as const;

/** Every figure on the page equals the report's, to the last bit. */
export async function expectStatsEqual(page: Page, report: BacktestReport): Promise<void> {
  for (const key of STAT_KEYS) expect(await value(page, `stat-${key}`), key).toBe(report[key]);
  expect(await value(page, "stat-trades")).toBe(report.trades.length);
  expect(await value(page, "stat-rejections")).toBe(report.rejections.length);
  expect(await tradePnl(page)).toEqual(report.trades.map((t) => t.pnl));
}

/** Every trade's P&L as the trade list shows it, page after page (the pager's Next until it is disabled), back on the first page after. */
export async function tradePnl(page: Page): Promise<number[]> {
  const pnl: number[] = [];
  const pager = "[data-testid=trades-pager]";
  for (;;) {
    pnl.push(...await page.$$eval("[data-testid=trade-pnl]", (cells) => cells.map((c) => Number(c.getAttribute("data-value")))));
    if (await page.isHidden(pager) || await page.isDisabled(`${pager} [data-testid=page-next]`)) break;
    await page.click(`${pager} [data-testid=page-next]`);
  }
  while (await page.isVisible(pager) && await page.isEnabled(`${pager} [data-testid=page-previous]`)) await page.click(`${pager} [data-testid=page-previous]`);
  return pnl;
}

/** A figure's data-value as the report holds it: "null" is an undefined figure. */
export const figure = (v: string | null) => (v === "null" ? null : Number(v));

export async function values(page: Page, testId: string): Promise<(number | null)[]> {
  const raw = await page.$$eval(`[data-testid=${testId}]`, (cells) => cells.map((c) => c.getAttribute("data-value")));
  return raw.map(figure);
}

/** The analysis on the page (benchmark or its absence, trade statistics, monthly and yearly returns, drawdowns, resized orders) is the CLI's, to the bit. */
export async function expectAnalysisEqual(page: Page, report: AnalyzedReport): Promise<void> {
  const a = report.analysis;
  expect(await value(page, "stat-volatility")).toBe(a.volatility);
  expect(await value(page, "stat-resized")).toBe(report.resized.length);
  const b = a.benchmark;
  // A run of several series has no benchmark unless one is given (nt backtest --benchmark): none on the page either.
  if (b === null) expect(await page.locator("#bench-stats [data-testid]").count()).toBe(0);
  for (const key of ["totalReturn", "cagr", "maxDrawdown", "excessReturn", "activePremium", "annualizedAlpha", "beta", "correlation", "trackingError", "informationRatio"] as const) {
    if (b !== null) expect(figure(await page.getAttribute(`[data-testid=bench-${key}]`, "data-value")), key).toBe(b[key]);
  }
  for (const key of ["profitFactor", "expectancy", "averageWin", "averageLoss", "largestWin", "largestLoss", "averageBars", "longestWinStreak", "longestLossStreak"] as const) {
    expect(figure(await page.getAttribute(`[data-testid=tstat-${key}]`, "data-value")), key).toBe(a.trades[key]);
  }
  expect(await values(page, "month-cell")).toEqual(a.monthly.map((m) => m.return));
  expect(await values(page, "year-return")).toEqual(a.yearly.map((y) => y.return));
  expect(await values(page, "drawdown-depth")).toEqual(a.drawdowns.map((d) => d.depth));
  expect(await values(page, "resized-filled")).toEqual(report.resized.map((r) => r.filled));
}
