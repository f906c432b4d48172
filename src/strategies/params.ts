import { shown, shownKey, StrategyError } from "../core/errors.ts";
import { checkSetting, settingFromText } from "../core/settings.ts";
import type { ParamSpec, StrategyParams } from "./strategy.ts";

/** A parameter's place in a backtest request, the name every error about it uses. */
export const paramField = (name: string): string => `params.${shownKey(name)}`;

/**
 * Fills defaults and checks given parameters against their specs: unknown
 * names, wrong types and out-of-range values are errors naming the parameter
 * (`params.fast`, or as `field` names it). Values must have their type already: "20" is not a number
 * here; text from a command line or a form goes through paramsFromText.
 */
export function resolveParams(
  strategy: string, specs: readonly ParamSpec[], given: Readonly<Record<string, unknown>> = {}, field = paramField,
): StrategyParams {
  checkNames(strategy, specs, given, field);
  const out: StrategyParams = {};
  for (const spec of specs) {
    const raw = given[spec.name];
    out[spec.name] = raw === undefined ? spec.default : checkSetting(spec, raw, field(spec.name), { error: StrategyError, prefix: `${strategy}: ` });
  }
  return out;
}

/**
 * Parameters typed as text (the CLI's --param k=v, the page's form) into
 * values, by the same rules as every other setting typed as text
 * (settingFromText); a boolean (a checkbox) passes as it is. `field` names a
 * parameter in errors, e.g. "--param fast" on the command line.
 */
export function paramsFromText(
  strategy: string, specs: readonly ParamSpec[], texts: Readonly<Record<string, string | boolean>>, field = paramField,
): Partial<StrategyParams> {
  checkNames(strategy, specs, texts, field);
  const out: Partial<StrategyParams> = {};
  for (const spec of specs) {
    const text = texts[spec.name];
    if (text === undefined) continue;
    const report = { error: StrategyError, prefix: `${strategy}: ` };
    out[spec.name] = typeof text === "boolean" ? checkSetting(spec, text, field(spec.name), report) : settingFromText(spec, text, field(spec.name), report);
  }
  return out;
}

function checkNames(strategy: string, specs: readonly ParamSpec[], given: Readonly<Record<string, unknown>>, field: (name: string) => string): void {
  for (const name of Object.keys(given)) {
    if (!specs.some((s) => s.name === name)) {
      throw new StrategyError(`${strategy}: unknown parameter ${shown(name)}; known: ${specs.map((s) => s.name).join(", ")}`, { field: field(name) });
    }
  }
}
