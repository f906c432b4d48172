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
  /**
   * The slot the next value goes to (count % size), stepped and wrapped
   * rather than divided out: a division per value and per element listed
   * was most of what a streaming Bollinger band cost.
   */
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
    this.ordered = new Float64Array(size);
  }

  push(value: number): void {
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.size ? 0 : this.next + 1;
    this.count++;
  }

  /** Revises the newest value; with nothing pushed yet it pushes. */
  replace(value: number): void {
    if (this.count === 0) this.push(value);
    else this.ring[this.next === 0 ? this.size - 1 : this.next - 1] = value;
  }

  get full(): boolean {
    return this.count >= this.size;
  }

  /** The values, oldest first (from the next slot round to the newest), in an array reused by the next call. */
  oldestFirst(): Float64Array {
    const { ring, ordered, size } = this;
    let k = this.next;
    for (let j = 0; j < size; j++) {
      ordered[j] = ring[k];
      k = k + 1 === size ? 0 : k + 1;
    }
    return ordered;
  }
}
