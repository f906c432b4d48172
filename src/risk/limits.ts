import { checkSetting, type SettingSpec } from "../core/settings.ts";
import type { Order } from "../core/orders.ts";
import { isoDate } from "../core/dates.ts";
import { positionAfter, reducesExposure, type PreTradeCheck, type PreTradeContext } from "./pretrade.ts";

/** Pre-trade limits; every one is optional. Fractions are of current equity. */
export interface RiskLimits {
  /** Largest absolute quantity held in one symbol after an order. */
  maxPositionQuantity?: number;
  /** Largest absolute position value in one symbol after an order. */
  maxPositionNotional?: number;
  /** Largest sum of |position values| / equity after an order, e.g. 1 = unlevered. */
  maxGrossExposure?: number;
  /** Largest |sum of signed position values| / equity after an order. */
  maxNetExposure?: number;
  /** At most `count` orders in any `windowMs` span. */
  maxOrderRate?: { count: number; windowMs: number };
  /** Halt new exposure for the rest of the day once equity falls this fraction below the day's start. */
  maxDailyLoss?: number;
  /** Halt new exposure until reset once equity falls this fraction below its peak. */
  maxDrawdown?: number;
}

const positive = (name: string, description: string) => ({ name, type: "number", min: 0, minExclusive: true, description }) as const;
const fraction = (name: string, description: string) => ({ name, type: "number", min: 0, max: 1, minExclusive: true, maxExclusive: true, description }) as const;

/** The numeric limits, declared once (checks, request check, CLI flags, API schema, page form); maxOrderRate is ORDER_RATE_SETTINGS. */
export const LIMIT_SETTINGS = [
  positive("maxPositionQuantity", "largest absolute quantity held in one symbol"),
  positive("maxPositionNotional", "largest absolute position value in one symbol"),
  positive("maxGrossExposure", "largest sum of |position values| / equity, e.g. 1 = unlevered"),
  positive("maxNetExposure", "largest |sum of signed position values| / equity"),
  fraction("maxDailyLoss", "halt new exposure for the day after losing this fraction of the day's starting equity"),
  fraction("maxDrawdown", "halt new exposure after equity falls this fraction below its peak"),
] as const satisfies readonly SettingSpec[];

/** maxOrderRate's two parts: at most `count` orders in any `windowMs` span. */
export const ORDER_RATE_SETTINGS = [
  { name: "count", type: "integer", min: 1, required: true, description: "most orders in any window" },
  positive("windowMs", "the window, in milliseconds"),
] as const satisfies readonly SettingSpec[];

export type LimitSettingName = (typeof LIMIT_SETTINGS)[number]["name"];
const limitSpec = (name: LimitSettingName): SettingSpec => LIMIT_SETTINGS.find((s) => s.name === name)!;
const check = (spec: SettingSpec, v: number, field = spec.name) => checkSetting(spec, v, field) as number;

/** The checks for a set of limits, in a fixed order (breakers first, order rate last). */
export function riskChecks(limits: RiskLimits): PreTradeCheck[] {
  const checks: PreTradeCheck[] = [];
  const { maxPositionQuantity: q, maxPositionNotional: pn, maxGrossExposure: g, maxNetExposure: ne, maxOrderRate: rate } = limits;
  if (limits.maxDrawdown !== undefined) checks.push(new DrawdownBreaker(check(limitSpec("maxDrawdown"), limits.maxDrawdown)));
  if (limits.maxDailyLoss !== undefined) checks.push(new DailyLossBreaker(check(limitSpec("maxDailyLoss"), limits.maxDailyLoss)));
  if (q !== undefined) checks.push(positionLimit("maxPositionQuantity", check(limitSpec("maxPositionQuantity"), q), (a) => Math.abs(a)));
  if (pn !== undefined) checks.push(positionLimit("maxPositionNotional", check(limitSpec("maxPositionNotional"), pn), (a, c) => Math.abs(a) * c.price));
  if (g !== undefined) checks.push(exposureLimit("maxGrossExposure", check(limitSpec("maxGrossExposure"), g), true));
  if (ne !== undefined) checks.push(exposureLimit("maxNetExposure", check(limitSpec("maxNetExposure"), ne), false));
  if (rate !== undefined) {
    const [count, windowMs] = ORDER_RATE_SETTINGS;
    checks.push(new OrderRateLimit(check(count, rate.count, "maxOrderRate.count"), check(windowMs, rate.windowMs, "maxOrderRate.windowMs")));
  }
  return checks;
}

