import type { Handler } from "hono";
import type { AppState } from "../context.ts";
import type { ApiEnv } from "../deps.ts";
import { SLICE_MS, yieldToEventLoop } from "../yield.ts";
import type { ComputeRequest, ComputeResult } from "./port.ts";
import { runTask, type ComputeTask } from "./tasks.ts";
import { realScheduler } from "../../core/clock.ts";

/**
 * The handler of a route whose cost scales with its body: after the app's
 * middleware (rate limit, body limit, auth) it hands the raw body to the
 * compute pool, which parses, validates, computes and serializes, and sends
 * back the answer as it came. A light request (a small body asking for
 * little work, see TaskDef.light) is answered here by the same code: the hop
 * to a worker would cost more than the work.
 */
export function offload(state: AppState, task: ComputeTask): Handler<ApiEnv> {
  const compute = computeRunner(state);
  return async (c) => {
    const body = await readBody(c.req.raw, state.deps.config.bodyLimitBytes);
    const request = { body, accept: c.req.header("accept"), maxOutputValues: state.deps.config.maxOutputValues };
    const { answer, failure } = await compute(task, request, c.req.raw.signal);
    if (failure !== undefined) state.log(`${c.req.method} ${c.req.path} failed`, failure);
    return c.body(answer.body, answer.status, answer.headers);
  };
}

/** Runs a compute task as its route does; the pool may refuse it (ApiError: busy 503, over its time budget 504). */
export type ComputeRunner = (task: ComputeTask, request: ComputeRequest, signal?: AbortSignal) => Promise<ComputeResult>;

/** A light request is answered on this thread, any other on the app's compute pool. */
export function computeRunner(state: AppState): ComputeRunner {
  const env = { kernels: state.deps.kernels, samples: state.samples, models: state.models };
  // Without an injected pool everything runs here anyway (InlineCompute): no need to ask.
  const pooled = state.deps.compute !== undefined;
  return async (task, request, signal) => (pooled ? await runTask(task, request, env, true) : undefined) ??
    await state.compute.run(task, request, { timeoutMs: state.deps.config.computeTimeoutMs, signal });
}

/** Below this, reading the whole body at once costs less than streaming it. */
const STREAM_FROM_BYTES = 1024 * 1024;

/**
 * The body in a buffer of its own (a pool transfers it to a worker). A big
 * one is copied chunk by chunk as it arrives into a buffer of the declared
 * length, yielding between slices of work, so no step on this thread grows
 * with the body.
 */
async function readBody(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  // Checked before touching req.body: on @hono/node-server that getter builds a full Request, which costs more than a small body.
  if ((declared >= 0 && declared < STREAM_FROM_BYTES) || req.body === null) return new Uint8Array(await req.arrayBuffer());
  let buffer = new Uint8Array(Number.isSafeInteger(declared) && declared <= limit ? declared : STREAM_FROM_BYTES);
  let size = 0;
  const reader = req.body.getReader();
  let sliceStart = realScheduler.now();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    // Chunks already buffered arrive as microtasks, one after another: let other requests in now and then.
    if (realScheduler.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = realScheduler.now();
    }
    if (size + chunk.value.length > buffer.length) {
      // Only a body of unknown length grows; the answer's view leaves the spare room unused.
      const grown = new Uint8Array(Math.max(2 * buffer.length, size + chunk.value.length));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(chunk.value, size);
    size += chunk.value.length;
  }
  return buffer.subarray(0, size);
}
