import { describe, expect, it } from "vitest";
import {
  formatDate, formatElapsed, formatMoney, formatNumber, formatPercent, formatPrice, formatQuantity, formatStrategy,
  timeFormatter,
} from "../../src/report/format.ts";

describe("report formatting", () => {
  it("groups thousands and fixes decimals", () => {
    expect(formatNumber(1234567.891)).toBe("1,234,567.89");
    expect(formatNumber(-1234.5)).toBe("-1,234.50");
    expect(formatNumber(999.999)).toBe("1,000.00");
    expect(formatNumber(12, 0)).toBe("12");
    expect(formatNumber(123456, 0)).toBe("123,456");
    expect(formatNumber(0.5, 3)).toBe("0.500");
    expect(formatMoney(100_000)).toBe("100,000.00");
  });

  it("never prints -0 and signs on request", () => {
    expect(formatNumber(-0.001)).toBe("0.00");
    expect(formatNumber(-0)).toBe("0.00");
    expect(formatNumber(3.14259, 2, true)).toBe("+3.14");
    expect(formatNumber(-3.14259, 2, true)).toBe("-3.14");
    expect(formatNumber(0.001, 2, true)).toBe("0.00");
  });

  it("says n/a and inf for non-finite figures", () => {
    expect(formatNumber(NaN)).toBe("n/a");
    expect(formatNumber(Infinity)).toBe("inf");
    expect(formatNumber(-Infinity)).toBe("-inf");
    expect(formatPercent(NaN)).toBe("n/a");
    expect(formatDate(NaN)).toBe("n/a");
    expect(formatNumber(2e21, 2)).toBe("2e+21");
  });

  it("formats percentages, prices, quantities and durations", () => {
    expect(formatPercent(0.1234)).toBe("12.34%");
    expect(formatPercent(-0.05, 0)).toBe("-5%");
    expect(formatPercent(0.0308, 2, true)).toBe("+3.08%");
    expect(formatPrice(1234.5)).toBe("1,234.50");
    expect(formatPrice(0.012345)).toBe("0.0123");
    expect(formatQuantity(1500)).toBe("1,500");
    expect(formatQuantity(0.12345)).toBe("0.1235");
    expect(formatElapsed(0.004)).toBe("0.004 ms");
    expect(formatElapsed(1234.56)).toBe("1,234.6 ms");
  });

  it("formats dates as YYYY-MM-DD, with the time only for intraday sets", () => {
    expect(formatDate(Date.UTC(2020, 3, 17))).toBe("2020-04-17");
    const daily = timeFormatter([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]);
    expect(daily(Date.UTC(2020, 0, 2))).toBe("2020-01-02");
    const intraday = timeFormatter([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 2, 9, 30)]);
    expect(intraday(Date.UTC(2020, 0, 2, 9, 30))).toBe("2020-01-02 09:30");
    expect(intraday(Date.UTC(2020, 0, 2))).toBe("2020-01-02 00:00");
  });

  it("formats a strategy with its parameters", () => {
    expect(formatStrategy("sma-cross", { fast: 10, slow: 50, long: true })).toBe("sma-cross (fast=10, slow=50, long=true)");
    expect(formatStrategy("buy-hold", {})).toBe("buy-hold");
  });
});
