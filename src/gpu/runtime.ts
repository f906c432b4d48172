import { acquireDevice, type AcquireOptions } from "./device.ts";
import { GpuExecutor, type ExecutorOptions, type GpuCounters } from "./executor.ts";

export interface GpuRuntimeOptions extends AcquireOptions, ExecutorOptions {}

/**
 * The engine's handle on WebGPU, built from the GPU object the runtime
 * injects (Dawn's `create()` result in Node: keep that object referenced for
 * the life of the process; `navigator.gpu` in Deno and the tab). It acquires
 * a device on first use and survives device loss: once a device is lost,
 * the next `executor()` acquires a new one, whose pipelines compile afresh.
 */
export class GpuRuntime {
  private live: GpuExecutor | null = null;
  private acquiring: Promise<GpuExecutor> | null = null;
  /** Pipelines compiled and devices acquired over the runtime's life, across device losses. */
  readonly counters: GpuCounters = { pipelinesCompiled: 0, devicesAcquired: 0 };

  constructor(
    private readonly gpu: GPU,
    private readonly options: GpuRuntimeOptions = {},
  ) {}

  /** The executor of the live device, acquiring a device when there is none or it was lost. */
  executor(): Promise<GpuExecutor> {
    if (this.live && !this.live.isLost) return Promise.resolve(this.live);
    return (this.acquiring ??= this.acquire().finally(() => (this.acquiring = null)));
  }

  /** Destroys the current device (if any); a later executor() acquires a new one. */
  destroy(): void {
    this.live?.destroy();
    this.live = null;
  }

  private async acquire(): Promise<GpuExecutor> {
    const { device, description } = await acquireDevice(this.gpu, this.options);
    this.counters.devicesAcquired++;
    this.live = new GpuExecutor(device, description, this.options, this.counters);
    return this.live;
  }
}
