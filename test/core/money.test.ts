import { describe, expect, it, vi } from "vitest";
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

describe("toFloat on long coefficients", () => {
  const exact = (d: Decimal) => expect(Object.is(toFloat(d), d.toNumber()), d.toString()).toBe(true);

  it("matches toNumber on fill prices, notionals and cash of 16 to 20 digits", () => {
    const rng = new Random(5);
    const up = new Decimal(1).plus(new Decimal(3).div(10_000));
    let cash = new Decimal(100_000);
    for (let i = 0; i < 20_000; i++) {
      const open = 100 * Math.exp(0.3 * rng.normal());
      const price = new Decimal(open).times(up);
      const qty = new Decimal(Math.floor(rng.uniform() * 2000) + 1);
      const notional = price.times(qty);
      cash = cash.minus(notional).minus(qty.times(0.005)).plus(notional.times(1.0002));
      for (const d of [price, notional, cash, price.minus(open).times(qty), notional.div(qty.plus(3)), cash.neg()]) exact(d);
    }
  });

  it("converts such values without toNumber's trip through a string", () => {
    const values = [new Decimal(99.87654321234567).times(1.0001), new Decimal("123456.78901234567891"), new Decimal("-0.012345678901234567891")];
    const spy = vi.spyOn(Decimal.prototype, "toNumber");
    try {
      for (const d of values) toFloat(d);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("matches toNumber next to the midpoint between two doubles, where a rounding error would show", () => {
    const rng = new Random(8);
    const wide = Decimal.clone({ precision: 1000 });
    const view = new DataView(new ArrayBuffer(8));
    const nextUp = (x: number) => {
      view.setFloat64(0, x);
      view.setBigUint64(0, view.getBigUint64(0) + 1n);
      return view.getFloat64(0);
    };
    for (let i = 0; i < 3000; i++) {
      const x = rng.uniform() < 0.5 ? 100 * Math.exp(0.5 * rng.normal()) : Math.exp(20 * rng.normal());
      const mid = new wide(x).plus(nextUp(x)).div(2).toString();
      for (const digits of [16, 17, 18, 19, 20, 21]) {
        const near = new Decimal(mid).toSignificantDigits(digits);
        const unit = new Decimal(10).pow(near.e - digits + 1);
        for (const d of [near, near.plus(unit), near.minus(unit), near.neg()]) exact(d);
      }
    }
  });

  it("matches toNumber on tiny prices, huge quantities and up to 28 digits at any exponent", () => {
    const rng = new Random(13);
    const up = new Decimal(1).plus(new Decimal(1).div(10_000));
    const digits = (k: number) => {
      let s = String(1 + Math.floor(rng.uniform() * 9));
      for (let i = 1; i < k; i++) s += Math.floor(rng.uniform() * 10);
      return s;
    };
    for (let i = 0; i < 20_000; i++) {
      const price = new Decimal(1e-6 * Math.exp(3 * rng.normal())).times(up);
      const qty = new Decimal(Math.floor(Math.exp(20 * rng.uniform())));
      for (const d of [price, price.times(qty), price.times(qty).neg(), price.div(qty)]) exact(d);
      exact(new Decimal(`${digits(15 + Math.floor(rng.uniform() * 14))}e${Math.floor(rng.uniform() * 60) - 35}`));
    }
  });
});
