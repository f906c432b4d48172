import { describe, expect, it } from "vitest";
import { MarketDataError } from "../../src/core/errors.ts";
import { parseReturnsCsv, priceLikeColumns, ReturnsCsvParser, returnsColumn, splitCsvLine } from "../../src/data/returns-csv.ts";

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

  it("reads semicolon- and tab-separated files, with decimal commas or points", () => {
    const expected = parseReturnsCsv('date,"A, net",B\n2024-01-31,0.01,-0.5\n2024-02-29,NA,1e-3\n', "x.csv");
    for (const text of [
      'date;"A, net";B\n2024-01-31;0,01;-0,5\n2024-02-29;NA;1e-3\n',
      'date;"A, net";B\n2024-01-31;0.01;-0.5\n2024-02-29;NA;1e-3\n',
      'date\t"A, net"\tB\n2024-01-31\t0,01\t-0,5\n2024-02-29\tNA\t1e-3\n',
    ]) {
      expect(parseReturnsCsv(text, "x.csv")).toEqual(expected);
    }
    expect(splitCsvLine('a;"b; c";', ";")).toEqual(["a", "b; c", ""]);
  });

  it("names a decimal mark that changes within the file", () => {
    expect(() => parseReturnsCsv("date;r\n2024-01-01;0,01\n2024-01-02;0.02\n", "f.csv"))
      .toThrow(/^f\.csv, row 2: column "r" has "0\.02", which is not a return .*; this file's decimal mark is "," \(as in row 1\)$/);
  });

  it("calls a blank line inside the data what it is", () => {
    expect(() => parseReturnsCsv("date,r\n2024-01-01,0.01\n\n2024-01-03,0.02\n", "f.csv")).toThrow(/^f\.csv, row 2: blank line inside the data/);
  });

  it("gives what the whole text gives when fed in chunks split at any boundary", () => {
    const texts = [
      '\uFEFF"Date","Fund A, net","note",B\r\n2024-01-31,0.01,first,-0.02\r\n2024-02-29,,x,0.03\r\n2024-03-31,NA,,0.01\r\n\r\n',
      "date;a;b\n2024-01-01;0,01;1\n2024-01-02;0,02;x\n",
      "date,a\n2024-01-01,0.01\n2024-01-02,0.01,0.02\n",
    ];
    const outcome = (chunks: string[]) => {
      try {
        const parser = new ReturnsCsvParser("f.csv");
        for (const chunk of chunks) parser.push(chunk);
        return parser.finish();
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const text of texts) {
      const whole = outcome([text]);
      for (let k = 0; k <= text.length; k++) expect(outcome([text.slice(0, k), text.slice(k)]), `${text} at ${k}`).toEqual(whole);
      expect(outcome(Array.from(text))).toEqual(whole);
    }
  });

  it("stops carrying a line that has no line break in its first 1 MiB", () => {
    const parser = new ReturnsCsvParser("r.bin");
    parser.push("date,a\n2024-01-01,0.01\n");
    expect(() => parser.push("0".repeat(2 ** 20 + 1))).toThrow(/^r\.bin, row 2: no line break in the first 1 MiB of this line; is this a CSV file\?$/);
  });

  it("grows its columns past their first capacity", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `d${i},${i / 1000},${-i / 1000}`);
    const t = parseReturnsCsv(["date,a,b", ...rows].join("\n"), "f.csv");
    expect(t.dates.length).toBe(1000);
    expect(t.columns[0].values.length).toBe(1000);
    expect(t.columns[0].values[999]).toBe(0.999);
    expect(t.columns[1].values[500]).toBe(-0.5);
  });

  it("finds the columns that look like prices or percentages, not returns", () => {
    const t = parseReturnsCsv([
      "date,price,pct,ret,fx",
      "2024-01-01,101.5,1.2,0.012,0.91",
      "2024-01-02,102.0,-0.4,-0.004,0.92",
      "2024-01-03,100.9,0.8,0.008,0.90",
      "2024-01-04,NA,-1.5,NA,0.93",
    ].join("\n"), "f.csv");
    expect(priceLikeColumns(t.columns)).toEqual([
      { name: "price", median: 101.5 }, { name: "pct", median: 1 }, { name: "fx", median: 0.915 },
    ]);
  });
});
