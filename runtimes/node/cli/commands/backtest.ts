import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runStrategyBacktest, type SizingSpec } from "../../../../src/backtest/job.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { renderReportHtml } from "../../../../src/report/html.ts";
import { formatReportText } from "../../../../src/report/text.ts";
import { strategies } from "../../../../src/strategies/index.ts";
import { sampleDataFile } from "../../assets.ts";
import { UsageError, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";

const usage = `Usage: nt backtest [--data FILE.csv] [--strategy NAME] [--param k=v ...] [--json] [--out report.html]

Runs a strategy over daily OHLCV bars and prints a summary.

  --data FILE.csv        bars (date,open,high,low,close,volume; comma, semicolon or tab separated;
                         up to ${MAX_INPUT_LABEL}; default: bundled S&P 500 2000-2020)
  --symbol NAME          symbol for the report (default: the file name, or SPX for the bundled data)
  --strategy NAME        ${strategies.map((s) => s.name).join(" | ")} (default momentum)
  --param k=v            strategy parameter, repeatable:
${strategies.map((s) => `                           ${s.name}: ${s.params.map((p) => `${p.name}=${p.default}`).join(" ")}`).join("\n")}
  --cash N               initial cash (default 100000)
  --slippage-bps N       slippage on market and stop fills (default 1)
  --commission N         commission per share (default 0.005)
  --commission-order N   commission per order (default 0)
  --fraction F           fraction of equity per position, (0, 1] (default 1)
  --stop-loss F          protective stop at this fraction from entry, e.g. 0.05
  --take-profit F        take-profit limit at this fraction from entry, e.g. 0.1
  --sizing SPEC          fixed:F | vol:TARGET[:LOOKBACK] | kelly:SCALE[:LOOKBACK] (default fixed:1)
Risk limits (denied orders are listed in the report):
  --max-position N       largest quantity held
  --max-notional N       largest position value
  --max-gross F          largest gross exposure / equity
  --max-net F            largest net exposure / equity
  --max-orders N:DAYS    at most N orders in any DAYS-day window
  --max-daily-loss F     halt new exposure for the day after losing this fraction
  --max-drawdown F       halt new exposure after a drawdown of this fraction
  --json                 print the report as one JSON object
  --out FILE.html        also write a self-contained HTML report`;

export const backtestCommand: Command = {
  name: "backtest",
  summary: "run a strategy over bars and report returns, risk and trades",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        data: { type: "string" }, symbol: { type: "string" }, strategy: { type: "string", default: "momentum" },
        param: { type: "string", multiple: true, default: [] }, cash: { type: "string" },
        "slippage-bps": { type: "string" }, commission: { type: "string" }, "commission-order": { type: "string" },
        fraction: { type: "string" }, "stop-loss": { type: "string" }, "take-profit": { type: "string" },
        sizing: { type: "string" }, "max-position": { type: "string" }, "max-notional": { type: "string" },
        "max-gross": { type: "string" }, "max-net": { type: "string" }, "max-orders": { type: "string" },
        "max-daily-loss": { type: "string" }, "max-drawdown": { type: "string" },
        json: { type: "boolean", default: false }, out: { type: "string" },
      },
    });
    const file = values.data ? resolve(io.cwd, values.data) : sampleDataFile;
    const source = values.data ?? "sp500.csv";
    // Without --symbol, the parser names the series after the file.
    const symbol = values.symbol ?? (values.data ? undefined : "SPX");
    const series = await readTextFile(file, source, new BarsCsvParser({ source, symbol }));
    if (series.close.length < 2) {
      io.err(`nt backtest: warning: ${source} has 1 bar; orders fill at the next bar's open, so nothing can be traded\n`);
    }
    const report = runStrategyBacktest(series, {
      strategy: values.strategy!,
      params: parseParams(values.param!),
      config: {
        initialCash: num(values.cash, "--cash"),
        slippageBps: num(values["slippage-bps"], "--slippage-bps"),
        commissionPerShare: num(values.commission, "--commission"),
        commissionPerOrder: num(values["commission-order"], "--commission-order"),
        positionFraction: num(values.fraction, "--fraction"),
        stopLossPct: num(values["stop-loss"], "--stop-loss"),
        takeProfitPct: num(values["take-profit"], "--take-profit"),
        onProgress: (done, total) => io.progress(done, total, "backtest"),
      },
      sizing: values.sizing === undefined ? undefined : parseSizing(values.sizing),
      limits: {
        maxPositionQuantity: num(values["max-position"], "--max-position"),
        maxPositionNotional: num(values["max-notional"], "--max-notional"),
        maxGrossExposure: num(values["max-gross"], "--max-gross"),
        maxNetExposure: num(values["max-net"], "--max-net"),
        maxOrderRate: values["max-orders"] === undefined ? undefined : parseOrderRate(values["max-orders"]),
        maxDailyLoss: num(values["max-daily-loss"], "--max-daily-loss"),
        maxDrawdown: num(values["max-drawdown"], "--max-drawdown"),
      },
    });
    io.out(values.json ? JSON.stringify(report) + "\n" : formatReportText(report) + "\n");
    if (values.out) {
      const out = resolve(io.cwd, values.out);
      writeFileSync(out, renderReportHtml(report));
      if (!values.json) io.out(`HTML report written to ${out}\n`);
    }
    return 0;
  },
};

/** "k=v" pairs into a params object; values stay strings for the strategy to validate. */
export function parseParams(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param expects k=v, got "${pair}"`);
    params[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return params;
}

function parseSizing(spec: string): SizingSpec {
  const [method, a, b] = spec.split(":");
  const arg = (v: string | undefined, what: string) => num(v, `--sizing ${what}`);
  switch (method) {
    case "fixed": return { method: "fixed", fraction: arg(a ?? "1", "fraction")! };
    case "vol": return { method: "volTarget", target: arg(a, "target")!, lookback: arg(b, "lookback") };
    case "kelly": return { method: "kelly", scale: arg(a, "scale"), lookback: arg(b, "lookback") };
    default: throw new UsageError(`--sizing expects fixed:F, vol:TARGET[:LOOKBACK] or kelly:SCALE[:LOOKBACK], got "${spec}"`);
  }
}

function parseOrderRate(spec: string): { count: number; windowMs: number } {
  const [count, days] = spec.split(":").map((v) => num(v, "--max-orders"));
  if (count === undefined || days === undefined) throw new UsageError(`--max-orders expects N:DAYS, got "${spec}"`);
  return { count, windowMs: days * 86_400_000 };
}

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got "${value}"`);
  return v;
}
