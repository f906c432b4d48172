import { describe, expect, it } from "vitest";
import { reasonText } from "../../src/core/signal.ts";

describe("reasonText", () => {
  it("gives the text an untagged template literal gives", () => {
    const values: unknown[] = [20, -1.5, 0, -0, NaN, 1e21, "above", "", undefined, null, true, { toString: () => "obj" }, [1, 2]];
    for (const a of values) {
      for (const b of values) {
        expect(reasonText`SMA(${a}) ${b} SMA(100), RSI ${a}`).toBe(`SMA(${a}) ${b} SMA(100), RSI ${a}`);
      }
    }
    expect(reasonText`no values`).toBe("no values");
    expect(reasonText`${1}`).toBe("1");
    expect(reasonText`line\nbreak ${"x"}\t`).toBe(`line\nbreak ${"x"}\t`);
  });
});
