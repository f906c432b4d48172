import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRfc3339 } from "../../src/feeds/rfc3339.ts";

describe("parseRfc3339", () => {
  it("reads the vendors' UTC forms to the millisecond, truncating micro- and nanoseconds", () => {
    expect(parseRfc3339("2021-02-22T15:51:44.208Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 44, 208));
    expect(parseRfc3339("2021-02-22T15:51:45.335689322Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 45, 335));
    expect(parseRfc3339("2021-02-22T15:51:45.9Z")).toBe(Date.UTC(2021, 1, 22, 15, 51, 45, 900));
    expect(parseRfc3339("2021-02-22T19:15:00Z")).toBe(Date.UTC(2021, 1, 22, 19, 15));
    expect(parseRfc3339("2021-02-22T19:15:00-05:00")).toBe(Date.UTC(2021, 1, 23, 0, 15)); // an offset: Date.parse
    expect(parseRfc3339("yesterday")).toBeNaN();
    expect(parseRfc3339("2021-02-22T15:51:4x.208Z")).toBeNaN();
  });

  it("agrees with Date.parse on any UTC time, whatever the previous one cached (property, seeded)", () => {
    const iso = fc.tuple(fc.integer({ min: 0, max: 4_102_444_799_999 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 9 }))
      .map(([ms, sub, digits]) => {
        const base = new Date(ms).toISOString(); // ...SS.mmmZ
        if (digits === 0) return { text: base.slice(0, 19) + "Z", expected: Math.floor(ms / 1000) * 1000 };
        const frac = (base.slice(20, 23) + String(sub).padStart(6, "0")).slice(0, digits);
        return { text: `${base.slice(0, 19)}.${frac}Z`, expected: Date.parse(`${base.slice(0, 19)}.${frac.slice(0, 3).padEnd(3, "0")}Z`) };
      });
    fc.assert(fc.property(fc.array(iso, { minLength: 1, maxLength: 5 }), (list) => list.every(({ text, expected }) => parseRfc3339(text) === expected)), { seed: 42, numRuns: 2000 });
  });
});
