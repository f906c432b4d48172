/**
 * Lets the event loop run pending I/O before more work: a macrotask, so
 * requests that arrived meanwhile are served (a resolved promise would not
 * let them in). setTimeout is the one timer every runtime has.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Milliseconds of work per slice before yielding: short enough to keep p99 latency low. */
export const SLICE_MS = 8;
