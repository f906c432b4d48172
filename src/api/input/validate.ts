import { ApiError, invalid } from "../errors.ts";

/**
 * Small checks for request bodies. Each names the field at fault in the
 * thrown error (`config.initialCash`, `bars[3].high`), so a client knows
 * exactly what to fix.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Parses the body as one JSON object; malformed JSON is a 400, not a 500. */
export async function readJsonObject(req: { text(): Promise<string> }): Promise<JsonObject> {
  const text = await req.text();
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "the request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "invalid_json", `the request body is not valid JSON: ${(e as Error).message}`);
  }
  return object(value as Json, "body");
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function object(v: Json | undefined, field: string): JsonObject {
  if (!isObject(v)) throw invalid(field, `must be a JSON object, got ${typeName(v)}`);
  return v;
}

/** Rejects keys outside `allowed`: a misspelt option is an error, not silently ignored. */
export function onlyKeys(o: JsonObject, allowed: readonly string[], prefix = ""): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw invalid(`${prefix}${key}`, `is not a known field; expected one of ${allowed.join(", ")}`);
  }
}

export function string(v: Json | undefined, field: string, maxLength = 256): string {
  if (typeof v !== "string") throw invalid(field, `must be a string, got ${typeName(v)}`);
  if (v.length === 0) throw invalid(field, "must not be empty");
  if (v.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters, got ${v.length}`);
  return v;
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function number(v: Json | undefined, field: string, range: NumberRange = {}): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalid(field, `must be a finite number, got ${typeName(v)}`);
  if (range.integer && !Number.isInteger(v)) throw invalid(field, `must be an integer, got ${v}`);
  if (range.min !== undefined && v < range.min) throw invalid(field, `must be >= ${range.min}, got ${v}`);
  if (range.max !== undefined && v > range.max) throw invalid(field, `must be <= ${range.max}, got ${v}`);
  return v;
}

export function array(v: Json | undefined, field: string, minLength = 0, maxLength = Infinity): Json[] {
  if (!Array.isArray(v)) throw invalid(field, `must be an array, got ${typeName(v)}`);
  if (v.length < minLength) throw invalid(field, `must have at least ${minLength} element(s), got ${v.length}`);
  if (v.length > maxLength) throw invalid(field, `must have at most ${maxLength} elements, got ${v.length}`);
  return v;
}

/** An array of finite numbers as a Float64Array. */
export function numbers(v: Json | undefined, field: string, minLength = 0, maxLength = Infinity): Float64Array {
  const a = array(v, field, minLength, maxLength);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== "number" || !Number.isFinite(x)) throw invalid(`${field}[${i}]`, `must be a finite number, got ${typeName(x)}`);
    out[i] = x;
  }
  return out;
}

export function typeName(v: Json | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return String(v);
}
