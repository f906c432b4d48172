import type { Bar } from "../core/data.ts";
import { isoDate } from "../core/dates.ts";
import type { Direction, DroppedSignal, DropReason, Signal } from "../core/signal.ts";
import type { Strategy, StrategyContext } from "../strategies/strategy.ts";

/** vote: each standing signal counts its strategy's weight; weighted: its weight times its confidence. */
export type CombineMethod = "vote" | "weighted";

export interface CombineMember {
  readonly name: string;
  readonly strategy: Strategy;
  /** > 0. */
  readonly weight: number;
}

export interface CombineRules {
  readonly method: CombineMethod;
  /** Long and short signals below this confidence are dropped (threshold); default 0. */
  readonly minConfidence?: number;
  /** Bars a signal stands for, the bar it came on included; absent: until its strategy signals again. */
  readonly ttl?: number;
  /** The member whose standing long or short decides over the others'. */
  readonly override?: string;
}

/** A member's signal that currently counts, and the bar (of this strategy's count) it came on. */
interface View {
  readonly signal: Signal;
  readonly bar: number;
}

/** Ties of the net score within this fraction of the gross are exact ties (weights like 0.1 + 0.2 against 0.3). */
const TIE = 1e-12;

/**
 * Several strategies run on the same bars as one strategy: the signal layer.
 * Every member sees every bar (its indicators stay current); what each last
 * asked for stands as its view until it signals again or the view expires.
 * On each bar:
 *
 * 1. expiry: a view older than `ttl` bars is dropped (expired);
 * 2. each member's new signal: the side its standing view already holds is a
 *    duplicate (dropped: it is not a new order); a long or short below
 *    `minConfidence` is dropped (threshold) and the member's view is cleared
 *    (it changed its mind, but not firmly enough); flat clears the view;
 *    anything else becomes the view;
 * 3. decision: while the override member has a long or short view, its side
 *    wins and the other side's views are dropped (overridden). Otherwise the
 *    net score Σ w·d (vote) or Σ w·c·d (weighted) over the views, with d = +1
 *    long, -1 short, decides the side; members without a view abstain. When
 *    both sides stand, the outweighed side's views are dropped (conflict),
 *    and an exact tie is flat with both sides dropped.
 *
 * A dropped view is gone: each signal is acted on or dropped once, with its
 * reason, in `dropped`. The combination signals only when its side changes;
 * its confidence is |net score| / total weight, its size factor the
 * weight-averaged size factor of the views on the winning side.
 */
export class CombinedStrategy implements Strategy {
  readonly name: string;
  readonly dropped: DroppedSignal[] = [];
  private readonly views: (View | null)[];
  private readonly totalWeight: number;
  private readonly overrideAt: number;
  private readonly minConfidence: number;
  private bar = -1;
  private side: Direction = "flat";
  /** Flat signals taken this bar (they clear views, so only they can say why a side was left). */
  private flats: { k: number; signal: Signal }[] = [];

  constructor(private readonly members: readonly CombineMember[], private readonly rules: CombineRules) {
    this.name = `${rules.method}(${members.map((m) => m.name).join(",")})`;
    this.views = members.map(() => null);
    this.totalWeight = members.reduce((sum, m) => sum + m.weight, 0);
    this.overrideAt = rules.override === undefined ? -1 : members.findIndex((m) => m.name === rules.override);
    this.minConfidence = rules.minConfidence ?? 0;
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    this.bar++;
    const { ttl } = this.rules;
    if (ttl !== undefined) {
      this.views.forEach((view, k) => {
        if (view && this.bar - view.bar >= ttl) this.drop(k, view.signal, bar.time, "expired", `stood ${ttl} bar${ttl === 1 ? "" : "s"} (ttl)`);
      });
    }
    this.flats = [];
    for (let k = 0; k < this.members.length; k++) {
      const signal = this.members[k].strategy.onBar(bar, ctx);
      if (signal) this.receive(k, signal);
    }
    const decision = this.decide(bar.time);
    if (decision.direction === this.side) return null;
    this.side = decision.direction;
    return { symbol: ctx.symbol, time: bar.time, ...decision };
  }

