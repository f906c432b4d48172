/**
 * The last `size` values of a stream, for the streaming indicators that
 * recompute over their whole window each bar (WMA, CCI, Bollinger Bands):
 * `push` adds a value, `replace` revises the newest one (a still-forming
 * bar), `oldestFirst` lists them in order.
 */
export class RollingWindow {
  private readonly ring: Float64Array;
  private readonly ordered: Float64Array;
  private count = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
    this.ordered = new Float64Array(size);
  }

  push(value: number): void {
    this.ring[this.count % this.size] = value;
    this.count++;
  }

  /** Revises the newest value; with nothing pushed yet it pushes. */
  replace(value: number): void {
    if (this.count === 0) this.push(value);
    else this.ring[(this.count - 1) % this.size] = value;
  }

  get full(): boolean {
    return this.count >= this.size;
  }

  /** The values, oldest first, in an array reused by the next call. */
  oldestFirst(): Float64Array {
    for (let j = 0; j < this.size; j++) this.ordered[j] = this.ring[(this.count + j) % this.size];
    return this.ordered;
  }
}
