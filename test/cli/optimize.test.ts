import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { completeRows } from "../../src/portfolio/estimate.ts";
import { sampleMoments } from "../../src/risk/comoments.ts";
import { optimizePortfolio, type OptimizeMethod } from "../../src/portfolio/optimize.ts";
import { parseReturnsCsv } from "../../src/data/returns-csv.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const FILE = "test/fixtures/pa_edhec_returns.csv";
const tmp = mkdtempSync(join(tmpdir(), "nt-optimize-"));
const returns = completeRows(parseReturnsCsv(readFileSync(`${root}${FILE}`, "utf8"), FILE));
const moments = sampleMoments(returns.columns);

async function weightsOf(...args: string[]): Promise<Record<string, number>> {
  const { code, out, err } = await nt("optimize", "--returns", FILE, ...args, "--json");
  expect(err).toBe("");
  expect(code).toBe(0);
  const json = JSON.parse(out);
  expect(json.rows).toBe(293);
  return json.weights;
}

describe("nt optimize", () => {
  it("prints the library's weights for every method, as JSON, one per column", async () => {
    for (const method of ["minvar", "maxsharpe", "riskparity"] as OptimizeMethod[]) {
      const w = await weightsOf("--method", method, "--rf", "0.001");
      const direct = optimizePortfolio({ method, covariance: moments.covariance, expectedReturns: moments.mean, riskFree: 0.001 });
      expect(Object.keys(w)).toEqual(returns.assets);
      returns.assets.forEach((a, i) => expect(Math.abs(w[a] - direct.weights[i]), `${method} ${a}`).toBeLessThan(1e-12));
      expect(Math.abs(Object.values(w).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it("applies --long-only and --max-weight", async () => {
    const free = await weightsOf("--method", "minvar");
    expect(Object.values(free).some((v) => v < 0)).toBe(true);
    for (const method of ["minvar", "maxsharpe"]) {
      const w = Object.values(await weightsOf("--method", method, "--long-only", "--max-weight", "0.2"));
      expect(w.every((v) => v >= -1e-12 && v <= 0.2 + 1e-12)).toBe(true);
      expect(w.filter((v) => v > 0.2 - 1e-9).length).toBeGreaterThan(0); // the cap binds
    }
  });

  it("prints a readable table of weights and risk shares", async () => {
    const { code, out } = await nt("optimize", "--returns", FILE, "--method", "riskparity");
    expect(code).toBe(0);
    expect(out).toMatch(/^riskparity weights from 293 rows of test\/fixtures\/pa_edhec_returns.csv/);
    expect(out).toMatch(/asset +weight +risk share/);
    // Risk parity: every asset carries 1/13 = 7.69% of the risk.
    for (const a of returns.assets) expect(out).toMatch(new RegExp(`${a.replace(/[/]/g, "\\/")} +\\d+\\.\\d\\d% +7\\.69%`));
    expect(out).toMatch(/expected return .*%, volatility .*%, Sharpe -?\d+\.\d{4} \(per period, rf 0\)/);
  });

  it("drops rows with a missing value", async () => {
    const file = join(tmp, "gaps.csv");
    const lines = readFileSync(`${root}${FILE}`, "utf8").trim().split("\n");
    lines[5] = lines[5].replace(/,[^,]*$/, ",NA");
    lines[9] = lines[9].replace(/,[^,]*,/, ",,");
    writeFileSync(file, lines.join("\n"));
    const { code, out } = await nt("optimize", "--returns", file, "--method", "minvar", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ rows: 291, dropped: 2 });
    const text = await nt("optimize", "--returns", file, "--method", "minvar");
    expect(text.out).toMatch(/from 291 rows of .*gaps.csv \(2 with missing values dropped\)/);
  });

  it("explains bad arguments and infeasible requests", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--method", "minvar"], 2, /--returns FILE.csv is required/],
      [["--returns", FILE], 2, /--method must be one of minvar, maxsharpe, riskparity, got ""/],
      [["--returns", FILE, "--method", "meanvar"], 2, /--method must be one of/],
      [["--returns", FILE, "--method", "minvar", "--max-weight", "abc"], 2, /--max-weight must be a number > 0 written in plain decimal \(no exponent, hex, \+ or spaces\), got "abc"/],
      [["--returns", FILE, "--method", "minvar", "--rf", "1e-3"], 2, /--rf must be a finite number written in plain decimal/],
      [["--returns", FILE, "--method", "minvar", "--rf"], 2, /--rf/],
      [["--returns", FILE, "--method", "minvar", "--bogus"], 2, /bogus/],
      [["--returns", FILE, "--method", "minvar", "--max-weight", "0.05"], 1, /maxWeight 0.05 is infeasible: 13 assets at most 0.05 each cannot sum to 1/],
      [["--returns", FILE, "--method", "riskparity", "--max-weight", "0.1"], 1, /risk parity gives asset \d+ a weight of .* > maxWeight 0.1/],
      [["--returns", FILE, "--method", "maxsharpe", "--long-only", "--rf", "0.05"], 1, /no long-only portfolio has an expected return above riskFree = 0.05/],
      [["--returns", "no/such.csv", "--method", "minvar"], 1, /no\/such.csv/],
    ];
    for (const [args, status, message] of cases) {
      const { code, out, err } = await nt("optimize", ...args);
      expect(code, args.join(" ")).toBe(status);
      expect(err, args.join(" ")).toMatch(message);
      expect(out).toBe("");
      if (status === 2) expect(err).toMatch(/Usage: nt optimize/);
    }
  });

  it("reports a malformed cell with its row and column", async () => {
    const file = join(tmp, "bad.csv");
    writeFileSync(file, `Date,A,B\n2020-01-31,0.01,0.02\n2020-02-29,oops,0.01\n2020-03-31,0.02,0.01\n`);
    const { code, err } = await nt("optimize", "--returns", file, "--method", "minvar");
    expect(code).toBe(1);
    expect(err).toMatch(/bad.csv, row 2: column "A" has "oops"/);
  });

  it("shows its usage on --help and in nt's command list", async () => {
    expect((await nt("optimize", "--help")).out).toMatch(/Usage: nt optimize --returns FILE.csv --method minvar\|maxsharpe\|riskparity/);
    expect((await nt("--help")).out).toMatch(/optimize +minimum-variance, maximum-Sharpe or risk-parity weights/);
  });
});
