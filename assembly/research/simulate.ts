import { ld, st } from "../lib/arena";

// One symbol's backtest in one loop, by the rules of src/backtest/engine.ts
// for a strategy that trades on signals with market orders and no stops or
// risk limits: a decision on bar t's close sends market orders that fill at
// bar t+1's open (with slippage), a reversal is an exit then an entry, buys
// are capped by cash at the fill, sells go first. Money is exact: the engine
// keeps it in decimal.js, this loop in 64-bit integers of 10^-K units, and
// every value the engine turns into a float (cash, fill prices) is rounded
// to the nearest double exactly as Decimal.toNumber() does (decimalToF64).
// Whenever a value would leave the range where both are exact, the run stops
// with OVERFLOW and the host runs it on the event-driven engine instead.

export const OK: i32 = 0;
/** A money value left +-2^62 units (or a float it feeds, 2^53): exactness is no longer proven. */
export const OVERFLOW: i32 = 1;
/** More events than the host's buffer holds. */
export const EVENTS_FULL: i32 = 2;
/** A fill added to an open position: the engine's average price would divide. */
export const UNSUPPORTED: i32 = 3;

// Event kinds, one record of EVENT_SLOTS float64 each.
const FILL: f64 = 1, DENIED_CASH: f64 = 2, DENIED_SHORT: f64 = 3, REJECTED_AT_FILL: f64 = 4;
const EVENT_SLOTS: i32 = 12;

const LIMIT: i64 = 1 << 62;
const EXACT_F64: i64 = 1 << 53;

/** 10^k as i64 and f64, k = 0..18. */
const POW10: StaticArray<i64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000];

let overflow = false;

// @ts-ignore: decorator
@inline function mul(a: i64, b: i64): i64 {
  const x = abs(a), y = abs(b);
  if (y != 0 && x > LIMIT / y) { overflow = true; return 0; }
  return a * b;
}

// @ts-ignore: decorator
@inline function add(a: i64, b: i64): i64 {
  const s = a + b; // both below 2^62 in magnitude: no wrap
  if (abs(s) >= LIMIT) overflow = true;
  return s;
}

/**
 * m * 10^-k rounded to the nearest double, ties to even: what
 * Number("<m>e-<k>") and Decimal.toNumber() give. k <= 15. Below 2^53 both
 * operands of m / 10^k are exact and IEEE division rounds correctly. Above,
 * m = q 10^k + r; with q < 2^53 the doubles near m 10^-k are q + j 2^-t
 * (t = 52 - floor(log2 q)), and j = round(r 2^t / 10^k) comes from exact
 * integer long division.
 */
export function decimalToF64(m: i64, k: i32): f64 {
  const neg = m < 0;
  const a = <u64>abs(m);
  const p = <u64>unchecked(POW10[k]);
  if (a < <u64>EXACT_F64) {
    const v = <f64>a / <f64>p;
    return neg ? -v : v;
  }
  const q = a / p;
  if (q >= <u64>EXACT_F64) { overflow = true; return 0; }
  let rem = a % p;
  const t = 52 - (63 - <i32>clz(q));
  let j: u64 = 0;
  // rem < 10^15 < 2^50, so 13 bits at a time keep rem << c below 2^63.
  for (let bits = t; bits > 0;) {
    const c = min(bits, 13);
    rem <<= <u64>c;
    j = (j << <u64>c) | (rem / p);
    rem %= p;
    bits -= c;
  }
  const twice = rem << 1;
  const odd = t > 0 ? (j & 1) : (q & 1);
  if (twice > p || (twice == p && odd == 1)) j++;
  // 2^-t built from its bits: exact, with no call to pow.
  const v = <f64>q + <f64>j * reinterpret<f64>(<u64>(1023 - t) << 52);
  return neg ? -v : v;
}

// Working orders of the current decision (at most an exit and an entry), in
// static data: `new` would place them in the heap, which resetArena() hands
// back to the host's buffers. Per order: side i32, number i32, bar i32, quantity i64.
let nOrders: i32 = 0;
const ORDERS: usize = memory.data(2 * 24, 16);
// @ts-ignore: decorator
@inline function oSide(o: i32): i32 { return load<i32>(ORDERS + <usize>(o * 24)); }
// @ts-ignore: decorator
@inline function oNo(o: i32): i32 { return load<i32>(ORDERS + <usize>(o * 24), 4); }
// @ts-ignore: decorator
@inline function oBar(o: i32): i32 { return load<i32>(ORDERS + <usize>(o * 24), 8); }
// @ts-ignore: decorator
@inline function oQty(o: i32): i64 { return load<i64>(ORDERS + <usize>(o * 24), 16); }

