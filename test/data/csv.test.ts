import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, MarketDataError } from "../../src/core/errors.ts";
import { BarsCsvParser, parseBarsCsv } from "../../src/data/csv.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { root } from "../helpers.ts";

const sp500 = readFileSync(`${root}data/sp500.csv`, "utf8");
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

const HEADER = "date,open,high,low,close,volume";
const GOOD = ["2020-01-02,10,12,9,11,100", "2020-01-03,11,13,10,12,200", "2020-01-06,12,14,11,13,300"];

/** Parses `rows` under HEADER with a bad row and returns the MarketDataError it throws. */
function errorOf(text: string): MarketDataError {
  try {
    parseBarsCsv(text, { source: "bars.csv", symbol: "X" });
  } catch (e) {
    expect(e).toBeInstanceOf(MarketDataError);
    return e as MarketDataError;
  }
  throw new Error("expected parseBarsCsv to throw");
}

function expectError(text: string, row: number | undefined, field: string | undefined, message: RegExp): void {
  const e = errorOf(text);
  expect(e.row).toBe(row);
  expect(e.field).toBe(field);
  expect(e.source).toBe("bars.csv");
  const where = row === undefined ? "bars.csv: " : `bars.csv, row ${row}: `;
  expect(e.message.startsWith(where + (field === undefined ? "" : `${field}: `))).toBe(true);
  expect(e.message).toMatch(message);
}

/** GOOD with data row `row` (1-based) replaced. */
function withRow(row: number, line: string): string {
  const rows = [...GOOD];
  rows[row - 1] = line;
  return [HEADER, ...rows].join("\n");
}

describe("parseBarsCsv on the bundled S&P 500 file", () => {
  const bars = parseBarsCsv(sp500, { source: "data/sp500.csv" });

  it("reads all 5105 bars with the right first and last values", () => {
    expect(bars.symbol).toBe("SP500");
    for (const col of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
      expect(col).toBeInstanceOf(Float64Array);
      expect(col.length).toBe(5105);
    }
    expect(bars.time[0]).toBe(day("2000-01-03"));
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]])
      .toEqual([1469.25, 1478, 1438.359985, 1455.219971, 931800000]);
    expect(bars.time[5104]).toBe(day("2020-04-17"));
    expect([bars.open[5104], bars.high[5104], bars.low[5104], bars.close[5104], bars.volume[5104]])
      .toEqual([2842.429932, 2879.219971, 2830.879883, 2874.560059, 5792140000]);
  });

  it("reads every value exactly as Number() would", () => {
    const lines = sp500.trim().split("\n").slice(1);
    lines.forEach((line, i) => {
      const [, o, h, l, c, , v] = line.split(",").map(Number);
      if (bars.open[i] !== o || bars.high[i] !== h || bars.low[i] !== l || bars.close[i] !== c || bars.volume[i] !== v) {
        throw new Error(`row ${i + 1} differs: ${line}`);
      }
    });
  });
});

