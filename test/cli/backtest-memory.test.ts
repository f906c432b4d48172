// nt backtest --memory: the flags become the request an API body would be,
// and the run is the library's.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { checkBacktestRequest } from "../../src/backtest/request.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { requestFromFlags } from "../../runtimes/node/cli/request-flags.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });

describe("nt backtest with --memory", () => {
  it("reads the flags into the request a JSON body gives, checked the same way", () => {
    const values = { strategy: "momentum", param: [], memory: true, "memory-k": "5", "memory-holding": "20", "memory-min-traces": "8", "memory-min-edge": "-0.005" };
    const body = { strategy: "momentum", memory: { k: 5, holding: 20, minTraces: 8, minEdge: -0.005 }, config: {}, limits: {} };
    expect(checkBacktestRequest(requestFromFlags(values))).toEqual(checkBacktestRequest(body));
    // --memory alone: the defaults.
    expect(requestFromFlags({ strategy: "momentum", param: [], memory: true }).memory).toEqual({});
    expect(requestFromFlags({ strategy: "momentum", param: [] }).memory).toBeUndefined();
  });

  it("runs the filter the library runs, and lists its vetoes", async () => {
    const argv = ["--param", "fast=5", "--param", "slow=20", "--memory", "--memory-k", "5", "--memory-min-traces", "10"];
    const { code, out, err } = await nt("backtest", ...argv, "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    const direct = runStrategyBacktest(sp500, { strategy: "momentum", params: { fast: 5, slow: 20 }, memory: { k: 5, minTraces: 10 } });
    expect(report.strategy.name).toBe("memory(momentum)");
    expect(report.finalEquity).toBe(direct.finalEquity);
    expect(report.droppedSignals).toEqual(JSON.parse(JSON.stringify(direct.droppedSignals)));
    expect(report.droppedSignals.length).toBeGreaterThan(0);
    expect(report.droppedSignals.every((d: { reason: string }) => d.reason === "memory")).toBe(true);
    expect((await nt("backtest", ...argv)).out).toMatch(/Dropped signals \(first 5 of \d+; \d+ memory\)/);
  });

  it("refuses what it cannot run, naming the flag", async () => {
    const refused = async (...argv: string[]) => {
      const { code, err } = await nt("backtest", ...argv);
      expect(code).toBe(2);
      return err.split("\n")[0];
    };
    expect(await refused("--memory-k", "5")).toBe("nt backtest: --memory-k is a setting of the memory filter; add --memory");
    expect(await refused("--memory", "--memory-k", "0")).toMatch(/^nt backtest: --memory-k must be an integer from 1 to 1000/);
    expect(await refused("--memory", "--memory-min-edge", "x")).toMatch(/^nt backtest: --memory-min-edge /);
    expect(await refused("--memory", "--memory-holding", "2.5")).toMatch(/^nt backtest: --memory-holding /);
  });
});
