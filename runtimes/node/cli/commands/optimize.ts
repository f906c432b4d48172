import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { MarketDataError } from "../../../../src/core/errors.ts";
import { WasmSolver } from "../../../../src/kernels/solver.ts";
import { completeRows } from "../../../../src/portfolio/estimate.ts";
import { sampleMoments } from "../../../../src/risk/comoments.ts";
import { MAX_WEIGHT_SETTING, optimizePortfolio, RISK_FREE_SETTING, type OptimizeMethod } from "../../../../src/portfolio/optimize.ts";
import { ReturnsCsvParser } from "../../../../src/data/returns-csv.ts";
import { kernelBytes } from "../../assets.ts";
import { flagSetting, UsageError, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { warnIfPrices } from "./risk.ts";

const METHODS = ["minvar", "maxsharpe", "riskparity"] as const;

const usage = `Usage: nt optimize --returns FILE.csv --method minvar|maxsharpe|riskparity
                   [--long-only] [--max-weight W] [--rf R] [--json]

Portfolio weights from the sample mean and covariance of asset returns.

  --returns FILE.csv   first column a date, then one column of periodic returns per
                       asset; rows with any missing value are dropped; comma,
                       semicolon or tab separated; up to ${MAX_INPUT_LABEL}
  --method M           minvar: minimum variance; maxsharpe: maximum Sharpe ratio
                       (tangency portfolio); riskparity: equal risk contributions
  --long-only          no short positions (riskparity weights are always positive)
  --max-weight W       cap on every weight, 0 < W, with W x assets >= 1
  --rf R               risk-free return per period of the data (0.001 = 0.1% a
                       month for monthly returns), for maxsharpe and the Sharpe
                       ratio shown (default 0)
  --json               print {method, rows, dropped, weights: {asset: w}, ...} as JSON

Weights sum to 1. Volatility, expected return and Sharpe are per period of the data.`;

export const optimizeCommand: Command = {
  name: "optimize",
  summary: "minimum-variance, maximum-Sharpe or risk-parity weights from a returns CSV",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        returns: { type: "string" },
        method: { type: "string" },
        "long-only": { type: "boolean", default: false },
        "max-weight": { type: "string" },
        rf: { type: "string", default: "0" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.returns) throw new UsageError("--returns FILE.csv is required");
    const method = values.method as OptimizeMethod;
    if (!METHODS.includes(method as (typeof METHODS)[number])) {
      throw new UsageError(`--method must be one of ${METHODS.join(", ")}, got ${JSON.stringify(values.method ?? "")}`);
    }
    const maxWeight = values["max-weight"] === undefined ? undefined : flagSetting(MAX_WEIGHT_SETTING, values["max-weight"], "--max-weight") as number;
    const riskFree = flagSetting(RISK_FREE_SETTING, values.rf!, "--rf") as number;
    const source = values.returns;
    const table = await readTextFile(resolve(io.cwd, source), source, new ReturnsCsvParser(source));
    warnIfPrices(io, "optimize", source, table.columns);
    const returns = completeRows(table);
    if (returns.dates.length < 2) {
      throw new MarketDataError(`${returns.dates.length} rows with every return present; at least 2 needed`, { source });
    }
    const { mean, covariance } = sampleMoments(returns.columns);
    const solver = await WasmSolver.load(kernelBytes("solver"));
    const p = optimizePortfolio({
      method, covariance, expectedReturns: mean, riskFree,
      constraints: { longOnly: values["long-only"], maxWeight },
    }, solver);
    const assets = returns.assets;
    if (values.json) {
      io.out(JSON.stringify({
        method, rows: returns.dates.length, dropped: returns.dropped, riskFree,
        longOnly: values["long-only"], maxWeight: maxWeight ?? null,
        weights: Object.fromEntries(assets.map((a, i) => [a, p.weights[i]])),
        riskContributions: Object.fromEntries(assets.map((a, i) => [a, p.riskContributions[i]])),
        expectedReturn: p.expectedReturn, volatility: p.volatility, sharpe: p.sharpe,
      }, null, 2) + "\n");
      return 0;
    }
    const width = Math.max(5, ...assets.map((a) => a.length));
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`.padStart(9);
    const lines = [
      `${method} weights from ${returns.dates.length} rows of ${source}${returns.dropped ? ` (${returns.dropped} with missing values dropped)` : ""}`,
      "",
      `${"asset".padEnd(width)}    weight  risk share`,
      ...assets.map((a, i) => `${a.padEnd(width)} ${pct(p.weights[i])}  ${pct(p.riskContributions[i])}`),
      "",
      `expected return ${pct(p.expectedReturn!).trim()}, volatility ${pct(p.volatility).trim()}, Sharpe ${p.sharpe!.toFixed(4)} (per period, rf ${riskFree})`,
    ];
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};
