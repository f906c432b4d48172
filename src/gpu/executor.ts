import { ConfigError } from "../core/errors.ts";
import { BufferPool } from "./buffer-pool.ts";
import { GpuDeviceLostError, GpuError, GpuLimitError } from "./errors.ts";
import { programSource, type GpuProgram, type Shape, type ShaderFamily } from "./programs.ts";

// WebGPU's flag values, spelled out: src/ reads no global (GPUBufferUsage is one).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
/** Dispatches encoded before a submit, so long op chains keep the device busy without a readback. */
const SUBMIT_EVERY = 16;

/** A float32 tensor resident on one executor's device: row-major, contiguous. */
export class GpuTensor {
  #released = false;

  constructor(
    readonly shape: Shape,
    /** The buffer may be larger than the tensor (pooled by size class); the tensor is its first `length` floats. */
    readonly buffer: GPUBuffer,
    readonly owner: GpuExecutor,
    /** A view of another tensor's buffer: releasing it frees nothing. */
    private readonly isView = false,
  ) {}

  get length(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get released(): boolean {
    return this.#released;
  }

  /**
   * The same data under another shape with as many elements. The buffer
   * moves to the returned tensor: this one counts as released (without
   * recycling), so exactly one tensor owns each buffer.
   */
  reshape(shape: Shape): GpuTensor {
    const length = shape.reduce((a, b) => a * b, 1);
    if (length !== this.length) {
      throw new ConfigError(`reshape: [${this.shape.join(", ")}] has ${this.length} elements, [${shape.join(", ")}] ${length}`, { field: "reshape.shape" });
    }
    if (this.#released) throw new GpuError("reshape: the tensor was released", { field: "reshape" });
    this.#released = true;
    return new GpuTensor(shape, this.buffer, this.owner, this.isView);
  }

  /**
   * The same buffer under another shape with as many elements, while this
   * tensor keeps it: valid as long as this one is, and releasing it frees nothing.
   */
  view(shape: Shape): GpuTensor {
    const length = shape.reduce((a, b) => a * b, 1);
    if (length !== this.length) {
      throw new ConfigError(`view: [${this.shape.join(", ")}] has ${this.length} elements, [${shape.join(", ")}] ${length}`, { field: "view.shape" });
    }
    return new GpuTensor(shape, this.buffer, this.owner, true);
  }

  /** Hands the buffer back to the owner's pool (a view's owner does that). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (!this.isView) this.owner.recycle(this.buffer);
  }
}

export interface ExecutorOptions {
  /**
   * At most this many workgroups per dispatch dimension (never above the
   * device's maxComputeWorkgroupsPerDimension). Lowering it makes every op
   * take the folded-dispatch path at small sizes.
   */
  readonly maxWorkgroupsPerDimension?: number;
}

/** Counts shared by the executors of one runtime (they survive a device loss). */
export interface GpuCounters {
  pipelinesCompiled: number;
  devicesAcquired: number;
}

/**
 * Runs GPU programs on one device's resident tensors: upload, any number of
 * ops (encoded and submitted in batches, never read back in between), read.
 * Pipelines are compiled once per (program, override constants) and cached;
 * buffers come from size-class pools. Once the device is lost every call
 * throws GpuDeviceLostError; get a new executor from the GpuRuntime.
 */
export class GpuExecutor {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<ShaderFamily, GPUShaderModule>();
  private readonly storage: BufferPool;
  private readonly uniforms: BufferPool;
  private readonly staging: BufferPool;
  /** Bound where an optional input is absent. */
  private readonly absent: GPUBuffer;
  private readonly maxPerDimension: number;
  private encoder: GPUCommandEncoder | null = null;
  private encoded = 0;
  private scoped = false;
  private readonly checks: Promise<GPUError | null>[] = [];
  private lostInfo: GPUDeviceLostInfo | null = null;
  /** Resolves when the device is lost, with its reason. */
  readonly lost: Promise<GPUDeviceLostInfo>;

  constructor(
    readonly device: GPUDevice,
    /** The adapter, in words ("google swiftshader ..."). */
    readonly adapter: string,
    options: ExecutorOptions = {},
    private readonly counters: GpuCounters = { pipelinesCompiled: 0, devicesAcquired: 1 },
  ) {
    const { limits } = device;
    const maxBytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    this.storage = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST, "tensor", maxBytes);
    this.uniforms = new BufferPool(device, UNIFORM | COPY_DST, "params", limits.maxUniformBufferBindingSize);
    this.staging = new BufferPool(device, MAP_READ | COPY_DST, "readback", limits.maxBufferSize);
    this.absent = device.createBuffer({ label: "absent input", size: 16, usage: STORAGE });
    this.maxPerDimension = Math.min(limits.maxComputeWorkgroupsPerDimension, options.maxWorkgroupsPerDimension ?? Infinity);
    this.lost = device.lost.then((info) => (this.lostInfo = info));
  }

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  /** Pipelines in this executor's cache, and buffers created and reused by its pools. */
  get stats() {
    const pools = [this.storage, this.uniforms, this.staging];
    return {
      pipelines: this.pipelines.size,
      buffersCreated: pools.reduce((n, p) => n + p.stats.created, 0),
      buffersReused: pools.reduce((n, p) => n + p.stats.reused, 0),
      tensorBuffersCreated: this.storage.stats.created,
      tensorBuffersReused: this.storage.stats.reused,
    };
  }

  upload(data: Float32Array, shape: Shape = [data.length]): GpuTensor {
    this.checkLive();
    const length = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isInteger(d) && d >= 1) || length !== data.length) {
      throw new ConfigError(`upload: shape [${shape.join(", ")}] must be positive integers whose product is the data's length ${data.length}`, { field: "upload.shape" });
    }
    const tensor = this.allocate(shape, "upload");
    this.device.queue.writeBuffer(tensor.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return tensor;
  }

