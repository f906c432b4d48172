import { EngineError } from "../core/errors.ts";

/** No WebGPU adapter or device could be obtained; the message lists every request tried. */
export class GpuUnavailableError extends EngineError {
  readonly code = "gpu_unavailable";
}

/** An op needs more than the device (or a kernel) allows; `limit` names which limit. */
export class GpuLimitError extends EngineError {
  readonly code = "gpu_limit";
  constructor(readonly limit: string, readonly requested: number, readonly allowed: number, what: string, allowedBy = "the device") {
    super(`${what} needs ${limit} = ${requested}, but ${allowedBy} allows ${allowed}`, { field: limit });
  }
}

/** The device was lost (driver reset, destroy()); a new executor from the runtime gets a new device. */
export class GpuDeviceLostError extends EngineError {
  readonly code = "gpu_device_lost";
}

/** An error the device reported (validation, out of memory) or a tensor used where it does not belong. */
export class GpuError extends EngineError {
  readonly code = "gpu";
}
