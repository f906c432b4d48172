import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { parseToml } from "../../src/config/toml.ts";

function error(text: string): ConfigError {
  try {
    parseToml(text, "app.toml");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe("parseToml", () => {
  it("reads tables, strings, numbers, booleans and arrays, with the line of each key", () => {
    const { data, lines } = parseToml([
      "# settings",
      'title = "engine"  # trailing comment',
      "",
      "[server]",
      'host = "0.0.0.0"',
      "port = 8_080",
      "ratio = -1.5e3",
      "hex = 0xff",
      "on = true",
      "off = false",
      "[server.tls]",
      "key = 'C:\\keys\\a.pem'",
      "[limits]",
      'origins = [ "https://a.example",',
      '  "https://b.example", ]  # multi-line, trailing comma',
      "nested = [[1, 2], [3]]",
      '"quoted key" = "tab\\there \\u00e9"',
    ].join("\n"));
    expect(data).toEqual({
      title: "engine",
      server: { host: "0.0.0.0", port: 8080, ratio: -1500, hex: 255, on: true, off: false, tls: { key: "C:\\keys\\a.pem" } },
      limits: { origins: ["https://a.example", "https://b.example"], nested: [[1, 2], [3]], "quoted key": "tab\there é" },
    });
    expect(lines.get("server.port")).toBe(6);
    expect(lines.get("server.tls.key")).toBe(12);
    expect(lines.get("limits.nested")).toBe(16);
  });

  it("accepts CRLF line ends and special floats", () => {
    expect(parseToml("a = inf\r\nb = -inf\r\n[t]\r\nc = nan\r\n").data).toEqual({ a: Infinity, b: -Infinity, t: { c: NaN } });
  });

  it("names the line and key of every error", () => {
    expect(error('a = 1\nb = "unterminated\n').message).toBe('app.toml: line 2 (key "b"): unterminated string');
    expect(error("[t]\nx = 1\nx = 2").message).toContain('line 3 (key "t.x"): is defined twice');
    expect(error("[t]\n[t]").message).toContain("line 2: table [t] is defined twice");
    expect(error("x = 1\n[x]").message).toContain('"x" is already a value');
    expect(error("port = 80 81").message).toContain("line 1 (key \"port\"): unexpected");
    expect(error("name = bare").message).toContain('"bare" is not a valid value (strings need quotes)');
    expect(error("n = 012").message).toContain('"012" is not a valid value');
    expect(error("n = 1__0").message).toContain("not a valid value");
    expect(error("n = 99999999999999999999").message).toContain("too large");
    expect(error("a.b = 1").message).toContain("dotted keys are not supported");
    expect(error("t = { a = 1 }").message).toContain("inline tables");
    expect(error("[[t]]").message).toContain("arrays of tables");
    expect(error('s = """x"""').message).toContain("multi-line strings");
    expect(error("d = 2024-01-01").message).toContain("dates are not supported");
    expect(error("a = [1, 2").message).toContain("unterminated array");
    expect(error("a =").message).toContain("the value is missing");
    expect(error('s = "\\q"').message).toContain("invalid escape");
    expect(error("= 1").message).toContain("expected a key");
    expect(error("= 1").field).toBeUndefined();
    expect(error("[t]\ny = @").field).toBe("t.y");
  });
});
