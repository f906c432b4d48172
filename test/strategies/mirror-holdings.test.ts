// The holdings snapshot file mirror reads (src/data/holdings.ts): what it
// accepts, and errors naming the file, row and column.
import { describe, expect, it } from "vitest";
import type { EngineError } from "../../src/core/errors.ts";
import { parseHoldingsCsv } from "../../src/data/holdings.ts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

function refusal(text: string): { message: string; field?: string; row?: number } {
  try {
    parseHoldingsCsv(text, "fund.csv");
  } catch (e) {
    return { message: (e as EngineError).message, field: (e as EngineError).field, row: (e as EngineError).row };
  }
  throw new Error("accepted");
}

describe("the holdings file", () => {
  it("groups rows into snapshots by report date, oldest first, whatever the row order, columns or separator", () => {
    const text = "\uFEFFName;\"Symbol\";DATE;Shares\r\nApple;AAPL;2020-06-30;1500\r\n\"Apple; Inc.\";AAPL;2020-03-31;1200\r\nMicrosoft;MSFT;2020-03-31;800.5\r\n";
    expect(parseHoldingsCsv(text, "fund.csv")).toEqual({
      measure: "shares",
      snapshots: [
        { date: day("2020-03-31"), positions: [{ symbol: "AAPL", amount: 1200, row: 2 }, { symbol: "MSFT", amount: 800.5, row: 3 }] },
        { date: day("2020-06-30"), positions: [{ symbol: "AAPL", amount: 1500, row: 1 }] },
      ],
    });
    expect(parseHoldingsCsv("date,symbol,value\n2020-03-31,XOM,0\n\n", "v.csv").measure).toBe("value");
  });

  it("names the file, row and column of each problem", () => {
    expect(refusal("")).toEqual({ message: "fund.csv: the file is empty; expected a header row: date,symbol,shares (or value)", field: undefined, row: undefined });
    expect(refusal("date,ticker,shares\n")).toMatchObject({ field: "symbol" });
    expect(refusal("date,symbol,shares,value\n")).toEqual({
      message: 'fund.csv: the header must name exactly one of shares or value, got "date,symbol,shares,value"', field: "value", row: undefined,
    });
    expect(refusal("date,symbol,weight\n").field).toBe("shares");
    expect(refusal("date,symbol,shares\n")).toEqual({ message: "fund.csv: no holdings rows after the header", field: undefined, row: undefined });
    expect(refusal("date,symbol,shares\n2020-03-31,MSFT,5\n2020-03-31,AAPL,1,000\n")).toEqual({
      message: "fund.csv, row 2: has 4 cells but the header has 3; write numbers without thousands separators", field: "shares", row: 2,
    });
    expect(refusal("date,symbol,shares\n2020-03-31,AAPL,1\n2020-03-31,MSFT,-5\n")).toEqual({
      message: 'fund.csv, row 2: shares must be a number >= 0 in plain decimal (no sign, exponent or thousands separator), got "-5"', field: "shares", row: 2,
    });
    expect(refusal("date,symbol,value\n2020-03-31,AAPL,1e6\n")).toMatchObject({ field: "value", row: 1 });
    expect(refusal(`date,symbol,shares\n2020-03-31,AAPL,${"9".repeat(400)}\n`)).toEqual({
      message: "fund.csv, row 1: shares is too large to be a number, got 400 digits", field: "shares", row: 1,
    });
    expect(refusal("date,symbol,shares\n03/31/2020,AAPL,1\n")).toMatchObject({ field: "date", row: 1 });
    expect(refusal("date,symbol,shares\n2020-03-31,BRK B,1\n")).toMatchObject({ field: "symbol", row: 1 });
    expect(refusal("date,symbol,shares\n2020-03-31,AAPL\n")).toEqual({ message: "fund.csv, row 1: has 2 cells but the header has 3", field: "shares", row: 1 });
    expect(refusal("date,symbol,shares\n2020-03-31,AAPL,1\n2020-06-30,AAPL,2\n2020-03-31,AAPL,3\n")).toEqual({
      message: "fund.csv, row 3: AAPL on 2020-03-31 is already on row 1; give each symbol once per date", field: "symbol", row: 3,
    });
    expect(refusal("date,symbol,shares\n2020-03-31,AAPL,1\n\n2020-06-30,AAPL,2\n")).toEqual({ message: "fund.csv, row 2: a blank line inside the data; remove it", field: undefined, row: 2 });
  });
});
