// The TypeScript twin of build/research.wasm: the reference in tests and the
// fallback where WebAssembly is missing. Indicators come from the streaming
// classes the strategies use; money is BigInt; floats come from
// Number("<m>e-<K>"), the correctly rounded reading Decimal.toNumber() gives.
import { Bbands } from "../../features/bbands.ts";
import { Rsi } from "../../features/rsi.ts";
import { Sma } from "../../features/sma.ts";
import { equityMoments, type EquityMoments } from "../stats.ts";
import {
  EV_DENIED_CASH, EV_DENIED_SHORT, EV_FILL, EV_REJECTED_AT_FILL, EVENT_SLOTS, SIM_OK, SIM_OVERFLOW, SIM_UNSUPPORTED,
  type Handle, type SimParams, type SimResult, type VectorKernels, type VectorSession,
} from "./kernels.ts";

const LIMIT = 1n << 62n;

export const tsVectorKernels: VectorKernels = {
  name: "ts",
  session: (close, _open, openInt) => new TwinSession(close, openInt),
};

/** m 10^-k as the nearest double (ties to even), as Decimal.toNumber() reads it. */
export function decimalToNumber(m: bigint, k: number): number {
  return Number(`${m}e-${k}`);
}

class TwinSession implements VectorSession {
  private readonly arrays: Float64Array[] = [];
  private readonly cache = new Map<string, Handle>();
  private sig: Uint8Array;
  private lastEquity: Float64Array = new Float64Array(0);

  constructor(private readonly close: Float64Array, private readonly openInt: BigInt64Array) {
    this.sig = new Uint8Array(close.length);
  }

  get length(): number {
    return this.close.length;
  }

  private held(key: string, make: () => Float64Array): Handle {
    let h = this.cache.get(key);
    if (h === undefined) {
      h = this.upload(make());
      this.cache.set(key, h);
    }
    return h;
  }

  sma(period: number): Handle {
    return this.held(`sma${period}`, () => { const s = new Sma(period); return this.close.map((x) => s.add(x)); });
  }

  rsi(period: number): Handle {
    return this.held(`rsi${period}`, () => { const s = new Rsi(period); return this.close.map((x) => s.add(x)); });
  }

  bands(period: number): { middle: Handle; width: Handle } {
    if (!this.cache.has(`mid${period}`)) {
      const b = new Bbands(period, 1);
      const middle = new Float64Array(this.length);
      const width = new Float64Array(this.length);
      this.close.forEach((x, i) => {
        middle[i] = b.add(x);
        width[i] = b.upper - middle[i];
      });
      this.cache.set(`mid${period}`, this.upload(middle));
      this.cache.set(`wid${period}`, this.upload(width));
    }
    return { middle: this.cache.get(`mid${period}`)!, width: this.cache.get(`wid${period}`)! };
  }

  upload(values: Float64Array): Handle {
    this.arrays.push(Float64Array.from(values));
    return this.arrays.length - 1;
  }

  at(handle: Handle, i: number): number {
    return this.arrays[handle][i];
  }

  signals(): Uint8Array {
    return this.sig;
  }

  momentumSignals(fastH: Handle, slowH: Handle, rsiH: Handle, start: number, rsiMax: number, allowShort: boolean): void {
    const [fast, slow, rsi] = [this.arrays[fastH], this.arrays[slowH], this.arrays[rsiH]];
    let state = FLAT;
    for (let i = 0; i < this.length; i++) {
      let want = NONE;
      if (i >= start) {
        if (fast[i] > slow[i]) want = state === LONG || rsi[i] < rsiMax ? LONG : state === SHORT ? FLAT : NONE;
        else if (fast[i] < slow[i]) want = !allowShort ? FLAT : state === SHORT || rsi[i] > 100 - rsiMax ? SHORT : state === LONG ? FLAT : NONE;
        if (want === state) want = NONE;
        if (want !== NONE) state = want;
      }
      this.sig[i] = want;
    }
  }

  meanReversionSignals(middleH: Handle, widthH: Handle, start: number, entryZ: number, exitZ: number, allowShort: boolean): void {
    const [middle, width] = [this.arrays[middleH], this.arrays[widthH]];
    let state = FLAT;
    for (let i = 0; i < this.length; i++) {
      let want = NONE;
      if (i >= start && width[i] > 0) {
        const z = (this.close[i] - middle[i]) / width[i];
        if (state === LONG) want = z >= -exitZ ? FLAT : LONG;
        else if (state === SHORT) want = z <= exitZ ? FLAT : SHORT;
        else want = z < -entryZ ? LONG : allowShort && z > entryZ ? SHORT : FLAT;
        if (want === state) want = NONE;
        if (want !== NONE) state = want;
      }
      this.sig[i] = want;
    }
  }

  equityStats(blocks: number): EquityMoments | null {
    return equityMoments(this.lastEquity, blocks);
  }

  simulate(p: SimParams): SimResult {
    const r = simulateTwin(this.close, this.openInt, this.sig, p, p.fractions && { long: this.arrays[p.fractions.long], short: this.arrays[p.fractions.short] });
    this.lastEquity = r.equity;
    return r;
  }
}

const NONE = 0, LONG = 1, SHORT = 2, FLAT = 3;

class Overflow extends Error {}

