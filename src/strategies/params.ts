import { StrategyError } from "../core/errors.ts";
import type { ParamSpec, ParamValue, StrategyParams } from "./strategy.ts";

/**
 * Fills defaults and validates given parameters against their specs: unknown
 * names, wrong types and out-of-range values are errors naming the parameter.
 * Strings are accepted for numbers and booleans (CLI and query input).
 */
export function resolveParams(strategy: string, specs: readonly ParamSpec[], given: Partial<StrategyParams> = {}): StrategyParams {
  for (const name of Object.keys(given)) {
    if (!specs.some((s) => s.name === name)) {
      throw new StrategyError(`${strategy}: unknown parameter "${name}"; known: ${specs.map((s) => s.name).join(", ")}`, { field: name });
    }
  }
  const out: StrategyParams = {};
  for (const spec of specs) {
    const raw = given[spec.name];
    out[spec.name] = raw === undefined ? spec.default : coerce(strategy, spec, raw);
  }
  return out;
}

function coerce(strategy: string, spec: ParamSpec, raw: ParamValue): ParamValue {
  const fail = (why: string) => new StrategyError(`${strategy}: parameter ${spec.name} ${why}, got ${JSON.stringify(raw)}`, { field: spec.name });
  if (spec.type === "boolean") {
    if (typeof raw === "boolean") return raw;
    if (raw === "true" || raw === "false") return raw === "true";
    throw fail("must be true or false");
  }
  const v = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(v)) throw fail("must be a number");
  if (spec.type === "integer" && !Number.isInteger(v)) throw fail("must be an integer");
  if (spec.min !== undefined && v < spec.min) throw fail(`must be >= ${spec.min}`);
  if (spec.max !== undefined && v > spec.max) throw fail(`must be <= ${spec.max}`);
  return v;
}