  /** A tensor of zeros (cleared in order with the encoded ops). */
  zeros(shape: Shape): GpuTensor {
    this.checkLive();
    checkShape(shape, "zeros");
    const tensor = this.allocate(shape, "zeros");
    this.encode().clearBuffer(tensor.buffer, 0, tensor.length * 4);
    return tensor;
  }

  /** Copies all of `src` into `dst` from element `offset` on, in order with the encoded ops (e.g. one step into a sequence). */
  copy(src: GpuTensor, dst: GpuTensor, offset = 0): void {
    this.checkLive();
    this.checkOwned(src, "copy.src");
    this.checkOwned(dst, "copy.dst");
    if (!Number.isInteger(offset) || offset < 0 || offset + src.length > dst.length) {
      throw new ConfigError(`copy: ${src.length} elements from offset ${offset} do not fit in [${dst.shape.join(", ")}]`, { field: "copy.offset" });
    }
    this.encode().copyBufferToBuffer(src.buffer, 0, dst.buffer, offset * 4, src.length * 4);
  }

  /** A new tensor of `shape` holding src's elements from `offset` on (e.g. one step of a sequence). */
  slice(src: GpuTensor, offset: number, shape: Shape): GpuTensor {
    this.checkLive();
    this.checkOwned(src, "slice.src");
    checkShape(shape, "slice");
    const length = shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(offset) || offset < 0 || offset + length > src.length) {
      throw new ConfigError(`slice: ${length} elements from offset ${offset} are not inside [${src.shape.join(", ")}]`, { field: "slice.offset" });
    }
    const out = this.allocate(shape, "slice");
    this.encode().copyBufferToBuffer(src.buffer, offset * 4, out.buffer, 0, length * 4);
    return out;
  }

  /**
   * Encodes one program on resident tensors and returns its outputs (still on
   * the device). `inputs` follow `program.inputs`; null stands for an absent
   * optional input.
   */
  run<P>(program: GpuProgram<P>, inputs: readonly (GpuTensor | null)[], params: P): GpuTensor[] {
    this.checkLive();
    if (inputs.length !== program.inputs.length) {
      throw new ConfigError(`${program.name}: takes ${program.inputs.length} inputs (${program.inputs.join(", ")}); got ${inputs.length}`, { field: program.name });
    }
    inputs.forEach((t, i) => {
      const name = program.inputs[i];
      if (t) this.checkOwned(t, `${program.name}.${name}`);
      else if (!program.optional?.includes(name)) {
        throw new ConfigError(`${program.name}: input ${name} is required`, { field: `${program.name}.${name}` });
      }
    });
    const plan = program.plan(inputs.map((t) => t?.shape ?? null), params);
    const grid = this.grid(plan.workgroups, program.name);
    const outputs = plan.outputs.map((shape) => this.allocate(shape, program.name));
    const pipeline = this.pipeline(program, plan.constants);

    const words = new Uint32Array(Math.ceil((plan.uniforms.length + 1) / 4) * 4);
    words[0] = plan.workgroups;
    words.set(plan.uniforms, 1);
    const uniform = this.uniforms.acquire(words.byteLength);
    this.device.queue.writeBuffer(uniform, 0, words);
    const buffers = [...outputs.map((t) => t.buffer), ...inputs.map((t) => t?.buffer ?? this.absent)];
    const sizes = [...outputs, ...inputs].map((t) => (t ? t.length * 4 : this.absent.size));
    const bindGroup = this.device.createBindGroup({
      label: program.name,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform, size: words.byteLength } },
        ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer, size: sizes[i] } })),
      ],
    });
    const pass = this.encode().beginComputePass({ label: program.name });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...grid);
    pass.end();
    this.uniforms.release(uniform);
    if (++this.encoded >= SUBMIT_EVERY) this.flush();
    return outputs;
  }

  /** Copies a tensor back to the host (submitting everything encoded before it). */
  async read(tensor: GpuTensor): Promise<Float32Array> {
    this.checkLive();
    this.checkOwned(tensor, "read");
    const bytes = tensor.length * 4;
    const staging = this.staging.acquire(bytes);
    this.encode().copyBufferToBuffer(tensor.buffer, 0, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(1 /* GPUMapMode.READ */, 0, bytes);
    } catch (e) {
      this.checkLive();
      throw new GpuError(`reading a [${tensor.shape.join(", ")}] tensor failed: ${e instanceof Error ? e.message : e}`);
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.staging.release(staging);
    await this.finish();
    return out;
  }

  /** Submits what is encoded and waits for the device's verdict on it: a GpuError if it reported one. */
  async finish(): Promise<void> {
    this.flush();
    const errors = await Promise.all(this.checks.splice(0));
    this.checkLive();
    const error = errors.find((e) => e !== null);
    if (error) throw new GpuError(`the device reported: ${error.message}`);
  }

  /** Submits the encoded commands; buffers released before now become reusable. */
  flush(): void {
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.encoded = 0;
    }
    for (const pool of [this.storage, this.uniforms, this.staging]) pool.submitted();
    if (this.scoped) {
      const validation = this.device.popErrorScope();
      const memory = this.device.popErrorScope();
      this.checks.push(Promise.all([validation, memory]).then(([v, m]) => v ?? m));
      this.scoped = false;
    }
  }

  /** Frees every buffer and the device; tensors of this executor become unusable. */
  destroy(): void {
    for (const pool of [this.storage, this.uniforms, this.staging]) pool.destroy();
    this.device.destroy();
  }

  /** Called by GpuTensor.release. */
  recycle(buffer: GPUBuffer): void {
    if (!this.isLost) this.storage.release(buffer);
  }

  private allocate(shape: Shape, what: string): GpuTensor {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    const { maxStorageBufferBindingSize, maxBufferSize } = this.device.limits;
    if (bytes > maxStorageBufferBindingSize) {
      throw new GpuLimitError("maxStorageBufferBindingSize", bytes, maxStorageBufferBindingSize, `${what} (a [${shape.join(", ")}] float32 tensor)`);
    }
    if (bytes > maxBufferSize) throw new GpuLimitError("maxBufferSize", bytes, maxBufferSize, `${what} (a [${shape.join(", ")}] float32 tensor)`);
    this.scope();
    return new GpuTensor(shape, this.storage.acquire(bytes), this);
  }

  /** The compute pipeline of `program` specialized for `constants`, compiled on first use. */
  private pipeline<P>(program: GpuProgram<P>, constants: Readonly<Record<string, number>>): GPUComputePipeline {
    const names = Object.keys(constants).sort();
    const key = [program.name, ...names.map((n) => `${n}=${constants[n]}`)].join("|");
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      this.scope();
      let module = this.modules.get(program.family);
      if (!module) {
        module = this.device.createShaderModule({ label: `${program.family}.wgsl`, code: programSource(program.family) });
        this.modules.set(program.family, module);
      }
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: "auto",
        compute: { module, entryPoint: program.entryPoint, constants },
      });
      this.pipelines.set(key, pipeline);
      this.counters.pipelinesCompiled++;
    }
    return pipeline;
  }

  /**
   * Folds a flat workgroup count into (x, y, z) within the per-dimension
   * limit; kernels recover the flat index and skip the surplus.
   */
  private grid(count: number, what: string): [number, number, number] {
    const max = this.maxPerDimension;
    if (count <= max) return [count, 1, 1];
    const rows = Math.ceil(count / max);
    if (rows <= max) return [max, rows, 1];
    const layers = Math.ceil(rows / max);
    if (layers > max) throw new GpuLimitError("maxComputeWorkgroupsPerDimension", Math.ceil(Math.cbrt(count)), max, `${what} (${count} workgroups)`);
    return [max, max, layers];
  }

  private encode(): GPUCommandEncoder {
    this.scope();
    return (this.encoder ??= this.device.createCommandEncoder({ label: "nt ops" }));
  }

  /** Opens error scopes around everything until the next flush, so device errors surface in finish(). */
  private scope(): void {
    if (this.scoped) return;
    this.device.pushErrorScope("out-of-memory");
    this.device.pushErrorScope("validation");
    this.scoped = true;
  }

  private checkLive(): void {
    if (this.lostInfo) {
      throw new GpuDeviceLostError(
        `the WebGPU device was lost (${this.lostInfo.reason}: ${this.lostInfo.message || "no message"}); ` +
          "ask the GpuRuntime for a new executor and upload the tensors again",
      );
    }
  }

  private checkOwned(tensor: GpuTensor, where: string): void {
    if (tensor.owner !== this) {
      tensor.owner.checkLive();
      throw new GpuError(`${where}: the tensor belongs to another executor (device); upload it to this one`, { field: where });
    }
    if (tensor.released) throw new GpuError(`${where}: the tensor was released`, { field: where });
  }
}

function checkShape(shape: Shape, what: string): void {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ConfigError(`${what}: shape [${shape.join(", ")}] must be positive integers`, { field: `${what}.shape` });
  }
}
