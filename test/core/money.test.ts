import { describe, expect, it } from "vitest";
import { Decimal, toFloat } from "../../src/core/money.ts";
import { Random } from "../../src/core/random.ts";

describe("toFloat", () => {
  it("gives toNumber()'s double for every kind of value, bit for bit", () => {
    const rng = new Random(21);
    const values: Decimal[] = ["0", "-0", "1", "-1", "0.1", "123.45", "12345678", "1e21", "1e-7", "9007199254740993", "0.30000000000000004",
      "123456789012345678901234567890", "1e-30", "-2.5e-10", "Infinity", "-Infinity", "NaN"].map((s) => new Decimal(s));
    for (let i = 0; i < 20_000; i++) {
      const price = new Decimal(100 * Math.exp(0.5 * rng.normal()));
      const qty = new Decimal(Math.floor(rng.uniform() * 100_000));
      values.push(price, qty, price.times(qty), price.times(1.0001), price.div(qty.plus(1)), price.times(qty).minus(1e6).neg(), price.toDecimalPlaces(8));
    }
    for (const d of values) expect(Object.is(toFloat(d), d.toNumber()), d.toString()).toBe(true);
  });
});