describe("parseBarsCsv formats", () => {
  it("matches header names case-insensitively, quoted, in any order, ignoring extra columns", () => {
    const text = '"Volume",Close,"ADJ CLOSE",Low,HIGH,Open,"Date",note,constructor\n100,11,10.5,9,12,10,2020-01-02,"a, b",x\n';
    const s = parseBarsCsv(text, { symbol: "X" });
    expect(Array.from(s.time)).toEqual([day("2020-01-02")]);
    expect([s.open[0], s.high[0], s.low[0], s.close[0], s.volume[0]]).toEqual([10, 12, 9, 11, 100]);
  });

  it("handles a BOM, CRLF line ends, quoted cells, padding and blank trailing lines", () => {
    const text = `\uFEFFDate,Open,High,Low,Close,Volume\r\n2020-01-02, 10 ,12,9,11,100\r\n"2020-01-03","11","13","10","12","200"\r\n\r\n  \n\n`;
    const s = parseBarsCsv(text, { symbol: "X" });
    expect(Array.from(s.close)).toEqual([11, 12]);
    expect(Array.from(s.time)).toEqual([day("2020-01-02"), day("2020-01-03")]);
    expect(s.time.length).toBe(2);
  });

  it("accepts timestamp/time headers and ISO date-times with Z, offsets, fractions or no zone (UTC)", () => {
    const text = [
      "timestamp,open,high,low,close,volume",
      "2020-01-02T09:30:00Z,1,1,1,1,0",
      "2020-01-02T09:31:00.250+00:00,1,1,1,1,0",
      "2020-01-02 09:32,1,1,1,1,0",
      "2020-01-02T05:33:00-04:00,1,1,1,1,0",
      "2020-01-02T19:04:00.9999+0930,1,1,1,1,0",
    ].join("\n");
    const s = parseBarsCsv(text, { symbol: "X" });
    expect(Array.from(s.time)).toEqual([
      Date.parse("2020-01-02T09:30:00Z"),
      Date.parse("2020-01-02T09:31:00.250Z"),
      Date.parse("2020-01-02T09:32:00Z"),
      Date.parse("2020-01-02T09:33:00Z"),
      Date.parse("2020-01-02T09:34:00.999Z"),
    ]);
    expect(parseBarsCsv("TIME,open,high,low,close,volume\n1999-12-31T23:59:59Z,1,1,1,1,0", { symbol: "X" }).time[0])
      .toBe(Date.parse("1999-12-31T23:59:59Z"));
  });

  it("reads epoch seconds and epoch milliseconds, deciding the unit from the first row", () => {
    const seconds = parseBarsCsv(`${HEADER}\n1577923200,1,1,1,1,0\n1578009600.5,1,1,1,1,0\n`, { symbol: "X" });
    expect(Array.from(seconds.time)).toEqual([day("2020-01-02"), day("2020-01-03") + 500]);
    const ms = parseBarsCsv(`${HEADER}\n1577923200000,1,1,1,1,0\n1577923260000,1,1,1,1,0\n`, { symbol: "X" });
    expect(Array.from(ms.time)).toEqual([day("2020-01-02"), day("2020-01-02") + 60_000]);
  });

  it("reads numbers in every decimal form exactly as Number() does", () => {
    const cells = ["0", "-0.5", "+3", "1.", ".25", "1e3", "2.5E-3", "0.1", "0.30000000000000004", "123456789012345678",
      "1.7976931348623157e308", "5e-324", "00012.500", "9007199254740993", "1e22", "1e23", "4.35", "1469.250000"];
    const text = ["date,open,high,low,close,volume", ...cells.map((c, i) => `${2000 + i}-01-01,${c},${c},${c},${c},1`)].join("\n");
    const s = parseBarsCsv(text, { symbol: "X" });
    expect(Array.from(s.open)).toEqual(cells.map(Number));
    expect(Object.is(s.open[0], 0)).toBe(true);
  });

  it("names the symbol after the source file unless given", () => {
    const text = [HEADER, ...GOOD].join("\n");
    expect(parseBarsCsv(text, { source: "C:\\data\\aapl.daily.csv" }).symbol).toBe("AAPL.DAILY");
    expect(parseBarsCsv(text, { source: "data/spy.csv", symbol: "SPY" }).symbol).toBe("SPY");
    expect(() => parseBarsCsv(text, { symbol: "BAD SYMBOL" })).toThrow(ConfigError);
  });

  it("round-trips through toCsv", () => {
    const s = parseBarsCsv(sp500, { symbol: "SPX" });
    const text = toCsv(["time", "open", "high", "low", "close", "volume"], [s.time, s.open, s.high, s.low, s.close, s.volume]);
    expect(parseBarsCsv(text, { symbol: "SPX" })).toEqual(s);
  });
});

