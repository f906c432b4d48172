import type { MiddlewareHandler } from "hono";
import type { ApiEnv, Clock } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { presentedKey, type KeyRing } from "./auth.ts";

/**
 * Token buckets, one per client key: each holds up to `burst` tokens and
 * refills at `perSecond`; a request takes one token or is refused with the
 * wait until the next one.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
    /** Beyond this many keys, full buckets (indistinguishable from new ones) are dropped. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.perSecond;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
    // Still full of busy clients: forget the oldest rather than grow without bound.
    while (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  clock: Clock;
  /** The configured API keys: a request presenting one gets that key's bucket. */
  keys: KeyRing;
  /** Key clients by the first X-Forwarded-For address (only behind a trusted proxy). */
  trustProxy: boolean;
}

/**
 * Per-client rate limiting; 429 with Retry-After when a bucket is empty.
 * Only a known key earns its own bucket (so random secrets cannot buy
 * fresh ones); everyone else is keyed by address.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<ApiEnv> {
  const buckets = new TokenBuckets(options.perSecond, options.burst, options.clock);
  return async (c, next) => {
    const key = await presentedKey(c, options.keys);
    const wait = buckets.take(key ? `key:${key.id}` : `ip:${clientAddress(c, options.trustProxy)}`);
    if (wait > 0) {
      throw new ApiError(429, "rate_limited", `too many requests; retry in ${wait.toFixed(2)} s`, undefined, {
        "retry-after": String(Math.max(1, Math.ceil(wait))),
        "ratelimit-limit": String(options.burst),
        "ratelimit-remaining": "0",
      });
    }
    await next();
  };
}

function clientAddress(c: Parameters<MiddlewareHandler<ApiEnv>>[0], trustProxy: boolean): string {
  if (trustProxy) {
    // The rightmost entry is the one our proxy added; entries to its left come from the client and can be forged.
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return c.env?.clientAddress ?? "unknown";
}