  private receive(k: number, signal: Signal): void {
    const view = this.views[k];
    if (view && view.signal.direction === signal.direction) {
      this.drop(k, signal, signal.time, "duplicate", `${this.members[k].name} is already ${signal.direction} since ${stamp(view.signal.time)}`, false);
    } else if (signal.direction !== "flat" && signal.confidence < this.minConfidence) {
      this.drop(k, signal, signal.time, "threshold", `confidence ${signal.confidence.toFixed(2)} below ${this.minConfidence.toFixed(2)}`);
    } else if (signal.direction === "flat") {
      this.views[k] = null;
      this.flats.push({ k, signal });
    } else {
      this.views[k] = { signal, bar: this.bar };
    }
  }

  private decide(time: number): Omit<Signal, "symbol" | "time"> {
    const over = this.overrideAt >= 0 ? this.views[this.overrideAt] : null;
    if (over) {
      const { direction } = over.signal;
      const name = this.members[this.overrideAt].name;
      this.views.forEach((view, k) => {
        if (view && view.signal.direction !== direction) this.drop(k, view.signal, time, "overridden", `${name} (override) is ${direction}`);
      });
      return { ...this.outcome(direction, over.signal.confidence), reason: `${name} (override): ${over.signal.reason}` };
    }
    let long = 0;
    let short = 0;
    this.views.forEach((view, k) => {
      if (!view) return;
      const w = this.members[k].weight * (this.rules.method === "weighted" ? view.signal.confidence : 1);
      if (view.signal.direction === "long") long += w;
      else short += w;
    });
    const net = long - short;
    const tie = Math.abs(net) <= TIE * (long + short);
    const direction: Direction = tie ? "flat" : net > 0 ? "long" : "short";
    if (long > 0 && short > 0) {
      const detail = `long ${long.toFixed(2)} against short ${short.toFixed(2)}: ${tie ? "a tie, so flat" : `${direction} by the net`}`;
      this.views.forEach((view, k) => {
        if (view && view.signal.direction !== direction) this.drop(k, view.signal, time, "conflict", detail);
      });
    }
    const score = tie ? 0 : net / this.totalWeight;
    const { confidence, sizeFactor } = this.outcome(direction, Math.abs(score));
    const said = (k: number, signal: Signal) => `${this.members[k].name} ${signal.direction}: ${signal.reason}`;
    const why = direction === "flat"
      ? this.flats.map(({ k, signal }) => said(k, signal))
      : this.views.flatMap((view, k) => (view ? [said(k, view.signal)] : []));
    const reason = `${this.rules.method} ${score >= 0 ? "+" : ""}${score.toFixed(2)}${why.length > 0 ? ` · ${why.join("; ")}` : tie && long > 0 ? " · tie" : ""}`;
    return { direction, confidence, sizeFactor, reason };
  }

  /** The confidence given, and the weight-averaged size factor of the views on `direction` (absent when none sets one). */
  private outcome(direction: Direction, confidence: number): { direction: Direction; confidence: number; sizeFactor?: number } {
    let weight = 0;
    let sized = 0;
    let any = false;
    this.views.forEach((view, k) => {
      if (!view || view.signal.direction !== direction) return;
      const w = this.members[k].weight;
      weight += w;
      sized += w * (view.signal.sizeFactor ?? 1);
      any ||= view.signal.sizeFactor !== undefined;
    });
    return any ? { direction, confidence, sizeFactor: sized / weight } : { direction, confidence };
  }

  /** Records a member's signal as dropped; `clear` removes its view too (a duplicate leaves the view it repeats standing). */
  private drop(k: number, signal: Signal, time: number, reason: DropReason, detail: string, clear = true): void {
    if (clear) this.views[k] = null;
    this.dropped.push({
      time, symbol: signal.symbol, strategy: this.members[k].name, direction: signal.direction, confidence: signal.confidence,
      signalTime: signal.time, reason, detail,
    });
  }
}

/** A bar's time as its date (a daily bar) or its ISO date-time. */
function stamp(time: number): string {
  return time % 86_400_000 === 0 ? isoDate(time) : new Date(time).toISOString();
}
