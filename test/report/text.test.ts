import { describe, expect, it } from "vitest";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import { formatReportText } from "../../src/report/text.ts";
import { analyzedSmall, largeReport } from "./fixture.ts";
import { withAnalysis } from "../../src/report/analysis.ts";

/** The lines of the section whose title matches `title`, title excluded. */
function section(text: string, title: RegExp): string[] {
  const block = text.trimEnd().split("\n\n").find((b) => title.test(b.split("\n")[0]));
  if (!block) throw new Error(`no section ${title}`);
  return block.split("\n").slice(1);
}

describe("formatReportText", () => {
  const text = formatReportText(analyzedSmall());

  it("summarizes the run with formatted figures", () => {
    const expected: [string, string][] = [
      ["Period", "2021-01-04 to 2021-01-08"],
      ["Bars", "5 (252 a year)"],
      ["Initial cash", "100,000.00"],
      ["Final equity", "103,084.00"],
      ["Exposure", "80.00%"],
      ["Commissions", "3.00"],
      ["Resized orders", "0"],
      ["Rejections", "1"],
      ["Speed", "1,234,568 bars/s (0.004 ms)"],
    ];
    const lines = section(text, /^Backtest ACME: sma-cross \(fast=10, slow=50\)$/);
    expect(lines.length).toBe(expected.length);
    expected.forEach(([label, value], i) => {
      expect(lines[i]).toBe(`  ${label.padEnd("Resized orders".length)}  ${value}`);
    });
  });

  it("puts the headline figures beside the benchmark's", () => {
    expect(text).toContain([
      "Performance     Strategy         IDX",
      "  Total return    +3.08%      +4.00%",
      "  CAGR          +456.78%  +3,492.17%",
    ].join("\n"));
    expect(text).toMatch(/^ {2}Sharpe {12}1\.23 {8}\d\.\d\d$/m);
    expect(text).toMatch(/^ {2}Max drawdown {4}-4\.25% {6}-2\.94%$/m);
  });

  it("compares with the benchmark: excess return, alpha, beta, tracking error, information ratio", () => {
    const b = analyzedSmall().analysis.benchmark!;
    const lines = section(text, /^Against IDX \(2021-01-04 to 2021-01-08, risk-free 0\)$/);
    expect(lines.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(["Excess return", "Active premium", "Alpha", "Beta", "Correlation", "Tracking error", "Information ratio"]);
    expect(lines[0]).toMatch(/-0\.92%$/);
    expect(lines[3]).toMatch(new RegExp(`${b.beta!.toFixed(2)}$`));
    expect(lines[6]).toMatch(new RegExp(`${b.informationRatio!.toFixed(2)}$`));
  });

  it("shows trade statistics in two aligned columns", () => {
    expect(section(text, /^Trade statistics \(2 trades; P&L after commissions\)$/)).toEqual([
      "  Win rate              50.00%    Profit factor          16.55",
      "  Average win         3,285.50    Average loss         -198.50",
      "  Largest win         3,285.50    Largest loss         -198.50",
      "  Expectancy          1,543.50    Average bars held        2.0",
      "  Longest win streak         1    Longest loss streak        1",
    ]);
  });

  it("lays out monthly returns as a calendar with the year's and the benchmark's return", () => {
    expect(section(text, /^Monthly returns \(%\); Bench: IDX$/)).toEqual([
      "        Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep  Oct  Nov  Dec  Year  Bench",
      "  2021  3.1                                                          3.1    4.0",
    ]);
  });

  it("lists the worst drawdowns, saying when one has not recovered", () => {
    expect(section(text, /^Worst 1 drawdown \(PerformanceAnalytics table\.Drawdowns\)$/)).toEqual([
      "  #   Depth  Start       Trough      Recovered      Bars  To trough  To recover",
      "  1  -4.25%  2021-01-07  2021-01-07  not recovered     3          1",
    ]);
  });

  it("summarizes the rolling figures with their window, on a long enough run", () => {
    const long = formatReportText(withAnalysis(largeReport(400, 200), null));
    const lines = section(long, /^Rolling 63-bar figures \(annualized\)$/);
    expect(lines[0]).toMatch(/^ +Last +Min +Median +Max$/);
    expect(lines[1]).toMatch(/^ {2}Sharpe /);
    expect(lines[2]).toMatch(/^ {2}Volatility .*%$/);
    expect(text).not.toContain("Rolling");
    // Without a benchmark, the performance table has the strategy alone.
    expect(section(long, /^Performance {5}Strategy$/).length).toBe(6);
  });

  it("lists resized orders with the prices that explain them, apart from rejections", () => {
    const resized = [{ time: Date.UTC(2021, 0, 5), symbol: "ACME", orderId: "o3", requested: 69, filled: 68, price: 2741.944, lastClose: 2734.62, reason: "r" }];
    expect(section(formatReportText(analyzedSmall({ resized })), /^Resized orders \(1\): /)).toEqual([
      "  Time        Symbol  Asked  Filled  Last close  Fill price  Change",
      "  2021-01-05  ACME       69      68    2,734.62    2,741.94  +0.27%",
    ]);
    expect(text).not.toContain("Resized orders (");
  });

  it("lists the trades as an aligned table", () => {
    const lines = section(text, /^Trades \(2\)$/);
    expect(lines).toEqual([
      "  #  Side   Entry       Exit        Qty  Entry price  Exit price       P&L  Return",
      "  1  long   2021-01-04  2021-01-06   50     1,234.50    1,300.25  3,285.50  +5.32%",
      "  2  short  2021-01-06  2021-01-08   10     1,300.25    1,320.00   -198.50  -1.53%",
    ]);
  });

  it("lists the rejections with their rule and reason", () => {
    expect(section(text, /^Risk rejections \(1\)$/)).toEqual([
      "  Time        Symbol  Rule         Reason",
      '  2021-01-07  ACME    maxNotional  notional 150,000 > limit <100,000> & "cap"',
    ]);
  });

  it("shows only the last 10 trades, numbered in the whole run, with times for intraday trades", () => {
    const base = analyzedSmall().trades[0];
    const trades: TradeRecord[] = Array.from({ length: 13 }, (_, i) => ({
      ...base,
      entryTime: Date.UTC(2021, 0, 4, 9, 30 + i),
      exitTime: Date.UTC(2021, 0, 4, 10, 30 + i),
      pnl: i * 1000.5,
    }));
    const lines = section(formatReportText(analyzedSmall({ trades })), /^Last 10 of 13 trades$/);
    expect(lines.length).toBe(11);
    expect(lines[1]).toMatch(/^ {3}4 {2}long {2}2021-01-04 09:33 {2}2021-01-04 10:33 .* 3,001\.50 {2}\+5\.32%$/);
    expect(lines[10]).toMatch(/^ {2}13 {2}long .* 12,006\.00 {2}\+5\.32%$/);
    // Right-aligned numeric columns end at the same place on every row.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it("shows the first 5 rejections, clipping long reasons to one line", () => {
    const reason = `exposure limit\nexceeded: ${"x".repeat(80)}`;
    const rejections = Array.from({ length: 7 }, (_, i) => ({ time: Date.UTC(2021, 0, 4 + i), symbol: "ACME", rule: `r${i}`, reason }));
    const lines = section(formatReportText(analyzedSmall({ rejections })), /^Risk rejections \(first 5 of 7\)$/);
    expect(lines.length).toBe(6);
    expect(lines[1]).toContain("2021-01-04  ACME    r0    exposure limit exceeded: xxx");
    expect(lines[5]).toContain("r4");
    expect(lines[1].endsWith("x…")).toBe(true);
    expect(lines[1].length - lines[1].indexOf("exposure")).toBe(60);
  });

  it("says when there were no trades and leaves out an empty rejections section", () => {
    const out = formatReportText(analyzedSmall({ trades: [], rejections: [] }));
    expect(out).toContain("\n\nNo trades.\n");
    expect(out).not.toContain("Risk rejections");
    expect(out).not.toContain("Trade statistics");
  });
});
