// Property-based fuzzing of the CLI: for any flags and any input file, `nt` ends with exit code
// 0, 1 or 2 and a short message, never an exception or a stack trace. Seeded for reproducible CI.
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { commands } from "../../runtimes/node/cli/main.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** What a failure may print besides the command's usage text. */
const MAX_MESSAGE = 1024;

const tmp = mkdtempSync(join(tmpdir(), "nt-fuzz-"));
mkdirSync(join(tmp, "a-directory"));
const sp500Head = readFileSync(`${root}data/sp500.csv`, "utf8").split("\n").slice(0, 300);
const returnsHead = readFileSync(`${root}test/fixtures/pa_edhec_returns.csv`, "utf8").split("\n").slice(0, 60);
const headlinesHead = readFileSync(`${root}test/fixtures/headlines-dev.csv`, "utf8").split("\n").slice(0, 40);
let fileNo = 0;

/** Lines of a real file with a few cells replaced by hostile text. */
function mutatedCsv(lines: string[]): fc.Arbitrary<string> {
  const cell = fc.oneof(fc.constantFrom("", "NaN", "-1", "1e309", "0x10", "abc", "\"", "2020-13-45", ";", "\t", "1,5"), fc.string({ maxLength: 12 }));
  return fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(6), cell), { maxLength: 4 }).map((edits) => {
    const out = lines.map((l) => l.split(","));
    for (const [row, col, value] of edits) if (out[row][col] !== undefined) out[row][col] = value;
    return out.map((r) => r.join(",")).join("\n");
  });
}

/** A path to a file of hostile content, a directory, or nothing at all. */
function inputFile(lines: string[]): fc.Arbitrary<string> {
  const content = fc.oneof(
    mutatedCsv(lines),
    fc.constantFrom("", "date,open,high,low,close,volume\n", lines.slice(0, 2).join("\n"), lines.join("\n").replaceAll(",", ";"), lines.join("\n").replaceAll(",", "\t")),
    fc.uint8Array({ maxLength: 400 }).map((b) => String.fromCharCode(...b)),
  );
  return fc.oneof(
    { weight: 8, arbitrary: content.map((text) => {
      const file = join(tmp, `in-${fileNo++}.csv`);
      writeFileSync(file, text);
      return file;
    }) },
    { weight: 1, arbitrary: fc.constantFrom(join(tmp, "a-directory"), join(tmp, "missing.csv"), "") },
  );
}

const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("0", "-1", "1e9", "abc", "", "0.5", "NaN", "Infinity", "1e-300", "5:2", "fixed:2", "vol:0.1", "kelly:x", "fast=3", "slow=1e9", "period=0x10") },
  { weight: 3, arbitrary: fc.double({ noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 2000 }) },
);

/** Values a careful user would give each flag, so that runs also get past argument parsing into the engine. */
const PLAUSIBLE: Record<string, Record<string, string[]>> = {
  backtest: {
    "--strategy": ["momentum", "mean-reversion"], "--param": ["fast=10", "slow=50", "period=14"], "--cash": ["50000", "1000000"],
    "--slippage-bps": ["0", "2.5"], "--commission": ["0", "0.01"], "--fraction": ["0.5", "1"], "--sizing": ["fixed:0.5", "vol:0.1:20", "kelly:0.5"],
    "--stop-loss": ["0.05"], "--take-profit": ["0.1"], "--max-position": ["1000"], "--max-orders": ["5:2"], "--max-drawdown": ["0.2"],
    "--symbol": ["ABC", "SPX"], "--benchmark": ["data/sp500.csv", "test/fixtures/talib_regtest_252bars.csv"],
  },
  // --train is left out: each run would fit a network.
  forecast: {
    "--horizon": ["1", "3", "8"], "--tail": ["20", "60"], "--weights": ["models/lstm.safetensors", "models/nhits.safetensors"],
    "--seed": ["1"], "--onnx-scale": ["0.01"],
  },
  trade: {
    "--strategy": ["momentum", "mean-reversion"], "--param": ["fast=10", "slow=50"], "--cash": ["50000"], "--stop-loss": ["0.05"],
    "--symbol": ["ABC"], "--broker": ["paper", "alpaca"], "--feed": ["alpaca", "polygon"], "--symbols": ["SPY", "SPY,QQQ"],
    "--from": ["2026-12-01T14:30:00Z"], "--warmup": ["0", "50"], "--timeframe": ["1m", "5m"], "--journal": [join(tmp, "journal")],
  },
  news: { "--model": ["missing.onnx"], "--vocab": ["missing.txt"], "--labels": ["positive,negative,neutral", "up,down"] },
  // nt news stream, its --config the hostile file; no keys are set (the test clears them), so runs end at the configuration, before any network.
  "news-stream": { "--symbols": ["AAPL", "AAPL,MSFT", "*"], "--max": ["1", "50"], "--out": [join(tmp, "stream.jsonl")] },
  indicators: { "--spec": ["sma:20", "rsi:14,macd:12:26:9", "bbands:20:2,obv", "atr:14,adx:14"] },
  risk: { "--column": ["Convertible Arbitrage", "CTA Global"], "--scale": ["252", "12"] },
  optimize: { "--max-weight": ["0.5", "1"], "--rf": ["0", "0.0001"] },
};

