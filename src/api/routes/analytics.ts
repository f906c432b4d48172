import { sampleMoments } from "../../risk/comoments.ts";
import { shown, shownKey } from "../../core/errors.ts";
import { MAX_WEIGHT_SETTING, optimizePortfolio, RISK_FREE_SETTING, type OptimizeMethod, type OptimizedPortfolio } from "../../portfolio/optimize.ts";
import { riskReport, SCALE_SETTING } from "../../risk/report.ts";
import { tsRisk } from "../../risk/stats.ts";
import { tsSolver } from "../../solver/solver.ts";
import type { ApiApp, AppState } from "../context.ts";
import { invalid } from "../errors.ts";
import { array, isObject, number, numbers, onlyKeys, setting, string, type Json, type JsonObject } from "../input/validate.ts";
import { jsonAnswer, type Answer } from "../answer.ts";
import type { ComputeEnv, ComputeRequest } from "../compute/port.ts";
import { offload } from "../compute/route.ts";
import { computeAccess } from "../middleware/auth.ts";

export const OPTIMIZE_METHODS: readonly OptimizeMethod[] = ["minvar", "meanvar", "maxsharpe", "riskparity"];
/** Most assets one optimization may have: the solver works on dense n x n matrices. */
export const MAX_ASSETS = 500;
/** Constrained problems run an active-set QP: keep one request to a fraction of a second. */
export const MAX_CONSTRAINED_ASSETS = 100;

/**
 * POST /risk (return series in, PerformanceAnalytics-style statistics out)
 * and POST /optimize (returns or a covariance matrix in, weights out), on the
 * WASM kernels when the host loaded them, else on the TypeScript twins.
 * Both run on the compute pool (src/api/compute).
 */
export function analyticsRoutes(app: ApiApp, state: AppState): void {
  const { keys } = state;
  const { publicRoutes } = state.deps.config;
  app.post("/risk", computeAccess(keys, publicRoutes, "/risk"), offload(state, "risk"));
  app.post("/optimize", computeAccess(keys, publicRoutes, "/optimize"), offload(state, "optimize"));
}

export function riskAnswer(body: JsonObject, _request: ComputeRequest, env: ComputeEnv): Answer {
  const risk = env.kernels.risk ?? tsRisk;
  onlyKeys(body, ["returns", "scale"]);
  const scale = body.scale === undefined ? SCALE_SETTING.default : setting(SCALE_SETTING, body.scale, "scale") as number;
  if (Array.isArray(body.returns)) {
    return jsonAnswer({ scale, report: riskReport(returnSeries(body.returns, "returns"), scale, risk) });
  }
  if (!isObject(body.returns)) throw invalid("returns", "is required: an array of periodic returns (null = missing), or an object of named arrays");
  const entries = Object.entries(body.returns);
  if (entries.length === 0 || entries.length > MAX_ASSETS) throw invalid("returns", `must name 1 to ${MAX_ASSETS} series`);
  const reports = Object.fromEntries(entries.map(([name, r]) => [name, riskReport(returnSeries(r, `returns.${shownKey(name)}`), scale, risk)]));
  return jsonAnswer({ scale, reports });
}

