import { ConfigError } from "../core/errors.ts";

/** A bar interval as the data vendors name them: 5 minutes, 1 hour, 1 day. */
export interface Timeframe {
  readonly amount: number;
  readonly unit: "second" | "minute" | "hour" | "day" | "week" | "month";
}

const UNIT_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;
const ALIASES: Record<string, Timeframe["unit"]> = {
  s: "second", sec: "second", second: "second", m: "minute", min: "minute", minute: "minute", h: "hour", hour: "hour",
  d: "day", day: "day", w: "week", wk: "week", week: "week", mo: "month", month: "month",
};

/** "1m", "5min", "1h", "1d", "1Min", "15Minute", "1w", "3mo": amount then unit, case-insensitive (an "m" alone is minutes). */
export function parseTimeframe(text: string, field = "timeframe"): Timeframe {
  const m = /^\s*(\d+)\s*([a-z]+?)s?\s*$/i.exec(text);
  const unit = m ? ALIASES[m[2].toLowerCase()] : undefined;
  const amount = m ? Number(m[1]) : NaN;
  if (!unit || !(amount >= 1 && amount <= 100_000)) {
    throw new ConfigError(`${field} must be an amount and a unit such as "1m", "5min", "1h", "1d", "1w" or "1mo", got ${JSON.stringify(text)}`, { field });
  }
  return { amount, unit };
}

/** The length of a fixed-length timeframe in ms; months vary, so they have none. */
export function timeframeMs(tf: Timeframe): number | undefined {
  return tf.unit === "month" ? undefined : tf.amount * UNIT_MS[tf.unit];
}

/**
 * The end of the bar window that starts at `start` (epoch ms). Vendors stamp
 * bars with the window's start; the engine's Bar.time is its close, which
 * this gives (months by the UTC calendar).
 */
export function windowEnd(start: number, tf: Timeframe): number {
  const ms = timeframeMs(tf);
  if (ms !== undefined) return start + ms;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + tf.amount, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export function formatTimeframe(tf: Timeframe): string {
  return `${tf.amount}${{ second: "s", minute: "m", hour: "h", day: "d", week: "w", month: "mo" }[tf.unit]}`;
}
