// The memory filter as a request gives it: checked once for every front end
// with errors naming the field, run around a strategy or a combination, its
// vetoes in every form of the report.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import { checkBacktestRequest, type UncheckedRequest } from "../../src/backtest/request.ts";
import type { EngineError } from "../../src/core/errors.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { buyAndHold, withAnalysis } from "../../src/report/analysis.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { formatReportText } from "../../src/report/text.ts";
import { memorySettings } from "../../src/signals/memory-filter.ts";
import { root } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { source: "sp500.csv", symbol: "SPX" });

function refusal(req: UncheckedRequest): { message: string; field?: string } {
  try {
    checkBacktestRequest(req);
  } catch (e) {
    return { message: (e as EngineError).message, field: (e as EngineError).field };
  }
  throw new Error("accepted");
}

describe("a request's memory", () => {
  it("keeps the settings given; the rest take their defaults (k 10, holding 10, minTraces 20, minEdge 0)", () => {
    expect(checkBacktestRequest({ strategy: "momentum", memory: { k: 5, minEdge: -0.01 } }).memory).toEqual({ k: 5, minEdge: -0.01 });
    expect(checkBacktestRequest({ strategy: "momentum" }).memory).toBeUndefined();
    expect(memorySettings({})).toEqual({ k: 10, holding: 10, minTraces: 20, minEdge: 0 });
    expect(memorySettings({ k: 5, minEdge: -0.01 })).toEqual({ k: 5, holding: 10, minTraces: 20, minEdge: -0.01 });
  });

  it("names the field at fault", () => {
    expect(refusal({ strategy: "momentum", memory: true })).toEqual({
      message: 'memory must be an object of settings such as {"k": 10} ({} for the defaults), got true', field: "memory",
    });
    expect(refusal({ strategy: "momentum", memory: { k: 0 } })).toEqual({ message: "memory.k must be an integer from 1 to 1000, got 0", field: "memory.k" });
    expect(refusal({ strategy: "momentum", memory: { holding: 2.5 } }).field).toBe("memory.holding");
    expect(refusal({ strategy: "momentum", memory: { minTraces: "20" } }).field).toBe("memory.minTraces");
    expect(refusal({ strategy: "momentum", memory: { minEdge: 2 } })).toEqual({ message: "memory.minEdge must be a number from -1 to 1, got 2", field: "memory.minEdge" });
    expect(refusal({ strategy: "momentum", memory: { neighbours: 3 } })).toEqual({
      message: "memory.neighbours is not a known setting; expected one of k, holding, minTraces, minEdge", field: "memory.neighbours",
    });
    expect(refusal({ strategy: "pairs", memory: {} })).toEqual({
      message: "pairs trades a whole book of series; the memory filter judges one series' long and short signals, so it cannot wrap it", field: "memory",
    });
  });
});

describe("the memory filter in a backtest", () => {
  it("that never judges (minTraces beyond every signal) is the plain run to the bit, with no drops", () => {
    const params = { fast: 10, slow: 50, allowShort: true };
    const plain = runStrategyBacktest(sp500, { strategy: "momentum", params });
    const filtered = runStrategyBacktest(sp500, { strategy: "momentum", params, memory: { minTraces: 10_000 } });
    expect(plain.trades.length).toBeGreaterThan(10);
    expect(filtered.strategy.name).toBe("memory(momentum)");
    expect(filtered.equity.equity).toEqual(plain.equity.equity);
    expect(filtered.trades).toEqual(plain.trades);
    expect(filtered.droppedSignals).toEqual([]);
  });

  it("wraps a combination: its drops and the vetoes are listed together by time, in the JSON, the text and the HTML report", () => {
    const req: BacktestRequest = {
      strategy: "momentum,mean-reversion", params: { "momentum.allowShort": true, "mean-reversion.allowShort": true },
      combine: { method: "vote", ttl: 30 }, memory: { k: 5, minTraces: 10 },
    };
    const report = withAnalysis(runStrategyBacktest(sp500, req), buyAndHold(sp500));
    expect(report.strategy.name).toBe("memory(vote(momentum,mean-reversion))");
    const dropped = report.droppedSignals!;
    const vetoes = dropped.filter((d) => d.reason === "memory");
    expect(vetoes.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(vetoes.length);
    for (const v of vetoes) {
      expect(v.strategy).toBe("vote(momentum,mean-reversion)");
      expect(v.detail).toMatch(/^5 neighbours: mean outcome -\d+\.\d\d%, win rate \d+\.\d\d%; below the min edge \+0\.00%$/);
    }
    expect(dropped.map((d) => d.time)).toEqual(dropped.map((d) => d.time).sort((a, b) => a - b));
    expect(formatReportText(report)).toMatch(new RegExp(`Dropped signals +[\\d,]+ \\(.*${vetoes.length} memory`));
    expect(renderReportHtml(report)).toContain(vetoes[0].detail);
  });
});
