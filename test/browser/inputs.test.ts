// The strategies that need more than the loaded bars, on the page in a real
// browser (Debian's headless Chromium through playwright-core): pairs with a
// second series, mirror with a holdings file (and a series per held
// symbol), neural-sentiment with a news file. The file inputs come from the
// strategies' declared inputs; the files are read in the worker by the code
// `nt backtest` reads --data, --holdings and --news with; each run's figures
// are `nt backtest --json`'s on the same files, to the bit; a bad file is
// refused next to its input with the engine's message, and Run does not start.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BarSeries } from "../../src/core/data.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { parseHoldingsCsv } from "../../src/data/holdings.ts";
import { syntheticBars, syntheticPair } from "../../src/data/synthetic.ts";
import { parseNewsText, scoredArticles } from "../../src/news/news-file.ts";
import { strategies } from "../../src/strategies/index.ts";
import type { StaticServer } from "../../runtimes/node/static-server.ts";
import {
  cli, ensureWebBuild, expectAnalysisEqual, expectStatsEqual, launchChromium, openPage, root, runBacktest, serveWeb, waitForBundledData,
} from "./browser.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-inputs-"));
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  ensureWebBuild();
  [browser, server] = await Promise.all([launchChromium(), serveWeb()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A series as a CSV file in tmp, as test/cli/backtest-book.test.ts writes them. */
function write(s: BarSeries, name: string): string {
  const path = join(tmp, name);
  writeFileSync(path, toCsv(["time", "open", "high", "low", "close", "volume"], [s.time, s.open, s.high, s.low, s.close, s.volume]));
  return path;
}

function writeText(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** The engine's message for a file `read` refuses. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("accepted");
}

/** Loads `file` as the data (step 1) and waits for it. */
async function loadData(page: Page, file: string, symbol: string): Promise<void> {
  await page.setInputFiles("[data-testid=file-input]", file);
  await page.waitForSelector(`[data-testid=data-status][data-state=loaded][data-symbol='${symbol}']`);
}

/** Chooses the file(s) of a strategy input and waits until the worker has read them. */
async function chooseInput(page: Page, key: string, files: string | string[], state = "loaded"): Promise<void> {
  await page.setInputFiles(`[data-testid=input-${key}]`, files);
  await page.waitForSelector(`[data-testid=input-${key}-status][data-state=${state}]`);
}

async function params(page: Page, values: Record<string, string | boolean>): Promise<void> {
  for (const [name, v] of Object.entries(values)) {
    if (typeof v === "boolean") await page.setChecked(`[data-testid=param-${name}]`, v);
    else await page.fill(`[data-testid=param-${name}]`, v);
  }
}

/** Run refused: the highlighted input says why, nothing runs. */
async function expectRunRefused(page: Page, runsBefore: number): Promise<void> {
  await page.click("[data-testid=run]");
  expect(await page.textContent("[data-testid=run-status]")).toBe("Fix the highlighted fields first.");
  expect(await page.getAttribute("[data-testid=results]", "data-runs")).toBe(runsBefore === 0 ? null : String(runsBefore));
}

const [legA, legB] = syntheticPair({ n: 800, seed: 21, beta: 1.2, alpha: -2, symbols: ["AAA", "BBB"] });

describe("strategies with inputs on the page", () => {
  it("offers every strategy, and shows each input only for a strategy that declares it", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    const options = await page.$$eval("[data-testid=strategy] option", (o) => o.map((x) => [(x as HTMLOptionElement).value, (x as HTMLOptionElement).disabled]));
    expect(options).toEqual(strategies.map((s) => [s.name, false]));
    const shown = async () => page.$$eval("#input-fields input[type=file]", (els) => els.map((e) => [e.getAttribute("data-testid"), (e as HTMLInputElement).multiple]));
    const expected: Record<string, [string, boolean][]> = {
      momentum: [], "mean-reversion": [], "neural-forecast": [],
      "neural-sentiment": [["input-news", false]],
      pairs: [["input-series", false]],
      mirror: [["input-series", true], ["input-holdings", false]],
    };
    for (const s of strategies) {
      await page.selectOption("[data-testid=strategy]", s.name);
      expect(await shown(), s.name).toEqual(expected[s.name]);
      expect(await page.isHidden("[data-testid=input-box]"), s.name).toBe(s.inputs === undefined);
    }
    // Each input has its label and says what the strategy needs, in the strategy's words.
    await page.selectOption("[data-testid=strategy]", "pairs");
    expect(await page.$$eval("#input-fields input", (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length).length)).toBe(0);
    expect(await page.textContent("#input-series-help")).toContain("pairs needs two aligned series, the pair's legs");
    // None chosen yet: Run does not start, and the input says so.
    await expectRunRefused(page, 0);
    expect(await page.textContent("[data-testid=error-input-series]")).toBe("No file chosen: pairs needs two aligned series, the pair's legs");
    expect(await page.getAttribute("[data-testid=input-series]", "aria-invalid")).toBe("true");
    // Back to a strategy that reads only bars: no inputs, and it runs.
    await page.selectOption("[data-testid=strategy]", "momentum");
    await runBacktest(page, 1);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("runs pairs over the loaded series and a second one as `nt backtest --data A --data B`, both legs shown", async () => {
    const files = [write(legA, "aaa.csv"), write(legB, "bbb.csv")];
    const expected = await cli("--strategy", "pairs", "--data", files[0], "--data", files[1], "--param", "lookback=80", "--param", "kalman=true");
    expect(expected.symbol).toBe("AAA,BBB");
    expect(expected.trades.length).toBeGreaterThan(4);
    expect(new Set(expected.trades.map((t) => t.symbol))).toEqual(new Set(["AAA", "BBB"]));
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await loadData(page, files[0], "AAA");
    await page.selectOption("[data-testid=strategy]", "pairs");
    await chooseInput(page, "series", files[1]);
    expect(await page.textContent("[data-testid=input-series-status]")).toBe("bbb.csv: BBB · 800 bars");
    await params(page, { lookback: "80", kalman: true });
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);
    expect(await page.textContent("[data-testid=result-title]")).toContain("AAA,BBB · pairs (");
    // Both legs: the first as the candles, the second's closes in the pane below them; each trade names its leg.
    expect(await page.textContent("[data-testid=price-legend]")).toContain("BBB close");
    expect(await page.$$eval("[data-testid=trade-symbol]", (tds) => tds.map((td) => td.textContent)))
      .toEqual(expected.trades.slice(0, 50).map((t) => t.symbol));
    expect(await page.textContent("[data-testid=bench-note]")).toMatch(/^No benchmark: a run of several series/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs mirror with a holdings file as `nt backtest --holdings FILE --data ...`, on several series and on the bundled data alone", async () => {
    const symbols = ["AAA", "BBB", "CCC"];
    const series = symbols.map((symbol, i) => syntheticBars({ n: 300, seed: 40 + i, symbol }));
    const files = series.map((s) => write(s, `${s.symbol.toLowerCase()}.csv`));
    const fund = writeText("fund.csv", "date,symbol,shares\n2000-01-31,AAA,100\n2000-01-31,BBB,50\n2000-04-30,AAA,100\n2000-04-30,CCC,300\n2000-07-31,CCC,10\n");
    const expected = await cli("--strategy", "mirror", "--holdings", fund, ...files.flatMap((f) => ["--data", f]), "--param", "lagDays=30");
    expect(expected.trades.length).toBeGreaterThan(0);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await loadData(page, files[0], "AAA");
    await page.selectOption("[data-testid=strategy]", "mirror");
    await chooseInput(page, "holdings", fund);
    expect(await page.textContent("[data-testid=input-holdings-status]")).toBe("fund.csv: 3 snapshots of AAA, BBB, CCC (shares)");
    // The holdings name symbols with no series yet: the engine's message, next to the holdings.
    await expect.poll(() => page.textContent("[data-testid=error-input-holdings]"))
      .toBe("holdings, row 2: BBB has no bar series; give its bars (a --data file or an entry of series named BBB) or remove it from the holdings");
    await expectRunRefused(page, 0);
    await chooseInput(page, "series", files.slice(1));
    expect(await page.textContent("[data-testid=error-input-holdings]")).toBe("");
    await params(page, { lagDays: "30" });
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);

    // One series, the bundled S&P 500 (SPX), and a holdings file of SPX: the CLI's default data, buy and hold as the benchmark.
    const spx = writeText("spx.csv", "date,symbol,value\n2003-03-31,SPX,1000\n2008-06-30,SPX,0\n2009-06-30,SPX,500\n");
    const alone = await cli("--strategy", "mirror", "--holdings", spx);
    expect(alone.analysis.benchmark).not.toBeNull();
    await page.click("[data-testid=use-bundled]");
    await page.waitForSelector("[data-testid=data-status][data-state=loaded][data-symbol=SPX]");
    await page.setInputFiles("[data-testid=input-series]", []);
    await chooseInput(page, "holdings", spx);
    await params(page, { lagDays: "45" });
    await runBacktest(page, 2);
    await expectStatsEqual(page, alone);
    await expectAnalysisEqual(page, alone);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs neural-sentiment with a news file as `nt backtest --news FILE`", async () => {
    const FAST = { trainBars: "300", retrainEvery: "2000", epochs: "3", errorWindow: "20", minConfidence: "0.1", halfLifeDays: "10", allowShort: true };
    const flags = Object.entries(FAST).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
    const news = join(root, "data/sp500-news.csv");
    const expected = await cli("--strategy", "neural-sentiment", "--news", news, ...flags);
    expect(expected.trades.length).toBeGreaterThan(0);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.selectOption("[data-testid=strategy]", "neural-sentiment");
    await chooseInput(page, "news", news);
    expect(await page.textContent("[data-testid=input-news-status]")).toBe("sp500-news.csv: 37 articles");
    await params(page, FAST);
    await runBacktest(page, 1, 120_000);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("refuses a bad file next to its input with the engine's message, and does not run", async () => {
    const badBars = "date,open,high,low,close,volume\n2000-01-03,10,11,9,10.5,100\n2000-01-04,10,11,9,ten,100\n";
    const badHoldings = "date,symbol,shares\n2000-01-31,AAA,100\n2000-01-31,BBB,lots\n";
    const undated = "headline\nStocks rally\n";
    const cases = [
      { strategy: "pairs", key: "series", name: "bad.csv", text: badBars, message: refusal(() => parseBarsCsv(badBars, { source: "bad.csv" })) },
      { strategy: "mirror", key: "holdings", name: "fund.csv", text: badHoldings, message: refusal(() => parseHoldingsCsv(badHoldings, "fund.csv")) },
      { strategy: "neural-sentiment", key: "news", name: "undated.csv", text: undated, message: refusal(() => scoredArticles(parseNewsText(undated, "undated.csv"))) },
    ];
    expect(cases.map((c) => c.message)).toEqual([
      expect.stringMatching(/^bad\.csv, row 2: /),
      expect.stringMatching(/^fund\.csv, row 2: shares must be a number >= 0.*, got "lots"$/),
      "undated.csv, row 1: time is missing: a backtest places each article in time (epoch ms or ISO 8601)",
    ]);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    for (const c of cases) {
      await page.selectOption("[data-testid=strategy]", c.strategy);
      await page.setInputFiles(`[data-testid=input-${c.key}]`, { name: c.name, mimeType: "text/csv", buffer: Buffer.from(c.text) });
      await page.waitForSelector(`[data-testid=input-${c.key}-status][data-state=error]`, { state: "attached" });
      expect(await page.textContent(`[data-testid=error-input-${c.key}]`), c.key).toBe(c.message);
      expect(await page.getAttribute(`[data-testid=input-${c.key}]`, "aria-invalid")).toBe("true");
      await expectRunRefused(page, 0);
    }
    // A binary or empty file is refused by name, as the data is, in the words of the format its input takes.
    await page.selectOption("[data-testid=strategy]", "neural-sentiment");
    await page.setInputFiles("[data-testid=input-news]", { name: "news.json", mimeType: "application/json", buffer: Buffer.from([0x7b, 0, 0x7d]) });
    await page.waitForSelector("[data-testid=input-news-status][data-state=error]", { state: "attached" });
    expect(await page.textContent("[data-testid=error-input-news]"))
      .toBe("news.json: a binary file, not JSON, JSON lines or CSV text (byte 2 is a NUL byte, which JSON, JSON lines or CSV text never holds)");
    await page.setInputFiles("[data-testid=input-news]", { name: "empty.json", mimeType: "application/json", buffer: Buffer.alloc(0) });
    await expect.poll(() => page.textContent("[data-testid=error-input-news]"))
      .toBe("empty.json: the file is empty; expected news as JSON, JSON lines or CSV (a header such as time,headline,symbols)");
    await page.selectOption("[data-testid=strategy]", "mirror");
    await page.setInputFiles("[data-testid=input-holdings]", { name: "fund.xlsx", mimeType: "text/csv", buffer: Buffer.from([0x50, 0x4b, 3, 4, 0]) });
    await expect.poll(() => page.textContent("[data-testid=error-input-holdings]"))
      .toBe("fund.xlsx: a binary file, not CSV text (byte 5 is a NUL byte, which CSV text never holds)");
    // A second leg that does not share the loaded series' bar times: the engine's message next to it when the run starts.
    await page.selectOption("[data-testid=strategy]", "pairs");
    await chooseInput(page, "series", write(legB, "bbb.csv"));
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=run-status][data-state=error]");
    expect(await page.textContent("[data-testid=error-input-series]")).toMatch(/^BBB has 800 bars but SPX has 5105; series must share bar times$/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("reads the inputs again in a worker started after a run that would not stop, and runs only once that worker has them", async () => {
    const files = [write(legA, "aaa.csv"), write(legB, "bbb.csv")];
    const expected = await cli("--strategy", "pairs", "--data", files[0], "--data", files[1]);
    const { page, problems } = await openPage(browser, server.url, holdWorkerMessages);
    await waitForBundledData(page);
    await loadData(page, files[0], "AAA");
    await page.selectOption("[data-testid=strategy]", "pairs");
    await chooseInput(page, "series", files[1]);
    // A run the worker never hears of, cancelled: 2 s on, the page ends that worker and starts another, whose copy of bbb.csv is held back.
    await page.evaluate(() => {
      const w = window as unknown as WorkerMessages;
      w.dropTypes = ["backtest"];
      w.holdTypes = ["input"];
    });
    await page.click("[data-testid=run]");
    await page.click("[data-testid=cancel]");
    await page.waitForSelector("[data-testid=run-status][data-state=cancelled]", { timeout: 10_000 });
    expect(await page.textContent("[data-testid=run-status]")).toBe("Cancelled (the worker was stopped).");
    expect(await page.getAttribute("[data-testid=input-series-status]", "data-state")).toBe("reading");
    expect(await page.textContent("[data-testid=input-series-status]")).toBe("Reading bbb.csv…");
    // Until the new worker has read it, Run waits for it (rather than the worker refusing the run for other series).
    await page.evaluate(() => void ((window as unknown as WorkerMessages).dropTypes = []));
    await expectRunRefused(page, 0);
    expect(await page.textContent("[data-testid=error-input-series]")).toBe("Reading bbb.csv…");
    await page.evaluate(() => (window as unknown as WorkerMessages).release());
    await page.waitForSelector("[data-testid=input-series-status][data-state=loaded]");
    expect(await page.textContent("[data-testid=error-input-series]")).toBe("");
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("tells a run of several series by its series, not by a comma in a file's name", async () => {
    const file = write(syntheticBars({ n: 600, seed: 9, symbol: "X" }), "x,y.csv");
    const expected = await cli("--strategy", "momentum", "--data", file);
    expect(expected.symbol).toBe("X,Y");
    expect(expected.trades.length).toBeGreaterThan(0);
    expect(expected.analysis.benchmark).not.toBeNull();
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await loadData(page, file, "X,Y");
    await runBacktest(page, 1);
    await expectStatsEqual(page, expected);
    await expectAnalysisEqual(page, expected);
    // One series: no symbol column in the trade list.
    expect(await page.isHidden("#trades-symbol-h")).toBe(true);
    expect(await page.locator("[data-testid=trade-symbol]").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});

/** The test's hold on the messages the page posts to its workers (holdWorkerMessages). */
interface WorkerMessages {
  /** Message types dropped, as if the worker never read them. */
  dropTypes: string[];
  /** Message types held back until release(). */
  holdTypes: string[];
  held: (() => void)[];
  release(): void;
}

/** Runs in the page before its scripts: every message to a Web Worker passes through WorkerMessages' drop and hold lists. */
function holdWorkerMessages(): void {
  const w = window as unknown as WorkerMessages;
  w.dropTypes = [];
  w.holdTypes = [];
  w.held = [];
  const post = Worker.prototype.postMessage as (this: Worker, message: unknown, transfer?: Transferable[]) => void;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[]) {
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type === "string" && w.dropTypes.includes(type)) return;
    if (typeof type === "string" && w.holdTypes.includes(type)) {
      w.held.push(() => post.call(this, message, transfer));
      return;
    }
    post.call(this, message, transfer);
  } as typeof Worker.prototype.postMessage;
  w.release = () => {
    w.holdTypes = [];
    for (const send of w.held.splice(0)) send();
  };
}
