import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { MarketDataError, shown } from "../../../../src/core/errors.ts";
import { WasmRisk } from "../../../../src/kernels/risk.ts";
import { renderRiskReports, riskReport, SCALE_SETTING } from "../../../../src/risk/report.ts";
import { priceLikeColumns, ReturnsCsvParser, returnsColumn, type ReturnsTable } from "../../../../src/data/returns-csv.ts";
import { kernelBytes } from "../../assets.ts";
import { flagSetting, UsageError, type CliIO, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";

const usage = `Usage: nt risk --returns FILE.csv [--column NAME ...] [--scale 252] [--json]

Risk statistics of return series, following R PerformanceAnalytics: VaR and ES
(historical, Gaussian, modified; 95% and 99%) as returns (negative = loss),
Sharpe, Sortino, downside deviation, max drawdown, Calmar, annualized return
and volatility, skewness, excess kurtosis and Kelly fraction.

  --returns FILE.csv   first column a date, the others periodic returns as decimals
                       (0.01 = 1%); empty or NA cells are missing and skipped; comma,
                       semicolon or tab separated; up to ${MAX_INPUT_LABEL}
  --column NAME        the column to analyse, repeatable (default: every numeric column)
  --scale N            periods per year for annualizing, 0 < N <= ${SCALE_SETTING.max} (default 252; 12 for monthly)
  --json               print {"<column>": {VaR, ES, sharpe, ...}} as JSON`;

export const riskCommand: Command = {
  name: "risk",
  summary: "VaR, ES, Sharpe, drawdown and other risk statistics of a returns CSV",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        returns: { type: "string" },
        column: { type: "string", multiple: true, default: [] },
        scale: { type: "string", default: "252" },
        json: { type: "boolean", default: false },
      },
    });
    if (!values.returns) throw new UsageError("--returns FILE.csv is required");
    const scale = flagSetting(SCALE_SETTING, values.scale!, "--scale") as number;
    const source = values.returns;
    const table = await readTextFile(resolve(io.cwd, source), source, new ReturnsCsvParser(source));
    const columns = values.column!.length === 0 ? table.columns : values.column!.map((name) => returnsColumn(table, name, source));
    warnIfPrices(io, "risk", source, columns);
    for (const { name, values: r } of columns) {
      const present = r.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
      if (present < 2) throw new MarketDataError(`column "${name}" has ${present} return${present === 1 ? "" : "s"}; at least 2 needed`, { source, field: name });
    }
    const stats = await WasmRisk.load(kernelBytes("risk"));
    const reports = columns.map(({ name, values: r }) => ({ name, report: riskReport(r, scale, stats) }));
    io.out(values.json
      ? JSON.stringify(Object.fromEntries(reports.map((r) => [r.name, r.report])), null, 2) + "\n"
      : renderRiskReports(reports, scale) + "\n");
    return 0;
  },
};

/** A warning on stderr for each column that looks like prices or percentages; the run goes on. */
export function warnIfPrices(io: CliIO, command: string, source: string, columns: ReturnsTable["columns"]): void {
  for (const { name, median } of priceLikeColumns(columns)) {
    io.err(`nt ${command}: warning: column ${shown(name)} of ${source} looks like prices, not returns (median |value| ` +
      `${median.toPrecision(4)}; a return is a decimal such as 0.01 for 1%); convert prices with ` +
      "r[t] = p[t] / p[t-1] - 1, or divide percentages by 100\n");
  }
}
