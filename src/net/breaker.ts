import { BreakerOpenError } from "./errors.ts";
import type { Timers } from "./timers.ts";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Named in errors: "alpaca trading", "polygon". */
  readonly name: string;
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold?: number;
  /** How long it stays open before letting one trial call through (ms). */
  readonly openMs?: number;
}

/**
 * A circuit breaker per remote service. Closed: calls pass and consecutive
 * failures are counted. Open: calls fail at once with BreakerOpenError, so a
 * dead broker costs no time-outs and no piled-up requests. Half-open after
 * `openMs`: one trial call passes; its success closes the breaker, its
 * failure opens it again for another `openMs`.
 *
 * Only failures of the service count (timeouts, dropped connections, 5xx):
 * a 4xx answer, such as an order rejected for buying power or a 429, is
 * the service working and counts as a success (429s are the retry loop's
 * business: it waits as long as the service asks).
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly threshold: number;
  private readonly openMs: number;
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = "closed";
  private trialInFlight = false;
  private readonly listeners = new Set<(state: BreakerState) => void>();

  constructor(options: BreakerOptions, private readonly timers: Timers) {
    this.name = options.name;
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 30_000;
  }

  /** The state now (an open breaker whose time is up reads as half-open). */
  get state(): BreakerState {
    if (this.current === "open" && this.timers.now() >= this.openedAt + this.openMs) return "half-open";
    return this.current;
  }

  /** Hears every change of state (for logs and status lines). */
  onChange(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks to make a call: returns when it may go, throws BreakerOpenError when
   * not. Every admitted call must end in `success()` or `failure()`.
   */
  admit(): void {
    const state = this.state;
    if (state === "closed") return;
    if (state === "half-open" && !this.trialInFlight) {
      this.trialInFlight = true;
      this.set("half-open");
      return;
    }
    const retryAt = state === "open" ? this.openedAt + this.openMs : this.timers.now() + 1;
    const why = state === "open" ? `after ${this.failures} failures in a row` : "while its trial call is in flight";
    throw new BreakerOpenError(`${this.name} is unavailable: circuit breaker open ${why}; next try at ${new Date(retryAt).toISOString()}`, retryAt);
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== "closed") this.set("closed");
  }

  failure(): void {
    this.failures++;
    const trialFailed = this.trialInFlight;
    this.trialInFlight = false;
    if (trialFailed || (this.current === "closed" && this.failures >= this.threshold)) {
      this.openedAt = this.timers.now();
      this.set("open");
    }
  }

  private set(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    for (const l of this.listeners) l(state);
  }
}
