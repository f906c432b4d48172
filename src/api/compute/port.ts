import type { Answer } from "../answer.ts";
import type { SampleStore } from "../input/data.ts";
import type { KernelSet } from "../kernels.ts";
import type { ModelStore } from "../models.ts";
import type { ComputeTask } from "./tasks.ts";

/** One request as a compute task sees it: the raw body, and the one header that shapes an answer. */
export interface ComputeRequest {
  /** Its buffer holds nothing else: a worker pool transfers (moves) it. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** POST /indicators answers raw float64 to `Accept: application/octet-stream`. */
  readonly accept?: string;
  /** The most values an answer may print (AppConfig.maxOutputValues): the host's setting travels with the request. */
  readonly maxOutputValues: number;
}

export interface ComputeLimits {
  /** The request's time budget, from when the pool accepts it. */
  readonly timeoutMs: number;
  /** Aborted when the client goes away: its work is dropped. */
  readonly signal?: AbortSignal;
}

/** A task's answer, and for a 500 the error behind it, for the host's log. */
export interface ComputeResult {
  readonly answer: Answer;
  readonly failure?: unknown;
}

/**
 * Where the routes whose cost scales with the request body run: parsing,
 * validating, computing and serializing. A runtime injects one through
 * ApiDeps (Node: worker threads; Deno: Web Workers); without one the app
 * computes on its own thread (InlineCompute).
 *
 * `run` answers every error of the request itself (bad JSON, a bad field,
 * an internal failure) as a result; it rejects with an ApiError only when
 * the pool cannot take the request (busy: 503) or stops it (over its time
 * budget: 504).
 */
export interface ComputePool {
  run(task: ComputeTask, request: ComputeRequest, limits: ComputeLimits): Promise<ComputeResult>;
  /** Stops the workers; requests still pending get a 503. */
  close(): Promise<void>;
}

/** What tasks compute with, wherever they run: the kernels, the bundled sample series and forecasting weights. */
export interface ComputeEnv {
  readonly kernels: KernelSet;
  readonly samples: SampleStore;
  /** Absent where the host ships no weights: POST /forecast answers 501. */
  readonly models?: ModelStore;
}
