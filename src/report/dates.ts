const MS_PER_DAY = 86_400_000;

/** Epoch ms as YYYY-MM-DD when every time is a UTC midnight (daily bars), else full ISO 8601. */
export function formatDates(time: Float64Array | readonly number[]): string[] {
  const daily = allMidnights(time);
  return Array.from(time, (t) => (daily ? isoDate(t) : new Date(t).toISOString()));
}

export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** True when every finite time is a UTC midnight: daily bars, shown as dates alone. */
export function allMidnights(times: Iterable<number>): boolean {
  for (const t of times) if (Number.isFinite(t) && t % MS_PER_DAY !== 0) return false;
  return true;
}
