// nt backtest with several --data files: a pair of series (pairs), a
// holdings file over the series of its symbols (mirror), and the library's
// run on the same files.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { syntheticBars, syntheticPair } from "../../src/data/synthetic.ts";
import { nt } from "./capture.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-book-"));

function write(s: BarSeries, name: string): string {
  const path = join(tmp, name);
  writeFileSync(path, toCsv(["time", "open", "high", "low", "close", "volume"], [s.time, s.open, s.high, s.low, s.close, s.volume]));
  return path;
}

describe("nt backtest over several series", () => {
  const [a, b] = syntheticPair({ n: 800, seed: 21, beta: 1.2, alpha: -2, symbols: ["AAA", "BBB"] });
  const files = [write(a, "aaa.csv"), write(b, "bbb.csv")];

  it("--strategy pairs --data A --data B trades the pair as the library does", async () => {
    const params = ["lookback=80", "kalman=true"];
    const { code, out, err } = await nt("backtest", "--strategy", "pairs", "--data", files[0], "--data", files[1], ...params.flatMap((p) => ["--param", p]), "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const direct = runStrategyBacktest([a, b], { strategy: "pairs", params: { lookback: 80, kalman: true } });
    expect(report.symbol).toBe("AAA,BBB");
    expect(report.strategy.name).toBe("pairs");
    expect(report.trades.length).toBeGreaterThan(4);
    expect(report.trades).toEqual(JSON.parse(JSON.stringify(direct.trades)));
    expect(report.finalEquity).toBe(direct.finalEquity);
    // Several series and no --benchmark: no benchmark.
    expect(report.analysis.benchmark).toBeNull();
  });

  it("says what pairs needs when given one series, and refuses --symbol with several", async () => {
    const one = await nt("backtest", "--strategy", "pairs", "--data", files[0]);
    expect(one.code).toBe(1);
    expect(one.err).toMatch(/pairs trades exactly two series \(the pair's legs\), got 1/);
    const named = await nt("backtest", "--strategy", "pairs", "--data", files[0], "--data", files[1], "--symbol", "X");
    expect(named.code).toBe(2);
    expect(named.err).toMatch(/--symbol names the series of a single --data file/);
  });
});

describe("nt backtest --strategy mirror", () => {
  const symbols = ["AAA", "BBB", "CCC"];
  const series = symbols.map((symbol, i) => syntheticBars({ n: 300, seed: 40 + i, symbol }));
  mkdirSync(join(tmp, "mirror"));
  const files = series.map((s) => write(s, join("mirror", `${s.symbol.toLowerCase()}.csv`)));
  const holdings = "date,symbol,shares\n2000-01-31,AAA,100\n2000-01-31,BBB,50\n2000-04-30,AAA,100\n2000-04-30,CCC,300\n2000-07-31,CCC,10\n";
  const holdingsFile = join(tmp, "fund.csv");
  writeFileSync(holdingsFile, holdings);
  const data = files.flatMap((f) => ["--data", f]);

  it("follows the holdings file as the library does", async () => {
    const { code, out, err } = await nt("backtest", "--strategy", "mirror", "--holdings", holdingsFile, ...data, "--param", "lagDays=30", "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const direct = runStrategyBacktest(series, { strategy: "mirror", params: { lagDays: 30 }, holdings });
    expect(report.trades).toEqual(JSON.parse(JSON.stringify(direct.trades)));
    expect(report.finalEquity).toBe(direct.finalEquity);
    // The three snapshots were acted on 30 days after their dates: AAA and BBB bought on the first,
    // BBB sold on the second (CCC bought, still held), AAA sold on the third.
    const known = (reason: string) => /known (\S+):/.exec(reason)![1];
    expect(direct.trades.map((t) => [t.symbol, known(t.entryReason), known(t.exitReason)])).toEqual([
      ["BBB", "2000-03-01", "2000-05-30"], ["AAA", "2000-03-01", "2000-08-30"],
    ]);
  });

  it("names the holdings file and row at fault", async () => {
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "date,symbol,shares\n2000-01-31,AAA,100\n2000-01-31,BBB,lots\n");
    const refused = await nt("backtest", "--strategy", "mirror", "--holdings", bad, ...data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${bad}, row 2: shares must be a number >= 0`);
    const missing = await nt("backtest", "--strategy", "mirror", ...data);
    expect(missing.err).toMatch(/mirror needs holdings/);
  });
});
