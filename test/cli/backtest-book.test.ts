// nt backtest with several --data files: a pair of series (pairs), and the
// library's run on the same files.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { syntheticPair } from "../../src/data/synthetic.ts";
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
