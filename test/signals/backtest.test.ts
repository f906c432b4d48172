// A combination in the backtest engine: a one-strategy combination is that
// strategy's plain run to the bit, and dropped signals reach every form of
// the report.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import type { BacktestReport } from "../../src/backtest/types.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { buyAndHold, withAnalysis } from "../../src/report/analysis.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { formatReportText } from "../../src/report/text.ts";
import { root } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { source: "sp500.csv", symbol: "SPX" });

/** A combination's trade reasons name the member ("vote +1.00 · momentum long: ..."); what follows is the member's own reason. */
function memberReason(reason: string): string {
  return reason.replace(/^vote [+-]\d\.\d\d · [\w-]+ (long|short|flat): /, "");
}

function tradesWithMemberReasons(r: BacktestReport) {
  return r.trades.map((t) => ({ ...t, entryReason: memberReason(t.entryReason), exitReason: memberReason(t.exitReason) }));
}

describe("a combination in a backtest", () => {
  it.each([
    ["momentum", { fast: 10, slow: 50 }],
    ["momentum", { fast: 10, slow: 50, allowShort: true }],
    ["mean-reversion", { period: 30, entryZ: 1.5, allowShort: true }],
  ])("of one strategy (%s %o) equals its plain run over data/sp500.csv: final equity and trades", (name, params) => {
    const plain = runStrategyBacktest(sp500, { strategy: name, params });
    const prefixed = Object.fromEntries(Object.entries(params).map(([k, v]) => [`${name}.${k}`, v]));
    const combined = runStrategyBacktest(sp500, { strategy: name, params: prefixed, combine: { method: "vote" } });
    expect(plain.trades.length).toBeGreaterThan(10);
    expect(combined.finalEquity).toBe(plain.finalEquity);
    expect(combined.equity.equity).toEqual(plain.equity.equity);
    // Every field of every trade, the reason text aside (it names the member), is the same.
    expect(tradesWithMemberReasons(combined)).toEqual(plain.trades);
    expect(combined.trades[0].entryReason).toMatch(new RegExp(`^vote [+-]1\\.00 · ${name} (long|short): `));
    expect(combined.droppedSignals).toEqual([]);
    expect(plain.droppedSignals).toBeUndefined();
    expect(combined.strategy.name).toBe(`vote(${name})`);
  });

  it("lists the signals it dropped in the JSON, the text and the HTML report", () => {
    const req: BacktestRequest = {
      strategy: "momentum,mean-reversion",
      params: { "momentum.allowShort": true, "mean-reversion.allowShort": true },
      combine: { method: "weighted", minConfidence: 0.3, ttl: 30 },
    };
    const report = withAnalysis(runStrategyBacktest(sp500, req), buyAndHold(sp500));
    const dropped = report.droppedSignals!;
    const reasons = new Set(dropped.map((d) => d.reason));
    expect(reasons).toEqual(new Set(["threshold", "expired", "conflict"]));
    for (const d of dropped) {
      expect(["momentum", "mean-reversion"]).toContain(d.strategy);
      expect(d.signalTime).toBeLessThanOrEqual(d.time);
      if (d.reason === "threshold") expect(d.confidence).toBeLessThan(0.3);
      if (d.reason === "expired") expect(d.time - d.signalTime).toBeGreaterThanOrEqual(30 * 86_400_000);
    }
    for (let i = 1; i < dropped.length; i++) expect(dropped[i].time).toBeGreaterThanOrEqual(dropped[i - 1].time);
    // JSON: the report as the API sends it.
    expect(JSON.parse(JSON.stringify(report)).droppedSignals).toEqual(dropped);
    const count = (reason: string) => dropped.filter((d) => d.reason === reason).length;
    const text = formatReportText(report);
    expect(text).toContain(`Dropped signals  ${dropped.length} (`);
    expect(text).toMatch(new RegExp(`Dropped signals \\(first 5 of ${dropped.length}; .*${count("threshold")} threshold`));
    const html = renderReportHtml(report);
    expect(html).toContain(`<h2>Dropped signals (${dropped.length})`);
    // One row per dropped signal in the HTML table.
    const section = html.slice(html.indexOf("<h2>Dropped signals"));
    expect(section.slice(0, section.indexOf("</section>")).match(/<tr>/g)!.length).toBe(dropped.length + 1);
  });
});