export function optimizeAnswer(body: JsonObject, _request: ComputeRequest, env: ComputeEnv): Answer {
  const solver = env.kernels.solver ?? tsSolver;
  onlyKeys(body, ["method", "returns", "covariance", "expectedReturns", "assets", "targetReturn", "riskFree", "longOnly", "maxWeight"]);
  const method = string(body.method, "method", 16) as OptimizeMethod;
  if (!OPTIMIZE_METHODS.includes(method)) throw invalid("method", `must be one of ${OPTIMIZE_METHODS.join(", ")}, got ${shown(method)}`);
  if ((body.returns === undefined) === (body.covariance === undefined)) {
    throw invalid("returns", "give exactly one of returns (rows of periodic returns, one column per asset) or covariance (an n x n matrix)");
  }
  let covariance: Float64Array;
  let expectedReturns: Float64Array | undefined;
  let rows: number | undefined;
  if (body.returns !== undefined) {
    const columns = returnColumns(body.returns);
    const moments = sampleMoments(columns);
    covariance = moments.covariance;
    expectedReturns = moments.mean;
    rows = moments.rows;
  } else {
    covariance = matrix(body.covariance, "covariance");
  }
  const n = Math.round(Math.sqrt(covariance.length));
  if (body.expectedReturns !== undefined) expectedReturns = numbers(body.expectedReturns, "expectedReturns", n, n);
  const assets = body.assets === undefined ? Array.from({ length: n }, (_, i) => `asset${i + 1}`)
    : array(body.assets, "assets", n, n).map((a, i) => string(a, `assets[${i}]`, 64));
  const constrained = body.longOnly === true || body.maxWeight !== undefined;
  if (constrained && n > MAX_CONSTRAINED_ASSETS) {
    // The active-set QP costs about n^3 per change of active set; past this size one request could hold the server for seconds.
    throw invalid(body.covariance === undefined ? "returns" : "covariance", `has ${n} assets; constrained optimization (longOnly, maxWeight) takes at most ${MAX_CONSTRAINED_ASSETS}`);
  }
  const p = optimizePortfolio({
    method, covariance, expectedReturns,
    targetReturn: body.targetReturn === undefined ? undefined : number(body.targetReturn, "targetReturn"),
    riskFree: body.riskFree === undefined ? undefined : setting(RISK_FREE_SETTING, body.riskFree, "riskFree") as number,
    constraints: {
      longOnly: body.longOnly === undefined ? undefined : boolean(body.longOnly, "longOnly"),
      maxWeight: body.maxWeight === undefined ? undefined : setting(MAX_WEIGHT_SETTING, body.maxWeight, "maxWeight") as number,
    },
  }, solver);
  return jsonAnswer(optimizeResponse(p, assets, rows));
}

function optimizeResponse(p: OptimizedPortfolio, assets: string[], rows: number | undefined) {
  return {
    method: p.method,
    assets,
    weights: Array.from(p.weights),
    riskContributions: Array.from(p.riskContributions),
    volatility: p.volatility,
    ...(p.expectedReturn !== undefined ? { expectedReturn: p.expectedReturn } : {}),
    ...(p.sharpe !== undefined ? { sharpe: p.sharpe } : {}),
    iterations: p.iterations,
    ...(rows !== undefined ? { rows } : {}),
  };
}

/** Returns with null for a missing value (JSON has no NaN), as PerformanceAnalytics' NA. */
function returnSeries(v: Json | undefined, field: string): Float64Array {
  const a = array(v, field, 1, 10_000_000);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x === null) out[i] = NaN;
    else if (typeof x === "number" && Number.isFinite(x)) out[i] = x;
    else throw invalid(`${field}[${i}]`, `must be a finite number or null (missing), got ${shown(x)}`);
  }
  return out;
}

/** `returns` as rows (one per period) of equal length (one value per asset) into asset columns. */
function returnColumns(v: Json | undefined): Float64Array[] {
  const rows = array(v, "returns", 2);
  const first = returnSeries(rows[0], "returns[0]");
  const n = first.length;
  if (n > MAX_ASSETS) throw invalid("returns[0]", `has ${n} assets; at most ${MAX_ASSETS}`);
  const columns = Array.from({ length: n }, () => new Float64Array(rows.length));
  rows.forEach((row, t) => {
    const values = t === 0 ? first : returnSeries(row, `returns[${t}]`);
    if (values.length !== n) throw invalid(`returns[${t}]`, `has ${values.length} values; the first row has ${n}`);
    values.forEach((x, k) => (columns[k][t] = x));
  });
  return columns;
}

/** A square matrix given as rows into row-major values. */
function matrix(v: Json | undefined, field: string): Float64Array {
  const rows = array(v, field, 1, MAX_ASSETS);
  const n = rows.length;
  const out = new Float64Array(n * n);
  rows.forEach((row, i) => out.set(numbers(row, `${field}[${i}]`, n, n), i * n));
  return out;
}

function boolean(v: Json | undefined, field: string): boolean {
  if (typeof v !== "boolean") throw invalid(field, `must be true or false, got ${shown(v)}`);
  return v;
}
