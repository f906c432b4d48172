/**
 * GPU buffers of one usage, reused by size class (the next power of two,
 * at least 256 bytes, at most `maxBytes`). A released buffer may still be
 * read by commands not yet submitted, so it waits in `pending` until
 * `submitted()` is called after the next queue.submit; only then can a new
 * upload (queue.writeBuffer, which runs before unsubmitted commands) reuse it.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private readonly all = new Set<GPUBuffer>();
  /** Buffers created and acquisitions served from the pool. */
  readonly stats = { created: 0, reused: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly label: string,
    private readonly maxBytes: number,
  ) {}

  /** The size a buffer holding `bytes` is created with. */
  sizeClass(bytes: number): number {
    const pow2 = 2 ** Math.ceil(Math.log2(Math.max(bytes, 256)));
    return pow2 <= this.maxBytes ? pow2 : Math.ceil(bytes / 4) * 4;
  }

  acquire(bytes: number): GPUBuffer {
    const size = this.sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.stats.reused++;
      return reused;
    }
    const buffer = this.device.createBuffer({ label: `${this.label} ${size} B`, size, usage: this.usage });
    this.all.add(buffer);
    this.stats.created++;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    this.pending.push(buffer);
  }

  /** Call after queue.submit: buffers released before it are free to reuse. */
  submitted(): void {
    for (const buffer of this.pending) {
      const list = this.free.get(buffer.size);
      if (list) list.push(buffer);
      else this.free.set(buffer.size, [buffer]);
    }
    this.pending = [];
  }

  /** Bytes held in free lists, ready for reuse. */
  get freeBytes(): number {
    let total = 0;
    for (const [size, list] of this.free) total += size * list.length;
    return total;
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
    this.all.clear();
    this.free.clear();
    this.pending = [];
  }
}
