// A compute worker of the Deno server (a Web Worker; see server.ts): loads
// the kernels once, then answers the pool's tasks until it is terminated.
/// <reference lib="deno.worker" />
import { serveTasks } from "../../src/api/compute/worker.ts";
import type { TaskMessage } from "../../src/api/compute/pool.ts";
import { SampleStore } from "../../src/api/input/data.ts";
import { loadKernels } from "../../src/api/kernels.ts";
import { kernelBytes, models, samples } from "./assets.ts";
import { ModelStore } from "../../src/api/models.ts";

serveTasks({
  onTask: (listener) => self.addEventListener("message", (e: MessageEvent<TaskMessage>) => listener(e.data)),
  reply: (message, transfer) => self.postMessage(message, transfer),
}, kernelBytes().then(loadKernels).then((kernels) => ({ kernels, samples: new SampleStore(samples), models: new ModelStore(models) })));
