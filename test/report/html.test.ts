import { describe, expect, it } from "vitest";
import { downsampleMinMax, escapeHtml, MAX_CHART_POINTS, renderReportHtml, timeTicks } from "../../src/report/html.ts";
import { withAnalysis } from "../../src/report/analysis.ts";
import { analyzedSmall, largeReport } from "./fixture.ts";

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

/** The points of each polyline of a class ("series": equity, drawdown and rolling lines; "bench": the benchmark). */
function polylines(html: string, cls = "series"): string[][] {
  return [...html.matchAll(new RegExp(`<polyline class="${cls}" points="([^"]*)"`, "g"))].map((m) => m[1].split(" "));
}

/** The table under the h2 that starts with `title`. */
function tableUnder(html: string, title: string): string {
  const at = html.indexOf(`<h2>${title}`);
  if (at < 0) throw new Error(`no section ${title}`);
  return html.slice(at).match(/<table[^>]*>[\s\S]*?<\/table>/)![0];
}

const small = renderReportHtml(analyzedSmall());

describe("renderReportHtml", () => {
  it("is a self-contained page: no links, external scripts or fonts", () => {
    expect(small.startsWith("<!DOCTYPE html>\n<html")).toBe(true);
    expect(small).not.toMatch(/http|<script|url\(|@import|<link/i);
    expectBalanced(small);
  });

  it("shows the summary figures", () => {
    for (const [label, value] of [["Initial cash", "100,000.00"], ["Final equity", "103,084.00"], ["Total return", "+3.08%"],
      ["CAGR", "+456.78%"], ["Sharpe", "1.23"], ["Sortino", "2.50"], ["Max drawdown", "-4.25%"], ["Trades", "2"],
      ["Win rate", "50.00%"], ["Exposure", "80.00%"], ["Commissions", "3.00"], ["Resized orders", "0"], ["Rejections", "1"], ["Bars/s", "1,234,568"]]) {
      expect(small).toMatch(new RegExp(`<span class="label">${label}</span><span class="value[^"]*">${value.replace("+", "\\+")}</span>`));
    }
    expect(small).toContain("2021-01-04 to 2021-01-08, 5 bars");
  });

  it("escapes reasons and names", () => {
    expect(small).toContain("notional 150,000 &gt; limit &lt;100,000&gt; &amp; &quot;cap&quot;");
    expect(small).toContain("momentum &lt; 0 &amp; falling");
    expect(small).not.toContain("<100,000>");
    const hostile = renderReportHtml(analyzedSmall({ symbol: "<x>", strategy: { name: "</title><b>", params: { "a\"b<c>": 1 } } }));
    expect(hostile).not.toMatch(/<x>|<\/title><b>|<c>/);
    expect(hostile).toContain("&lt;/title&gt;&lt;b&gt; (a&quot;b&lt;c&gt;=1)");
    expectBalanced(hostile);
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("lists every trade and rejection in tables", () => {
    const trades = tableUnder(small, "Trades");
    expect(trades.match(/<tr>/g)?.length).toBe(3);
    expect(trades).toContain('<td class="num pos">3,285.50</td>');
    expect(trades).toContain('<td class="num neg">-198.50</td>');
    expect(tableUnder(small, "Risk rejections")).toContain("<td>maxNotional</td>");
    const none = renderReportHtml(analyzedSmall({ rejections: [] }));
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

  it("shows the benchmark's figures and the comparison, and draws it beside the equity", () => {
    const b = analyzedSmall().analysis.benchmark!;
    expect(small).toContain("<h2>Against IDX <span class=\"muted\">2021-01-04 to 2021-01-08, 5 bars, risk-free 0</span></h2>");
    for (const [label, value] of [["Benchmark return", "+4.00%"], ["Excess return", "-0.92%"], ["Beta", b.beta!.toFixed(2)],
      ["Tracking error", `${(b.trackingError! * 100).toFixed(2)}%`], ["Information ratio", b.informationRatio!.toFixed(2)]]) {
      expect(small).toMatch(new RegExp(`<span class="label">${label}</span><span class="value[^"]*">${value.replace("+", "\\+")}</span>`));
    }
    const [bench] = polylines(small, "bench");
    expect(bench.length).toBe(5);
    // The benchmark starts where the equity does (scaled to it) and ends 4% up against the equity's 3.08%.
    const [equity] = polylines(small);
    expect(bench[0]).toBe(equity[0]);
    expect(Number(bench[4].split(",")[1])).toBeLessThan(Number(equity[4].split(",")[1]));
    expect(small).toContain('<span class="key bench"></span>IDX');
  });

  it("shows trade statistics, a monthly heat table with its scale, and the worst drawdowns", () => {
    for (const [label, value] of [["Profit factor", "16.55"], ["Expectancy", "1,543.50"], ["Largest loss", "-198.50"], ["Longest win streak", "1"]]) {
      expect(small).toMatch(new RegExp(`<span class="label">${label}</span><span class="value[^"]*">${value}</span>`));
    }
    const heat = tableUnder(small, "Monthly returns");
    expect(heat).toContain('<th class="num">Bench</th>');
    // The only month is the largest: the darkest green.
    expect(heat).toContain('<tr><th>2021</th><td class="h3" title="2021-01: +3.08%">3.1</td><td></td>');
    expect(heat).toContain('<td class="total pos">3.1</td><td class="total">4.0</td></tr>');
    expect(small).toContain('<span class="h-3">-3.1 … -2.1</span>');
    const dd = tableUnder(small, "Worst drawdowns");
    expect(dd).toContain("<td>not recovered</td>");
    expect(dd).toContain('<td class="num neg">-4.25%</td>');
  });

  it("lists resized orders apart from rejections, with their prices", () => {
    const resized = [{ time: Date.UTC(2021, 0, 5), symbol: "ACME", orderId: "o3", requested: 69, filled: 68, price: 2741.944, lastClose: 2734.62, reason: "r" }];
    const table = tableUnder(renderReportHtml(analyzedSmall({ resized })), "Resized orders (1)");
    expect(table).toContain('<td class="num">69</td><td class="num">68</td><td class="num">2,734.62</td><td class="num">2,741.94</td><td class="num">+0.27%</td>');
    expect(small).not.toContain("Resized orders (");
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
    const html = renderReportHtml(withAnalysis(report, { name: "IDX", time: report.equity.time, close: report.equity.time.map((_, i) => 100 + i) }));
    expectBalanced(html);
    const [equity, drawdown] = polylines(html);
    for (const line of [equity, drawdown, polylines(html, "bench")[0]]) {
      expect(line.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
      expect(line.length).toBeGreaterThan(MAX_CHART_POINTS * 0.9);
    }
    // The lowest point drawn is the trough at bar 3000, placed on the time axis (x from 80 to 920).
    const points = drawdown.map((p) => p.split(",").map(Number));
    const lowest = points.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(lowest[0]).toBeCloseTo(80 + (840 * 3000) / (n - 1), 0);
    for (const year of ["2002", "2006", "2010"]) expect(html).toContain(`>${year}</text>`);
    // Four full charts (equity with its benchmark, drawdown) and two rolling ones at half the points.
    expect(html.length).toBeLessThan(150_000);
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
