/**
 * Number and date formatting shared by the text and HTML reports. Written
 * by hand rather than with toLocaleString so the output is the same in every
 * runtime and locale.
 */
import type { StrategyParams } from "../strategies/strategy.ts";
import { allMidnights, isoDate } from "../core/dates.ts";
import type { DroppedSignal, DropReason } from "../core/signal.ts";

/** `x` with `decimals` places and comma thousands separators; "n/a" for NaN, "inf" for infinities. */
export function formatNumber(x: number, decimals = 2, signed = false): string {
  if (Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? (signed ? "+inf" : "inf") : "-inf";
  // toFixed switches to exponent form from 1e21; such figures are not worth grouping.
  if (Math.abs(x) >= 1e21) return String(x);
  let fixed = x.toFixed(decimals);
  // A small negative that rounds to zero would print as "-0.00".
  if (/^-0(\.0*)?$/.test(fixed)) fixed = fixed.slice(1);
  const negative = fixed.startsWith("-");
  const digits = negative ? fixed.slice(1) : fixed;
  const dot = digits.indexOf(".");
  const whole = dot < 0 ? digits : digits.slice(0, dot);
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ",") + (dot < 0 ? "" : digits.slice(dot));
  const sign = negative ? "-" : signed && Number(fixed) > 0 ? "+" : "";
  return sign + grouped;
}

/** Money: two decimals with separators, e.g. "100,000.00". */
export function formatMoney(x: number): string {
  return formatNumber(x, 2);
}

/** A price: two decimals, four below 1 so cheap instruments keep their precision. */
export function formatPrice(x: number): string {
  return formatNumber(x, Math.abs(x) < 1 && x !== 0 ? 4 : 2);
}

/** A quantity: whole numbers as such, fractional ones (crypto, FX) to four places. */
export function formatQuantity(x: number): string {
  return formatNumber(x, Number.isInteger(x) ? 0 : 4);
}

/** A fraction as a percentage, e.g. 0.1234 -> "12.34%" ("+12.34%" when signed). */
export function formatPercent(fraction: number, decimals = 2, signed = false): string {
  const text = formatNumber(fraction * 100, decimals, signed);
  return Number.isFinite(fraction) ? `${text}%` : text;
}

/** A duration in ms: three decimals below 1 ms (short runs), one above. */
export function formatElapsed(ms: number): string {
  return `${formatNumber(ms, Math.abs(ms) < 1 ? 3 : 1)} ms`;
}

/** Epoch ms as YYYY-MM-DD (UTC); "n/a" when not a time. */
export function formatDate(ms: number): string {
  return Number.isFinite(ms) ? isoDate(ms) : "n/a";
}

/**
 * A formatter for a set of times: dates alone when every time is a UTC
 * midnight (daily bars), else dates with hours and minutes, so intraday
 * trades stay distinguishable.
 */
export function timeFormatter(times: Iterable<number>): (ms: number) => string {
  if (allMidnights(times)) return formatDate;
  return (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "n/a");
}

/** "name (a=1, b=true)", or the bare name without parameters. */
export function formatStrategy(name: string, params: StrategyParams): string {
  const list = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(", ");
  return list ? `${name} (${list})` : name;
}

/** How many dropped signals each reason accounts for, most first (ties in the order of DROP_REASONS). */
export function dropCounts(dropped: readonly DroppedSignal[]): { reason: DropReason; count: number }[] {
  const counts = DROP_REASONS.map((reason) => ({ reason, count: dropped.filter((d) => d.reason === reason).length }));
  return counts.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
}

const DROP_REASONS: readonly DropReason[] = ["threshold", "conflict", "duplicate", "expired", "overridden", "memory"];

/** "12 conflict, 3 duplicate". */
export function formatDropCounts(dropped: readonly DroppedSignal[]): string {
  return dropCounts(dropped).map((c) => `${formatNumber(c.count, 0)} ${c.reason}`).join(", ");
}

/** A signal as "long 0.80". */
export function formatSignal(direction: string, confidence: number): string {
  return `${direction} ${formatNumber(confidence, 2)}`;
}
