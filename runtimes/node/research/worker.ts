// A sweep worker thread (see pool.ts): loads the research kernels once from
// the bytes the pool passed in, then runs chunks of a sweep until it is
// terminated. Bundled to dist/research-worker.mjs, next to dist/nt.mjs.
import { parentPort, workerData } from "node:worker_threads";
import { WasmVectorKernels } from "../../../src/kernels/research.ts";
import { serveSweeps, type ToSweepWorker } from "../../../src/research/pool.ts";

const port = parentPort!;
const bytes = (workerData as { kernel: Uint8Array | null }).kernel;
serveSweeps(
  { onMessage: (listener) => void port.on("message", (m: ToSweepWorker) => listener(m)), post: (m, transfer) => port.postMessage(m, transfer) },
  bytes ? WasmVectorKernels.load(bytes) : Promise.resolve(null),
);