function positionLimit(rule: string, limit: number, measure: (after: number, ctx: PreTradeContext) => number): PreTradeCheck {
  return {
    rule,
    check(order, ctx) {
      if (reducesExposure(order, ctx)) return null;
      const value = measure(positionAfter(order, ctx), ctx);
      return value > limit ? `${order.side} ${order.quantity} ${order.symbol} would make the position ${round(value)}, above ${rule} ${limit}` : null;
    },
  };
}

function exposureLimit(rule: string, limit: number, gross: boolean): PreTradeCheck {
  return {
    rule,
    check(order, ctx) {
      if (reducesExposure(order, ctx)) return null;
      if (!(ctx.equity > 0)) return `equity is ${round(ctx.equity)}: no new exposure (${rule})`;
      const before = ctx.position * ctx.price;
      const after = positionAfter(order, ctx) * ctx.price;
      const exposure = gross ? ctx.grossExposure - Math.abs(before) + Math.abs(after) : Math.abs(ctx.netExposure - before + after);
      const ratio = exposure / ctx.equity;
      return ratio > limit + 1e-12 ? `${order.side} ${order.quantity} ${order.symbol} would take ${gross ? "gross" : "net"} exposure to ${pct(ratio)} of equity, above ${rule} ${pct(limit)}` : null;
    },
  };
}

class OrderRateLimit implements PreTradeCheck {
  readonly rule = "maxOrderRate";
  private readonly sent: number[] = [];

  constructor(private readonly count: number, private readonly windowMs: number) {}

  /** Exits and protective orders are never held back: they reduce risk. */
  check(order: Order, ctx: PreTradeContext): string | null {
    if (reducesExposure(order, ctx)) return null;
    while (this.sent.length && this.sent[0] <= ctx.time - this.windowMs) this.sent.shift();
    return this.sent.length >= this.count ? `${this.sent.length} orders already sent within ${this.windowMs / 3_600_000} h; maxOrderRate is ${this.count}` : null;
  }

  accepted(order: Order, ctx: PreTradeContext): void {
    if (!reducesExposure(order, ctx)) this.sent.push(ctx.time);
  }
}

/**
 * A circuit breaker: once tripped it denies every order that adds exposure
 * (orders that reduce a position still pass) and says when and why it tripped.
 */
abstract class Breaker implements PreTradeCheck {
  abstract readonly rule: string;
  protected trippedWhy: string | null = null;

  get isOpen(): boolean {
    return this.trippedWhy !== null;
  }

  /** Closes the breaker so new orders flow again. */
  reset(): void {
    this.trippedWhy = null;
  }

  check(order: Order, ctx: PreTradeContext): string | null {
    if (this.trippedWhy === null || reducesExposure(order, ctx)) return null;
    return `circuit open: ${this.trippedWhy}; new orders halted until reset`;
  }

  abstract observe(time: number, equity: number): void;
}

export class DrawdownBreaker extends Breaker {
  readonly rule = "maxDrawdown";
  private peak = -Infinity;

  constructor(private readonly limit: number) { super(); }

  observe(time: number, equity: number): void {
    this.peak = Math.max(this.peak, equity);
    const dd = 1 - equity / this.peak;
    if (this.trippedWhy === null && dd > this.limit) {
      this.trippedWhy = `drawdown ${pct(dd)} on ${isoDate(time)} exceeded maxDrawdown ${pct(this.limit)}`;
    }
  }
}

/** Trips on an intraday loss beyond the limit; resets itself when the next UTC day starts. */
export class DailyLossBreaker extends Breaker {
  readonly rule = "maxDailyLoss";
  private day = "";
  private dayStart = NaN;
  private last = NaN;

  constructor(private readonly limit: number) { super(); }

  observe(time: number, equity: number): void {
    const day = isoDate(time);
    if (day !== this.day) {
      this.day = day;
      this.dayStart = Number.isNaN(this.last) ? equity : this.last;
      this.reset();
    }
    this.last = equity;
    const loss = 1 - equity / this.dayStart;
    if (this.trippedWhy === null && loss > this.limit) {
      this.trippedWhy = `loss of ${pct(loss)} on ${day} exceeded maxDailyLoss ${pct(this.limit)}`;
    }
  }
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const round = (x: number) => Math.round(x * 100) / 100;
