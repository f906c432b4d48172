import { describe, expect, it } from "vitest";
import { CircuitBreaker, type BreakerState } from "../../src/net/breaker.ts";
import { BreakerOpenError } from "../../src/net/errors.ts";
import { ManualClock } from "../../src/net/timers.ts";

describe("CircuitBreaker", () => {
  it("opens after the threshold of failures in a row, fails fast, then lets one trial through", () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ name: "Alpaca trading", failureThreshold: 3, openMs: 10_000 }, clock);
    const seen: BreakerState[] = [];
    breaker.onChange((s) => seen.push(s));
    for (let i = 0; i < 2; i++) {
      breaker.admit();
      breaker.failure();
    }
    breaker.admit();
    breaker.success(); // a success resets the count
    for (let i = 0; i < 3; i++) {
      breaker.admit();
      breaker.failure();
    }
    expect(breaker.state).toBe("open");
    let error: unknown;
    try {
      breaker.admit();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect((error as Error).message).toBe("Alpaca trading is unavailable: circuit breaker open after 3 failures in a row; next try at 1970-01-01T00:00:10.000Z");
    expect((error as BreakerOpenError).retryAt).toBe(10_000);

    clock.advance(10_000);
    expect(breaker.state).toBe("half-open");
    breaker.admit(); // the trial
    expect(() => breaker.admit()).toThrow(/while its trial call is in flight/);
    breaker.failure(); // the trial failed: open for another period
    expect(breaker.state).toBe("open");
    clock.advance(9_999);
    expect(() => breaker.admit()).toThrow(BreakerOpenError);
    clock.advance(1);
    breaker.admit();
    breaker.success();
    expect(breaker.state).toBe("closed");
    breaker.admit();
    expect(seen).toEqual(["open", "half-open", "open", "half-open", "closed"]);
  });
});
