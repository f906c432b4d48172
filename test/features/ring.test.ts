import { describe, expect, it } from "vitest";
import { Random } from "../../src/core/random.ts";
import { RollingWindow } from "../../src/features/rolling.ts";
import { Sma } from "../../src/features/sma.ts";

/** The ring buffers as they were, indexed by count % size: the stepped slots must give the same values to the bit. */
class DividedSma {
  private readonly ring: Float64Array;
  private count = 0;
  private sum = 0;
  constructor(readonly period: number) {
    this.ring = new Float64Array(period);
  }
  add(value: number): number {
    this.sum += value - this.ring[this.count % this.period];
    this.ring[this.count % this.period] = value;
    this.count++;
    if (this.count % 4096 === 0) this.sum = this.ring.reduce((a, b) => a + b, 0);
    return this.count >= this.period ? this.sum / this.period : NaN;
  }
  replace(value: number): number {
    if (this.count === 0) return this.add(value);
    const slot = (this.count - 1) % this.period;
    this.sum += value - this.ring[slot];
    this.ring[slot] = value;
    return this.count >= this.period ? this.sum / this.period : NaN;
  }
}

describe("ring buffers with stepped slots", () => {
  it("Sma adds and replaces exactly as with count % period, across many wraps", () => {
    const rng = new Random(17);
    for (const period of [1, 2, 3, 7, 20, 100]) {
      const sma = new Sma(period);
      const ref = new DividedSma(period);
      for (let i = 0; i < 10_000; i++) {
        const v = 100 * Math.exp(0.1 * rng.normal());
        const replace = rng.uniform() < 0.3;
        const got = replace ? sma.replace(v) : sma.add(v);
        const want = replace ? ref.replace(v) : ref.add(v);
        expect(Object.is(got, want), `period ${period}, value ${i}`).toBe(true);
      }
    }
  });

  it("RollingWindow lists its values oldest first as with count % size, after pushes and replaces", () => {
    const rng = new Random(19);
    for (const size of [1, 2, 5, 20]) {
      const w = new RollingWindow(size);
      const seen: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const v = rng.normal();
        if (seen.length > 0 && rng.uniform() < 0.3) {
          w.replace(v);
          seen[seen.length - 1] = v;
        } else {
          w.push(v);
          seen.push(v);
        }
        // Before the window fills, the slots not yet written read 0, oldest first as the ring holds them.
        const want = seen.length >= size ? seen.slice(-size) : [...new Array(size - seen.length).fill(0), ...seen];
        expect(Array.from(w.oldestFirst()), `size ${size}, step ${i}`).toEqual(want);
      }
    }
  });
});
