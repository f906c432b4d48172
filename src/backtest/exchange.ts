import type { Bar } from "../core/data.ts";
import { Decimal } from "../core/money.ts";
import type { Order } from "../core/orders.ts";

/** Trading costs of the simulated venue. */
export interface CostModel {
  /** Adverse price move on market and triggered stop fills, in basis points. */
  readonly slippageBps: number;
  readonly commissionPerShare: number;
  readonly commissionPerOrder: number;
}

/** A fill the venue proposes; the engine may shrink it (cash) before booking. */
export interface Execution {
  readonly order: Order;
  readonly price: Decimal;
}

interface Working {
  readonly order: Order;
  /** The bar index from which the order is live (the bar after it was placed). */
  readonly liveFrom: number;
  /** A stop-limit whose stop has traded rests as a plain limit. */
  triggered: boolean;
  /** UTC day number of the first bar the order was live on (Day orders last that day). */
  day: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * A simulated venue for one symbol fed with bars. Orders placed after bar t
 * closes are live from bar t+1: market orders fill at its open; limit and
 * stop orders fill when the bar's range crosses their price, at that price or
 * at the open when the bar gaps through it. Day orders last through the UTC
 * day of their first live bar (one bar on daily data, the rest of the session
 * on intraday bars); IOC and FOK get only the open of their first live bar.
 */
export class SimulatedExchange {
  private working: Working[] = [];

  constructor(private readonly costs: CostModel) {}

  submit(order: Order, barIndex: number): void {
    this.working.push({ order, liveFrom: barIndex + 1, triggered: false, day: NaN });
  }

  cancel(predicate: (o: Order) => boolean): Order[] {
    const cancelled = this.working.filter((w) => predicate(w.order)).map((w) => w.order);
    if (cancelled.length) this.working = this.working.filter((w) => !predicate(w.order));
    return cancelled;
  }

  get openOrders(): readonly Order[] {
    return this.working.map((w) => w.order);
  }

  /** Matches live orders against bar `i`; returns executions and orders that expired unfilled. */
  match(bar: Bar, i: number): { executions: Execution[]; expired: Order[] } {
    const executions: Execution[] = [];
    const expired: Order[] = [];
    const keep: Working[] = [];
    const today = Math.floor(bar.time / MS_PER_DAY);
    for (const w of this.working) {
      if (w.liveFrom > i) { keep.push(w); continue; }
      const tif = w.order.timeInForce;
      if (tif === "day") {
        if (Number.isNaN(w.day)) w.day = today;
        else if (today !== w.day) { expired.push(w.order); continue; }
      }
      const price = this.fillPrice(w, bar);
      if (price !== null) executions.push({ order: w.order, price: this.withSlippage(w, price) });
      // IOC and FOK get one chance; Day orders rest until the day ends, GTC until cancelled.
      else if (tif === "ioc" || tif === "fok") expired.push(w.order);
      else keep.push(w);
    }
    this.working = keep;
    return { executions, expired };
  }

  commission(quantity: Decimal): Decimal {
    return quantity.times(this.costs.commissionPerShare).plus(this.costs.commissionPerOrder);
  }

  private fillPrice(w: Working, bar: Bar): number | null {
    const { order } = w;
    const atOpenOnly = order.timeInForce === "ioc" || order.timeInForce === "fok";
    const buy = order.side === "buy";
    switch (order.type) {
      case "market":
        return bar.open;
      case "limit":
        return limitPrice(buy, order.limitPrice!.toNumber(), bar, atOpenOnly);
      case "stop":
        return stopPrice(buy, order.stopPrice!.toNumber(), bar, atOpenOnly);
      case "stopLimit": {
        const limit = order.limitPrice!.toNumber();
        if (w.triggered) return limitPrice(buy, limit, bar, atOpenOnly);
        const trigger = stopPrice(buy, order.stopPrice!.toNumber(), bar, atOpenOnly);
        if (trigger === null) return null;
        w.triggered = true;
        // The path inside the bar after the trigger is unknown: fill only when
        // the trigger price itself satisfies the limit, else rest as a limit.
        return (buy ? trigger <= limit : trigger >= limit) ? trigger : null;
      }
    }
  }

  private withSlippage(w: Working, price: number): Decimal {
    const slips = w.order.type === "market" || w.order.type === "stop";
    const p = new Decimal(price);
    if (!slips || this.costs.slippageBps === 0) return p;
    const factor = new Decimal(this.costs.slippageBps).div(10_000);
    return w.order.side === "buy" ? p.times(factor.plus(1)) : p.times(new Decimal(1).minus(factor));
  }
}

function limitPrice(buy: boolean, limit: number, bar: Bar, atOpenOnly: boolean): number | null {
  if (buy ? bar.open <= limit : bar.open >= limit) return bar.open;
  if (atOpenOnly) return null;
  return (buy ? bar.low <= limit : bar.high >= limit) ? limit : null;
}

function stopPrice(buy: boolean, stop: number, bar: Bar, atOpenOnly: boolean): number | null {
  if (buy ? bar.open >= stop : bar.open <= stop) return bar.open;
  if (atOpenOnly) return null;
  return (buy ? bar.high >= stop : bar.low <= stop) ? stop : null;
}
