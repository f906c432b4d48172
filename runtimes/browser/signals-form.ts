// The signal layer on the form (src/signals): several strategies combined
// into one (the combination's method, a weight per strategy, threshold,
// TTL and override), and the memory filter around the strategy or the
// combination. Every control comes from the declarations the CLI's flags
// and the API's schema come from (COMBINE_METHODS, WEIGHT_SETTING,
// COMBINE_SETTINGS, COMBINE_DESCRIPTIONS, MEMORY_SETTINGS); the values are
// checked by the engine's request check, whose errors name the request path
// (combine.weights.momentum, memory.k) that each control carries.
import { MEMORY_DESCRIPTION, MEMORY_SETTINGS } from "../../src/signals/memory-filter.ts";
import { COMBINE_DESCRIPTIONS, COMBINE_METHODS, COMBINE_SETTINGS, WEIGHT_SETTING, type CombineSpec } from "../../src/signals/spec.ts";
import type { StrategyDefinition } from "../../src/strategies/strategy.ts";
import type { CombineMethod } from "../../src/signals/combine.ts";
import { h } from "./dom.ts";
import { FieldSet, fieldFromSetting, fieldsFromSettings, rangeText, type FieldSpec } from "./form.ts";

/** The strategies a run is made of, as the form has them. */
export interface Choice {
  /** The strategy chosen above, then the ones ticked to combine with it, in the order strategies are listed. */
  readonly names: readonly string[];
  /** The combination's method; "" when none is chosen. */
  readonly method: CombineMethod | "";
}

/** Whether a choice runs as a combination: its parameters are then prefixed by strategy (momentum.fast). */
export const isCombined = (c: Choice): boolean => c.names.length > 1 || c.method !== "";

/** The request's strategy field for a choice: one name, or several comma-separated. */
export const strategyField = (c: Choice): string => c.names.join(",");

/** The combination's number fields for `members`: a weight each (blank: 1), then the declared settings. */
export function combineFields(members: readonly string[]): FieldSpec[] {
  return [
    ...members.map((m): FieldSpec => ({
      ...fieldFromSetting(WEIGHT_SETTING, `combine.weights.${m}`, `Weight: ${m}`, WEIGHT_SETTING.description + rangeText(WEIGHT_SETTING)),
      name: `weights.${m}`, placeholder: "1",
    })),
    ...fieldsFromSettings(COMBINE_SETTINGS, "combine"),
  ];
}

/** The memory filter's fields, each with its default. */
export const MEMORY_FIELDS: readonly FieldSpec[] = fieldsFromSettings(MEMORY_SETTINGS, "memory");

/** The controls that are not number fields, by the request path their errors name. */
type Control = "strategy" | "combine.method" | "combine.override" | "memory";

export interface SignalElements {
  readonly members: HTMLElement;
  readonly method: HTMLSelectElement;
  readonly methodHelp: HTMLElement;
  readonly settings: HTMLFieldSetElement;
  readonly fields: HTMLElement;
  readonly override: HTMLSelectElement;
  readonly overrideHelp: HTMLElement;
  readonly memoryOn: HTMLInputElement;
  readonly memoryHelp: HTMLElement;
  readonly memorySettings: HTMLFieldSetElement;
  readonly memoryFields: HTMLElement;
  /** The error lines of the controls. */
  readonly errors: Readonly<Record<Control, HTMLElement>>;
}

/**
 * The combination and memory filter part of the form. `candidates` are the
 * strategies the page can run (and so combine); `onChoice` is called when
 * the choice of strategies or method changes (the parameters shown change
 * with it).
 */
export class SignalForm {
  readonly combine: FieldSet;
  readonly memory: FieldSet;
  private readonly boxes = new Map<string, HTMLInputElement>();
  private primary = "";

  constructor(private readonly el: SignalElements, private readonly candidates: readonly StrategyDefinition[], onChoice: () => void) {
    this.combine = new FieldSet(el.fields, "c", "combine", "error-combine");
    this.memory = new FieldSet(el.memoryFields, "m", "memory", "error-memory");
    el.method.append(h("option", { value: "" }, "None: run the strategy alone"), ...COMBINE_METHODS.map((m) => h("option", { value: m }, m)));
    el.methodHelp.textContent = COMBINE_DESCRIPTIONS.method;
    el.overrideHelp.textContent = `${COMBINE_DESCRIPTIONS.override} (none: the net score decides)`;
    el.memoryHelp.textContent = MEMORY_DESCRIPTION.replace(" ({} for the defaults)", "");
    el.members.replaceChildren(...candidates.map((def) => {
      const id = `combine-member-${def.name}`;
      const box = h("input", { type: "checkbox", id, name: id, value: def.name, "data-testid": id });
      this.boxes.set(def.name, box);
      return h("div", { className: "field field-check" }, h("label", { for: id }, box, " ", def.name, h("span", { className: "field-help member-note" })));
    }));
    this.memory.render(MEMORY_FIELDS);
    for (const control of [el.members, el.method]) {
      control.addEventListener("change", () => {
        this.sync();
        onChoice();
      });
    }
    el.memoryOn.addEventListener("change", () => {
      el.memorySettings.disabled = !el.memoryOn.checked;
    });
  }

