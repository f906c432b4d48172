import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { MarketDataError } from "../../../../src/core/errors.ts";
import { WasmRisk } from "../../../../src/kernels/risk.ts";
import { renderRiskReports, riskReport, SCALE_SETTING } from "../../../../src/risk/report.ts";
import { parseReturnsCsv, returnsColumn } from "../../../../src/data/returns-csv.ts";
import { kernelBytes } from "../../assets.ts";
import { flagSetting, UsageError, type Command } from "../command.ts";

const usage = `Usage: nt risk --returns FILE.csv [--column NAME ...] [--scale 252] [--json]

Risk statistics of return series, following R PerformanceAnalytics: VaR and ES
(historical, Gaussian, modified; 95% and 99%) as returns (negative = loss),
Sharpe, Sortino, downside deviation, max drawdown, Calmar, annualized return
and volatility, skewness, excess kurtosis and Kelly fraction.

  --returns FILE.csv   first column a date, the others periodic returns as decimals
                       (0.01 = 1%); empty or NA cells are missing and skipped
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
    const table = parseReturnsCsv(readFileSync(resolve(io.cwd, source), "utf8"), source);
    const columns = values.column!.length === 0 ? table.columns : values.column!.map((name) => returnsColumn(table, name, source));
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
