import { ConfigError } from "../core/errors.ts";

/**
 * A strict subset of TOML 1.0, enough for a configuration file:
 *
 * - `[table]` and `[dotted.table]` headers, each defined once;
 * - `key = value` with bare keys (A-Z a-z 0-9 _ -) or "quoted" keys;
 * - values: "basic strings" (\" \\ \n \t \r \b \f \uXXXX \UXXXXXXXX escapes),
 *   'literal strings', integers (+/-, `_` between digits, 0x/0o/0b),
 *   floats (fraction and/or exponent, inf, nan), true/false, and arrays of
 *   these (nested, spanning lines, trailing comma allowed);
 * - `#` comments.
 *
 * Not supported, each rejected with a message rather than misread:
 * multi-line strings, inline tables, arrays of tables, dotted keys on the
 * left of `=`, and dates. Every error is a ConfigError naming the source,
 * the line and (where known) the key.
 */
export type TomlValue = string | number | boolean | TomlValue[];
export interface TomlTable {
  [key: string]: TomlValue | TomlTable;
}

export interface TomlDocument {
  readonly data: TomlTable;
  /** The line each key path (e.g. "limits.body") was defined on, for later validation errors. */
  readonly lines: ReadonlyMap<string, number>;
}

export function parseToml(text: string, source = "config.toml"): TomlDocument {
  return new TomlParser(text, source).parse();
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

class TomlParser {
  private pos = 0;
  private line = 1;
  // Null-prototype tables: a key such as __proto__ or constructor is plain data here.
  private readonly data: TomlTable = Object.create(null);
  private readonly lines = new Map<string, number>();
  private readonly definedTables = new Set<string>();
  private table: TomlTable = this.data;
  private tablePath: string[] = [];
  /** The key being parsed, named in value errors. */
  private key = "";

  constructor(private readonly text: string, private readonly source: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parse(): TomlDocument {
    while (this.skipBlankAndComments()) {
      const c = this.text[this.pos];
      if (c === "[") this.parseTableHeader();
      else this.parseKeyValue();
      this.expectLineEnd();
    }
    return { data: this.data, lines: this.lines };
  }

  private fail(message: string): never {
    const where = this.key ? ` (key "${this.key}")` : "";
    throw new ConfigError(`line ${this.line}${where}: ${message}`, { source: this.source, field: this.key || undefined });
  }

  /** Skips whitespace, newlines and comments; false at the end of the text. */
  private skipBlankAndComments(): boolean {
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === undefined) return false;
      if (c === "#") this.skipComment();
      else if (c === "\n") { this.pos++; this.line++; }
      else if (c === "\r" && this.text[this.pos + 1] === "\n") { this.pos += 2; this.line++; }
      else return true;
    }
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== "\n" && this.text[this.pos] !== "\r") this.pos++;
  }

  /** After a header or key/value: only spaces and a comment may follow on the line. */
  private expectLineEnd(): void {
    this.skipSpaces();
    if (this.text[this.pos] === "#") this.skipComment();
    const c = this.text[this.pos];
    if (c === undefined) return;
    if (c === "\n") { this.pos++; this.line++; return; }
    if (c === "\r" && this.text[this.pos + 1] === "\n") { this.pos += 2; this.line++; return; }
    this.fail(`unexpected ${JSON.stringify(c)} after the value; one key = value per line`);
  }

  private parseTableHeader(): void {
    this.key = "";
    this.pos++; // [
    if (this.text[this.pos] === "[") this.fail("arrays of tables ([[...]]) are not supported");
    const path: string[] = [];
    for (;;) {
      this.skipSpaces();
      path.push(this.parseKey());
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === ".") { this.pos++; continue; }
      if (c === "]") { this.pos++; break; }
      this.fail(`expected "." or "]" in the table header, got ${c === undefined ? "the end of the file" : JSON.stringify(c)}`);
    }
    const name = path.join(".");
    if (this.definedTables.has(name)) this.fail(`table [${name}] is defined twice`);
    this.definedTables.add(name);
    let table = this.data;
    for (let i = 0; i < path.length; i++) {
      const k = path[i];
      const existing = Object.hasOwn(table, k) ? table[k] : undefined;
      if (existing === undefined) {
        const created: TomlTable = Object.create(null);
        table[k] = created;
        this.lines.set(path.slice(0, i + 1).join("."), this.line);
        table = created;
      } else if (isTable(existing)) {
        table = existing;
      } else {
        this.fail(`[${name}]: "${path.slice(0, i + 1).join(".")}" is already a value, not a table`);
      }
    }
    this.table = table;
    this.tablePath = path;
  }

  private parseKeyValue(): void {
    this.key = "";
    const k = this.parseKey();
    const full = [...this.tablePath, k].join(".");
    this.key = full;
    this.skipSpaces();
    if (this.text[this.pos] === ".") this.fail("dotted keys are not supported; use a [table] header");
    if (this.text[this.pos] !== "=") this.fail(`expected "=" after the key`);
    this.pos++;
    this.skipSpaces();
    if (Object.hasOwn(this.table, k)) this.fail("is defined twice");
    const line = this.line;
    this.table[k] = this.parseValue();
    this.lines.set(full, line);
  }

  private parseKey(): string {
    const c = this.text[this.pos];
    if (c === '"') return this.parseBasicString();
    if (c === "'") return this.parseLiteralString();
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_-]/.test(this.text[this.pos])) this.pos++;
    const key = this.text.slice(start, this.pos);
    if (!BARE_KEY.test(key)) this.fail(`expected a key, got ${c === undefined ? "the end of the file" : JSON.stringify(c)}`);
    return key;
  }

  private parseValue(): TomlValue {
    const c = this.text[this.pos];
    if (c === '"') {
      if (this.text.startsWith('"""', this.pos)) this.fail('multi-line strings (""") are not supported');
      return this.parseBasicString();
    }
    if (c === "'") {
      if (this.text.startsWith("'''", this.pos)) this.fail("multi-line strings (''') are not supported");
      return this.parseLiteralString();
    }
    if (c === "[") return this.parseArray();
    if (c === "{") this.fail("inline tables ({ ... }) are not supported; use a [table] header");
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,\]#]/.test(this.text[this.pos])) this.pos++;
    const token = this.text.slice(start, this.pos);
    if (token === "") this.fail(c === undefined || c === "\n" || c === "\r" ? "the value is missing" : `unexpected ${JSON.stringify(c)}`);
    if (token === "true") return true;
    if (token === "false") return false;
    return this.parseNumber(token);
  }

  private parseNumber(token: string): number {
    if (/^\d{4}-\d{2}-\d{2}/.test(token)) this.fail(`dates are not supported; write "${token}" as a string`);
    if (/^[+-]?(inf|nan)$/.test(token)) return token.endsWith("nan") ? NaN : token.startsWith("-") ? -Infinity : Infinity;
    const radix = /^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$/.test(token) ? 16 : /^0o[0-7](_?[0-7])*$/.test(token) ? 8
      : /^0b[01](_?[01])*$/.test(token) ? 2 : 0;
    if (radix) return parseInt(token.slice(2).replace(/_/g, ""), radix);
    // Decimal: no leading zeros, underscores only between digits.
    const int = /^[+-]?(0|[1-9](_?\d)*)$/;
    const float = /^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/;
    if (int.test(token) || float.test(token)) {
      const v = Number(token.replace(/_/g, ""));
      if (int.test(token) && !Number.isSafeInteger(v)) this.fail(`integer ${token} is too large`);
      return v;
    }
    return this.fail(`${JSON.stringify(token)} is not a valid value (strings need quotes)`);
  }

  private parseBasicString(): string {
    this.pos++; // "
    let out = "";
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === "\n" || c === "\r") this.fail("unterminated string");
      this.pos++;
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };
      if (e in simple) out += simple[e];
      else if (e === "u" || e === "U") {
        const len = e === "u" ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) this.fail(`invalid \\${e} escape`);
        const code = parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`\\${e}${hex} is not a Unicode scalar value`);
        out += String.fromCodePoint(code);
        this.pos += len;
      } else this.fail(`invalid escape \\${e ?? ""}`);
    }
  }

  private parseLiteralString(): string {
    const start = ++this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== "'" && this.text[this.pos] !== "\n") this.pos++;
    if (this.text[this.pos] !== "'") this.fail("unterminated string");
    return this.text.slice(start, this.pos++);
  }

  private parseArray(): TomlValue[] {
    this.pos++; // [
    const out: TomlValue[] = [];
    for (;;) {
      if (!this.skipBlankAndComments()) this.fail("unterminated array");
      if (this.text[this.pos] === "]") { this.pos++; return out; }
      out.push(this.parseValue());
      if (!this.skipBlankAndComments()) this.fail("unterminated array");
      const c = this.text[this.pos];
      if (c === ",") { this.pos++; continue; }
      if (c === "]") { this.pos++; return out; }
      this.fail(`expected "," or "]" in the array, got ${JSON.stringify(c)}`);
    }
  }
}

function isTable(v: TomlValue | TomlTable): v is TomlTable {
  return typeof v === "object" && !Array.isArray(v);
}