function checked(x: bigint): bigint {
  if (x >= LIMIT || x <= -LIMIT) throw new Overflow();
  return x;
}

/** The simulation loop of assembly/research/simulate.ts, written plainly. */
function simulateTwin(
  close: Float64Array, openInt: BigInt64Array, signals: Uint8Array, p: SimParams, fractions?: { long: Float64Array; short: Float64Array },
): SimResult {
  const n = close.length;
  const m = p.money;
  const equity = new Float64Array(n);
  const events: number[] = [];
  const toF = (x: bigint) => decimalToNumber(x, m.K);
  let cash = m.initialCash;
  let cashF = toF(cash);
  let qty = 0n;
  let avg = 0n;
  let commissions = 0n;
  let orderNo = 0;
  let exposed = 0;
  let orders: { side: number; qty: bigint; no: number; bar: number }[] = [];
  const done = (status: number): SimResult => ({
    status, equity, events: Float64Array.from(events), nEvents: events.length / EVENT_SLOTS, exposed, totalCommission: toF(commissions),
  });
  const event = (values: Record<number, number>) => {
    const rec = new Array<number>(EVENT_SLOTS).fill(0);
    for (const [k, v] of Object.entries(values)) rec[Number(k)] = v;
    events.push(...rec);
  };
  try {
    for (let i = 0; i < n; i++) {
      // Sells fill first; within a side, in the order sent.
      for (const o of [...orders.filter((o) => o.side < 0), ...orders.filter((o) => o.side > 0)]) {
        const price = checked(checked(openInt[i] * (o.side > 0 ? m.buyNum : m.sellNum)) * m.priceMul);
        let filled = o.qty;
        if (o.side > 0) {
          const covering = qty < 0n ? -qty : 0n;
          if (o.qty - covering > 0n) {
            const unit = checked(price + m.commissionPerShare);
            const left = checked(cash - unit * covering - m.commissionPerOrder);
            filled = bigMin(o.qty, (left > 0n ? left / unit : 0n) + covering);
          }
        }
        const head = { 1: o.no, 2: o.bar, 3: i, 4: o.side, 5: Number(o.qty) };
        if (filled === 0n) {
          event({ ...head, 0: EV_REJECTED_AT_FILL, 7: toF(price) });
          continue;
        }
        const commission = checked(filled * m.commissionPerShare + m.commissionPerOrder);
        const signed = o.side > 0 ? filled : -filled;
        let realized = 0n;
        if (qty === 0n || (qty < 0n) === (signed < 0n)) {
          if (qty !== 0n) return done(SIM_UNSUPPORTED);
          avg = price;
        } else {
          const closed = bigMin(qty < 0n ? -qty : qty, filled);
          realized = checked((price - avg) * closed * (qty < 0n ? -1n : 1n));
          const after = qty + signed;
          avg = after === 0n ? 0n : (after < 0n) === (qty < 0n) ? avg : price;
        }
        const notional = checked(price * filled);
        cash = checked(cash + (o.side > 0 ? -notional : notional) - commission);
        commissions = checked(commissions + commission);
        qty += signed;
        cashF = toF(cash);
        event({ ...head, 0: EV_FILL, 6: Number(filled), 7: toF(price), 8: toF(commission), 9: toF(realized) });
      }
      orders = [];
      const last = close[i];
      let eq = cashF;
      if (qty !== 0n) {
        exposed++;
        eq += Number(qty) * last;
      }
      equity[i] = eq;
      const s = signals[i];
      if (s === NONE) continue;
      const want = s === LONG ? 1 : s === SHORT ? -1 : 0;
      if (qty !== 0n && (qty > 0n ? 1 : -1) === want) continue;
      if (qty !== 0n) orders.push({ side: qty > 0n ? -1 : 1, qty: qty > 0n ? qty : -qty, no: ++orderNo, bar: i });
      if (want === 0) continue;
      const fraction = fractions ? (want > 0 ? fractions.long : fractions.short)[i] : p.fraction;
      const size = Math.max(0, Math.floor((eq * fraction) / last));
      if (!(size > 0)) continue;
      if (size >= 2 ** 53) return done(SIM_OVERFLOW);
      const no = ++orderNo;
      let position = Number(qty);
      let pending = 0;
      for (const o of orders) {
        pending += (o.side < 0 ? 1 : -1) * Number(o.qty) * last;
        position += o.side > 0 ? Number(o.qty) : -Number(o.qty);
      }
      const after = position + want * size;
      if (want < 0 && p.denyShort && after < -1e-12) {
        event({ 0: EV_DENIED_SHORT, 1: no, 2: i, 3: i, 4: want, 5: size, 10: after });
        continue;
      }
      const reduces = Math.abs(after) < Math.abs(position) && Math.sign(after) !== -Math.sign(position);
      if (want > 0 && !reduces && size * last > cashF + pending + 1e-9) {
        event({ 0: EV_DENIED_CASH, 1: no, 2: i, 3: i, 4: want, 5: size, 10: cashF + pending });
        continue;
      }
      orders.push({ side: want, qty: BigInt(size), no, bar: i });
    }
  } catch (e) {
    if (e instanceof Overflow) return done(SIM_OVERFLOW);
    throw e;
  }
  return done(SIM_OK);
}

function bigMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
