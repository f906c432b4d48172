// Money for the vectorized path as exact integers. The engine turns every
// float that reaches an order or a fill (an open price, a cost setting) into
// a decimal.js Decimal through the number's shortest decimal text, and keeps
// cash exact to 20 significant digits. Counting in units of 10^-K, with K the
// most decimal places any of those values has, makes the same arithmetic
// integer arithmetic; the kernel checks that it stays below 2^62 units (19
// digits), where Decimal is exact too.
import { Decimal } from "../../core/money.ts";
import type { SimMoney } from "./kernels.ts";

/** The most decimal places the kernel's float conversion handles (10^K must be an exact double). */
export const MAX_DECIMALS = 15;

/** Digits after the point in the shortest text of x ("1455.219971" has 6; "1e-7" has 7). */
export function decimalsOf(x: number): number {
  const text = String(Math.abs(x));
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/** x 10^d as an exact integer, from x's shortest text; d must be at least decimalsOf(x). */
export function scaledInt(x: number, d: number): bigint {
  const text = String(Math.abs(x));
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = (e < 0 ? 0 : Number(text.slice(e + 1))) + d;
  const dot = mantissa.indexOf(".");
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const shift = exponent - (dot < 0 ? 0 : mantissa.length - dot - 1);
  if (shift < 0) throw new RangeError(`${x} has more than ${d} decimal places`);
  const v = BigInt(digits) * 10n ** BigInt(shift);
  return x < 0 ? -v : v;
}

/** The opens of a series as integers of 10^-d, d the most decimal places of any of them. */
export interface ScaledPrices {
  readonly decimals: number;
  readonly ints: BigInt64Array;
}

export function scalePrices(open: Float64Array): ScaledPrices {
  let decimals = 0;
  for (const x of open) decimals = Math.max(decimals, decimalsOf(x));
  const ints = new BigInt64Array(open.length);
  if (decimals > MAX_DECIMALS) return { decimals, ints };
  const limit = 1n << 62n;
  for (let i = 0; i < open.length; i++) {
    const v = scaledInt(open[i], decimals);
    // Too large for the kernel's integers: the caller sees decimals > MAX_DECIMALS and declines.
    if (v >= limit) return { decimals: Infinity, ints };
    ints[i] = v;
  }
  return { decimals, ints };
}

export interface Costs {
  readonly initialCash: number;
  readonly slippageBps: number;
  readonly commissionPerShare: number;
  readonly commissionPerOrder: number;
}

/**
 * The simulation's money settings for prices with `priceDecimals` places,
 * or why they need more places than the kernel handles. The slippage
 * factor is computed as the venue does (src/backtest/exchange.ts): bps as a
 * Decimal divided by 10,000.
 */
export function simMoney(priceDecimals: number, costs: Costs): SimMoney | string {
  const factor = new Decimal(costs.slippageBps).div(10_000);
  const f = costs.slippageBps === 0 ? 0 : factor.decimalPlaces();
  const cps = new Decimal(costs.commissionPerShare);
  const cpo = new Decimal(costs.commissionPerOrder);
  const cash = new Decimal(costs.initialCash);
  const K = Math.max(priceDecimals + f, cps.decimalPlaces(), cpo.decimalPlaces(), cash.decimalPlaces());
  if (!(K <= MAX_DECIMALS)) {
    return `prices and costs need ${Number.isFinite(K) ? K : "too many"} decimal places (prices ${priceDecimals}, slippage factor ${f}); the vectorized path counts money in at most ${MAX_DECIMALS}`;
  }
  const unit = (d: Decimal) => BigInt(d.times(new Decimal(10).pow(K)).toFixed(0));
  const one = 10n ** BigInt(f);
  const slip = costs.slippageBps === 0 ? 0n : BigInt(factor.times(new Decimal(10).pow(f)).toFixed(0));
  const money: SimMoney = {
    K, buyNum: one + slip, sellNum: one - slip, priceMul: 10n ** BigInt(K - priceDecimals - f),
    commissionPerShare: unit(cps), commissionPerOrder: unit(cpo), initialCash: unit(cash),
  };
  const limit = 1n << 62n;
  if (money.initialCash >= limit || money.commissionPerShare >= limit || money.commissionPerOrder >= limit) {
    return `initial cash or costs are too large for the vectorized path's exact 64-bit money`;
  }
  return money;
}
