// Forms generated from metadata: a strategy's ParamSpec list and the run
// settings' declarations (CONFIG_SETTINGS, LIMIT_SETTINGS, SIZING_SETTINGS,
// and the signal layer's COMBINE_SETTINGS, WEIGHT_SETTING, MEMORY_SETTINGS:
// the lists the CLI's flags and the API's schema come from), with their
// defaults. Each field has a label, a help line and an error line, tied
// together with aria-describedby; errors are the engine's own messages, and
// a field's text is read by the engine's own rules.
import { expected, type SettingSpec } from "../../src/core/settings.ts";
import { paramField } from "../../src/strategies/params.ts";
import type { ParamSpec } from "../../src/strategies/strategy.ts";
import { h } from "./dom.ts";
import { paramLabel } from "./format.ts";

export interface FieldSpec {
  /** The key in its part of the request; a dotted one (maxOrderRate.count) is nested. */
  readonly name: string;
  readonly label: string;
  readonly type: "integer" | "number" | "boolean";
  readonly value: number | boolean | string;
  readonly min?: number;
  readonly max?: number;
  readonly help: string;
  /** A blank value means "none" (rather than an error). */
  readonly optional?: boolean;
  /** The declaration the field's text is read and checked by (settingFromText). */
  readonly setting: SettingSpec;
  /** Where the value goes in a backtest request (config.initialCash): engine errors naming it belong here. */
  readonly path: string;
  /** The value is typed in units this many times the setting's own (days for a setting in ms). */
  readonly scale?: number;
  /** A heading shown above the first of consecutive fields with the same section (a combination's member). */
  readonly section?: string;
  /** What a blank optional field means (default "none"). */
  readonly placeholder?: string;
}

/**
 * The fields of a strategy's parameters; with `strategy`, as a member of a
 * combination: named and sent prefixed by it (momentum.fast, request path
 * params.momentum.fast), under its name as a heading.
 */
export function fieldsFromParams(specs: readonly ParamSpec[], strategy?: string): FieldSpec[] {
  return specs.map((s) => {
    const name = strategy === undefined ? s.name : `${strategy}.${s.name}`;
    const field = fieldFromSetting(s, paramField(name), paramLabel(s.name), s.description + rangeText(s));
    return strategy === undefined ? field : { ...field, name, section: strategy };
  });
}

/** A field for a declared setting; blank is allowed exactly when the setting has neither a default nor "required". */
export function fieldFromSetting(setting: SettingSpec, path: string, label: string, help: string): FieldSpec {
  return {
    name: setting.name, label, type: setting.type, value: setting.default ?? "", min: setting.min, max: setting.max, help,
    optional: !setting.required && setting.default === undefined, setting, path,
  };
}

const MS_PER_DAY = 86_400_000;

/**
 * The fields of a part of a backtest request (`part`: config, limits,
 * sizing) from its declared settings: label from the name, help from the
 * description and range, value from the default. `group` nests them
 * (limits.maxOrderRate.count): the group as a whole may be left blank. A
 * setting in milliseconds is typed in days.
 */
export function fieldsFromSettings(specs: readonly SettingSpec[], part: string, group?: string): FieldSpec[] {
  return specs.map((s) => {
    const name = group ? `${group}.${s.name}` : s.name;
    const label = group ? `${paramLabel(group)}: ${paramLabel(s.name).toLowerCase()}` : paramLabel(s.name);
    const field = fieldFromSetting(s, `${part}.${name}`, label, s.description + rangeText(s));
    const days = s.name.endsWith("Ms");
    return {
      ...field, name,
      ...(group ? { optional: true } : {}),
      ...(days ? { label: label.replace(/ ms$/, " (days)"), help: `${s.description.replace(/, in milliseconds$/, "")}, in days`, min: undefined, max: undefined, scale: MS_PER_DAY } : {}),
    };
  });
}

export function rangeText(s: SettingSpec): string {
  return s.type === "boolean" || (s.min === undefined && s.max === undefined) ? "" : ` (${expected(s)})`;
}

