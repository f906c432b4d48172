// The CLI on odd or large input files: every outcome is a clean message, a
// warning where the run can go on, or the same result as a plain CSV.
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Command } from "../../runtimes/node/cli/command.ts";
import { MAX_INPUT_BYTES } from "../../runtimes/node/cli/files.ts";
import { main } from "../../runtimes/node/cli/main.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-odd-"));
const write = (name: string, text: string) => {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
};
/** The report without its timing, which differs between runs. */
const report = (out: string) => {
  const { barsPerSecond, elapsedMs, ...rest } = JSON.parse(out);
  return rest;
};
const noStack = (err: string) => expect(err).not.toMatch(/\n\s+at /);

const sp500 = readFileSync(`${root}data/sp500.csv`, "utf8").trim().split("\n").slice(0, 400);

describe("nt backtest on semicolon- and tab-separated files", () => {
  it("gives the report of the comma-separated file, decimal commas included", async () => {
    const plain = await nt("backtest", "--json", "--data", write("plain.csv", sp500.join("\n")), "--param", "fast=5", "--param", "slow=20", "--symbol", "X");
    expect(plain.code).toBe(0);
    expect(report(plain.out).trades.length).toBeGreaterThan(3);
    const semicolons = sp500.map((line) => line.replace(/,/g, ";").replace(/(\d)\.(\d)/g, "$1,$2")).join("\r\n");
    expect(semicolons).toMatch(/^date;open;high;low;close;adjclose;volume\r\n2000-01-03;1469,250000;1478,000000;1438,359985;/);
    const tabs = sp500.map((line) => line.replace(/,/g, "\t")).join("\n");
    for (const [name, text] of [["semi.csv", semicolons], ["tabs.tsv", tabs]]) {
      const r = await nt("backtest", "--json", "--data", write(name, text), "--param", "fast=5", "--param", "slow=20", "--symbol", "X");
      expect(r.err, name).toBe("");
      expect(r.code, name).toBe(0);
      expect(report(r.out), name).toEqual(report(plain.out));
    }
  });
});

describe("nt refuses what is not a readable CSV file by name, without a stack trace", () => {
  const dir = join(tmp, "a folder");
  mkdirSync(dir);

  it("names a directory", async () => {
    for (const args of [["backtest", "--data", dir], ["indicators", "--data", dir, "--spec", "sma:5", "--out", join(tmp, "o.csv")],
      ["risk", "--returns", dir], ["optimize", "--returns", dir, "--method", "minvar"]]) {
      const r = await nt(...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.err).toBe(`nt ${args[0]}: ${dir}: is a directory; expected a CSV file\n`);
    }
  });

  it("refuses a file over the size limit before reading it, naming the file and the limit", async () => {
    const huge = write("huge.csv", "");
    truncateSync(huge, 5 * 2 ** 30); // sparse: no disk used
    for (const args of [["backtest", "--data", huge], ["risk", "--returns", huge]]) {
      const r = await nt(...args);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`nt ${args[0]}: ${huge}: 5368709120 bytes (5.00 GiB) is over the 4 GiB limit for input files; ` +
        "split it (by year, say) or use longer bars\n");
    }
    expect(MAX_INPUT_BYTES).toBe(4 * 2 ** 30);
    for (const command of ["backtest", "indicators", "risk", "optimize"]) {
      expect((await nt(command, "--help")).out, command).toMatch(/up to 4 GiB/);
    }
  });

  it("refuses a file without line breaks (a binary file, say) without holding it in memory", async () => {
    const binary = write("image.csv", "\0".repeat(3 * 2 ** 20));
    const r = await nt("backtest", "--data", binary);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`nt backtest: ${binary}: no line break in the first 1 MiB of this line; is this a CSV file?\n`);
  });

  it("turns an unexpected failure into one line and exit code 70", async () => {
    const failing: Command = { name: "fail", summary: "", usage: "", run: async () => { throw new RangeError("Invalid string length"); } };
    let err = "";
    const code = await main(["fail"], { out: () => {}, err: (t) => void (err += t), progress() {}, cwd: tmp }, [failing]);
    expect(code).toBe(70);
    expect(err).toBe("nt fail: unexpected error: Invalid string length (set NT_DEBUG=1 for the stack trace)\n");
  });
});

describe("nt warns where a run can go on but says little", () => {
  it("warns that one bar cannot be traded, and still reports (named after a file name with a space)", async () => {
    const one = write("one bar.csv", "date,open,high,low,close,volume\n2020-01-02,10,12,9,11,100\n");
    const r = await nt("backtest", "--data", one);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`nt backtest: warning: ${one} has 1 bar; orders fill at the next bar's open, so nothing can be traded\n`);
    expect(r.out).toMatch(/^Backtest ONE_BAR: momentum/);
    expect(r.out).toMatch(/Bars\s+1 \(/);
    expect(r.out).toMatch(/Max drawdown\s+0\.00%/);
  });

  it("warns that a returns file of prices looks like prices, naming the column, and still reports", async () => {
    const rows = sp500.slice(1, 60).map((line) => line.split(","));
    const prices = write("prices.csv", ["Date,Adj Close,r", ...rows.map((cells, i) => `${cells[0]},${cells[5]},${((i % 7) - 3) / 1000}`)].join("\n"));
    const median = rows.map((cells) => Number(cells[5])).sort((a, b) => a - b)[29];
    const r = await nt("risk", "--returns", prices, "--json");
    expect(r.code).toBe(0);
    expect(r.err).toBe(`nt risk: warning: column "Adj Close" of ${prices} looks like prices, not returns (median |value| ${median.toPrecision(4)}; ` +
      "a return is a decimal such as 0.01 for 1%); convert prices with r[t] = p[t] / p[t-1] - 1, or divide percentages by 100\n");
    expect(Object.keys(JSON.parse(r.out))).toEqual(["Adj Close", "r"]);
    // Only the columns asked for are judged.
    expect((await nt("risk", "--returns", prices, "--column", "r")).err).toBe("");
    const o = await nt("optimize", "--returns", prices, "--method", "minvar");
    expect(o.code).toBe(0);
    expect(o.err).toMatch(/^nt optimize: warning: column "Adj Close" of .* looks like prices/);
  });

  it("reads a semicolon-separated returns file with decimal commas", async () => {
    const semi = write("semi-returns.csv", "Datum;Fonds A;Fonds B\n2024-01-31;0,01;-0,02\n2024-02-29;0,03;0,01\n2024-03-31;-0,01;0,005\n");
    const comma = write("comma-returns.csv", "Datum,Fonds A,Fonds B\n2024-01-31,0.01,-0.02\n2024-02-29,0.03,0.01\n2024-03-31,-0.01,0.005\n");
    const a = await nt("risk", "--returns", semi, "--json");
    expect(a.err).toBe("");
    expect(a.out).toBe((await nt("risk", "--returns", comma, "--json")).out);
  });
});

it("keeps errors clean when they come from the stream half-way", async () => {
  const rows = Array.from({ length: 60_000 }, (_, i) => `${1e9 + i * 60},1,2,0.5,1.5,10`);
  rows[50_000] = `${1e9 + 50_000 * 60},1,2,0.5,1.5,-10`;
  const r = await nt("backtest", "--data", write("late.csv", ["time,open,high,low,close,volume", ...rows].join("\n")));
  expect(r.code).toBe(1);
  expect(r.err).toBe(`nt backtest: ${join(tmp, "late.csv")}, row 50001: volume: volume -10 is negative\n`);
  noStack(r.err);
});
