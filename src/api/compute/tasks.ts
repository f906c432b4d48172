import type { Answer } from "../answer.ts";
import { clientErrorAnswer, internalErrorAnswer } from "../errors.ts";
import { readJsonObject, type JsonObject } from "../input/validate.ts";
import { optimizeAnswer, riskAnswer } from "../routes/analytics.ts";
import { backtestAnswer } from "../routes/backtest.ts";
import { indicatorsAnswer } from "../routes/indicators.ts";
import type { ComputeEnv, ComputeRequest, ComputeResult } from "./port.ts";

/** A route's logic from its parsed JSON body to its answer; it throws ApiError or EngineError for the client's mistakes. */
export type TaskHandler = (body: JsonObject, request: ComputeRequest, env: ComputeEnv) => Answer | Promise<Answer>;

/** The routes a compute pool runs, by task name. */
export const COMPUTE_TASKS = {
  indicators: indicatorsAnswer,
  risk: riskAnswer,
  optimize: optimizeAnswer,
  backtest: backtestAnswer,
} as const satisfies Record<string, TaskHandler>;

export type ComputeTask = keyof typeof COMPUTE_TASKS;

const decoder = new TextDecoder();

/**
 * Runs one task from the raw body to the answer, every error included, so
 * the bytes are the same whether it runs on the app's thread or a worker's.
 */
export async function runTask(task: ComputeTask, request: ComputeRequest, env: ComputeEnv | Promise<ComputeEnv>): Promise<ComputeResult> {
  try {
    const handler = Object.hasOwn(COMPUTE_TASKS, task) ? COMPUTE_TASKS[task] : undefined;
    if (!handler) throw new Error(`no compute task named ${JSON.stringify(task)}`);
    // Decoded as Request.text() decodes (UTF-8, a leading BOM dropped).
    const body = await readJsonObject({ text: async () => decoder.decode(request.body) });
    return { answer: await handler(body, request, await env) };
  } catch (e) {
    const answer = clientErrorAnswer(e);
    return answer ? { answer } : { answer: internalErrorAnswer(), failure: e };
  }
}
