import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../runtimes/node/cli/command.ts";
import { main } from "../../runtimes/node/cli/main.ts";
import { riskReport } from "../../src/risk/report.ts";
import { root } from "../helpers.ts";
import { reportMismatches } from "../risk/pa-fixture.ts";
import { wasmRisk } from "../risk/wasm.ts";

const managersCsv = `${root}test/fixtures/pa_managers_returns.csv`;

async function nt(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), progress() {}, cwd };
  const code = await main(args, io);
  return { code, out, err };
}

function tempCsv(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "nt-risk-"));
  const file = join(dir, "returns.csv");
  writeFileSync(file, text);
  return { dir, file };
}

describe("nt risk", () => {
  it("prints PerformanceAnalytics' figures for HAM1..HAM3 as JSON", async () => {
    const { code, out, err } = await nt(["risk", "--returns", managersCsv, "--column", "HAM1", "--column", "HAM2",
      "--column", "HAM3", "--scale", "12", "--json"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(["HAM1", "HAM2", "HAM3"]);
    for (const series of ["HAM1", "HAM2", "HAM3"]) {
      const { failures, compared } = reportMismatches(json[series], series);
      expect(failures).toEqual([]);
      expect(compared).toBe(27);
    }
  });

  it("analyses every numeric column by default, with a relative path and the default scale 252", async () => {
    const { code, out } = await nt(["risk", "--returns", "test/fixtures/pa_managers_returns.csv", "--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(["HAM1", "HAM2", "HAM3", "HAM4", "HAM5", "HAM6", "EDHEC LS EQ", "SP500 TR", "US 10Y TR", "US 3m TR"]);
    expect(json.HAM5.n).toBe(77);
    // scale 252 changes the annualized figures only
    expect(json.HAM1.annualizedVolatility).toBeCloseTo(0.0256288083102974 * Math.sqrt(252), 12);
    expect(json.HAM1.sharpe).toBeCloseTo(0.433993150912845, 12);
  });

  it("prints a readable table without --json", async () => {
    const { code, out } = await nt(["risk", "--returns", managersCsv, "--column", "HAM1", "--scale", "12"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Risk statistics \(12 periods per year/);
    expect(out).toMatch(/\nVaR 95% historical\s+-2\.58%\n/);
    expect(out).toMatch(/\nhalf Kelly\s+8\.467\n$/);
  });

  it("reads quoted headers, skips empty and NA cells per column, and leaves out text columns", async () => {
    const { file } = tempCsv([
      '"Date","Fund A, net","note","B"',
      '2024-01-31,0.01,first,-0.02',
      '2024-02-29,,x,0.03',
      '2024-03-31,NA,,0.01',
      '2024-04-30,-0.03,,NA',
      '2024-05-31,0.02,"quoted, text",0.005',
    ].join("\r\n") + "\r\n");
    const { code, out, err } = await nt(["risk", "--returns", file, "--json", "--scale", "12"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(["Fund A, net", "B"]);
    const expected = riskReport(Float64Array.of(0.01, -0.03, 0.02), 12, await wasmRisk());
    expect(json["Fund A, net"]).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(json.B.n).toBe(4);
    expect(json.B.mean).toBeCloseTo((-0.02 + 0.03 + 0.01 + 0.005) / 4, 15);
  });

  it("fails with a message naming the file, row or column at fault", async () => {
    const missing = await nt(["risk", "--returns", "no-such-file.csv"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^nt risk: ENOENT: no such file or directory, open '.*no-such-file\.csv'/);

    const column = await nt(["risk", "--returns", managersCsv, "--column", "HAM9"]);
    expect(column.code).toBe(1);
    expect(column.err).toMatch(/pa_managers_returns\.csv: no return column "HAM9"; the numeric columns are "HAM1", "HAM2"/);

    const { file } = tempCsv("date,a,b\n2024-01-01,0.01,0.02\n2024-01-02,1.5%,0.01\n2024-01-03,0.02,0.03\n");
    const cell = await nt(["risk", "--returns", file]);
    expect(cell.code).toBe(1);
    expect(cell.err).toMatch(/returns\.csv, row 2: column "a" has "1\.5%", which is not a return/);

    const ragged = tempCsv("date,a\n2024-01-01,0.01\n2024-01-02,0.01,0.02\n");
    expect((await nt(["risk", "--returns", ragged.file])).err).toMatch(/row 2: 3 cells, but the header has 2/);

    const short = tempCsv("date,a,b\n2024-01-01,0.01,\n2024-01-02,0.02,0.01\n");
    const few = await nt(["risk", "--returns", short.file]);
    expect(few.code).toBe(1);
    expect(few.err).toMatch(/column "b" has 1 return; at least 2 needed/);

    const text = tempCsv("date,comment\n2024-01-01,hello\n");
    expect((await nt(["risk", "--returns", text.file])).err).toMatch(/no numeric return column; the columns are "date", "comment"/);
  });

  it("answers a usage error with exit code 2 and the usage", async () => {
    const none = await nt(["risk"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--returns FILE.csv is required[\s\S]*Usage: nt risk --returns FILE.csv/);
    const scale = await nt(["risk", "--returns", managersCsv, "--scale", "monthly"]);
    expect(scale.code).toBe(2);
    expect(scale.err).toMatch(/--scale must be a number in \(0, 1000000\] written in plain decimal \(no exponent, hex, \+ or spaces\), got "monthly"/);
    expect((await nt(["risk", "--returns", managersCsv, "--scale", "0"])).err).toMatch(/--scale must be a number in \(0, 1000000\], got "0"/);
    expect((await nt(["risk", "--returns", managersCsv, "--bogus"])).code).toBe(2);
    const help = await nt(["risk", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--column NAME/);
  });
});
