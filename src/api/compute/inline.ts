import type { ComputeEnv, ComputePool, ComputeRequest, ComputeResult } from "./port.ts";
import { runTask, type ComputeTask } from "./tasks.ts";

/**
 * Computes on the app's own thread: the default, and the edge runtimes'
 * only way (one request per isolate, no workers). It cannot stop a task
 * that runs past its time budget; the runtime's own CPU limit does.
 */
export class InlineCompute implements ComputePool {
  constructor(private readonly env: ComputeEnv) {}

  async run(task: ComputeTask, request: ComputeRequest): Promise<ComputeResult> {
    return (await runTask(task, request, this.env))!;
  }

  async close(): Promise<void> {}
}
