// The Node sweep pool: worker threads running worker.ts, driven by the
// runtime-neutral WorkerPoolExecutor (src/research/pool.ts).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { WorkerPoolExecutor } from "../../../src/research/pool.ts";

export interface NodeSweepPoolOptions {
  /** Workers; default one per core. */
  readonly size?: number;
  /** build/research.wasm, or null to run the event-driven engine only. */
  readonly kernel: Uint8Array | null;
  /** The bundled worker (dist/research-worker.mjs); tests pass one built from source. */
  readonly script: URL;
}

export function nodeSweepPool(options: NodeSweepPoolOptions): WorkerPoolExecutor {
  if (!existsSync(fileURLToPath(options.script))) {
    throw new Error(`the sweep worker ${fileURLToPath(options.script)} is missing: run \`npm run build\` (or use --workers 1)`);
  }
  return new WorkerPoolExecutor({
    size: options.size ?? availableParallelism(),
    spawn: (onMessage, onExit) => {
      const worker = new Worker(options.script, { workerData: { kernel: options.kernel } });
      // Idle workers must not keep a process alive that is otherwise done.
      worker.unref();
      worker.on("message", onMessage);
      worker.on("error", onExit);
      worker.on("exit", (code) => onExit(new Error(`exited with code ${code}`)));
      return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
    },
  });
}

/** Where the bundled worker sits: beside the running bundle (dist/nt.mjs). */
export function bundledWorkerScript(): URL {
  return new URL("./research-worker.mjs", import.meta.url);
}
