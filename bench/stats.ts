import type { Task } from "tinybench";

/** Median latency of a finished task in ms; a task that failed stops the suite with its error. */
export function medianMs(task: Task): number {
  const r = task.result;
  if (r.state !== "completed" && r.state !== "aborted-with-statistics") {
    throw new Error(`bench task "${task.name}" ended ${r.state}${r.state === "errored" ? `: ${r.error}` : ""}`);
  }
  return r.latency.p50!;
}
