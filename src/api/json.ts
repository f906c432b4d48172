import type { JsonPiece, JsonWriter } from "../kernels/json.ts";

/**
 * JSON text for float64 columns without converting them to arrays first.
 * Numbers print exactly as JSON.stringify prints them (the shortest text that
 * reads back to the same double), and NaN and infinities, which JSON cannot
 * hold, become null, as JSON.stringify does. The twin of json.wasm
 * (src/kernels/json.ts), which writes the same text 2.7x faster than
 * JSON.stringify and 2-7x faster than this (bench/RESULTS.md, JSON answers).
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
  return jsonText(columnsPieces(columns));
}

/** The pieces of `{"key":[...],...}`: the keys as JSON text, the columns as they are. */
export function columnsPieces(columns: Iterable<readonly [string, ArrayLike<number>]>): JsonPiece[] {
  const pieces: JsonPiece[] = [];
  let open = "{";
  for (const [name, values] of columns) {
    pieces.push(`${open}${JSON.stringify(name)}:`, values);
    open = ",";
  }
  pieces.push(open === "{" ? "{}" : "}");
  return pieces;
}

/** The text of a JSON answer given as pieces (the twin of the WASM writer). */
export function jsonText(pieces: readonly JsonPiece[]): string {
  let s = "";
  for (const p of pieces) s += typeof p === "string" ? p : numbersJson(p);
  return s;
}

/** The TypeScript JSON writer: a string, which the runtime encodes as it sends it. */
export const tsJson: JsonWriter = { write: jsonText };
