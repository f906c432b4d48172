// Waiting for real I/O in tests that run time on a ManualClock: poll (on
// the host's event loop, not the manual clock) until a condition holds.
import { setImmediate } from "node:timers/promises";

export async function until(condition: () => boolean, what = "condition", limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await setImmediate();
  }
}

/** Settles the promise's outcome as a value, so a test can await it after driving the clock. */
export function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then((value) => ({ value }), (error) => ({ error }));
}
