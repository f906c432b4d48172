import type { Answer } from "../answer.ts";
import { clientErrorAnswer, internalErrorAnswer } from "../errors.ts";
import { readJsonObject, type JsonObject } from "../input/validate.ts";
import { optimizeAnswer, riskAnswer } from "../routes/analytics.ts";
import { backtestAnswer } from "../routes/backtest.ts";
import { forecastAnswer } from "../routes/forecast.ts";
import { indicatorsAnswer, indicatorsOutputValues } from "../routes/indicators.ts";
import type { ComputeEnv, ComputeRequest, ComputeResult } from "./port.ts";

/** A route's logic from its parsed JSON body to its answer; it throws ApiError or EngineError for the client's mistakes. */
export type TaskHandler = (body: JsonObject, request: ComputeRequest, env: ComputeEnv) => Answer | Promise<Answer>;

export interface TaskDef {
  readonly answer: TaskHandler;
  /**
   * Whether a body of at most LIGHT_BODY_BYTES asks for little enough work
   * (a millisecond or two) to answer on the serving thread: a hop to a
   * worker costs more than that. Absent: always a worker (a tiny /backtest
   * body can name a 5,000-bar sample, a tiny /optimize body a 100-asset QP).
   */
  readonly light?: (body: JsonObject) => boolean;
}

/** Bodies up to this size are parsed on the serving thread to ask `light` (well under a millisecond). */
export const LIGHT_BODY_BYTES = 64 * 1024;

/** Most values a light /indicators answer prints (about a millisecond of formatting). */
const LIGHT_OUTPUT_VALUES = 20_000;

/** The routes a compute pool runs, by task name. */
export const COMPUTE_TASKS = {
  indicators: { answer: indicatorsAnswer, light: (body) => indicatorsOutputValues(body) <= LIGHT_OUTPUT_VALUES },
  // Linear in the returns (a sort aside): a few milliseconds at most for a light body.
  risk: { answer: riskAnswer, light: () => true },
  optimize: { answer: optimizeAnswer },
  backtest: { answer: backtestAnswer },
  // A forecast is one window, but an evaluation a thousand, and the first use of a model decodes its weights.
  forecast: { answer: forecastAnswer },
} as const satisfies Record<string, TaskDef>;

export type ComputeTask = keyof typeof COMPUTE_TASKS;

const decoder = new TextDecoder();

/**
 * Runs one task from the raw body to the answer, every error included, so
 * the bytes are the same whether it runs on the app's thread or a worker's.
 * With `onlyIfLight`, answers only a light request and returns undefined for
 * any other (which then goes to a worker).
 */
export async function runTask(
  task: ComputeTask, request: ComputeRequest, env: ComputeEnv | Promise<ComputeEnv>, onlyIfLight = false,
): Promise<ComputeResult | undefined> {
  try {
    const def: TaskDef | undefined = Object.hasOwn(COMPUTE_TASKS, task) ? COMPUTE_TASKS[task] : undefined;
    if (!def) throw new Error(`no compute task named ${JSON.stringify(task)}`);
    if (onlyIfLight && (def.light === undefined || request.body.byteLength > LIGHT_BODY_BYTES)) return undefined;
    // Decoded as Request.text() decodes (UTF-8, a leading BOM dropped).
    const body = await readJsonObject({ text: async () => decoder.decode(request.body) });
    if (onlyIfLight && !def.light!(body)) return undefined;
    return { answer: await def.answer(body, request, await env) };
  } catch (e) {
    const answer = clientErrorAnswer(e);
    return answer ? { answer } : { answer: internalErrorAnswer(), failure: e };
  }
}
