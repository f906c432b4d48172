import { describe, expect, it } from "vitest";
import { SeriesHistory } from "../../src/execution/history.ts";
import { kelly, volatilityTarget } from "../../src/risk/sizing.ts";
import { bars } from "../backtest/stubs.ts";

/** A history whose closes give the returns +u, -d alternately. */
function alternating(n: number, up: number, down: number): SeriesHistory {
  let c = 100;
  const rows: [number, number, number, number][] = [[c, c, c, c]];
  for (let i = 0; i < n; i++) {
    c *= i % 2 === 0 ? 1 + up : 1 - down;
    rows.push([c, c, c, c]);
  }
  const h = new SeriesHistory(bars(rows));
  h.length = rows.length;
  return h;
}

const stats = (r: number[]) => {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1);
  return { m, v };
};

describe("position sizing", () => {
  it("targets volatility: fraction = target / annualized sample vol, capped", () => {
    const h = alternating(20, 0.01, 0.01);
    const { v } = stats(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01)));
    const vol = Math.sqrt(v * 252);
    expect(volatilityTarget({ target: 0.05, lookback: 20 }).fraction(h, "long")).toBeCloseTo(0.05 / vol, 12);
    expect(volatilityTarget({ target: 5, lookback: 20 }).fraction(h, "long")).toBe(1);
    expect(volatilityTarget({ target: 0.05, lookback: 40 }).fraction(h, "long")).toBe(0);
    // Hourly bars annualize with 252 x 6.5 bars a year, not 252.
    const hourly = alternating(20, 0.01, 0.01);
    const rows = Array.from({ length: 21 }, (_, i) => hourly.at(i));
    const hh = new SeriesHistory({
      symbol: "H", time: Float64Array.from(rows, (_, i) => i * 3_600_000), open: Float64Array.from(rows, (r) => r.open),
      high: Float64Array.from(rows, (r) => r.high), low: Float64Array.from(rows, (r) => r.low), close: Float64Array.from(rows, (r) => r.close),
      volume: Float64Array.from(rows, (r) => r.volume),
    });
    hh.length = 21;
    expect(volatilityTarget({ target: 0.05, lookback: 20 }).fraction(hh, "long")).toBeCloseTo(0.05 / Math.sqrt(v * 252 * 6.5), 12);
  });

  it("bets a share of the Kelly fraction mean / variance", () => {
    const h = alternating(40, 0.012, 0.01);
    const r = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.012 : -0.01));
    const { m, v } = stats(r);
    expect(kelly({ lookback: 40, scale: 0.01, max: 10 }).fraction(h, "long")).toBeCloseTo((0.01 * m) / v, 10);
    expect(kelly({ lookback: 40 }).fraction(alternating(40, 0.01, 0.012), "long")).toBe(0);
    // A falling market has a positive edge for a short: -mean / variance.
    const down = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.012));
    const s = stats(down);
    expect(kelly({ lookback: 40, scale: 0.01, max: 10 }).fraction(alternating(40, 0.01, 0.012), "short")).toBeCloseTo((-0.01 * s.m) / s.v, 10);
  });

  it("rejects a bad setting", () => {
    expect(() => volatilityTarget({ target: -1 })).toThrow(/sizing target must be a number > 0/);
  });
});