/** The raw value of a field: text for numbers (the engine parses and checks it), a boolean for a checkbox. */
export type RawValue = string | boolean;

export class FieldSet {
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private specs: readonly FieldSpec[] = [];

  /**
   * `prefix` keeps ids unique (p-fast, s-initialCash); `testPrefix` names
   * data-testid attributes, `errorPrefix` those of the error lines
   * (error-fast; error-memory-k).
   */
  constructor(
    private readonly container: HTMLElement, private readonly prefix: string, private readonly testPrefix: string,
    private readonly errorPrefix = "error",
  ) {}

  render(specs: readonly FieldSpec[]): void {
    this.specs = specs;
    this.inputs.clear();
    this.errors.clear();
    const nodes: HTMLElement[] = [];
    specs.forEach((s, i) => {
      if (s.section !== undefined && s.section !== specs[i - 1]?.section) nodes.push(h("h3", { className: "field-section" }, s.section));
      nodes.push(this.field(s));
    });
    this.container.replaceChildren(...nodes);
  }

  get fields(): readonly FieldSpec[] {
    return this.specs;
  }

  private field(s: FieldSpec): HTMLElement {
    const id = `${this.prefix}-${s.name}`;
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const input = h("input", {
      id, name: s.name, "data-testid": `${this.testPrefix}-${s.name}`, "aria-describedby": `${helpId} ${errorId}`,
      ...(s.type === "boolean"
        ? { type: "checkbox", checked: s.value === true }
        : {
          type: "number", inputmode: s.type === "integer" ? "numeric" : "decimal",
          step: s.type === "integer" ? 1 : "any", min: s.min, max: s.max,
          value: s.value === "" ? undefined : String(s.value), placeholder: s.optional ? (s.placeholder ?? "none") : undefined,
        }),
    });
    this.inputs.set(s.name, input);
    const error = h("p", { className: "field-error", id: errorId, "data-testid": `${this.errorPrefix}-${s.name}` });
    this.errors.set(s.name, error);
    const help = h("p", { className: "field-help", id: helpId }, s.help);
    if (s.type === "boolean") {
      return h("div", { className: "field field-check", "data-field": s.name },
        h("label", { for: id }, input, " ", s.label), help, error);
    }
    return h("div", { className: "field", "data-field": s.name }, h("label", { for: id }, s.label), input, help, error);
  }

  /** Every field's raw value; number fields the browser could not read come back as "NaN" text. */
  values(): Record<string, RawValue> {
    const out: Record<string, RawValue> = {};
    for (const s of this.specs) {
      const input = this.inputs.get(s.name)!;
      if (s.type === "boolean") out[s.name] = input.checked;
      else out[s.name] = input.validity.badInput ? "NaN" : input.value.trim();
    }
    return out;
  }

  /** Sets a field's value (a number's text as typed); a field not on the form is left alone. */
  setValue(name: string, value: number | boolean | string): void {
    const input = this.inputs.get(name);
    if (!input) return;
    if (typeof value === "boolean") input.checked = value;
    else input.value = String(value);
  }

  input(name: string): HTMLInputElement | undefined {
    return this.inputs.get(name);
  }

  has(name: string): boolean {
    return this.inputs.has(name);
  }

  /** Shows `errors` (by field name) and clears the rest; returns the first invalid input. */
  showErrors(errors: ReadonlyMap<string, string>): HTMLInputElement | null {
    let first: HTMLInputElement | null = null;
    for (const s of this.specs) {
      const message = errors.get(s.name);
      const input = this.inputs.get(s.name)!;
      this.errors.get(s.name)!.textContent = message ?? "";
      input.toggleAttribute("aria-invalid", message !== undefined);
      if (message !== undefined) input.setAttribute("aria-invalid", "true");
      if (message !== undefined && !first) first = input;
    }
    return first;
  }

  onInput(listener: () => void): void {
    this.container.addEventListener("input", listener);
    this.container.addEventListener("change", listener);
  }
}