/** Flags of one command, each given a hostile or plausible value, plus an occasional unknown flag. */
function argv(name: string, files: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  const flag = fc.constantFrom(...Object.keys(PLAUSIBLE[name])).chain((f) =>
    fc.tuple(fc.constant(f), fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE[name][f]) }, { weight: 2, arbitrary: value })));
  const fileFlag = name === "risk" || name === "optimize" ? "--returns" : name === "news-stream" ? "--config" : "--data";
  const pairs = fc.array(fc.oneof({ weight: 8, arbitrary: flag }, { weight: 1, arbitrary: fc.tuple(fc.constant("--bogus"), value) }), { maxLength: 3 });
  return fc.tuple(files, pairs, fc.boolean()).map(([file, ps, json]) => {
    const input = file === "" ? [] : name === "news" ? [file] : [fileFlag, file];
    const args = [name, ...input, ...ps.map(([f, v]) => `${f}=${v}`), ...(json && name !== "indicators" && name !== "news-stream" ? ["--json"] : [])];
    if (name === "news") args.splice(1, 0, "score");
    // --symbols is required; a fuzzed one given later overrides it.
    if (name === "news-stream") args.splice(0, 1, "news", "stream", "--symbols=AAPL");
    if (name === "optimize") args.splice(1, 0, "--method", json ? "riskparity" : "minvar", ...(json ? [] : ["--long-only"]));
    if (name === "forecast") args.splice(1, 0, "--model", "nhits", ...(json ? [] : ["--evaluate"]));
    if (name === "indicators") args.push("--out", join(tmp, `out-${fileNo++}.csv`));
    // No keys are set, so --feed and --broker alpaca end at the configuration, before any network.
    if (name === "trade") args.splice(1, 0, "--paper", "--speed", "0");
    return args;
  });
}

describe("fuzzing the CLI", () => {
  for (const name of ["backtest", "forecast", "indicators", "risk", "optimize", "trade", "news", "news-stream"]) {
    it(`nt ${name.replace("-", " ")} ends cleanly for any flags and file`, async () => {
      const files = inputFile(name === "risk" || name === "optimize" ? returnsHead : name.startsWith("news") ? headlinesHead : sp500Head);
      const usage = commands.find((c) => c.name === name.split("-")[0])!.usage;
      const codes: Record<number, number> = {};
      // Keys from the developer's environment would let nt news stream (and nt trade --feed alpaca) reach the network.
      const keys = Object.keys(process.env).filter((k) => k.startsWith("NT_ALPACA_") || k.startsWith("NT_POLYGON_"));
      const saved = keys.map((k) => [k, process.env[k]] as const);
      for (const k of keys) delete process.env[k];
      onTestFinished(() => {
        for (const [k, v] of saved) process.env[k] = v;
      });
      await fc.assert(fc.asyncProperty(argv(name, files), async (args) => {
        const { code, err } = await nt(...args);
        codes[code] = (codes[code] ?? 0) + 1;
        expect([0, 1, 2], `${args.join(" ").slice(0, 300)}\n${err.slice(0, 500)}`).toContain(code);
        expect(err).not.toMatch(/\n\s+at .+:\d+:\d+/);
        if (code !== 0) {
          expect(err.length).toBeGreaterThan(0);
          expect(err.replace(usage, "").length, err.slice(0, 300)).toBeLessThanOrEqual(MAX_MESSAGE);
        }
      }), { seed: SEED, numRuns: RUNS });
      // Most runs must get past argument parsing, or the fuzz tests little beyond it.
      expect((codes[0] ?? 0) + (codes[1] ?? 0), JSON.stringify(codes)).toBeGreaterThan(RUNS / 4);
    });
  }
});
