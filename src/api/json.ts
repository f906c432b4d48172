/**
 * JSON text for float64 columns, built by hand because this is the API's hot
 * path: on Node 20 it is about twice as fast as JSON.stringify(Array.from(x))
 * (bench/api.bench.ts). Numbers print exactly as JSON.stringify prints them
 * (the shortest text that reads back to the same double), and NaN and
 * infinities, which JSON cannot hold, become null, as JSON.stringify does.
 */
export function numbersJson(values: ArrayLike<number>): string {
  const n = values.length;
  if (n === 0) return "[]";
  let s = "[";
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // v - v is 0 exactly for finite v (NaN for NaN and both infinities).
    s += (i === 0 ? "" : ",") + (v - v === 0 ? v : "null");
  }
  return s + "]";
}

/** `{"key":[...],...}` for named columns, keys escaped as JSON strings. */
export function columnsJson(columns: Iterable<readonly [string, ArrayLike<number>]>): string {
  let s = "{";
  let first = true;
  for (const [name, values] of columns) {
    s += (first ? "" : ",") + JSON.stringify(name) + ":" + numbersJson(values);
    first = false;
  }
  return s + "}";
}
