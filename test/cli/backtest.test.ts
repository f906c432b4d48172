import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-cli-"));

describe("nt backtest", () => {
  it("backtests the bundled S&P 500 series and prints the same report as the library", async () => {
    const { code, out } = await nt("backtest", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const series = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
    const direct = runStrategyBacktest(series, { strategy: "momentum" });
    expect(report.bars).toBe(5105);
    expect(report.symbol).toBe("SPX");
    for (const key of ["finalEquity", "totalReturn", "sharpe", "maxDrawdown", "cagr", "sortino", "winRate", "exposure"]) {
      expect(report[key], key).toBe(direct[key as keyof typeof direct]);
    }
    expect(report.trades).toEqual(JSON.parse(JSON.stringify(direct.trades)));
    expect(report.trades.length).toBeGreaterThan(5);
    expect(report.barsPerSecond).toBeGreaterThan(0);
  });

  it("--strategy neural-forecast: the walk-forward network's trades, as the library gives them", async () => {
    const params = ["trainBars=300", "retrainEvery=1000", "epochs=2", "errorWindow=20", "allowShort=true"];
    const { code, out } = await nt("backtest", "--strategy", "neural-forecast", ...params.flatMap((p) => ["--param", p]), "--json");
    expect(code).toBe(0);
    const series = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
    const direct = runStrategyBacktest(series, {
      strategy: "neural-forecast", params: { trainBars: 300, retrainEvery: 1000, epochs: 2, errorWindow: 20, allowShort: true },
    });
    const report = JSON.parse(out);
    expect(report.trades).toEqual(JSON.parse(JSON.stringify(direct.trades)));
    expect(report.finalEquity).toBe(direct.finalEquity);
    expect(report.trades.length).toBeGreaterThan(5);
  }, 60_000);

  it("prints a readable summary and writes a self-contained HTML report", async () => {
    const html = join(tmp, "report.html");
    const { code, out } = await nt("backtest", "--strategy", "mean-reversion", "--param", "period=30", "--param", "entryZ=2.5", "--out", html);
    expect(code).toBe(0);
    expect(out).toMatch(/mean-reversion/);
    expect(out).toMatch(/Sharpe/i);
    expect(out).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/<svg/);
    expect(page).not.toMatch(/<script src|https?:\/\//);
  });

  it("applies risk limits and lists the denied orders", async () => {
    const { out } = await nt("backtest", "--json", "--max-drawdown", "0.1", "--param", "fast=5", "--param", "slow=20");
    const report = JSON.parse(out);
    expect(report.rejections.length).toBeGreaterThan(0);
    expect(report.rejections[0].rule).toBe("maxDrawdown");
  });

  it("fails clearly on bad input", async () => {
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "date,open,high,low,close,volume\n2020-01-01,1,2,0.5,1.5,100\n2020-01-02,1,0.5,2,1.5,100\n");
    const r1 = await nt("backtest", "--data", bad);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/row 2/);
    const r2 = await nt("backtest", "--param", "fast=200", "--param", "slow=100");
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/fast period \(200\) must be shorter than slow period \(100\)/);
    const r3 = await nt("backtest", "--strategy", "nope");
    expect(r3.err).toMatch(/unknown strategy "nope"/);
    const r4 = await nt("backtest", "--param", "fast");
    expect(r4.code).toBe(2);
    expect(r4.err).toMatch(/--param expects k=v/);
    const r5 = await nt("backtest", "--data", join(tmp, "missing.csv"));
    expect(r5.code).toBe(1);
    expect(r5.err).toMatch(/ENOENT|no such file/);
    const r6 = await nt("backtest", "--bogus");
    expect(r6.code).toBe(2);
  });
});

describe("nt indicators", () => {
  it("writes the date column and one column per item, matching the TTR reference", async () => {
    const out = join(tmp, "ind.csv");
    const spec = "sma:20,ema:12,rsi:14,macd:12:26:9,bbands:20:2,atr:14,adx:14,stoch:14:3:3,obv,vwap:20,cci:20,willr:14,roc:10,wma:20";
    const fixture = join(tmp, "ttrc.csv");
    // The TTR fixture has the OHLCV columns plus reference columns, which the loader ignores.
    writeFileSync(fixture, readFileSync(`${root}test/fixtures/ttrc_ttr_indicators.csv`, "utf8"));
    const { code } = await nt("indicators", "--data", fixture, "--spec", spec, "--out", out);
    expect(code).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const header = lines[0].split(",");
    expect(header.slice(0, 6)).toEqual(["date", "sma:20", "ema:12", "rsi:14", "macd:12:26:9.macd", "macd:12:26:9.signal"]);
    expect(header).toContain("stoch:14:3:3.d");
    expect(lines).toHaveLength(5551);
    const row = lines[100].split(",");
    const ref = readFileSync(`${root}test/fixtures/ttrc_ttr_indicators.csv`, "utf8").trim().split("\n")[100].split(",");
    const refHeader = readFileSync(`${root}test/fixtures/ttrc_ttr_indicators.csv`, "utf8").split("\n")[0].split(",").map((h) => h.replace(/"/g, ""));
    expect(row[0]).toBe(ref[0].replace(/"/g, ""));
    expect(Number(row[1])).toBeCloseTo(Number(ref[refHeader.indexOf("SMA20")]), 9);
    expect(lines[1].split(",")[1]).toBe("");
  });

  it("names a bad item", async () => {
    const r = await nt("indicators", "--data", "data/sp500.csv", "--spec", "sma:20,foo:3", "--out", join(tmp, "x.csv"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown indicator "foo"/);
    const r2 = await nt("indicators", "--data", "data/sp500.csv");
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/--spec is required/);
  });
});
