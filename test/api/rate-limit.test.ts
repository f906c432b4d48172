import { describe, expect, it } from "vitest";
import { TokenBuckets } from "../../src/api/middleware/rate-limit.ts";

describe("TokenBuckets", () => {
  it("allows a burst, then one request per 1/rate seconds, per key", () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets(2, 3, { now: () => now });
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([0, 0, 0]);
    expect(buckets.take("a")).toBeCloseTo(0.5, 12);
    expect(buckets.take("b")).toBe(0);
    now += 250;
    expect(buckets.take("a")).toBeCloseTo(0.25, 12);
    now += 250;
    expect(buckets.take("a")).toBe(0);
    expect(buckets.take("a")).toBeCloseTo(0.5, 12);
    // A long pause refills to the burst, never beyond it.
    now += 60_000;
    expect([buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([0, 0, 0]);
    expect(buckets.take("a")).toBeGreaterThan(0);
  });

  it("stays bounded: full buckets are forgotten first, then the oldest", () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 2, { now: () => now }, 3);
    buckets.take("a");
    buckets.take("b");
    buckets.take("c");
    now += 5_000; // a, b, c are full again: dropping them loses nothing
    buckets.take("d");
    expect(buckets.size).toBe(1);
    buckets.take("e");
    buckets.take("f");
    buckets.take("g"); // e and f are not full yet, so the oldest (d) goes
    expect(buckets.size).toBe(3);
  });
});
