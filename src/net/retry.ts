/**
 * When to try again. Exponential backoff with jitter so that many clients
 * cut off together do not come back together, and the server's own word
 * (Retry-After, X-Ratelimit-Reset) taking precedence when it gives one.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0: never retry). */
  readonly retries: number;
  /** Delay cap of the first retry, in ms; it doubles per retry... */
  readonly baseMs: number;
  /** ...up to this cap. */
  readonly maxMs: number;
  /** Longest server-requested wait we honour; beyond it we give up rather than stall (ms). */
  readonly maxServerWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({ retries: 4, baseMs: 250, maxMs: 30_000, maxServerWaitMs: 60_000 });

/**
 * The delay before retry number `attempt` (0-based): "equal jitter", half
 * the capped exponential fixed and half random. Half fixed so a retry never
 * fires at once (full jitter can draw ~0 and hammer a struggling service);
 * half random so a crowd of clients spreads out.
 */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, "baseMs" | "maxMs">, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return cap / 2 + random() * (cap / 2);
}

/** A header lookup, so both fetch's Headers and a plain object fit. */
export type HeaderLookup = { get(name: string): string | null };

/**
 * How long the server asked us to wait, in ms, or undefined when it did not
 * say. `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3);
 * Alpaca instead sends `X-Ratelimit-Reset`, the epoch second when its
 * window refills. A time already past means "now" (0).
 */
export function serverWaitMs(headers: HeaderLookup, now: number): number | undefined {
  const after = headers.get("retry-after")?.trim();
  if (after) {
    if (/^\d+$/.test(after)) return Number(after) * 1000;
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    // Epoch seconds; a small number would be a delay in seconds, which some services send instead.
    const n = Number(reset);
    return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
  }
  return undefined;
}
