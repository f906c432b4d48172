// The signal layer on the page (src/signals) in a real browser (Debian's
// headless Chromium through playwright-core): strategies combined and the
// memory filter. The form comes from the declarations the CLI's flags and the
// API's schema come from; the page's figures and the signals it lists as
// dropped are `nt backtest --json`'s, to the bit (and a sweep's cells the
// filtered runs'); a bad setting is refused with the engine's message next to
// the field it names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { checkBacktestRequest } from "../../src/backtest/request.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import type { EngineError } from "../../src/core/errors.ts";
import type { DroppedSignal } from "../../src/core/signal.ts";
import { checkMemory, MEMORY_SETTINGS } from "../../src/signals/memory-filter.ts";
import { checkCombine, COMBINE_METHODS } from "../../src/signals/spec.ts";
import { strategies } from "../../src/strategies/index.ts";
import { resolveKey } from "../../src/research/space.ts";
import { main } from "../../runtimes/node/cli/main.ts";
import type { StaticServer } from "../../runtimes/node/static-server.ts";
import {
  cli, ensureWebBuild, expectAnalysisEqual, expectStatsEqual, launchChromium, openPage, root, runBacktest, serveWeb, value, waitForBundledData,
} from "./browser.ts";

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  ensureWebBuild();
  [browser, server] = await Promise.all([launchChromium(), serveWeb()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The first line of what `nt backtest ARGV` says when it refuses them, without its "nt backtest: ". */
async function cliRefusal(...argv: string[]): Promise<string> {
  let err = "";
  const code = await main(["backtest", ...argv, "--json"], { out: () => {}, err: (t) => void (err += t), progress: () => {}, cwd: root });
  expect(code, err).not.toBe(0);
  return err.split("\n")[0].replace(/^nt backtest: /, "");
}

/** The message of the engine's error for `req`. */
function engineRefusal(req: Parameters<typeof checkBacktestRequest>[0]): { message: string; field?: string } {
  try {
    checkBacktestRequest(req);
  } catch (e) {
    return { message: (e as EngineError).message, field: (e as EngineError).field };
  }
  throw new Error("accepted");
}

/** The keys a check knows, from its own message about an unknown one ("...; expected one of a, b, c"). */
function knownKeys(check: () => unknown): string[] {
  try {
    check();
  } catch (e) {
    const m = /expected one of (.*)$/.exec((e as Error).message);
    if (m) return m[1].split(", ");
  }
  throw new Error("no list of known keys");
}

/** Ticks `members` to combine with the strategy chosen above, and picks `method` ("" for none). */
async function combine(page: Page, members: readonly string[], method: string): Promise<void> {
  if (await page.getAttribute("#combine-box", "open") === null) await page.click("#combine-box summary");
  for (const m of members) await page.check(`[data-testid=combine-member-${m}]`);
  await page.selectOption("[data-testid=combine-method]", method);
}

async function memoryOn(page: Page, settings: Record<string, string>): Promise<void> {
  if (await page.getAttribute("#memory-box", "open") === null) await page.click("#memory-box summary");
  await page.check("[data-testid=memory-on]");
  for (const [name, v] of Object.entries(settings)) await page.fill(`[data-testid=memory-${name}]`, v);
}

/** The page's list of dropped signals, every page of it (Next until disabled, back on the first page after), as the report's fields. */
async function droppedOnPage(page: Page): Promise<Omit<DroppedSignal, "symbol">[]> {
  type Row = DroppedSignal;
  const rows: Omit<Row, "symbol">[] = [];
  const pager = "[data-testid=dropped-pager]";
  for (;;) {
    rows.push(...await page.$$eval("[data-testid=dropped-row]", (trs) => trs.map((tr) => {
      const cell = (id: string) => tr.querySelector(`[data-testid=${id}]`)!;
      const num = (id: string) => Number(cell(id).getAttribute("data-value"));
      return {
        time: num("dropped-time"), strategy: cell("dropped-strategy").textContent!, direction: cell("dropped-direction").textContent as Row["direction"],
        confidence: num("dropped-confidence"), signalTime: num("dropped-signal-time"), reason: cell("dropped-reason").textContent as Row["reason"],
        detail: cell("dropped-detail").textContent!,
      };
    })));
    if (await page.isHidden(pager) || await page.isDisabled(`${pager} [data-testid=page-next]`)) break;
    await page.click(`${pager} [data-testid=page-next]`);
  }
  while (await page.isVisible(pager) && await page.isEnabled(`${pager} [data-testid=page-previous]`)) await page.click(`${pager} [data-testid=page-previous]`);
  return rows;
}

/** The page shows the report's figures, analysis and dropped signals (every field but the symbol, the one series'), to the bit. */
async function expectRunEqual(page: Page, expected: Awaited<ReturnType<typeof cli>>): Promise<void> {
  await expectStatsEqual(page, expected);
  await expectAnalysisEqual(page, expected);
  const dropped = expected.droppedSignals!;
  expect(await value(page, "stat-droppedSignals")).toBe(dropped.length);
  expect(dropped.every((d) => d.symbol === expected.symbol)).toBe(true);
  expect(await droppedOnPage(page)).toEqual(dropped.map(({ symbol: _symbol, ...rest }) => rest));
  expect(await page.textContent("[data-testid=result-title]")).toContain(`${expected.symbol} · ${expected.strategy.name} (`);
}

describe("the signal layer on the page", () => {
  it("generates the combination's and the memory filter's controls from the engine's declarations, each with its default", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.click("#combine-box summary");
    // Every strategy the page can run may be combined; the one chosen above is always in.
    const offered = strategies.filter((s) => s.inputs === undefined).map((s) => s.name);
    const boxes = await page.$$eval("[data-testid=combine-members] input", (els) =>
      els.map((e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).checked, (e as HTMLInputElement).disabled]));
    expect(boxes).toEqual(offered.map((name) => [name, name === "momentum", name === "momentum"]));
    const methods = await page.$$eval("[data-testid=combine-method] option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(methods).toEqual(["", ...COMBINE_METHODS]);
    // No method: the combination's settings do not apply.
    expect(await page.isDisabled("[data-testid=combine-ttl]")).toBe(true);

    await combine(page, ["mean-reversion"], "vote");
    const names = ["momentum", "mean-reversion"];
    // Every key the engine's check of `combine` knows has its control, and a new one would fail here until it has one.
    const controls: Record<string, string[]> = {
      method: ["combine-method"], override: ["combine-override"], weights: names.map((n) => `combine-weights.${n}`),
    };
    const known = knownKeys(() => checkCombine({ method: "vote", "?": 1 }, names));
    expect(known).toEqual(expect.arrayContaining(["method", "weights", "override", "minConfidence", "ttl"]));
    for (const key of known) {
      for (const id of controls[key] ?? [`combine-${key}`]) expect(await page.locator(`[data-testid='${id}']`).count(), id).toBe(1);
    }
    // The number fields: a weight per strategy (blank: 1), then the declared settings, none with a default.
    const fields = await page.$$eval("#combine-fields input", (inputs) =>
      inputs.map((i) => [i.getAttribute("data-testid"), (i as HTMLInputElement).value, (i as HTMLInputElement).placeholder]));
    expect(fields).toEqual([
      ["combine-weights.momentum", "", "1"], ["combine-weights.mean-reversion", "", "1"], ["combine-minConfidence", "", "none"], ["combine-ttl", "", "none"],
    ]);
    expect(await page.isEnabled("[data-testid=combine-ttl]")).toBe(true);
    const overrides = await page.$$eval("[data-testid=combine-override] option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(overrides).toEqual(["", ...names]);
    // The parameters are each strategy's, prefixed by its name, as the request sends them.
    const params = await page.$$eval("#param-fields input", (inputs) => inputs.map((i) => i.getAttribute("data-testid")));
    expect(params).toEqual(names.flatMap((n) => strategies.find((s) => s.name === n)!.params.map((p) => `param-${n}.${p.name}`)));
    // The sweep's axes offer the combination's quantities: each strategy's numeric parameters by prefix, then its own settings.
    expect(await page.isVisible("[data-testid=sweep-unavailable]")).toBe(false);
    expect(await page.isEnabled("[data-testid=sweep-run]")).toBe(true);
    const axisKeys = await page.$$eval("[data-testid=sweep-x-param] option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(axisKeys).toEqual([
      ...names.flatMap((n) => strategies.find((s) => s.name === n)!.params.filter((p) => p.type !== "boolean").map((p) => `${n}.${p.name}`)),
      "combine.minConfidence", "combine.ttl", ...names.map((n) => `combine.weights.${n}`),
    ]);
    // Every one is a key the engine's sweep takes for this combination.
    for (const key of axisKeys) expect(resolveKey({ strategy: names.join(","), combine: { method: "vote" } }, key).path).toMatch(/^(params|combine)\./);

    // The memory filter: every setting its check knows, each with its default, usable once the filter is on.
    await page.click("#memory-box summary");
    const memoryKeys = knownKeys(() => checkMemory({ "?": 1 }));
    expect(memoryKeys).toEqual(MEMORY_SETTINGS.map((s) => s.name));
    const memoryFields = await page.$$eval("#memory-fields input", (inputs) =>
      inputs.map((i) => [i.getAttribute("data-testid"), (i as HTMLInputElement).value, i.matches(":disabled")]));
    expect(memoryFields).toEqual(MEMORY_SETTINGS.map((s) => [`memory-${s.name}`, String(s.default), true]));
    await page.check("[data-testid=memory-on]");
    expect(await page.isEnabled("[data-testid=memory-k]")).toBe(true);
    // Every input has a label.
    const unlabelled = await page.$$eval("input:not([type=file]), select", (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id));
    expect(unlabelled).toEqual([]);

    // One strategy with a method is a combination of one, as on the command line: the strategy's own run.
    await page.uncheck("[data-testid=memory-on]");
    await page.uncheck("[data-testid=combine-member-mean-reversion]");
    expect(await page.locator("[data-testid='param-momentum.fast']").count()).toBe(1);
    await runBacktest(page, 1);
    const one = await cli("--strategy", "momentum", "--combine", "vote");
    expect(one.strategy.name).toBe("vote(momentum)");
    await expectRunEqual(page, one);
    expect(await page.textContent("[data-testid=dropped-note]")).toBe("No signal was dropped: every signal was acted on.");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs momentum,mean-reversion --combine vote like the CLI, and lists the signals it dropped, with why", async () => {
    const expected = await cli("--strategy", "momentum,mean-reversion", "--combine", "vote",
      "--param", "momentum.allowShort=true", "--param", "mean-reversion.allowShort=true");
    expect(expected.droppedSignals!.length).toBeGreaterThan(50);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await combine(page, ["mean-reversion"], "vote");
    await page.check("[data-testid='param-momentum.allowShort']");
    await page.check("[data-testid='param-mean-reversion.allowShort']");
    await runBacktest(page, 1);
    expect(expected.strategy.name).toBe("vote(momentum,mean-reversion)");
    await expectRunEqual(page, expected);
    // Paged as the other lists are, with the counts by reason the CLI's report gives.
    expect(await page.locator("[data-testid=dropped-row]").count()).toBe(50);
    expect(await page.textContent("[data-testid=dropped-note]"))
      .toBe(`${expected.droppedSignals!.length} signals dropped (${expected.droppedSignals!.length} conflict), 50 to a page; the JSON export has them all.`);
    // Each strategy's indicators are drawn.
    const legend = await page.textContent("[data-testid=price-legend]");
    expect(legend).toContain("SMA(20)");
    expect(legend).toContain("BB(20, 2) upper");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs a weighted combination with weights, threshold, TTL and override like the CLI", async () => {
    const expected = await cli("--strategy", "momentum,mean-reversion", "--combine", "weighted", "--weight", "momentum=2",
      "--min-confidence", "0.2", "--ttl", "40", "--override", "mean-reversion", "--param", "momentum.fast=10", "--param", "momentum.allowShort=true");
    expect(new Set(expected.droppedSignals!.map((d) => d.reason))).toEqual(new Set(["threshold", "expired", "overridden"]));
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    // Typed before the combination is chosen: the value stays, as momentum's.
    await page.fill("[data-testid=param-fast]", "10");
    await combine(page, ["mean-reversion"], "weighted");
    expect(await page.inputValue("[data-testid='param-momentum.fast']")).toBe("10");
    await page.check("[data-testid='param-momentum.allowShort']");
    await page.fill("[data-testid='combine-weights.momentum']", "2");
    await page.fill("[data-testid=combine-minConfidence]", "0.2");
    await page.fill("[data-testid=combine-ttl]", "40");
    await page.selectOption("[data-testid=combine-override]", "mean-reversion");
    await runBacktest(page, 1);
    expect(expected.strategy.name).toBe("weighted(momentum,mean-reversion)");
    await expectRunEqual(page, expected);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("runs the memory filter, on a strategy and around a combination, like the CLI, and lists its vetoes", async () => {
    const alone = await cli("--param", "fast=5", "--param", "slow=20", "--memory", "--memory-k", "5", "--memory-min-traces", "10");
    expect(alone.droppedSignals!.length).toBeGreaterThan(0);
    expect(alone.droppedSignals!.every((d) => d.reason === "memory")).toBe(true);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await page.fill("[data-testid=param-fast]", "5");
    await page.fill("[data-testid=param-slow]", "20");
    await memoryOn(page, { k: "5", minTraces: "10" });
    await runBacktest(page, 1);
    expect(alone.strategy.name).toBe("memory(momentum)");
    await expectRunEqual(page, alone);

    // The same filter around a vote: the combination's drops and the filter's vetoes in one list, by time.
    const around = await cli("--strategy", "momentum,mean-reversion", "--combine", "vote", "--param", "momentum.fast=5", "--param", "momentum.slow=20",
      "--param", "momentum.allowShort=true", "--param", "mean-reversion.allowShort=true",
      "--memory", "--memory-k", "5", "--memory-min-traces", "10", "--memory-min-edge", "0.001");
    expect(new Set(around.droppedSignals!.map((d) => d.reason))).toEqual(new Set(["conflict", "memory"]));
    await combine(page, ["mean-reversion"], "vote");
    await page.check("[data-testid='param-momentum.allowShort']");
    await page.check("[data-testid='param-mean-reversion.allowShort']");
    await page.fill("[data-testid=memory-minEdge]", "0.001");
    await runBacktest(page, 2);
    expect(around.strategy.name).toBe("memory(vote(momentum,mean-reversion))");
    await expectRunEqual(page, around);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("sweeps a strategy with the memory filter on: each cell is the filtered run's", async () => {
    const sp500 = parseBarsCsv(readFileSync(join(root, "data/sp500.csv"), "utf8"), { source: "sp500.csv", symbol: "SPX" });
    const memory = { k: 5, minTraces: 10 };
    const filtered = runStrategyBacktest(sp500, { strategy: "momentum", params: { fast: 5, slow: 20 }, memory });
    const plain = runStrategyBacktest(sp500, { strategy: "momentum", params: { fast: 5, slow: 20 } });
    expect(filtered.sharpe).not.toBe(plain.sharpe);
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await memoryOn(page, { k: "5", minTraces: "10" });
    for (const [axis, param, from, to] of [["x", "fast", "5", "10"], ["y", "slow", "20", "40"]]) {
      await page.selectOption(`[data-testid=sweep-${axis}-param]`, param);
      await page.fill(`[data-testid=sweep-${axis}-from]`, from);
      await page.fill(`[data-testid=sweep-${axis}-to]`, to);
      await page.fill(`[data-testid=sweep-${axis}-steps]`, "2");
    }
    await page.click("[data-testid=sweep-run]");
    await page.waitForSelector("[data-testid=sweep-status][data-state=done]", { timeout: 60_000 });
    expect(Number(await page.getAttribute("[data-testid=heat-cell][data-x='5'][data-y='20']", "data-value"))).toBe(filtered.sharpe);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("sweeps a combination over a strategy's parameter and the combination's threshold: each cell is nt backtest of that point", async () => {
    const fixed = ["--strategy", "momentum,mean-reversion", "--combine", "weighted", "--param", "momentum.allowShort=true", "--weight", "mean-reversion=2"];
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    await combine(page, ["mean-reversion"], "weighted");
    await page.check("[data-testid='param-momentum.allowShort']");
    await page.fill("[data-testid='combine-weights.mean-reversion']", "2");
    for (const [axis, param, from, to] of [["x", "momentum.fast", "5", "15"], ["y", "combine.minConfidence", "0.1", "0.5"]]) {
      await page.selectOption(`[data-testid=sweep-${axis}-param]`, param);
      await page.fill(`[data-testid=sweep-${axis}-from]`, from);
      await page.fill(`[data-testid=sweep-${axis}-to]`, to);
      await page.fill(`[data-testid=sweep-${axis}-steps]`, "3");
    }
    await page.click("[data-testid=sweep-run]");
    await page.waitForSelector("[data-testid=sweep-status][data-state=done]", { timeout: 60_000 });
    expect(await page.locator("[data-testid=heat-cell]").count()).toBe(9);
    expect(await page.textContent("#heatmap caption")).toBe("Sharpe by momentum.fast (columns) and combine.minConfidence (rows)");
    const cells = new Set<number>();
    for (const [fast, threshold] of [["5", "0.1"], ["10", "0.3"], ["15", "0.5"]]) {
      const cell = `[data-testid=heat-cell][data-x='${fast}'][data-y='${threshold}']`;
      const expected = await cli(...fixed, "--param", `momentum.fast=${fast}`, "--min-confidence", threshold);
      expect(Number(await page.getAttribute(cell, "data-value")), `${fast} ${threshold}`).toBe(expected.sharpe);
      expect(Number(await page.getAttribute(cell, "data-trades"))).toBe(expected.trades.length);
      cells.add(expected.sharpe);
    }
    expect(cells.size).toBeGreaterThan(1);
    // A cell loads its point (the strategy's parameter and the combination's setting) into the form and runs it: nt backtest of that point.
    await page.click("[data-testid=heat-cell][data-x='10'][data-y='0.3']");
    await page.waitForSelector("[data-testid=results][data-runs='1']", { timeout: 60_000 });
    expect(await page.inputValue("[data-testid='combine-minConfidence']")).toBe("0.3");
    await expectRunEqual(page, await cli(...fixed, "--param", "momentum.fast=10", "--min-confidence", "0.3"));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("refuses a bad combination or memory setting with the message naming the field, as the CLI does", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await waitForBundledData(page);
    const error = (id: string) => page.textContent(`[data-testid='error-${id}']`);

    // Two strategies and no method: the engine's message (the API's), on the method it names.
    await combine(page, ["mean-reversion"], "");
    const none = engineRefusal({ strategy: "momentum,mean-reversion" });
    expect(none.field).toBe("combine");
    await expect.poll(() => error("combine-method")).toBe(none.message);
    expect(none.message).toContain('combine.method "vote" or "weighted"');
    expect(await page.getAttribute("[data-testid=combine-method]", "aria-invalid")).toBe("true");
    await page.click("[data-testid=run]");
    expect(await page.textContent("[data-testid=run-status]")).toBe("Fix the highlighted fields first.");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("combine-method");
    // The CLI says the same of its flags.
    expect(await cliRefusal("--strategy", "momentum,mean-reversion"))
      .toBe("--strategy lists 2 strategies; say how to combine their signals: --combine vote or --combine weighted");

    // A setting's value: the CLI's message, naming the field where the CLI names its flag.
    await page.selectOption("[data-testid=combine-method]", "vote");
    await expect.poll(() => error("combine-method")).toBe("");
    const cases: [id: string, text: string, field: string, argv: string[], flag: string][] = [
      ["combine-weights.momentum", "0", "combine.weights.momentum", ["--weight", "momentum=0"], "--weight momentum"],
      ["combine-minConfidence", "2", "combine.minConfidence", ["--min-confidence", "2"], "--min-confidence"],
      ["combine-ttl", "2.5", "combine.ttl", ["--ttl", "2.5"], "--ttl"],
    ];
    for (const [id, text, field, argv, flag] of cases) {
      await page.fill(`[data-testid='${id}']`, text);
      const cliMessage = await cliRefusal("--strategy", "momentum,mean-reversion", "--combine", "vote", ...argv);
      expect(cliMessage.startsWith(`${flag} `), cliMessage).toBe(true);
      await expect.poll(() => error(id)).toBe(`${field}${cliMessage.slice(flag.length)}`);
      expect(await page.getAttribute(`[data-testid='${id}']`, "aria-invalid")).toBe("true");
      await page.fill(`[data-testid='${id}']`, "");
      await expect.poll(() => error(id)).toBe("");
    }
    // A member's own rule across its parameters: word for word the CLI's.
    await page.fill("[data-testid='param-momentum.fast']", "150");
    const rule = await cliRefusal("--strategy", "momentum,mean-reversion", "--combine", "vote", "--param", "momentum.fast=150");
    expect(rule).toBe("momentum: fast period (150) must be shorter than slow period (100)");
    await expect.poll(() => error("momentum.fast")).toBe(rule);
    await page.fill("[data-testid='param-momentum.fast']", "20");

    // The memory filter's settings, likewise.
    await memoryOn(page, { k: "0" });
    const k = await cliRefusal("--memory", "--memory-k", "0");
    expect(k).toBe('--memory-k must be an integer from 1 to 1000, got "0"');
    await expect.poll(() => error("memory-k")).toBe(`memory.k${k.slice("--memory-k".length)}`);
    await page.fill("[data-testid=memory-k]", "10");
    await expect.poll(() => page.locator("[aria-invalid=true]").count()).toBe(0);
    expect(await page.textContent("[data-testid=form-error]")).toBe("");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
