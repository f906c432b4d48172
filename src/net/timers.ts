import { realScheduler, systemClock, type Clock, type Scheduler } from "../core/clock.ts";

/**
 * Time as the network code sees it: what time it is and "call me in N ms".
 * Injected so that backoff, timeouts, breakers and replay pacing run on a
 * manual clock in tests (no test sleeps) and on the host's timers live.
 * One object rather than the engine's Clock and Scheduler pair because the
 * network code needs wall-clock time (a Retry-After date, Alpaca's reset
 * epoch, the end of a backfill) beside its timers; `timersFrom` builds one
 * from the pair.
 */
export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque: whatever the host's setTimeout returns, or the manual clock's id. */
export type TimerHandle = unknown;

/** The host's wall clock and timers: the engine's own system clock and scheduler. */
export const systemTimers: Timers = timersFrom(systemClock, realScheduler);

/** The engine's clock (epoch ms) and scheduler (timers) as one Timers. */
export function timersFrom(clock: Clock, scheduler: Scheduler): Timers {
  return { now: () => clock.now(), setTimeout: (fn, ms) => scheduler.after(ms, fn), clearTimeout: (h) => scheduler.cancel(h) };
}

/** Resolves after `ms` on `timers`; rejects with the signal's reason when aborted first. */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timers.clearTimeout(handle);
      reject(signal!.reason);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told: timers fire in due order as `advance`
 * passes their time. Tests of backoff, breakers and replay use it so that
 * an hour of waiting takes no time at all. It is also the engine's Clock
 * and Scheduler, so one test clock drives the engine and its connections.
 */
export class ManualClock implements Timers, Clock, Scheduler {
  private time: number;
  private nextId = 1;
  private queue: Pending[] = [];
  private waiters: Array<() => void> = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    // Stable for equal times: a timer set first fires first, as hosts do.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > timer.at) i--;
    this.queue.splice(i, 0, timer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }

  /** The engine's Scheduler port, on the same timers. */
  after(ms: number, fn: () => void): unknown {
    return this.setTimeout(fn, ms);
  }

  cancel(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.queue.length;
  }

  /** How far in the future each pending timer is due (ms), soonest first. */
  get pendingDelays(): number[] {
    return this.queue.map((t) => t.at - this.time);
  }

  /** When the next timer is due, or undefined. */
  get nextAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    while (this.queue.length > 0 && this.queue[0].at <= until) {
      const t = this.queue.shift()!;
      this.time = t.at;
      t.fn();
    }
    this.time = until;
  }

  /**
   * Fires the timers due now, but not those they set for now in turn (as
   * one turn of an event loop): how a test sees work that yields with a
   * zero-delay timer proceed one slice at a time.
   */
  runDue(): number {
    const due = this.queue.filter((t) => t.at <= this.time);
    this.queue = this.queue.filter((t) => t.at > this.time);
    for (const t of due) t.fn();
    return due.length;
  }

  /** Moves time to the next timer and fires it (and any due at the same instant); false when none. */
  runNext(): boolean {
    const at = this.nextAt;
    if (at === undefined) return false;
    this.advance(at - this.time);
    return true;
  }

  /** Resolves once at least one timer is pending (at once if one already is). */
  whenPending(): Promise<void> {
    if (this.queue.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
