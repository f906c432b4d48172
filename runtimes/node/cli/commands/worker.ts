import { parseArgs } from "node:util";
import { kernelBytes } from "../../assets.ts";
import { DEFAULT_QUEUE, startQueueWorker } from "../../research/queue.ts";
import { asUsageError, UsageError, type Command } from "../command.ts";
import { settingFromText } from "../../../../src/core/settings.ts";

const usage = `Usage: nt worker --redis URL [--queue NAME] [--lock-ms MS]

Takes sweep runs from a BullMQ queue on Redis (put there by \`nt sweep --redis URL\`),
runs them (vectorized where it applies) and writes their rows back, until SIGINT or SIGTERM.
Start one per core on as many machines as you like; each takes one job at a time.

  --redis URL     redis://host:port (Redis 6.2 or later, maxmemory-policy noeviction)
  --queue NAME    queue name (default ${DEFAULT_QUEUE})
  --lock-ms MS    how long a running job stays locked without renewal (default 30000): a worker
                  that dies holds its job this long before another worker retries it. A job (up to
                  16 runs) should finish well within it: a worker busy computing cannot renew its
                  lock, and a job past it is run again elsewhere (harmless, its rows are the same)`;

export const workerCommand: Command = {
  name: "worker",
  summary: "run sweep jobs from a BullMQ queue on Redis (nt sweep --redis)",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv, strict: true,
      options: { redis: { type: "string" }, queue: { type: "string", default: DEFAULT_QUEUE }, "lock-ms": { type: "string", default: "30000" } },
    });
    if (!values.redis) throw new UsageError("--redis URL is required");
    const lockMs = asUsageError(() => settingFromText({ name: "lock-ms", type: "integer", min: 200, description: "" }, values["lock-ms"]!, "--lock-ms")) as number;
    let runs = 0;
    const worker = await startQueueWorker(values.redis, { queue: values.queue, lockMs, kernel: kernelBytes("research"), onJob: (n) => (runs += n) });
    io.err(`nt worker: waiting for jobs on ${values.queue} at ${values.redis} (pid ${process.pid})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await worker.close();
    io.err(`nt worker: stopped after ${runs} runs\n`);
    return 0;
  },
};
