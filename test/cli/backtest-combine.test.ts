// nt backtest --strategy a,b --combine: the flags become the request an API
// body would be, and the run is the library's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { checkBacktestRequest } from "../../src/backtest/request.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { requestFromFlags } from "../../runtimes/node/cli/request-flags.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });

const flags = [
  "--strategy", "momentum,mean-reversion", "--combine", "weighted", "--param", "momentum.fast=10", "--param", "momentum.allowShort=true",
  "--weight", "momentum=2", "--min-confidence", "0.2", "--ttl", "40", "--override", "mean-reversion",
];
const body = {
  strategy: "momentum,mean-reversion", params: { "momentum.fast": 10, "momentum.allowShort": true },
  combine: { method: "weighted", weights: { momentum: 2 }, minConfidence: 0.2, ttl: 40, override: "mean-reversion" },
};

describe("nt backtest with --combine", () => {
  it("reads the flags into the request a JSON body gives, checked the same way", () => {
    const values = { strategy: "momentum,mean-reversion", combine: "weighted", param: ["momentum.fast=10", "momentum.allowShort=true"],
      weight: ["momentum=2"], "min-confidence": "0.2", ttl: "40", override: "mean-reversion" };
    // The flags always give (empty) run settings and limits.
    expect(checkBacktestRequest(requestFromFlags(values))).toEqual(checkBacktestRequest({ ...body, config: {}, limits: {} }));
  });

  it("runs the combination the library runs, and lists its dropped signals", async () => {
    const { code, out, err } = await nt("backtest", ...flags, "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const direct = runStrategyBacktest(sp500, body as Parameters<typeof runStrategyBacktest>[1]);
    expect(report.strategy.name).toBe("weighted(momentum,mean-reversion)");
    expect(report.finalEquity).toBe(direct.finalEquity);
    expect(report.trades).toEqual(JSON.parse(JSON.stringify(direct.trades)));
    expect(report.droppedSignals).toEqual(JSON.parse(JSON.stringify(direct.droppedSignals)));
    expect(report.droppedSignals.length).toBeGreaterThan(0);
    const text = await nt("backtest", ...flags);
    expect(text.out).toMatch(/Dropped signals \(first 5 of \d+; /);
  });

  it("--strategy momentum --combine vote is nt backtest --strategy momentum, to the bit", async () => {
    const plain = JSON.parse((await nt("backtest", "--strategy", "momentum", "--param", "fast=10", "--param", "slow=50", "--json")).out);
    const one = JSON.parse((await nt("backtest", "--strategy", "momentum", "--combine", "vote", "--param", "momentum.fast=10", "--param", "momentum.slow=50", "--json")).out);
    expect(one.finalEquity).toBe(plain.finalEquity);
    expect(one.equity).toEqual(plain.equity);
    // The reasons name the member ("vote +1.00 · momentum long: ..."); the rest of every trade is the same.
    const member = (r: string) => r.replace(/^vote [+-]\d\.\d\d · momentum (long|flat): /, "");
    expect(one.trades.map((t: Record<string, unknown>) => ({ ...t, entryReason: member(t.entryReason as string), exitReason: member(t.exitReason as string) })))
      .toEqual(plain.trades);
    expect(one.droppedSignals).toEqual([]);
  });

  it("refuses what it cannot run, naming the flag", async () => {
    const refused = async (...argv: string[]) => {
      const { code, err } = await nt("backtest", ...argv);
      expect(code).toBe(2);
      return err.split("\n")[0];
    };
    expect(await refused("--strategy", "momentum,mean-reversion")).toBe("nt backtest: --strategy lists 2 strategies; say how to combine their signals: --combine vote or --combine weighted");
    expect(await refused("--strategy", "momentum", "--ttl", "3")).toBe("nt backtest: --ttl is a setting of a combination; add --combine vote or weighted");
    expect(await refused("--strategy", "momentum,mean-reversion", "--combine", "all")).toBe('nt backtest: --combine must be vote or weighted, got "all"');
    expect(await refused("--strategy", "momentum,mean-reversion", "--combine", "vote", "--weight", "rsi=2")).toMatch(/--weight rsi: "rsi" is not one of the combined strategies/);
    expect(await refused("--strategy", "momentum,mean-reversion", "--combine", "vote", "--weight", "momentum=-1")).toMatch(/--weight momentum must be a number in \(0, 1000000\]/);
    expect(await refused("--strategy", "momentum,mean-reversion", "--combine", "vote", "--param", "fast=5")).toMatch(/--param fast: a combination's parameters are prefixed/);
    expect(await refused("--strategy", "momentum,mean-reversion", "--combine", "vote", "--ttl", "0")).toMatch(/--ttl must be an integer from 1 to 1000000/);
  });
});
