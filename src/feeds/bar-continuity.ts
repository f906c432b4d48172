import type { Bar, SymbolId } from "../core/data.ts";

/** A vendor bar with the start of its window, which is what identifies it. */
export interface StampedBar {
  readonly start: number;
  readonly bar: Bar;
}

/**
 * Keeps a live bar stream free of duplicates and gaps across reconnects,
 * where the vendor makes that knowable: each bar is identified by its
 * symbol and window start, so after a reconnect a bar already delivered is
 * dropped, and the bars missed while disconnected are fetched from the
 * vendor's REST history and delivered, in order, before the live ones that
 * arrived meanwhile (which wait in a buffer).
 */
export class BarContinuity {
  private readonly last = new Map<SymbolId, number>();
  private readonly pending = new Map<SymbolId, StampedBar[]>();
  /** Bars dropped because they had been delivered already. */
  duplicates = 0;
  /** Bars recovered from history after a reconnect. */
  recovered = 0;

  constructor(
    private readonly emit: (symbol: SymbolId, bar: StampedBar) => void,
    /** The vendor's bars of `symbol` whose window starts after `after` (epoch ms), in order. */
    private readonly history: (symbol: SymbolId, after: number) => Promise<StampedBar[]>,
    private readonly onGap: (error: Error) => void,
  ) {}

  live(symbol: SymbolId, bar: StampedBar): void {
    const waiting = this.pending.get(symbol);
    if (waiting) waiting.push(bar);
    else this.deliver(symbol, bar);
  }

  /**
   * After a reconnect: for every symbol that had bars, fetch what was missed
   * and deliver it before the live bars. Resolves when all are caught up.
   */
  reconnected(symbols: Iterable<SymbolId>): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const symbol of symbols) {
      const after = this.last.get(symbol);
      if (after === undefined || this.pending.has(symbol)) continue;
      this.pending.set(symbol, []);
      jobs.push(this.history(symbol, after).then(
        (bars) => {
          const before = this.duplicates;
          for (const b of bars) this.deliver(symbol, b);
          this.recovered += bars.length - (this.duplicates - before);
        },
        (e: Error) => this.onGap(new Error(`${symbol}: bars after ${new Date(after).toISOString()} may be missing: fetching them failed: ${e.message}`)),
      ).finally(() => {
        const waiting = this.pending.get(symbol) ?? [];
        this.pending.delete(symbol);
        for (const b of waiting) this.deliver(symbol, b);
      }));
    }
    return Promise.all(jobs).then(() => {});
  }

  /** The symbols that have had bars. */
  symbols(): SymbolId[] {
    return [...this.last.keys()];
  }

  /** Forget a symbol (unsubscribed): a later subscription starts afresh. */
  forget(symbol: SymbolId): void {
    this.last.delete(symbol);
  }

  private deliver(symbol: SymbolId, b: StampedBar): void {
    const last = this.last.get(symbol);
    if (last !== undefined && b.start <= last) {
      this.duplicates++;
      return;
    }
    this.last.set(symbol, b.start);
    this.emit(symbol, b);
  }
}