/**
 * Runs the series. Inputs (n bars): `open`, `close` as float64; `openInt`
 * the opens as i64 in 10^-d units; `signals` one byte a bar (0 none, 1 long,
 * 2 short, 3 flat); `fracLong`/`fracShort` the sizer's fraction per bar
 * (used when `flags` bit 1 is set, else `cfgF[0]`). `cfg` (i64): [0] buy
 * price factor and [1] sell factor in 10^-f units (10^f +- slippage), [2]
 * 10^(K-d-f), [3] commission per share and [4] per order and [5] initial cash
 * in 10^-K units, [6] K, [7] flags: bit 0 = deny short sales, bit 1 = sizer
 * arrays. `cfgF` (f64): [0] fixed fraction. Outputs: `equity` (n values),
 * `events` (maxEvents records of 12 values), `result` (f64): [0] events,
 * [1] bars exposed, [2] total commission, [3] final cash, [4] final quantity.
 * Returns OK or why the run stopped.
 */
export function simulate(
  n: i32, open: usize, close: usize, openInt: usize, signals: usize, fracLong: usize, fracShort: usize,
  cfg: usize, cfgF: usize, equity: usize, events: usize, maxEvents: i32, result: usize,
): i32 {
  const buyNum = load<i64>(cfg), sellNum = load<i64>(cfg, 8), priceMul = load<i64>(cfg, 16);
  const cps = load<i64>(cfg, 24), cpo = load<i64>(cfg, 32);
  const K = <i32>load<i64>(cfg, 48);
  const flags = load<i64>(cfg, 56);
  const denyShort = (flags & 1) != 0, sized = (flags & 2) != 0;
  const fixedFraction = load<f64>(cfgF);
  overflow = false;
  nOrders = 0;
  let cash = load<i64>(cfg, 40);
  let cashF = decimalToF64(cash, K);
  let qty: i64 = 0;
  let avg: i64 = 0;
  let commissions: i64 = 0;
  let orderNo: i32 = 0;
  let nEvents: i32 = 0;
  let exposed: i32 = 0;

  for (let i = 0; i < n; i++) {
    // 1. Orders sent on the last close fill at this open, sells first (a stable order).
    if (nOrders > 0) {
      for (let pass = 0; pass < 2; pass++) {
        for (let o = 0; o < nOrders; o++) {
          const side = oSide(o);
          if ((pass == 0) != (side < 0)) continue;
          const want = oQty(o);
          const num = side > 0 ? buyNum : sellNum;
          const price = mul(mul(load<i64>(openInt + (<usize>i << 3)), num), priceMul);
          // The part of a buy cash pays for; sells and the covering part of a buy are never capped.
          let filled = want;
          if (side > 0) {
            const covering: i64 = qty < 0 ? -qty : 0;
            if (want - covering > 0) {
              const unit = add(price, cps);
              const left = add(add(cash, -mul(unit, covering)), -cpo);
              const maxOpening: i64 = left > 0 ? left / unit : 0;
              filled = min(want, maxOpening + covering);
            }
          }
          if (nEvents >= maxEvents) return finish(EVENTS_FULL, result, nEvents, exposed, commissions, cashF, qty, K);
          const ev = events + (<usize>(nEvents * EVENT_SLOTS) << 3);
          nEvents++;
          st(ev, 1, <f64>oNo(o));
          st(ev, 2, <f64>oBar(o));
          st(ev, 3, <f64>i);
          st(ev, 4, <f64>side);
          st(ev, 5, <f64>want);
          if (filled == 0) {
            st(ev, 0, REJECTED_AT_FILL);
            st(ev, 7, decimalToF64(price, K));
            continue;
          }
          const commission = add(mul(filled, cps), cpo);
          const signed: i64 = side > 0 ? filled : -filled;
          let realized: i64 = 0;
          if (qty == 0 || (qty < 0) == (signed < 0)) {
            // Opening from flat: the average price is the fill price. Adding to a position never happens here.
            if (qty != 0) return finish(UNSUPPORTED, result, nEvents, exposed, commissions, cashF, qty, K);
            avg = price;
          } else {
            const closed = min(abs(qty), filled);
            realized = mul(mul(add(price, -avg), closed), qty < 0 ? -1 : 1);
            const after = qty + signed;
            avg = after == 0 ? 0 : (after < 0) == (qty < 0) ? avg : price;
          }
          const notional = mul(price, filled);
          cash = add(add(cash, side > 0 ? -notional : notional), -commission);
          commissions = add(commissions, commission);
          qty += signed;
          cashF = decimalToF64(cash, K);
          st(ev, 0, FILL);
          st(ev, 6, <f64>filled);
          st(ev, 7, decimalToF64(price, K));
          st(ev, 8, decimalToF64(commission, K));
          st(ev, 9, decimalToF64(realized, K));
          if (abs(qty) >= EXACT_F64) overflow = true;
          if (overflow) return finish(OVERFLOW, result, nEvents, exposed, commissions, cashF, qty, K);
        }
      }
      nOrders = 0;
    }
    if (overflow) return finish(OVERFLOW, result, nEvents, exposed, commissions, cashF, qty, K);

    // 2. Mark to market on the close.
    const last = ld(close, i);
    let eq = cashF;
    if (qty != 0) {
      exposed++;
      eq += <f64>qty * last;
    }
    st(equity, i, eq);

    // 3. The decision on this close.
    const signal = load<u8>(signals + <usize>i);
    if (signal == 0) continue;
    const want: i32 = signal == 1 ? 1 : signal == 2 ? -1 : 0;
    if (qty != 0 && (qty > 0 ? 1 : -1) == want) continue;
    if (qty != 0) {
      orderNo++;
      // An exit always passes both checks: it reduces exposure.
      push(qty > 0 ? -1 : 1, abs(qty), orderNo, i);
    }
    if (want == 0) continue;
    const fraction = sized ? ld(want > 0 ? fracLong : fracShort, i) : fixedFraction;
    const size = max(0.0, Math.floor((eq * fraction) / last));
    if (!(size > 0)) continue;
    if (size >= <f64>EXACT_F64) return finish(OVERFLOW, result, nEvents, exposed, commissions, cashF, qty, K);
    orderNo++;
    const units = <i64>size;
    // What the pre-trade checks see: the position and buying power with the exit counted as filled at the close.
    let position = <f64>qty;
    let pending = 0.0;
    if (nOrders > 0) {
      const q = <f64>oQty(0);
      pending += <f64>(oSide(0) < 0 ? 1 : -1) * q * last;
      position += oSide(0) > 0 ? q : -q;
    }
    const after = position + <f64>want * size;
    if (want < 0 && denyShort && after < -1e-12) {
      if (!deny(events, nEvents, maxEvents, DENIED_SHORT, orderNo, i, want, size, after)) return finish(EVENTS_FULL, result, nEvents, exposed, commissions, cashF, qty, K);
      nEvents++;
      continue;
    }
    if (want > 0 && !reduces(position, after)) {
      const buyingPower = cashF + pending;
      if (size * last > buyingPower + 1e-9) {
        if (!deny(events, nEvents, maxEvents, DENIED_CASH, orderNo, i, want, size, buyingPower)) return finish(EVENTS_FULL, result, nEvents, exposed, commissions, cashF, qty, K);
        nEvents++;
        continue;
      }
    }
    push(want, units, orderNo, i);
  }
  return finish(OK, result, nEvents, exposed, commissions, cashF, qty, K);
}

