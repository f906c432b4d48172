import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { LocalExecutor } from "../../src/research/executor.ts";
import { runSweep } from "../../src/research/sweep.ts";
import { sweepView } from "../../src/research/view.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-sweep-"));
const sp500Text = readFileSync(`${root}data/sp500.csv`, "utf8");

describe("nt sweep", () => {
  it("runs a grid and prints runs and the best as JSON, the same as the library on the event-driven engine", async () => {
    const { code, out, err } = await nt("sweep", "--grid", "fast=10:30:10,slow=60:120:60", "--workers", "1", "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const view = JSON.parse(out);
    expect(view.runs).toHaveLength(6);
    expect(view.runs[0].params).toEqual({ fast: 10, slow: 60 });
    expect(view.runs.every((r: { engine: string }) => r.engine === "vectorized")).toBe(true);
    const series = parseBarsCsv(sp500Text, { symbol: "SPX" });
    const direct = await runSweep({
      base: { strategy: "momentum" }, fastPath: false,
      space: { grid: [{ key: "fast", from: 10, to: 30, step: 10 }, { key: "slow", from: 60, to: 120, step: 60 }] },
    }, [series], new LocalExecutor(null));
    const expected = JSON.parse(JSON.stringify(sweepView(direct)));
    expect(view.runs.map((r: { stats: unknown }) => r.stats)).toEqual(expected.runs.map((r: { stats: unknown }) => r.stats));
    expect(view.best).toEqual({ ...expected.best, engine: "vectorized" });
    expect(view.deflatedSharpe).toEqual(expected.deflatedSharpe);
    expect(view.pbo).toEqual(expected.pbo);
  });

  it("walks forward and reports the out-of-sample result and the guards, and writes the HTML report", async () => {
    const html = join(tmp, "sweep.html");
    const { code, out } = await nt("sweep", "--grid", "fast=5:20:5,slow=50:150:50", "--walk-forward", "1500:700", "--workers", "1", "--json", "--out", html);
    expect(code).toBe(0);
    const view = JSON.parse(out);
    expect(view.outOfSample.stats.bars).toBe(view.outOfSample.equity.length);
    expect(view.symbols[0].walkForward.windows).toHaveLength(6);
    expect(view.deflatedSharpe.trials).toBe(12);
    expect(view.pbo.splits).toBe(12870);
    const page = readFileSync(html, "utf8");
    expect(page).toContain('<table class="heat">');
    expect(page).toMatch(/class="legend"/);
    expect(page).toMatch(/aria-label="out-of-sample equity/);
    expect(page).toMatch(/Deflated Sharpe ratio/);
    expect(page).toMatch(/Probability of backtest overfitting/);
    expect(page).not.toMatch(/<script|https?:\/\//);
  });

  it("draws the same random points for the same seed", async () => {
    const args = ["sweep", "--random", "12", "--space", "fast=2:30,rsiMax=50:80", "--param", "slow=60", "--seed", "7", "--workers", "1", "--json"];
    const a = JSON.parse((await nt(...args)).out);
    const b = JSON.parse((await nt(...args)).out);
    expect(a.runs).toHaveLength(12);
    expect(a.runs.map((r: { params: unknown }) => r.params)).toEqual(b.runs.map((r: { params: unknown }) => r.params));
    const c = JSON.parse((await nt(...args.slice(0, -5), "--seed", "8", "--workers", "1", "--json")).out);
    expect(c.runs.map((r: { params: unknown }) => r.params)).not.toEqual(a.runs.map((r: { params: unknown }) => r.params));
  });

  it("sweeps every series in a directory, and prints a readable summary", async () => {
    const dir = join(tmp, "data");
    mkdirSync(dir);
    const lines = sp500Text.split("\n");
    writeFileSync(join(dir, "first.csv"), lines.slice(0, 2000).join("\n"));
    writeFileSync(join(dir, "second.csv"), [lines[0], ...lines.slice(2000)].join("\n"));
    const { code, out } = await nt("sweep", "--data", dir, "--grid", "period=10:30:10", "--strategy", "mean-reversion", "--workers", "1");
    expect(code).toBe(0);
    expect(out).toMatch(/mean-reversion: 6 runs \(3 parameter sets x 2 series\)/);
    expect(out).toMatch(/engines: 6 vectorized, 0 event-driven/);
    expect(out).toMatch(/^FIRST$/m);
    expect(out).toMatch(/^SECOND$/m);
    expect(out).toMatch(/best by sharpe: period=\d+/);
    expect(out).toMatch(/deflated Sharpe ratio/);
  });

  it("says which runs the vectorized path declined", async () => {
    const { code, out } = await nt("sweep", "--grid", "fast=10|20", "--max-drawdown", "0.2", "--workers", "1");
    expect(code).toBe(0);
    expect(out).toMatch(/engines: 0 vectorized, 2 event-driven; declined 2: risk limits \(maxDrawdown\) run on the event-driven engine/);
  });

  it("refuses malformed flags with the usage (exit 2)", async () => {
    for (const [args, message] of [
      [["--grid", "fast=1:5:1", "--random", "3"], /either --grid or --random/],
      [["--grid", "nonsense=1:2:1"], /neither a momentum parameter nor a run setting/],
      [["--grid", "fast=1:5"], /a:b:step/],
      [["--random", "5"], /--space/],
      [["--grid", "fast=5", "--walk-forward", "100"], /IS:OOS/],
      [["--grid", "fast=5", "--objective", "luck"], /objective must be one of/],
    ] as const) {
      const { code, err } = await nt("sweep", ...args);
      expect(code, args.join(" ")).toBe(2);
      expect(err).toMatch(message);
    }
  });
});
