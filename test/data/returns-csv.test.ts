import { describe, expect, it } from "vitest";
import { MarketDataError } from "../../src/core/errors.ts";
import { parseReturnsCsv, returnsColumn, splitCsvLine } from "../../src/data/returns-csv.ts";

describe("returns CSV", () => {
  it("splits on commas outside quotes and unescapes doubled quotes", () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",,')).toEqual(["a", "b, c", 'say "hi"', "", ""]);
  });

  it("reads dates and numeric columns, with missing values as NaN", () => {
    const t = parseReturnsCsv('\uFEFF"Date","A"\n2024-01-31,1e-2\n2024-02-29,NA\n2024-03-31,-.5\n\n', "x.csv");
    expect(t.dates).toEqual(["2024-01-31", "2024-02-29", "2024-03-31"]);
    expect(t.columns.map((c) => c.name)).toEqual(["A"]);
    expect(Array.from(t.columns[0].values)).toEqual([0.01, NaN, -0.5]);
    expect(returnsColumn(t, "A", "x.csv").values).toBe(t.columns[0].values);
  });

  it("rejects what is not a return, naming file, row and column", () => {
    for (const bad of ["0x10", "1,5", "Infinity", "1e999", "--1"]) {
      try {
        parseReturnsCsv(`date,r\n2024-01-01,0.01\n2024-01-02,"${bad}"\n`, "f.csv");
        throw new Error(`accepted ${bad}`);
      } catch (e) {
        expect(e, bad).toBeInstanceOf(MarketDataError);
        expect((e as MarketDataError).row).toBe(2);
        expect((e as MarketDataError).message).toMatch(/^f\.csv, row 2: column "r" has/);
      }
    }
    expect(() => parseReturnsCsv("", "e.csv")).toThrow(/e\.csv: the file is empty/);
    expect(() => parseReturnsCsv("date\n2024-01-01\n", "e.csv")).toThrow(/the header has 1 column/);
  });
});
