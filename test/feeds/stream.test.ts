import { describe, expect, it } from "vitest";
import { BoundedQueue, merge, QueueOverflowError, Subject } from "../../src/feeds/stream.ts";

describe("Stream operators", () => {
  it("map, filter and merge forward values in order, and connect upstream only while subscribed", () => {
    const a = new Subject<number>();
    const b = new Subject<number>();
    const out: string[] = [];
    const doubledEven = a.filter((x) => x % 2 === 0).map((x) => `a${x * 2}`);
    const m = merge(doubledEven, b.map((x) => `b${x}`));
    expect(a.subscribers).toBe(0);
    const off = m.subscribe((v) => out.push(v));
    expect([a.subscribers, b.subscribers]).toEqual([1, 1]);
    [1, 2, 3, 4].forEach((x) => a.push(x));
    b.push(9);
    a.push(6);
    expect(out).toEqual(["a4", "a8", "b9", "a12"]);
    off();
    expect([a.subscribers, b.subscribers]).toEqual([0, 0]);
    a.push(8);
    expect(out).toHaveLength(4);
  });

  it("window: tumbling and sliding by count, and tumbling by event time", () => {
    const s = new Subject<number>();
    const tumbling: number[][] = [];
    const sliding: number[][] = [];
    const sparse: number[][] = [];
    s.window(3).subscribe((w) => tumbling.push(w));
    s.window(3, 1).subscribe((w) => sliding.push(w));
    s.window(2, 3).subscribe((w) => sparse.push(w));
    for (let i = 1; i <= 7; i++) s.push(i);
    expect(tumbling).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(sliding).toEqual([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]]);
    expect(sparse).toEqual([[1, 2], [4, 5]]); // 7 waits for its partner
    const t = new Subject<{ t: number }>();
    const byTime: number[][] = [];
    t.windowByTime(60_000, (v) => v.t).subscribe((w) => byTime.push(w.map((v) => v.t)));
    [0, 59_999, 60_000, 61_000, 185_000].forEach((x) => t.push({ t: x }));
    expect(byTime).toEqual([[0, 59_999], [60_000, 61_000]]);
    expect(() => s.window(0)).toThrow(RangeError);
  });

  it("a sink that throws is reported and the others still get every value", () => {
    const errors: unknown[] = [];
    const s = new Subject<number>((e) => errors.push(e));
    const got: number[] = [];
    s.subscribe(() => {
      throw new Error("bad consumer");
    });
    s.subscribe((v) => got.push(v));
    s.push(1);
    s.push(2);
    expect(got).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });
});

describe("BoundedQueue", () => {
  it("drop-oldest: a consumer that falls behind skips to the newest values; the producer never waits", async () => {
    const s = new Subject<number>();
    const q = s.queue({ capacity: 3, policy: "drop-oldest" });
    for (let i = 1; i <= 10; i++) s.push(i); // the consumer is not reading at all
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(7);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([8, 9, 10, undefined]);
    q.close();
    expect(s.subscribers).toBe(0);
  });

  it("conflate: keeps the latest value per key in its place in line", () => {
    const q = new BoundedQueue<{ s: string; p: number }>({ capacity: 2, policy: "conflate", key: (v) => v.s });
    q.push({ s: "AAPL", p: 1 });
    q.push({ s: "MSFT", p: 2 });
    q.push({ s: "AAPL", p: 3 });
    q.push({ s: "AAPL", p: 4 });
    expect(q.conflated).toBe(2);
    expect(q.shift()).toEqual({ s: "AAPL", p: 4 });
    q.push({ s: "AAPL", p: 5 }); // AAPL left the queue, so this one queues anew, behind MSFT
    q.push({ s: "GOOG", p: 6 }); // full of other keys: the oldest (MSFT) goes
    expect(q.dropped).toBe(1);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([{ s: "AAPL", p: 5 }, { s: "GOOG", p: 6 }, undefined]);
  });

  it("fail: an overflow closes the queue and the consumer's next read throws, naming the queue", async () => {
    const q = new BoundedQueue<number>({ capacity: 2, policy: "fail", name: 'bus topic "fill"' });
    q.push(1);
    q.push(2);
    q.push(3);
    await expect(q.next()).rejects.toThrow(QueueOverflowError);
    await expect(q.next()).rejects.toThrow('bus topic "fill": consumer fell 2 events behind');
    q.push(4); // ignored: closed
    expect(q.length).toBe(0);
  });

  it("hands values straight to a waiting consumer and ends the iteration when closed", async () => {
    const q = new BoundedQueue<number>({ capacity: 1, policy: "drop-oldest" });
    const got: number[] = [];
    const reading = (async () => {
      for await (const v of q) got.push(v);
    })();
    for (let i = 0; i < 5; i++) {
      q.push(i);
      await Promise.resolve();
      await Promise.resolve();
    }
    q.close();
    await reading;
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(q.dropped).toBe(0);
  });
});
