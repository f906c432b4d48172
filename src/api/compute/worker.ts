import type { ComputeEnv } from "./port.ts";
import { ownBuffer, type ReplyMessage, type TaskMessage } from "./pool.ts";
import { runTask } from "./tasks.ts";

/** A worker's side of its channel to the pool (Node's parentPort, a Web Worker's self). */
export interface TaskChannel {
  onTask(listener: (message: TaskMessage) => void): void;
  reply(message: ReplyMessage, transfer: ArrayBuffer[]): void;
}

const encoder = new TextEncoder();

/**
 * Answers the pool's tasks inside a worker, one at a time as the pool sends
 * them. Listens at once (a task may arrive while the kernels still load) and
 * sends each answer's body back as transferred bytes.
 */
export function serveTasks(channel: TaskChannel, env: Promise<ComputeEnv>): void {
  // A failed start is answered per task (a 500 naming the cause), not left as an unhandled rejection.
  env.catch(() => undefined);
  channel.onTask(async ({ id, task, request }) => {
    const { answer, failure } = (await runTask(task, request, env))!;
    const body = typeof answer.body === "string" ? encoder.encode(answer.body) : ownBuffer(answer.body);
    const message: ReplyMessage = { id, answer: { ...answer, body }, ...(failure === undefined ? {} : { failure: describe(failure) }) };
    channel.reply(message, [body.buffer]);
  });
}

function describe(failure: unknown): string {
  return failure instanceof Error ? failure.stack ?? `${failure.name}: ${failure.message}` : String(failure);
}
