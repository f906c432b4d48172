// The Node compute pool: worker threads running compute-worker.ts, driven by
// the runtime-neutral WorkerPool (src/api/compute/pool.ts).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { WorkerPool, type KernelSources } from "../../src/api/index.ts";

/** What each worker starts from: the kernel modules' bytes (read once by the server), the sample file and the weights' folder. */
export interface ComputeWorkerData {
  readonly kernels: KernelSources;
  readonly sampleFile: string;
  readonly modelsDir: string;
}

export interface NodeComputePoolOptions extends ComputeWorkerData {
  readonly size: number;
  readonly queueLength: number;
  /** The bundled worker script (dist/compute-worker.mjs); tests pass one built from source. */
  readonly script: URL;
}

export function nodeComputePool(options: NodeComputePoolOptions): WorkerPool {
  if (!existsSync(fileURLToPath(options.script))) {
    throw new Error(`the compute worker ${fileURLToPath(options.script)} is missing: run \`npm run build\` (or set NT_COMPUTE_WORKERS=0 to compute on the main thread)`);
  }
  const workerData: ComputeWorkerData = { kernels: options.kernels, sampleFile: options.sampleFile, modelsDir: options.modelsDir };
  return new WorkerPool({
    size: options.size,
    queueLength: options.queueLength,
    spawn: (onReply, onExit) => {
      const worker = new Worker(options.script, { workerData });
      // Idle workers must not keep a process alive that is otherwise done.
      worker.unref();
      worker.on("message", onReply);
      worker.on("error", onExit);
      worker.on("exit", (code) => onExit(new Error(`exited with code ${code}`)));
      return {
        post: (message, transfer) => worker.postMessage(message, transfer),
        terminate: () => void worker.terminate(),
      };
    },
  });
}
