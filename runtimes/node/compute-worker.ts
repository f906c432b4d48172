// A compute worker thread (see compute-pool.ts): loads the kernels once from
// the bytes the pool passed in, then answers tasks until it is terminated.
// Bundled to dist/compute-worker.mjs, next to dist/nt.mjs.
import { parentPort, workerData } from "node:worker_threads";
import { SampleStore } from "../../src/api/input/data.ts";
import { loadKernels } from "../../src/api/kernels.ts";
import { serveTasks, type TaskChannel } from "../../src/api/compute/worker.ts";
import type { ComputeWorkerData } from "./compute-pool.ts";
import { shippedModels, sampleSeries } from "./assets.ts";
import { ModelStore } from "../../src/api/models.ts";

const data = workerData as ComputeWorkerData;
const port = parentPort!;
const channel: TaskChannel = {
  onTask: (listener) => void port.on("message", listener),
  reply: (message, transfer) => port.postMessage(message, transfer),
};
serveTasks(channel, loadKernels(data.kernels).then((kernels) => ({
  kernels, samples: new SampleStore(sampleSeries(data.sampleFile)), models: new ModelStore(shippedModels(data.modelsDir)),
})));
