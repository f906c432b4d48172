import { describe, expect, it } from "vitest";
import { CONFIG_SETTINGS, resolveConfig } from "../../src/backtest/config.ts";
import { ConfigError, MAX_SHOWN_CHARS, shown, shownKey, StrategyError } from "../../src/core/errors.ts";
import { checkSetting, expected, settingFromText, settingProblem, type SettingSpec } from "../../src/core/settings.ts";

const fraction: SettingSpec = { name: "f", type: "number", min: 0, max: 1, minExclusive: true, description: "" };
const period: SettingSpec = { name: "n", type: "integer", min: 1, max: 100, description: "" };

describe("shown", () => {
  it("shows short values as written and cuts long strings with their length", () => {
    expect([shown("abc"), shown(2.5), shown(true), shown(null), shown(undefined), shown([1, 2]), shown({ a: 1 })])
      .toEqual(['"abc"', "2.5", "true", "null", "nothing", "an array of 2", "an object"]);
    expect(shown("x".repeat(MAX_SHOWN_CHARS))).toBe(`"${"x".repeat(MAX_SHOWN_CHARS)}"`);
    expect(shown("x".repeat(MAX_SHOWN_CHARS + 1))).toBe(`"${"x".repeat(MAX_SHOWN_CHARS)}…" (${MAX_SHOWN_CHARS + 1} characters)`);
    // Escapes count toward the bound, and a surrogate pair is never split.
    expect(shown("\n".repeat(1000))).toBe(`"${"\\n".repeat(MAX_SHOWN_CHARS / 2)}…" (1000 characters)`);
    expect(shown("😀".repeat(100))).toBe(`"${"😀".repeat(MAX_SHOWN_CHARS / 2)}…" (200 characters)`);
    expect(shownKey("k".repeat(1000))).toBe(`${"k".repeat(MAX_SHOWN_CHARS)}…`);
  });

  it("describes a deeply nested value without recursing", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(shown(deep)).toBe("an array of 1");
  });
});

describe("settings", () => {
  it("says what a valid value looks like", () => {
    expect(expected(fraction)).toBe("a number in (0, 1]");
    expect(expected(period)).toBe("an integer from 1 to 100");
    expect(expected({ name: "x", type: "number", min: 0, description: "" })).toBe("a number >= 0");
    expect(expected({ name: "x", type: "number", max: 10, maxExclusive: true, description: "" })).toBe("a number < 10");
    expect(expected({ name: "x", type: "number", description: "" })).toBe("a finite number");
    expect(expected({ name: "x", type: "boolean", description: "" })).toBe("true or false");
  });

  it("checks typed values strictly: a string is never a number", () => {
    expect(settingProblem(fraction, 1)).toBeNull();
    expect(settingProblem(fraction, 0)).toBe("must be a number in (0, 1], got 0");
    expect(settingProblem(fraction, "0.5")).toBe('must be a number in (0, 1], got "0.5"');
    expect(settingProblem(fraction, NaN)).toBe("must be a number in (0, 1], got NaN");
    expect(settingProblem(period, 2.5)).toBe("must be an integer from 1 to 100, got 2.5");
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("nothing thrown");
    };
    const e = thrown(() => checkSetting(period, 0, "params.n", { error: StrategyError, prefix: "s: " }));
    expect([e instanceof StrategyError, e.message, e.field]).toEqual([true, "s: params.n must be an integer from 1 to 100, got 0", "params.n"]);
    expect(thrown(() => checkSetting(period, 0, "n"))).toBeInstanceOf(ConfigError);
  });

  it("reads text in plain decimal only", () => {
    expect(["1", "100", "007"].map((t) => settingFromText(period, t, "n"))).toEqual([1, 100, 7]);
    expect([".5", "0.5", "1", "1.", "1.0"].map((t) => settingFromText(fraction, t, "f"))).toEqual([0.5, 0.5, 1, 1, 1]);
    for (const text of ["1e1", "0x10", "+5", " 5", "5 ", "Infinity", "NaN", "", "1_0", "٣"]) {
      expect(() => settingFromText(period, text, "n"), text).toThrow(`n must be an integer from 1 to 100 written in plain decimal (no exponent, hex, + or spaces), got ${shown(text)}`);
    }
    expect(() => settingFromText(period, "2.0", "n")).toThrow('n must be an integer from 1 to 100, got "2.0"');
    expect(() => settingFromText(period, "101", "n")).toThrow('n must be an integer from 1 to 100, got "101"');
    expect(() => settingFromText({ ...fraction, minExclusive: false }, "-0", "f")).toThrow('f must be a number from 0 to 1, got "-0"');
    expect(settingFromText({ name: "z", type: "number", min: -10, description: "" }, "-2.5", "z")).toBe(-2.5);
    expect(settingFromText({ name: "b", type: "boolean", description: "" }, "false", "b")).toBe(false);
    expect(() => settingFromText({ name: "b", type: "boolean", description: "" }, "yes", "b")).toThrow('b must be true or false, got "yes"');
  });

  it("declares the run settings' defaults as resolveConfig applies them", () => {
    const resolved = resolveConfig({}) as unknown as Record<string, unknown>;
    for (const spec of CONFIG_SETTINGS) expect(resolved[spec.name], spec.name).toBe("default" in spec ? spec.default : undefined);
  });
});
