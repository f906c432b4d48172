import { describe, expect, it } from "vitest";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import { formatReportText } from "../../src/report/text.ts";
import { smallReport } from "./fixture.ts";

/** The lines of the section whose title matches `title`, title excluded. */
function section(text: string, title: RegExp): string[] {
  const block = text.trimEnd().split("\n\n").find((b) => title.test(b.split("\n")[0]));
  if (!block) throw new Error(`no section ${title}`);
  return block.split("\n").slice(1);
}

describe("formatReportText", () => {
  const text = formatReportText(smallReport());

  it("summarizes the run with formatted figures", () => {
    const expected: [string, string][] = [
      ["Symbol", "ACME"],
      ["Period", "2021-01-04 to 2021-01-08"],
      ["Bars", "5"],
      ["Strategy", "sma-cross (fast=10, slow=50)"],
      ["Initial cash", "100,000.00"],
      ["Final equity", "103,084.00"],
      ["Total return", "+3.08%"],
      ["CAGR", "+456.78%"],
      ["Sharpe", "1.23"],
      ["Sortino", "2.50"],
      ["Max drawdown", "-4.25%"],
      ["Trades", "2"],
      ["Win rate", "50.00%"],
      ["Exposure", "80.00%"],
      ["Commissions", "3.00"],
      ["Rejections", "1"],
      ["Speed", "1,234,568 bars/s (0.004 ms)"],
    ];
    const lines = section(text, /^Backtest ACME: sma-cross \(fast=10, slow=50\)$/);
    expect(lines.length).toBe(expected.length);
    expected.forEach(([label, value], i) => {
      expect(lines[i]).toBe(`  ${label.padEnd("Initial cash".length)}  ${value}`);
    });
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
    const base = smallReport().trades[0];
    const trades: TradeRecord[] = Array.from({ length: 13 }, (_, i) => ({
      ...base,
      entryTime: Date.UTC(2021, 0, 4, 9, 30 + i),
      exitTime: Date.UTC(2021, 0, 4, 10, 30 + i),
      pnl: i * 1000.5,
    }));
    const lines = section(formatReportText(smallReport({ trades })), /^Last 10 of 13 trades$/);
    expect(lines.length).toBe(11);
    expect(lines[1]).toMatch(/^ {3}4 {2}long {2}2021-01-04 09:33 {2}2021-01-04 10:33 .* 3,001\.50 {2}\+5\.32%$/);
    expect(lines[10]).toMatch(/^ {2}13 {2}long .* 12,006\.00 {2}\+5\.32%$/);
    // Right-aligned numeric columns end at the same place on every row.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it("shows the first 5 rejections, clipping long reasons to one line", () => {
    const reason = `exposure limit\nexceeded: ${"x".repeat(80)}`;
    const rejections = Array.from({ length: 7 }, (_, i) => ({ time: Date.UTC(2021, 0, 4 + i), symbol: "ACME", rule: `r${i}`, reason }));
    const lines = section(formatReportText(smallReport({ rejections })), /^Risk rejections \(first 5 of 7\)$/);
    expect(lines.length).toBe(6);
    expect(lines[1]).toContain("2021-01-04  ACME    r0    exposure limit exceeded: xxx");
    expect(lines[5]).toContain("r4");
    expect(lines[1].endsWith("x…")).toBe(true);
    expect(lines[1].length - lines[1].indexOf("exposure")).toBe(60);
  });

  it("says when there were no trades and leaves out an empty rejections section", () => {
    const out = formatReportText(smallReport({ trades: [], rejections: [] }));
    expect(out).toContain("\n\nNo trades.\n");
    expect(out).not.toContain("Risk rejections");
    expect(out).toMatch(/^ {2}Trades {8}0$/m);
  });
});
