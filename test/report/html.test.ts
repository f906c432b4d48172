import { describe, expect, it } from "vitest";
import { downsampleMinMax, escapeHtml, MAX_CHART_POINTS, renderReportHtml, timeTicks } from "../../src/report/html.ts";
import { largeReport, smallReport } from "./fixture.ts";

const VOID = new Set(["meta", "br", "hr", "img", "input", "link"]);

/** Throws unless every non-void element is closed, in order. */
function expectBalanced(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    const tag = name.toLowerCase();
    if (VOID.has(tag) || selfClosing) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) throw new Error(`</${tag}> closes the wrong element at ${m.index}`);
  }
  expect(stack).toEqual([]);
}

function polylines(html: string): string[][] {
  return [...html.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1].split(" "));
}

const small = renderReportHtml(smallReport());

describe("renderReportHtml", () => {
  it("is a self-contained page: no links, external scripts or fonts", () => {
    expect(small.startsWith("<!DOCTYPE html>\n<html")).toBe(true);
    expect(small).not.toMatch(/http|<script|url\(|@import|<link/i);
    expectBalanced(small);
  });

  it("shows the summary figures", () => {
    for (const [label, value] of [["Initial cash", "100,000.00"], ["Final equity", "103,084.00"], ["Total return", "+3.08%"],
      ["CAGR", "+456.78%"], ["Sharpe", "1.23"], ["Sortino", "2.50"], ["Max drawdown", "-4.25%"], ["Trades", "2"],
      ["Win rate", "50.00%"], ["Exposure", "80.00%"], ["Commissions", "3.00"], ["Rejections", "1"], ["Bars/s", "1,234,568"]]) {
      expect(small).toMatch(new RegExp(`<span class="label">${label}</span><span class="value[^"]*">${value.replace("+", "\\+")}</span>`));
    }
    expect(small).toContain("2021-01-04 to 2021-01-08, 5 bars");
  });

  it("escapes reasons and names", () => {
    expect(small).toContain("notional 150,000 &gt; limit &lt;100,000&gt; &amp; &quot;cap&quot;");
    expect(small).toContain("momentum &lt; 0 &amp; falling");
    expect(small).not.toContain("<100,000>");
    const hostile = renderReportHtml(smallReport({ symbol: "<x>", strategy: { name: "</title><b>", params: { "a\"b<c>": 1 } } }));
    expect(hostile).not.toMatch(/<x>|<\/title><b>|<c>/);
    expect(hostile).toContain("&lt;/title&gt;&lt;b&gt; (a&quot;b&lt;c&gt;=1)");
    expectBalanced(hostile);
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("lists every trade and rejection in tables", () => {
    const tables = [...small.matchAll(/<table>[\s\S]*?<\/table>/g)].map((m) => m[0]);
    expect(tables.length).toBe(2);
    expect(tables[0].match(/<tr>/g)?.length).toBe(3);
    expect(tables[0]).toContain('<td class="num pos">3,285.50</td>');
    expect(tables[0]).toContain('<td class="num neg">-198.50</td>');
    expect(tables[1]).toContain("<td>maxNotional</td>");
    const none = renderReportHtml(smallReport({ rejections: [] }));
    expect(none).not.toContain("Risk rejections");
    expectBalanced(none);
  });

  it("draws the equity and drawdown with one point per bar for small runs", () => {
    const [equity, drawdown] = polylines(small);
    expect(equity.length).toBe(5);
    expect(drawdown.length).toBe(5);
    const xy = (p: string) => p.split(",").map(Number);
    // The time axis spans the plot; the equity peak is the highest point, the trough the lowest.
    expect(xy(equity[0])[0]).toBe(80);
    expect(xy(equity[4])[0]).toBe(920);
    const ys = equity.map((p) => xy(p)[1]);
    expect(ys.indexOf(Math.min(...ys))).toBe(2);
    expect(ys.indexOf(Math.max(...ys))).toBe(3);
    // Drawdown is drawn below its zero line, with the area closed on it.
    const dys = drawdown.map((p) => xy(p)[1]);
    expect(dys[0]).toBe(dys[1]);
    expect(Math.max(...dys)).toBe(dys[3]);
    const polygon = small.match(/<polygon [^>]*points="([^"]*)"/)![1].split(" ");
    expect(polygon.length).toBe(7);
    expect(xy(polygon[0])[1]).toBe(dys[0]);
  });

  it("labels both axes", () => {
    for (const day of ["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07", "2021-01-08"]) {
      expect(small).toContain(`text-anchor="middle">${day}</text>`);
    }
    expect(small).toContain(">100,000</text>");
    expect(small).toContain(">0%</text>");
    expect(small).toContain(">-4%</text>");
  });

  it("downsamples long runs and keeps the deepest drawdown", () => {
    const n = 5105;
    const report = largeReport(n, 3000);
    const html = renderReportHtml(report);
    expectBalanced(html);
    const [equity, drawdown] = polylines(html);
    for (const line of [equity, drawdown]) {
      expect(line.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(line.length).toBeGreaterThan(MAX_CHART_POINTS * 0.9);
    }
    // The lowest point drawn is the trough at bar 3000, placed on the time axis (x from 80 to 920).
    const points = drawdown.map((p) => p.split(",").map(Number));
    const lowest = points.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(lowest[0]).toBeCloseTo(80 + (840 * 3000) / (n - 1), 0);
    for (const year of ["2002", "2006", "2010"]) expect(html).toContain(`>${year}</text>`);
    expect(html.length).toBeLessThan(100_000);
  });
});

describe("downsampleMinMax", () => {
  it("keeps every finite point up to the limit", () => {
    expect(downsampleMinMax([1, 2, NaN, 4], 10)).toEqual([0, 1, 3]);
  });

  it("keeps the ends and each bucket's extremes, in order", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) + (i === 6543 ? -10 : 0) + (i === 77 ? 10 : 0));
    const kept = downsampleMinMax(values, 1000);
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(9999);
    expect(kept).toContain(6543);
    expect(kept).toContain(77);
    for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
  });
});

describe("timeTicks", () => {
  it("puts multi-year ranges on year boundaries", () => {
    const ticks = timeTicks(Date.UTC(2000, 0, 3), Date.UTC(2020, 3, 17), 12);
    expect(ticks.map((t) => t.label)).toEqual(["2002", "2004", "2006", "2008", "2010", "2012", "2014", "2016", "2018", "2020"]);
    expect(ticks[0].time).toBe(Date.UTC(2002, 0, 1));
    expect(timeTicks(Date.UTC(2000, 0, 3), Date.UTC(2020, 3, 17), 6).map((t) => t.label)).toEqual(["2005", "2010", "2015", "2020"]);
  });

  it("uses months, days or hours for shorter ranges, never finer than the bars", () => {
    expect(timeTicks(Date.UTC(2021, 0, 15), Date.UTC(2021, 6, 1), 10).map((t) => t.label))
      .toEqual(["2021-02", "2021-03", "2021-04", "2021-05", "2021-06", "2021-07"]);
    expect(timeTicks(Date.UTC(2021, 0, 4), Date.UTC(2021, 0, 8), 10, 86_400_000).map((t) => t.label))
      .toEqual(["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07", "2021-01-08"]);
    expect(timeTicks(Date.UTC(2021, 0, 4, 9, 30), Date.UTC(2021, 0, 4, 16), 10).map((t) => t.label))
      .toEqual(["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);
  });
});
