import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeRows } from "../../src/portfolio/estimate.ts";
import { sampleMoments } from "../../src/risk/comoments.ts";
import { parseReturnsCsv } from "../../src/data/returns-csv.ts";
import { root } from "../helpers.ts";

describe("return moments", () => {
  it("drops rows with a missing value and keeps the rest in order", () => {
    const csv = `"Date","A","B"\n2020-01-31,0.01,0.02\n2020-02-29,NA,0.03\n2020-03-31,-0.02,\n2020-04-30,0.03,-0.01\n`;
    const r = completeRows(parseReturnsCsv(csv, "t.csv"));
    expect(r.assets).toEqual(["A", "B"]);
    expect(r.dates).toEqual(["2020-01-31", "2020-04-30"]);
    expect(r.dropped).toBe(2);
    expect(Array.from(r.columns[0])).toEqual([0.01, 0.03]);
    expect(Array.from(r.columns[1])).toEqual([0.02, -0.01]);
  });

  it("gives sample means and the sample covariance (divisor T - 1) over complete rows", () => {
    const a = Float64Array.of(1, 2, NaN, 3, 6);
    const b = Float64Array.of(2, 1, 5, 4, 5);
    const m = sampleMoments([a, b]);
    // Complete rows: a = 1, 2, 3, 6 (mean 3); b = 2, 1, 4, 5 (mean 3).
    expect(m.rows).toBe(4);
    expect(Array.from(m.mean)).toEqual([3, 3]);
    // var a = (4 + 1 + 0 + 9) / 3; var b = (1 + 4 + 1 + 4) / 3; cov = (2 + 2 + 0 + 6) / 3.
    const expected = [14 / 3, 10 / 3, 10 / 3, 10 / 3];
    m.covariance.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 14));
  });

  it("reads the EDHEC indices: 13 assets, 293 months, none missing", () => {
    const r = completeRows(parseReturnsCsv(readFileSync(`${root}test/fixtures/pa_edhec_returns.csv`, "utf8"), "edhec"));
    expect(r.assets.length).toBe(13);
    expect(r.assets[0]).toBe("Convertible Arbitrage");
    expect(r.dates.length).toBe(293);
    expect(r.dropped).toBe(0);
    const m = sampleMoments(r.columns);
    expect(m.covariance[0 * 13 + 1]).toBe(m.covariance[1 * 13 + 0]);
  });

  it("needs two complete rows", () => {
    expect(() => sampleMoments([Float64Array.of(1, NaN, 2), Float64Array.of(NaN, 1, 2)])).toThrow(/at least 2/);
  });
});