  /** Calls `listener` on any change of a setting (the combination's, the override, the memory filter's). */
  onInput(listener: () => void): void {
    this.combine.onInput(listener);
    this.memory.onInput(listener);
    this.el.override.addEventListener("change", listener);
    this.el.memoryOn.addEventListener("change", listener);
  }

  /** The strategy chosen above: it is always part of the run (its box ticked and fixed). */
  setPrimary(name: string): void {
    // A strategy that cannot be combined (one with inputs, pairs) has no box.
    const before = this.boxes.get(this.primary);
    if (this.primary !== name && before) before.checked = false;
    this.primary = name;
    this.sync();
  }

  choice(): Choice {
    const others = this.candidates.filter((d) => d.name !== this.primary && this.boxes.get(d.name)!.checked).map((d) => d.name);
    return { names: [this.primary, ...others], method: this.el.method.value as CombineMethod | "" };
  }

  /** The strategies of `choice` ticked (the one chosen above among them) and its method chosen. */
  setChoice(choice: Choice): void {
    for (const [name, box] of this.boxes) box.checked = choice.names.includes(name);
    this.el.method.value = choice.method;
    this.sync();
  }

  /** The combination's number fields and override as `spec` gives them (blank where it gives none). */
  setCombine(spec: CombineSpec): void {
    for (const f of this.combine.fields) {
      const value = f.name.startsWith("weights.") ? spec.weights?.[f.name.slice("weights.".length)] : spec[f.name as "minConfidence" | "ttl"];
      this.combine.setValue(f.name, value ?? "");
    }
    this.el.override.value = spec.override ?? "";
  }

  /** Back to one strategy alone: no other ticked, no method. */
  reset(): void {
    for (const box of this.boxes.values()) box.checked = false;
    this.el.method.value = "";
    this.sync();
  }

  /** The combination's settings as the request's `combine` (absent without a method); number fields read by `read`. */
  combineSpec(read: (set: FieldSet) => Record<string, unknown>): CombineSpec | undefined {
    const { method } = this.choice();
    if (method === "") return undefined;
    const override = this.el.override.value;
    return { method, ...read(this.combine), ...(override === "" ? {} : { override }) } as CombineSpec;
  }

  get memoryOn(): boolean {
    return this.el.memoryOn.checked;
  }

  /** The control of a request path that is not a number field, if it is one of this form's. */
  control(field: string): Control | null {
    if (field === "strategy" || field === "memory" || field === "combine.override") return field;
    if (field === "combine" || field === "combine.method") return "combine.method";
    return null;
  }

  /** Shows `errors` (by control) on the controls and clears the others; returns the first control in error. */
  showErrors(errors: ReadonlyMap<Control, string>): HTMLElement | null {
    const inputs: Record<Control, HTMLElement> = {
      strategy: this.el.members, "combine.method": this.el.method, "combine.override": this.el.override, memory: this.el.memoryOn,
    };
    let first: HTMLElement | null = null;
    for (const [control, line] of Object.entries(this.el.errors) as [Control, HTMLElement][]) {
      const message = errors.get(control);
      line.textContent = message ?? "";
      if (control !== "strategy") inputs[control].toggleAttribute("aria-invalid", message !== undefined);
      if (message !== undefined) {
        if (control !== "strategy") inputs[control].setAttribute("aria-invalid", "true");
        first ??= control === "strategy" ? this.el.members.querySelector<HTMLElement>("input:not(:disabled)") : inputs[control];
      }
    }
    return first;
  }

  /**
   * Brings the controls in line with the choice: the chosen strategy's box
   * ticked and fixed, a weight field per strategy and the override's choices
   * among them (values typed before kept), the settings usable only with a method.
   */
  private sync(): void {
    for (const [name, box] of this.boxes) {
      const fixed = name === this.primary;
      box.disabled = fixed;
      if (fixed) box.checked = true;
      box.parentElement!.querySelector(".member-note")!.textContent = fixed ? " (chosen above)" : "";
    }
    const { names, method } = this.choice();
    const typed = this.combine.values();
    this.combine.render(combineFields(names));
    for (const [name, value] of Object.entries(typed)) this.combine.setValue(name, value);
    const override = this.el.override.value;
    this.el.override.replaceChildren(h("option", { value: "" }, "None"), ...names.map((n) => h("option", { value: n }, n)));
    this.el.override.value = names.includes(override) ? override : "";
    this.el.settings.disabled = method === "";
  }
}
