/**
 * The batch form of every indicator, over whole series, as methods named
 * after the registry's entries. Two implementations share this interface:
 * `tsIndicators` (the plain TypeScript twins, the reference) and
 * `WasmIndicators` (src/kernels, the fast path). Outputs have the input's
 * length, with NaN where a value is not yet defined.
 */
import { checkValues } from "./params.ts";
import { INDICATORS, type IndicatorMethods } from "./registry.ts";

export type Indicators = IndicatorMethods;

/** A twin whose series arguments are checked to be finite first, as the kernels' are. */
function checked(name: string, twin: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  const call = twin as unknown as (...a: unknown[]) => unknown;
  return (...args: unknown[]) => {
    for (const a of args) if (a instanceof Float64Array) checkValues(name, a);
    return call(...args);
  };
}

export const tsIndicators = Object.fromEntries(INDICATORS.map((e) => [e.name, checked(e.name, e.twin)])) as unknown as Indicators;
