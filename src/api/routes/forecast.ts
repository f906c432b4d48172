import { ConfigError, shown } from "../../core/errors.ts";
import type { SettingSpec } from "../../core/settings.ts";
import { parseBarsCsv } from "../../data/csv.ts";
import { DEFAULT_TAIL, forecastReport } from "../../neural/job.ts";
import { MODEL_KINDS, type ModelKind } from "../../neural/model.ts";
import { jsonAnswer, type Answer } from "../answer.ts";
import type { ComputeEnv, ComputeRequest } from "../compute/port.ts";
import { offload } from "../compute/route.ts";
import { computeAccess } from "../middleware/auth.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, invalid } from "../errors.ts";
import { array, onlyKeys, setting, string, type JsonObject } from "../input/validate.ts";

export const FORECAST_FIELDS = ["closes", "csv", "sample", "model", "horizon", "evaluate", "tail"] as const;
export const FORECAST_DATA_FIELDS = ["closes", "csv", "sample"] as const;

export const HORIZON_SETTING: SettingSpec = { name: "horizon", type: "integer", min: 1, max: 64, description: "closes to forecast, at most the weights' horizon (8 for the shipped ones); default all of it" };
/** An evaluation forecasts from every origin of its tail: this bounds one request's work to about a second. */
export const TAIL_SETTING: SettingSpec = {
  name: "tail", type: "integer", min: 1, max: 1000, default: DEFAULT_TAIL,
  description: "with evaluate: the held-out closes at the end of the series, scored by rolling-origin forecasts",
};

/**
 * POST /forecast: the next closes of a series from the shipped NHITS, LSTM or
 * Transformer weights (on the CPU: neural.wasm where the deployment ships it,
 * as every runtime adapter does, so all answer alike) and, with
 * `evaluate`, their rolling-origin errors on the series' tail next to the
 * naive forecast's. It runs on the compute pool (src/api/compute).
 */
export function forecastRoutes(app: ApiApp, state: AppState): void {
  app.post("/forecast", computeAccess(state.keys, state.deps.config.publicRoutes, "/forecast"), offload(state, "forecast"));
}

export async function forecastAnswer(body: JsonObject, _request: ComputeRequest, env: ComputeEnv): Promise<Answer> {
  onlyKeys(body, FORECAST_FIELDS);
  const model = string(body.model, "model", 32) as ModelKind;
  if (!MODEL_KINDS.includes(model)) throw invalid("model", `must be one of ${MODEL_KINDS.join(", ")}, got ${shown(body.model)}`);
  const horizon = body.horizon === undefined ? undefined : setting(HORIZON_SETTING, body.horizon, "horizon") as number;
  const evaluate = body.evaluate === undefined ? false : setting({ name: "evaluate", type: "boolean", description: "" }, body.evaluate, "evaluate") as boolean;
  if (body.tail !== undefined && !evaluate) throw invalid("tail", "is the held-out part of an evaluation; give evaluate: true too");
  const tail = body.tail === undefined ? DEFAULT_TAIL : setting(TAIL_SETTING, body.tail, "tail") as number;
  const closes = await closesFromRequest(body, env);
  if (!env.models) throw new ApiError(501, "model_unavailable", "this deployment ships no forecasting weights", "model");
  const trained = await env.models.get(model);
  try {
    return jsonAnswer(await forecastReport(trained, closes, { horizon, evaluate, tail }, env.kernels.predictor));
  } catch (e) {
    // A horizon past the weights' or a series too short for them: the request's fault, named by its field.
    if (e instanceof ConfigError) throw new ApiError(400, "validation", e.message, e.field === "data" ? given(body)[0] : e.field ?? "closes");
    throw e;
  }
}

const given = (body: JsonObject) => FORECAST_DATA_FIELDS.filter((k) => body[k] !== undefined);

/** The series: exactly one of closes (numbers), csv (bars as CSV text) or sample (a bundled series). */
async function closesFromRequest(body: JsonObject, env: ComputeEnv): Promise<ArrayLike<number>> {
  const fields = given(body);
  if (fields.length !== 1) {
    throw invalid(fields[1] ?? "closes", fields.length === 0
      ? "is required: give one of closes (an array of closes), csv (CSV text of bars) or sample (a bundled series name)"
      : `cannot be combined with ${fields[0]}; give exactly one of ${FORECAST_DATA_FIELDS.join(", ")}`);
  }
  switch (fields[0]) {
    case "closes": {
      const values = array(body.closes, "closes", 1);
      const out = new Float64Array(values.length);
      values.forEach((v, i) => {
        // Closes are logged: each must be a positive number.
        if (typeof v !== "number" || !(Number.isFinite(v) && v > 0)) throw invalid(`closes[${i}]`, `must be a positive finite number, got ${shown(v)}`);
        out[i] = v;
      });
      return out;
    }
    case "csv":
      return parseBarsCsv(string(body.csv, "csv", Infinity), { source: "csv" }).close;
    default:
      return (await env.samples.get(string(body.sample, "sample", 64))).close;
  }
}
