import type { Clock } from "../core/clock.ts";

/**
 * A session cache: answers kept for `ttlMs` by the injected clock, at most
 * `maxEntries` of them (the oldest dropped first). Map keeps insertion
 * order, so the first key is always the oldest entry.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  hits = 0;
  misses = 0;

  constructor(private readonly clock: Clock, readonly ttlMs: number, readonly maxEntries = 1000) {}

  /** The value under key, computing and keeping it when absent or expired. */
  get(key: string, compute: () => V): V {
    const now = this.clock.now();
    const found = this.entries.get(key);
    if (found !== undefined && found.expires > now) {
      this.hits++;
      return found.value;
    }
    this.misses++;
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
