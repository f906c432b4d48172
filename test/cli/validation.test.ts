// The CLI reads its text by the same rules as the API and the page (issue 12, finding 5).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { sp500Csv } from "../api/fixtures.ts";
import { nt } from "./capture.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-cli-validation-"));
const out = join(tmp, "out.csv");

/** The API's answer to a body, in-process. */
async function api(path: string, body: unknown): Promise<{ message: string; field?: string }> {
  const engine = createApp({
    config: loadAppConfig({ env: {} }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
  });
  const res = await engine.fetch(new Request(`http://x${path}`, { method: "POST", body: JSON.stringify(body) }));
  engine.close();
  return (await res.json()).error;
}

describe("nt indicators", () => {
  it("refuses an item listed twice with the API's message, instead of writing one column", async () => {
    const r = await nt("indicators", "--data", "data/sp500.csv", "--spec", "sma:5,rsi,sma:5", "--out", out);
    expect(r.code).toBe(1);
    const { message } = await api("/indicators", { series: [1, 2, 3, 4, 5, 6], indicators: "sma:5,rsi,sma:5" });
    expect(r.err).toBe(`nt indicators: ${message}\n`);
    expect(message).toBe('"sma:5" repeats "sma:5": the same indicator with the same arguments; list it once');
  });

  it("refuses the arguments the API refuses, with the same messages", async () => {
    for (const spec of ["sma:1e9", "sma:0x10", "bbands:20:1e308", "sma:+5", `sma:${100_001}`]) {
      const r = await nt("indicators", "--data", "data/sp500.csv", "--spec", spec, "--out", out);
      const { message } = await api("/indicators", { series: [1, 2, 3], indicators: spec });
      expect([r.code, r.err], spec).toEqual([1, `nt indicators: ${message}\n`]);
    }
    const three = join(tmp, "three.csv");
    writeFileSync(three, "date,open,high,low,close,volume\n2020-01-02,1,2,1,2,9\n2020-01-03,2,3,2,3,9\n2020-01-06,3,4,3,4,9\n");
    const long = await nt("indicators", "--data", three, "--spec", "sma:3,sma:4", "--out", out);
    expect([long.code, long.err]).toEqual([1, 'nt indicators: "sma:4": sma.period (4) is longer than the series (3 rows)\n']);
  });

  it("documents the bounds in --help", async () => {
    const { out: help } = await nt("indicators", "--help");
    expect(help).toMatch(/periods are integers from 1 to 100000\s+and no longer than the series/);
    expect(help).toMatch(/bbands' k\s+is a number from 0 to 10/);
    expect(help).toContain("macd:fast:slow:signal (default macd:12:26:9)");
  });
});

describe("nt backtest", () => {
  it("converts --param text explicitly: plain decimal passes, other spellings are usage errors naming the flag", async () => {
    const ok = await nt("backtest", "--json", "--param", "fast=20", "--param", "allowShort=true");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).strategy.params).toMatchObject({ fast: 20, allowShort: true });
    const bad = await nt("backtest", "--param", "fast=1e1");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^nt backtest: momentum: --param fast must be an integer from 1 to 1000 written in plain decimal \(no exponent, hex, \+ or spaces\), got "1e1"/);
  });

  it("names the flag of a setting out of its declared range", async () => {
    const cases: [string[], RegExp][] = [
      [["--cash=-1"], /--cash must be a number > 0, got "-1"/],
      [["--fraction", "1.5"], /--fraction must be a number in \(0, 1\], got "1.5"/],
      [["--max-drawdown", "1e-1"], /--max-drawdown must be a number in \(0, 1\) written in plain decimal/],
      [["--max-orders", "2.5:3"], /--max-orders N must be an integer >= 1, got "2.5"/],
      [["--sizing", "kelly:0.5:2"], /--sizing lookback must be an integer > 2, got "2"/],
      [["--sizing", "fixed:2"], /--sizing fraction must be a number in \(0, 1\], got "2"/],
    ];
    for (const [args, message] of cases) {
      const r = await nt("backtest", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
    }
  });
});
