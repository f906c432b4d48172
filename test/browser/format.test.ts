// The page's one rule for price decimals and its export file names.
import { describe, expect, it } from "vitest";
import { exportName } from "../../runtimes/browser/exports.ts";
import { fmtPrice, priceDecimals } from "../../runtimes/browser/format.ts";

describe("priceDecimals", () => {
  it("is the fewest decimals that write every price of the data", () => {
    expect(priceDecimals([100, 101, 99])).toBe(0);
    expect(priceDecimals([100.5, 101])).toBe(1);
    expect(priceDecimals([1.2, 1.23456], [1.1])).toBe(5);
    expect(priceDecimals([0.00012345])).toBe(8);
  });

  it("counts single-precision data at its true tick: Yahoo's 1438.359985 is 1438.36", () => {
    expect(priceDecimals([1469.25, 1478, 1438.359985, 1455.219971])).toBe(2);
    // A float64 sum off by an ulp is still one decimal.
    expect(priceDecimals([0.1 + 0.2])).toBe(1);
  });

  it("stops at 8 decimals", () => {
    expect(priceDecimals([1e-9])).toBe(8);
    // To single precision, pi has 7.
    expect(priceDecimals([Math.PI])).toBe(7);
  });

  it("formats every price with the same decimals", () => {
    expect([1455.219971, 2.5, 1e6].map((x) => fmtPrice(x, 2))).toEqual(["1,455.22", "2.50", "1,000,000.00"]);
    expect(fmtPrice(1.5, 0)).toBe("2");
    expect(fmtPrice(NaN, 2)).toBe("—");
  });
});

describe("exportName", () => {
  it("names an export by its strategy and parameters", () => {
    expect(exportName({ name: "momentum", params: { fast: 10, slow: 30 } }, "csv")).toBe("momentum_fast-10_slow-30.csv");
    expect(exportName({ name: "mean-reversion", params: { period: 20, entryZ: 1.5, allowShort: true } }, "json"))
      .toBe("mean-reversion_period-20_entryZ-1.5_allowShort-true.json");
  });

  it("keeps to letters, digits, dots and dashes", () => {
    expect(exportName({ name: "my strategy/v2", params: { "a b": -0.5 } }, "html")).toBe("my_strategy_v2_a_b--0.5.html");
  });
});
