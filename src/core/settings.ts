import { ConfigError, shown, type EngineError, type ErrorLocation } from "./errors.ts";

/**
 * One number or yes/no setting, declared once: a strategy parameter, a run
 * setting, a risk limit, a sizing option or an indicator argument. The
 * checks below, the CLI's flags, the API's schema and the page's form all
 * read the same declaration, so a value is accepted or refused the same way
 * everywhere.
 */
export interface SettingSpec {
  readonly name: string;
  readonly type: "integer" | "number" | "boolean";
  readonly default?: number | boolean;
  readonly min?: number;
  readonly max?: number;
  /** The value must be above min, not equal to it. */
  readonly minExclusive?: boolean;
  /** The value must be below max, not equal to it. */
  readonly maxExclusive?: boolean;
  /** Must be given (there is no default and no "none"). */
  readonly required?: boolean;
  readonly description: string;
}

/** How a failed check is reported: the error class (ConfigError unless given) and words before the field in its message. */
export interface Report {
  readonly error?: new (message: string, where?: ErrorLocation) => EngineError;
  /** Context for the message, e.g. "momentum: "; the error's field stays the field alone. */
  readonly prefix?: string;
}

function fail(field: string, message: string, { error = ConfigError, prefix = "" }: Report): EngineError {
  return new error(`${prefix}${field} ${message}`, { field });
}

/** What a valid value looks like: "an integer from 1 to 1000", "a number > 0", "a number in (0, 1]", "true or false". */
export function expected(spec: SettingSpec): string {
  if (spec.type === "boolean") return "true or false";
  const kind = spec.type === "integer" ? "an integer" : "a number";
  const { min, max, minExclusive: lo, maxExclusive: hi } = spec;
  if (min !== undefined && max !== undefined) {
    return lo || hi ? `${kind} in ${lo ? "(" : "["}${min}, ${max}${hi ? ")" : "]"}` : `${kind} from ${min} to ${max}`;
  }
  if (min !== undefined) return `${kind} ${lo ? ">" : ">="} ${min}`;
  if (max !== undefined) return `${kind} ${hi ? "<" : "<="} ${max}`;
  return spec.type === "integer" ? kind : "a finite number";
}

/**
 * Why `value` does not fit `spec` ("must be an integer from 1 to 1000, got
 * 2.5"), or null when it fits. The value must already have its type: a
 * string never passes as a number (text goes through settingFromText).
 */
export function settingProblem(spec: SettingSpec, value: unknown): string | null {
  if (spec.type === "boolean" ? typeof value === "boolean" : fitsNumber(spec, value)) return null;
  return `must be ${expected(spec)}, got ${shown(value)}`;
}

function fitsNumber(spec: SettingSpec, v: unknown): boolean {
  if (typeof v !== "number" || !Number.isFinite(v)) return false;
  if (spec.type === "integer" && !Number.isInteger(v)) return false;
  const { min, max } = spec;
  if (min !== undefined && (spec.minExclusive ? v <= min : v < min)) return false;
  if (max !== undefined && (spec.maxExclusive ? v >= max : v > max)) return false;
  return true;
}

/** The value when it fits `spec`; otherwise an error naming `field`. */
export function checkSetting(spec: SettingSpec, value: unknown, field: string, report: Report = {}): number | boolean {
  const problem = settingProblem(spec, value);
  if (problem !== null) throw fail(field, problem, report);
  return value as number | boolean;
}

/** Integers as plain decimal digits; numbers with an optional minus sign and fraction. No exponent, hex, "+" or spaces. */
const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

/**
 * A setting typed as text (a command-line flag, a form field, an indicator
 * argument) into its value, checked: integers in plain decimal digits,
 * numbers in plain decimal, booleans as true or false. "1e9", "0x10", "+5"
 * and "Infinity" are refused, so text cannot say what the range forbids.
 */
export function settingFromText(spec: SettingSpec, text: string, field: string, report: Report = {}): number | boolean {
  const refuse = (how = "") => fail(field, `must be ${expected(spec)}${how}, got ${shown(text)}`, report);
  if (spec.type === "boolean") {
    if (text === "true" || text === "false") return text === "true";
    throw refuse();
  }
  if (!DECIMAL_TEXT.test(text)) throw refuse(" written in plain decimal (no exponent, hex, + or spaces)");
  const value = Number(text);
  // A sign is part of the text only where the range has negative numbers ("-0" is not a period).
  const unsigned = spec.min !== undefined && spec.min >= 0;
  if ((spec.type === "integer" && !INTEGER_TEXT.test(text)) || (unsigned && text.startsWith("-")) || settingProblem(spec, value) !== null) throw refuse();
  return value;
}
