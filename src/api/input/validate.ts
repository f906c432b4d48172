import { shown, shownKey } from "../../core/errors.ts";
import { settingProblem, type SettingSpec } from "../../core/settings.ts";
import { ApiError, invalid } from "../errors.ts";

/**
 * Small checks for request bodies. Each names the field at fault in the
 * thrown error (`config.initialCash`, `bars[3].high`), so a client knows
 * exactly what to fix, and shows a bad value only as core's shown() does.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The deepest nesting of arrays and objects a body may have (the body itself is level 1); real requests use 3. */
export const MAX_JSON_DEPTH = 32;

/** Parses the body as one JSON object; malformed or too deeply nested JSON is a 400, not a 500. */
export async function readJsonObject(req: { text(): Promise<string> }): Promise<JsonObject> {
  const text = await req.text();
  if (text.trim() === "") throw new ApiError(400, "invalid_json", "the request body is empty; send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "invalid_json", `the request body is not valid JSON: ${shownParseError(e)}`);
  }
  if (typeof value === "object" && value !== null) checkDepth(value, "", 1);
  return object(value as Json, "body");
}

/** JSON.parse's message quotes the text near the fault; some engines quote all of it. */
function shownParseError(e: unknown): string {
  const message = (e as Error).message;
  return message.length <= 200 ? message : `${message.slice(0, 200)}…`;
}

/**
 * Refuses nesting deeper than MAX_JSON_DEPTH, naming the path where it goes
 * too deep, before any validator walks the value. The walk itself recurses
 * at most MAX_JSON_DEPTH levels, so it cannot overflow the stack either.
 */
function checkDepth(value: object, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) {
    throw invalid(path, `is nested more than ${MAX_JSON_DEPTH} levels deep; a request body may nest arrays and objects at most ${MAX_JSON_DEPTH} levels`);
  }
  // Paths are built only for nested values: an array of a million numbers costs no strings.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === "object" && v !== null) checkDepth(v, `${path || "body"}[${i}]`, depth + 1);
    }
  } else {
    for (const key of Object.keys(value)) {
      const v: unknown = (value as JsonObject)[key];
      if (typeof v === "object" && v !== null) checkDepth(v, path === "" ? shownKey(key) : `${path}.${shownKey(key)}`, depth + 1);
    }
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function object(v: Json | undefined, field: string): JsonObject {
  if (!isObject(v)) throw invalid(field, `must be a JSON object, got ${shown(v)}`);
  return v;
}

/** Rejects keys outside `allowed`: a misspelt option is an error, not silently ignored. */
export function onlyKeys(o: JsonObject, allowed: readonly string[], prefix = ""): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw invalid(`${prefix}${shownKey(key)}`, `is not a known field; expected one of ${allowed.join(", ")}`);
  }
}

export function string(v: Json | undefined, field: string, maxLength = 256): string {
  if (typeof v !== "string") throw invalid(field, `must be a string, got ${shown(v)}`);
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
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalid(field, `must be a finite number, got ${shown(v)}`);
  if (range.integer && !Number.isInteger(v)) throw invalid(field, `must be an integer, got ${v}`);
  if (range.min !== undefined && v < range.min) throw invalid(field, `must be >= ${range.min}, got ${v}`);
  if (range.max !== undefined && v > range.max) throw invalid(field, `must be <= ${range.max}, got ${v}`);
  return v;
}

/** A value checked against its declaration (src/core/settings.ts), as the CLI checks the same setting typed as text. */
export function setting(spec: SettingSpec, v: Json | undefined, field: string): number | boolean {
  const problem = settingProblem(spec, v);
  if (problem !== null) throw invalid(field, problem);
  return v as number | boolean;
}

export function array(v: Json | undefined, field: string, minLength = 0, maxLength = Infinity): Json[] {
  if (!Array.isArray(v)) throw invalid(field, `must be an array, got ${shown(v)}`);
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
    if (typeof x !== "number" || !Number.isFinite(x)) throw invalid(`${field}[${i}]`, `must be a finite number, got ${shown(x)}`);
    out[i] = x;
  }
  return out;
}

