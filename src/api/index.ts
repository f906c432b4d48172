// The HTTP API, runtime-neutral: runtimes/* adapters call createApp and serve its fetch.
export { createApp, type EngineApp } from "./app.ts";
export type { ApiBindings, ApiDeps, Clock, SampleSeries, SocketUpgrade, StreamSocket } from "./deps.ts";
export { ApiError, type ErrorBody } from "./errors.ts";
export { loadKernels, type CompiledKernel, type KernelInfo, type KernelSet, type KernelSource, type KernelSources } from "./kernels.ts";
export type { StreamMessage } from "./sessions.ts";
export { ModelStore, type ModelSources } from "./models.ts";
export type { ComputeEnv, ComputePool, ComputeRequest, ComputeResult } from "./compute/port.ts";
export { WorkerPool, type PoolWorker, type ReplyMessage, type SpawnWorker, type TaskMessage } from "./compute/pool.ts";
