import type { BacktestReport } from "../backtest/types.ts";
import type { RunSnapshot } from "../execution/types.ts";
import type { ForecastReport } from "../neural/job.ts";
import { formatNumber, formatPercent } from "../report/format.ts";
import type { RiskReport } from "../risk/report.ts";
import type { Operation } from "./engine.ts";

/**
 * One MCP tool: an API operation under a name an agent can pick, with a
 * one-line summary of its answer for the text content (the whole answer
 * travels as structured content). Its input schema and the scope it needs
 * come from the operation's entry in the OpenAPI description.
 */
export interface ToolDef {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly operation: Operation;
  /** MCP's hints: whether the tool changes anything, and whether a change can be undone. */
  readonly effect: "none" | "starts" | "stops";
  summary(answer: unknown): string;
}

/**
 * The engine's tools. Each names the API operation it stands for; a tool
 * whose operation the engine does not serve (paper sessions on an edge
 * isolate) is not offered.
 * search_memory is offered where the server holds a vector memory
 * (NT_MEMORY_INDEX).
 */
export const TOOLS: readonly ToolDef[] = [
  {
    name: "list_strategies",
    title: "List strategies",
    description: "The built-in trading strategies and their parameters (type, default, range, meaning): the names and params run_backtest and start_paper_session take.",
    operation: "GET /strategies",
    effect: "none",
    summary: (a) => {
      const { strategies } = a as { strategies: { name: string; params: { name: string }[] }[] };
      return `${count(strategies.length, "strategy", "strategies")}: ${strategies.map((s) => `${s.name} (${s.params.map((p) => p.name).join(", ")})`).join("; ")}`;
    },
  },
  {
    name: "compute_indicators",
    title: "Compute indicators",
    description: 'Technical indicator columns (TA-Lib / TTR conventions) over bars, a close series or a bundled sample, e.g. { "sample": "sp500", "indicators": "sma:20,rsi:14" }; null where a value is not yet defined.',
    operation: "POST /indicators",
    effect: "none",
    summary: (a) => {
      const { rows, columns } = a as { rows: number; columns: Record<string, (number | null)[]> };
      const last = Object.entries(columns).map(([name, values]) => `${name} ${figure(values[values.length - 1], 4)}`);
      return `${count(rows, "row", "rows")} of ${count(last.length, "column", "columns")}; last row: ${last.join(", ")}`;
    },
  },
  {
    name: "run_backtest",
    title: "Run a backtest",
    description: 'Runs a strategy over bars (a bundled sample such as "sp500", CSV text or inline bars) with costs, risk limits and sizing, and returns the report: equity curve, trades, returns, risk and the comparison with a benchmark.',
    operation: "POST /backtest",
    effect: "none",
    summary: (a) => {
      const r = a as BacktestReport;
      return `${r.strategy.name} on ${r.symbol} over ${count(r.bars, "bar", "bars")}: final equity ${figure(r.finalEquity)} from ${figure(r.initialCash)} ` +
        `(${percent(r.totalReturn, true)}), Sharpe ${figure(r.sharpe)}, max drawdown ${percent(r.maxDrawdown)}, ${count(r.trades.length, "trade", "trades")}`;
    },
  },
  {
    name: "risk_statistics",
    title: "Risk statistics",
    description: "Risk statistics of periodic return series as R PerformanceAnalytics computes them: VaR and ES (historical, Gaussian, modified; as returns, negative = loss), Sharpe, Sortino, drawdown, moments, Kelly.",
    operation: "POST /risk",
    effect: "none",
    summary: (a) => {
      const { report, reports } = a as { report?: RiskReport; reports?: Record<string, RiskReport> };
      const line = (r: RiskReport) => `annualized return ${percent(r.annualizedReturn)}, volatility ${percent(r.annualizedVolatility)}, ` +
        `annualized Sharpe ${figure(r.sharpeAnnualized)}, max drawdown ${percent(r.maxDrawdown)}, historical VaR 95% ${percent(r.VaR.historical_95)}`;
      return report ? `${count(report.n, "return", "returns")}: ${line(report)}` : Object.entries(reports!).map(([name, r]) => `${name}: ${line(r)}`).join("; ");
    },
  },
  {
    name: "optimize_portfolio",
    title: "Optimize a portfolio",
    description: "Portfolio weights by minimum variance, mean-variance, maximum Sharpe or risk parity, from rows of asset returns or a covariance matrix, optionally long-only or with a weight cap.",
    operation: "POST /optimize",
    effect: "none",
    summary: (a) => {
      const p = a as { method: string; assets: string[]; weights: number[]; volatility: number };
      return `${p.method} weights: ${p.assets.map((name, i) => `${name} ${percent(p.weights[i]!)}`).join(", ")}; volatility ${percent(p.volatility)} per period`;
    },
  },
  {
    name: "forecast",
    title: "Forecast closes",
    description: "The next closes of a series from the shipped NHITS, LSTM or Transformer weights; with evaluate, their rolling-origin errors on the series' tail next to the naive forecast's.",
    operation: "POST /forecast",
    effect: "none",
    summary: (a) => {
      const f = a as ForecastReport;
      const e = f.evaluation;
      return `${f.model} forecasts ${count(f.horizon, "close", "closes")} after ${figure(f.lastClose)}: ${f.forecast.map((x) => figure(x)).join(", ")}` +
        (e ? `; over the last ${e.tail} closes MAE ${figure(e.mae)} (naive ${figure(e.naive.mae)})` : "");
    },
  },
  {
    name: "search_memory",
    title: "Search the vector memory",
    description: "The k stored vectors nearest a query vector (of the index's dimension) in the server's vector memory, nearest first, with their metadata; where keeps those whose metadata has the given values (e.g. { \"symbol\": \"SPY\" }).",
    operation: "POST /memory/search",
    effect: "none",
    summary: (a) => {
      const { size, metric, results } = a as { size: number; metric: string; results: { id: string | number; distance: number }[] };
      return `${count(results.length, "neighbour", "neighbours")} of ${formatNumber(size, 0)} (${metric}): ${results.slice(0, 5).map((r) => `${r.id} at ${figure(r.distance, 4)}`).join(", ")}${results.length > 5 ? ", ..." : ""}`;
    },
  },
  {
    name: "start_paper_session",
    title: "Start a paper session",
    description: "Starts a paper-trading session: a series replayed through a strategy at barsPerSecond, filled on the paper exchange. Returns the session with its id.",
    operation: "POST /sessions",
    effect: "starts",
    summary: (a) => {
      const s = a as SessionView;
      return `paper session ${s.id} started: ${s.strategy} on ${s.symbol}, ${count(s.snapshot.barsTotal, "bar", "bars")} at ${s.barsPerSecond} per second`;
    },
  },
  {
    name: "stop_paper_session",
    title: "Stop a paper session",
    description: "Stops a paper session (a no-op once it has ended) and returns its final state.",
    operation: "DELETE /sessions/{id}",
    effect: "stops",
    summary: (a) => sessionLine(a as SessionView),
  },
  {
    name: "inspect_paper_session",
    title: "Inspect a paper session",
    description: "A paper session's status and snapshot: bars done, cash, equity, positions, open orders and fills.",
    operation: "GET /sessions/{id}",
    effect: "none",
    summary: (a) => sessionLine(a as SessionView),
  },
  {
    name: "list_paper_sessions",
    title: "List paper sessions",
    description: "The caller's paper sessions (every one for an admin, and for the local user of nt mcp) with their status and snapshot; ended ones are forgotten after a while.",
    operation: "GET /sessions",
    effect: "none",
    summary: (a) => {
      const { sessions } = a as { sessions: SessionView[] };
      return sessions.length === 0 ? "no paper sessions" : `${count(sessions.length, "paper session", "paper sessions")}: ${sessions.map(sessionLine).join("; ")}`;
    },
  },
];

/** The fields of the API's session view (src/api/sessions.ts) a summary reads. */
interface SessionView {
  readonly id: string;
  readonly status: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly barsPerSecond: number;
  readonly snapshot: RunSnapshot;
}

function sessionLine(s: SessionView): string {
  const { barsDone, barsTotal, equity, positions, fills } = s.snapshot;
  return `paper session ${s.id} (${s.strategy} on ${s.symbol}) ${s.status} at bar ${barsDone} of ${barsTotal}: equity ${figure(equity)}, ` +
    `${count(positions.length, "open position", "open positions")}, ${count(fills.length, "fill", "fills")}`;
}

const count = (n: number, one: string, many: string) => `${formatNumber(n, 0)} ${n === 1 ? one : many}`;

/** A number of the answer; JSON carries an undefined figure (NaN) as null. */
function figure(x: number | null | undefined, decimals = 2): string {
  return typeof x === "number" ? formatNumber(x, decimals) : "n/a";
}

function percent(x: number | null | undefined, signed = false): string {
  return typeof x === "number" ? formatPercent(x, 2, signed) : "n/a";
}
