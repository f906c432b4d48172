/**
 * Time comes in through these two ports, so a backtest, a live session and
 * a test differ only in what they are handed (nautilus_trader's TestClock
 * and LiveClock): nothing in the engine reads Date.now or sets a timer.
 */

/** Epoch milliseconds: the wall clock live, the data's time in a backtest or replay. */
export interface Clock {
  now(): number;
}

/**
 * Timers and a monotonic clock for pacing work (a replay at N bars a
 * second, slices that yield to the event loop).
 */
export interface Scheduler {
  /** Monotonic milliseconds (performance.now live). */
  now(): number;
  /** Runs `fn` once after `ms`; returns a handle for cancel. */
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
}

/** A clock that moves only when told: backtests set it to each bar's time. */
export class TestClock implements Clock {
  constructor(private t = 0) {}

  now(): number {
    return this.t;
  }

  set(t: number): void {
    this.t = t;
  }
}

export const systemClock: Clock = { now: () => Date.now() };

/** setTimeout and performance.now, which every runtime has. */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  after: (ms, fn) => setTimeout(fn, ms),
  cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A scheduler whose time moves only by `advance`, which runs the timers
 * that fall due in order: tests drive paced runs with it instead of sleeping.
 */
export class FakeScheduler implements Scheduler {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): unknown {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  cancel(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Moves time forward by `ms`, running every timer due on the way (ties in the order they were set). */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = Math.max(this.t, until);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }
}

/** Lets every promise continuation already queued run (one real macrotask), so work a timer started can set its next timer. */
function settle(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}