// @ts-ignore: decorator
@inline function push(side: i32, qty: i64, no: i32, bar: i32): void {
  const at = ORDERS + <usize>(nOrders * 24);
  store<i32>(at, side);
  store<i32>(at, no, 4);
  store<i32>(at, bar, 8);
  store<i64>(at, qty, 16);
  nOrders++;
}

/** src/risk/pretrade.ts reducesExposure: |after| < |position| without flipping. */
// @ts-ignore: decorator
@inline function reduces(position: f64, after: f64): bool {
  return abs(after) < abs(position) && sign(after) != -sign(position);
}

// @ts-ignore: decorator
@inline function sign(x: f64): f64 {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

/** Records an order a pre-trade check denied; `detail` is the cash or position its message quotes. */
function deny(events: usize, nEvents: i32, maxEvents: i32, kind: f64, no: i32, bar: i32, side: i32, size: f64, detail: f64): bool {
  if (nEvents >= maxEvents) return false;
  const ev = events + (<usize>(nEvents * EVENT_SLOTS) << 3);
  st(ev, 0, kind);
  st(ev, 1, <f64>no);
  st(ev, 2, <f64>bar);
  st(ev, 3, <f64>bar);
  st(ev, 4, <f64>side);
  st(ev, 5, size);
  st(ev, 10, detail);
  return true;
}

function finish(status: i32, result: usize, nEvents: i32, exposed: i32, commissions: i64, cashF: f64, qty: i64, K: i32): i32 {
  st(result, 0, <f64>nEvents);
  st(result, 1, <f64>exposed);
  st(result, 2, decimalToF64(commissions, K));
  st(result, 3, cashF);
  st(result, 4, <f64>qty);
  return overflow && status == OK ? OVERFLOW : status;
}
