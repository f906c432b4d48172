import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { csvChunks, toCsv } from "../../src/data/csv-write.ts";

describe("toCsv", () => {
  it("writes NaN as an empty cell and numbers as their shortest round-trip text", () => {
    const x = Float64Array.of(0.1 + 0.2, NaN, 1e21, -1.5, 5e-324);
    const text = toCsv(["date", "sma"], [["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05"], x]);
    expect(text).toBe(
      "date,sma\n2020-01-01,0.30000000000000004\n2020-01-02,\n2020-01-03,1e+21\n2020-01-04,-1.5\n2020-01-05,5e-324\n",
    );
    const back = text.trim().split("\n").slice(1).map((l) => l.split(",")[1]);
    back.forEach((cell, i) => expect(cell === "" ? NaN : Number(cell)).toBe(x[i]));
  });

  it("quotes header names and text cells that hold commas, quotes or line breaks", () => {
    expect(toCsv(["a,b", 'say "hi"'], [["x\ny", "plain"], Float64Array.of(1, 2)]))
      .toBe('"a,b","say ""hi"""\n"x\ny",1\nplain,2\n');
  });

  it("writes just the header for empty columns", () => {
    expect(toCsv(["a"], [new Float64Array(0)])).toBe("a\n");
  });

  it("rejects columns of unequal length, naming the column", () => {
    expect(() => toCsv(["a", "b"], [new Float64Array(2), new Float64Array(3)])).toThrow(ConfigError);
    expect(() => toCsv(["a", "b"], [new Float64Array(2), new Float64Array(3)])).toThrow(/column "b" has 3 rows, expected 2/);
    expect(() => toCsv(["a"], [new Float64Array(2), new Float64Array(2)])).toThrow(/1 header names for 2 columns/);
  });

  it("gives the same text in pieces of any number of rows, the header with the first", () => {
    const x = Float64Array.from({ length: 7 }, (_, i) => i / 3);
    const dates = Array.from({ length: 7 }, (_, i) => `2020-01-0${i + 1}`);
    const whole = toCsv(["date", "x"], [dates, x]);
    for (let rows = 1; rows <= 9; rows++) {
      const chunks = Array.from(csvChunks(["date", "x"], [dates, x], rows));
      expect(chunks.join(""), `${rows} rows a piece`).toBe(whole);
      expect(chunks.length).toBe(Math.ceil(7 / rows));
      expect(chunks.every((c) => c.endsWith("\n"))).toBe(true);
    }
  });
});