describe("parseBarsCsv errors name the source, data row and field", () => {
  it("rejects unparseable numbers, empty cells, NaN and Infinity", () => {
    expectError(withRow(2, "2020-01-03,11,abc,10,12,200"), 2, "high", /expected a finite number, got "abc"/);
    expectError(withRow(3, "2020-01-06,12,14,,13,300"), 3, "low", /got ""/);
    expectError(withRow(1, "2020-01-02,NaN,12,9,11,100"), 1, "open", /got "NaN"/);
    expectError(withRow(2, "2020-01-03,11,Infinity,10,12,200"), 2, "high", /got "Infinity"/);
    expectError(withRow(2, "2020-01-03,11,13,10,1e999,200"), 2, "close", /got "1e999"/);
    expectError(withRow(3, "2020-01-06,12,14,11,13,0x10"), 3, "volume", /got "0x10"/);
    expectError(withRow(3, "2020-01-06,12,14,11,13,1e"), 3, "volume", /got "1e"/);
    expectError(withRow(1, "2020-01-02,10,12,9,11,1.2.3"), 1, "volume", /got "1.2.3"/);
    expectError(withRow(1, "2020-01-02,10,12,9,11,-"), 1, "volume", /got "-"/);
  });

  it("rejects unreadable dates", () => {
    expectError(withRow(2, "2020-13-03,11,13,10,12,200"), 2, "date", /cannot read date "2020-13-03"/);
    expectError(withRow(2, "2019-02-29,11,13,10,12,200"), 2, "date", /cannot read date/);
    expectError(withRow(2, "2020-01-03T25:00Z,11,13,10,12,200"), 2, "date", /cannot read date/);
    expectError(withRow(2, "2020-01-03T10:00+5,11,13,10,12,200"), 2, "date", /cannot read date/);
    expectError(withRow(2, "Jan 3 2020,11,13,10,12,200"), 2, "date", /expected a finite number, got "Jan 3 2020"/);
    expectError(withRow(2, ",11,13,10,12,200"), 2, "date", /got ""/);
  });

  it("rejects high below low and open or close outside the range", () => {
    expectError(withRow(2, "2020-01-03,11,9,10,10,200"), 2, "high", /high 9 is below low 10/);
    expectError(withRow(3, "2020-01-06,15,14,11,13,300"), 3, "open", /open 15 is outside \[low 11, high 14\]/);
    expectError(withRow(1, "2020-01-02,10,12,9,8.5,100"), 1, "close", /close 8.5 is outside/);
  });

  it("rejects non-increasing dates and negative volume", () => {
    expectError(withRow(3, "2020-01-03,12,14,11,13,300"), 3, "date", /2020-01-03 is not after the previous row's 2020-01-03/);
    expectError(withRow(2, "2019-12-31,11,13,10,12,200"), 2, "date", /not after/);
    expectError(withRow(2, "2020-01-03,11,13,10,12,-1"), 2, "volume", /volume -1 is negative/);
  });

  it("rejects rows with too few or too many cells and blank lines inside the data", () => {
    expectError(withRow(2, "2020-01-03,11,13,10,12"), 2, "volume", /missing fields: 5 of 6 cells, no value for volume/);
    expectError(withRow(1, "2020-01-02"), 1, "open", /no value for open, high, low, close, volume/);
    expectError(withRow(2, "2020-01-03,11,13,10,12,200,7"), 2, undefined, /7 cells but the header has 6/);
    expectError([HEADER, GOOD[0], "", GOOD[1]].join("\n"), 2, undefined, /blank line/);
    expectError(withRow(2, '2020-01-03,"11,13,10,12,200'), 2, undefined, /unterminated quoted cell/);
    expectError(withRow(2, '2020-01-03,"11"x,13,10,12,200'), 2, undefined, /after a closing quote/);
  });

  it("names the missing or ambiguous header columns", () => {
    expectError("date,open,high,close\n2020-01-02,1,1,1", undefined, "low", /missing required columns low, volume/);
    expectError("Open,High,Low,Close,Volume\n1,1,1,1,1", undefined, "date", /missing required column date \(or time, timestamp\)$/);
    expectError("Date,Time,Open,High,Low,Close,Volume\n", undefined, "Time", /both "Date" and "Time"/);
    expectError("", undefined, undefined, /empty input/);
    expectError(`${HEADER}\n\n`, undefined, undefined, /no data rows/);
  });

  it("stops at the first bad row without returning anything", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${day("2001-01-01") / 1000 + i * 86400},1,2,0.5,1.5,10`);
    rows[876] = rows[876].replace(",2,", ",0.4,");
    expectError([HEADER, ...rows].join("\n"), 877, "high", /high 0.4 is below low 0.5/);
  });
});

describe("parseBarsCsv at scale", () => {
  it("parses 200k intraday rows with epoch-second dates exactly", () => {
    const start = day("2000-01-03") / 1000;
    const lines = [HEADER];
    for (let i = 0; i < 200_000; i++) {
      const c = 1000 + (i % 997) * 0.25;
      lines.push(`${start + i * 60},${c},${c + 1.5},${c - 1.25},${c + 0.5},${1000 + i}`);
    }
    const text = lines.join("\n");
    const s = parseBarsCsv(text, { symbol: "X" });
    expect(s.close.length).toBe(200_000);
    expect(s.volume[199_999]).toBe(200_999);
    expect(s.close[199_999]).toBe(1000 + (199_999 % 997) * 0.25 + 0.5);
    expect(s.time[199_999]).toBe((start + 199_999 * 60) * 1000);
  });
});

/** What parsing `chunks` one after another gives: the series, or the error's message, row and field. */
function outcome(chunks: string[]): unknown {
  try {
    const parser = new BarsCsvParser({ source: "bars.csv", symbol: "X" });
    for (const chunk of chunks) parser.push(chunk);
    return parser.finish();
  } catch (e) {
    if (!(e instanceof MarketDataError)) throw e;
    return { message: e.message, row: e.row, field: e.field };
  }
}

describe("BarsCsvParser, fed in chunks", () => {
  const texts = {
    plain: [HEADER, ...GOOD].join("\n") + "\n",
    "no final line break": [HEADER, ...GOOD].join("\n"),
    "BOM, CRLF, quotes, padding and trailing blank lines":
      `\uFEFFDate,Open,High,Low,Close,Volume\r\n2020-01-02, 10 ,12,9,11,100\r\n"2020-01-03","11","13","10","12","200"\r\n\r\n  \r\n`,
    "semicolons with decimal commas": "date;open;high;low;close;volume\r\n2020-01-02;10,5;12;9,25;11;100\r\n2020-01-03;11;13,5;10;12;200,5\r\n",
    "tabs, quoted and padded": 'date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t 10\t"12"\t9\t11\t100\n2020-01-03\t11\t13\t10\t12.5\t200\n',
    "bad number in row 2": withRow(2, "2020-01-03,11,abc,10,12,200"),
    "blank line inside": [HEADER, GOOD[0], "", "  ", GOOD[1]].join("\r\n"),
    "unterminated quote": withRow(3, '2020-01-06,"12,14,11,13,300'),
    "dates out of order": withRow(3, "2020-01-03,12,14,11,13,300"),
    "header only": `${HEADER}\r\n\r\n`,
    "a decimal comma after a decimal point": "date;open;high;low;close;volume\n2020-01-02;10.5;12;9;11;100\n2020-01-03;11,5;13;10;12;200\n",
  };

  for (const [name, text] of Object.entries(texts)) {
    it(`gives what the whole text gives, split at every boundary: ${name}`, () => {
      const whole = outcome([text]);
      for (let k = 0; k <= text.length; k++) {
        expect(outcome([text.slice(0, k), text.slice(k)]), `split at ${k}`).toEqual(whole);
      }
      expect(outcome(Array.from(text)), "one character at a time").toEqual(whole);
      expect(outcome([...text.match(/[\s\S]{1,7}/g)!, "", ""]), "7 at a time, then empty chunks").toEqual(whole);
    });
  }

  it("parses the S&P 500 file in chunks of every size from 1 to 4 KiB (a sample) exactly as a whole", () => {
    const whole = parseBarsCsv(sp500, { symbol: "SPX" });
    for (const size of [1, 2, 3, 61, 64, 1000, 4096]) {
      const parser = new BarsCsvParser({ symbol: "SPX" });
      for (let at = 0; at < sp500.length; at += size) parser.push(sp500.slice(at, at + size));
      expect(parser.finish(), `chunks of ${size}`).toEqual(whole);
    }
  });

  it("stops carrying a line that has no line break in its first 1 MiB", () => {
    const parser = new BarsCsvParser({ source: "bars.bin", symbol: "X" });
    parser.push(`${HEADER}\n${GOOD[0]}\n`);
    parser.push("x".repeat(2 ** 19));
    expect(() => parser.push("y".repeat(2 ** 19 + 1))).toThrow(
      new MarketDataError("no line break in the first 1 MiB of this line; is this a CSV file?", { source: "bars.bin", row: 2 }));
    expect(() => new BarsCsvParser({ symbol: "X" }).push("\0".repeat(2 ** 20 + 1))).toThrow(/^no line break in the first 1 MiB/);
  });

  it("grows its columns past their first capacity and returns them cut to the bars read", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${1e9 + i * 60},${i},${i + 1},${i},${i + 0.5},${i}`);
    const s = parseBarsCsv([HEADER, ...rows].join("\n"), { symbol: "X" });
    expect(s.close.length).toBe(5000);
    expect(s.close.buffer.byteLength).toBe(5000 * 8);
    expect(s.time[4999]).toBe((1e9 + 4999 * 60) * 1000);
    expect(s.volume[4999]).toBe(4999);
  });
});

