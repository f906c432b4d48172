import { describe, expect, it } from "vitest";
import { columnsJson, numbersJson } from "../../src/api/json.ts";

describe("numbersJson", () => {
  it("prints every double exactly as JSON.stringify does, and non-finite values as null", () => {
    const values = [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE,
      NaN, Infinity, -Infinity, 2 ** 53 + 2, 1455.219971, 1 / 3];
    // And a random sample of bit patterns over the whole double range.
    const bits = new BigUint64Array(2000);
    let seed = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < bits.length; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      bits[i] = seed;
    }
    const all = Float64Array.from([...values, ...new Float64Array(bits.buffer)]);
    expect(numbersJson(all)).toBe(JSON.stringify(Array.from(all)));
    // It reads back to the same doubles (JSON, like JSON.stringify, has no -0).
    expect(JSON.parse(numbersJson(all)).map((v: number | null) => (v === null ? NaN : v))).toEqual(
      Array.from(all, (v) => (Number.isFinite(v) ? (v === 0 ? 0 : v) : NaN)));
    expect(numbersJson(new Float64Array(0))).toBe("[]");
  });

  it("writes named columns as one JSON object", () => {
    const cols: [string, Float64Array][] = [["sma:20", Float64Array.of(NaN, 2.5)], ['we"ird', Float64Array.of(1)]];
    expect(columnsJson(cols)).toBe(JSON.stringify({ "sma:20": [null, 2.5], 'we"ird': [1] }));
    expect(columnsJson([])).toBe("{}");
  });
});