describe("parseBarsCsv dialects", () => {
  const comma = parseBarsCsv([HEADER, "2020-01-02,10.5,12,9.25,11,100", "2020-01-03,11,13.5,10,12,200.5"].join("\n"), { symbol: "X" });

  it("reads semicolon-separated files with decimal commas or decimal points", () => {
    const commas = "Date;Open;High;Low;Close;Volume\n2020-01-02;10,5;12;9,25;11;100\n2020-01-03;11;13,5;10;12;200,5\n";
    expect(parseBarsCsv(commas, { symbol: "X" })).toEqual(comma);
    expect(parseBarsCsv(commas.replace(/(\d),(\d)/g, "$1.$2"), { symbol: "X" })).toEqual(comma);
    // An ISO time with a comma fraction, in a file that also writes decimal commas.
    const t = parseBarsCsv("time;open;high;low;close;volume\n2020-01-02T09:30:00,5Z;1,5;2;1;1,5;0\n", { symbol: "X" });
    expect(t.time[0]).toBe(Date.parse("2020-01-02T09:30:00.500Z"));
    expect(t.open[0]).toBe(1.5);
  });

  it("reads tab-separated files, where tabs separate and do not pad", () => {
    const tabs = "date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t10.5\t12\t 9.25\t11\t100\n2020-01-03\t11\t13.5\t10\t12\t200.5\n";
    expect(parseBarsCsv(tabs, { symbol: "X" })).toEqual(comma);
    expect(parseBarsCsv(tabs.replace(/(\d)\.(\d)/g, "$1,$2"), { symbol: "X" })).toEqual(comma);
    expectError("date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t\t12\t9\t11\t100\n", 1, "open", /got ""/);
  });

  it("keeps a header with commas and semicolons inside quotes to its real delimiter", () => {
    const text = '"date";"open";"high";"low";"close";"volume";"note, with; marks"\n2020-01-02;10,5;12;9,25;11;100;"a, b; c"\n2020-01-03;11;13,5;10;12;200,5;x\n';
    expect(parseBarsCsv(text, { symbol: "X" })).toEqual(comma);
  });

  it("names a decimal mark that changes within the file, and digit grouping", () => {
    const semi = "date;open;high;low;close;volume";
    expectError(`${semi}\n2020-01-02;10.5;12;9;11;100\n2020-01-03;11,5;13;10;12;200\n`, 2, "open",
      /got "11,5"; this file's decimal mark is "\." \(as in row 1\)$/);
    expectError(`${semi}\n2020-01-02;10;12;9;11;1.234,5\n`, 1, "volume", /got "1\.234,5" \(digit grouping such as "1\.234,5" is not read\)$/);
    // In a comma-separated file a decimal comma can only come quoted, and is not a number there.
    expectError(`${HEADER}\n2020-01-02,"10,5",12,9,11,100\n`, 1, "open", /expected a finite number, got "10,5"$/);
  });

  it("says how cells are separated when the header is one column", () => {
    expectError("date|open|high|low|close|volume\n2020-01-02|1|1|1|1|0\n", undefined, "date",
      /missing required columns .* \(the header is one column: cells must be separated by commas, semicolons or tabs\)$/);
    expectError(withRow(2, "2020-01-03,11,13,10,12,200,7").replace(/,/g, ";"), 2, undefined, /7 cells but the header has 6 \(an unquoted semicolon/);
  });
});
