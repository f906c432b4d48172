// API keys, public routes and the job limits in AppConfig: formats, layering, hashed storage, messages.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { loadAppConfig, type AppConfig } from "../../src/config/app-config.ts";
import { constantTimeEqual } from "../../src/core/constant-time.ts";
import { ConfigError } from "../../src/core/errors.ts";

const ALICE = "alice-secret-0123456789";
const OPS = "ops-secret-abcdefghijklmnop";
const hex = (text: string) => createHash("sha256").update(text).digest("hex");
const file = (text: string) => ({ file: { text, name: "nt.toml" } });

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

/** Each key as [id, scopes, hex SHA-256], once the hashes are computed. */
async function keys(c: AppConfig): Promise<[string, string[], string][]> {
  return Promise.all(c.apiKeys.map(async (k) => [k.id, [...k.scopes], Buffer.from(await k.sha256).toString("hex")] as [string, string[], string]));
}

describe("API keys in AppConfig", () => {
  it("reads NT_API_KEYS: id:scopes:secret or id:scopes:sha256:<hex>, separated by spaces or newlines", async () => {
    const c = loadAppConfig({ env: { NT_API_KEYS: `alice:read,backtest:sha256:${hex(ALICE)}\n  ops:admin:${OPS}  bob:trade,read,trade:${"b".repeat(20)}` } });
    expect(await keys(c)).toEqual([
      ["alice", ["read", "backtest"], hex(ALICE)],
      ["ops", ["admin"], hex(OPS)],
      ["bob", ["trade", "read"], hex("b".repeat(20))],
    ]);
  });

  it("reads [auth.keys.<id>] tables, and keeps NT_API_TOKEN (or [auth] token) as one admin key named token", async () => {
    const c = loadAppConfig(file([
      "[auth]", `token = "${"t".repeat(16)}"`,
      "[auth.keys.alice]", `sha256 = "${hex(ALICE).toUpperCase()}"`, 'scopes = ["read", "backtest"]',
      "[auth.keys.ops]", `secret = "${OPS}"`, 'scopes = ["admin"]',
    ].join("\n")));
    expect(await keys(c)).toEqual([["token", ["admin"], hex("t".repeat(16))], ["alice", ["read", "backtest"], hex(ALICE)], ["ops", ["admin"], hex(OPS)]]);
  });

  it("layers: NT_API_KEYS replaces the file's keys, NT_API_TOKEN the file's token; each leaves the other", async () => {
    const toml = file(`[auth]\ntoken = "${"t".repeat(16)}"\n[auth.keys.alice]\nsecret = "${ALICE}"\nscopes = ["read"]`);
    expect((await keys(loadAppConfig({ ...toml, env: { NT_API_KEYS: `ops:admin:${OPS}` } }))).map((k) => k[0])).toEqual(["token", "ops"]);
    const token = await keys(loadAppConfig({ ...toml, env: { NT_API_TOKEN: "u".repeat(16) } }));
    expect(token.map((k) => [k[0], k[2]])).toEqual([["alice", hex(ALICE)], ["token", hex("u".repeat(16))]]);
  });

  it("keeps only the hash: no plain secret anywhere in the config object", async () => {
    const c = loadAppConfig({ env: { NT_API_TOKEN: "token-secret-0123456789", NT_API_KEYS: `ops:admin:${OPS}` } });
    await Promise.all(c.apiKeys.map((k) => k.sha256));
    const shown = JSON.stringify(c) + inspect(c, { depth: Infinity, showHidden: true, getters: true });
    for (const secret of ["token-secret-0123456789", OPS]) expect(shown).not.toContain(secret);
    for (const key of c.apiKeys) expect(Object.keys(key).sort()).toEqual(["id", "scopes", "sha256"]);
    expect(Object.isFrozen(c.apiKeys) && c.apiKeys.every(Object.isFrozen)).toBe(true);
  });

  it("refuses malformed keys naming the variable or file key, never repeating a secret", () => {
    const env = (NT_API_KEYS: string) => message(() => loadAppConfig({ env: { NT_API_KEYS } }));
    const noColons = env(`${OPS}`);
    expect(noColons).toBe("environment: NT_API_KEYS entry 1 must be id:scopes:secret or id:scopes:sha256:<64 hex digits>, scopes separated by commas");
    expect(env(`ops:admin:${OPS} bob:${OPS}:x`)).toBe("environment: NT_API_KEYS entry 2 scopes must be one or more of read, backtest, trade, admin");
    expect(env("ops:admin:short")).toBe("environment: NT_API_KEYS entry 1 secret must be at least 16 printable characters without spaces");
    expect(env("ops:admin:sha256:abc")).toContain("NT_API_KEYS entry 1 sha256 must be 64 hex digits");
    expect(env(`ops:admin:${OPS} ops:read:${ALICE}`)).toBe("environment: NT_API_KEYS entries 1 and 2 have the same id");
    expect(env(`token:read:${ALICE}`)).toBe('environment: NT_API_KEYS entry 1 has the id "token", which names the key NT_API_TOKEN ([auth] token) defines; give this key another id');
    expect(env(`a/b:read:${ALICE}`)).toContain("entry 1: the id must be 1-64 letters");
    for (const m of [noColons, env(`ops:${OPS}:x`), env(`${OPS}:read:x`)]) expect(m).not.toContain(OPS);

    const toml = (text: string) => message(() => loadAppConfig(file(text)));
    expect(toml(`[auth.keys.alice]\nsecret = "${ALICE}"\nscopes = ["read", "trading"]`))
      .toBe('nt.toml: line 3: auth.keys.alice.scopes must be one or more of read, backtest, trade, admin, got "trading"');
    expect(toml(`[auth.keys.alice]\nsecret = "${ALICE}"`)).toBe('nt.toml: line 1: auth.keys.alice.scopes must be a list such as ["read", "backtest"], got "nothing"');
    expect(toml(`[auth.keys.alice]\nsecret = "${ALICE}"\nsha256 = "${hex(ALICE)}"\nscopes = ["read"]`))
      .toBe("nt.toml: line 1: auth.keys.alice needs exactly one of sha256 (the secret's SHA-256 in hex) or secret");
    expect(toml(`[auth.keys.alice]\nsecret = "${ALICE}"\nscope = ["read"]`)).toBe("nt.toml: line 3: auth.keys.alice.scope unknown key; a key takes scopes, and sha256 or secret");
    expect(toml('[auth.keys.alice]\nsecret = "short"\nscopes = ["read"]')).toBe("nt.toml: line 2: auth.keys.alice.secret must be at least 16 printable characters without spaces");
    expect(toml(`[auth]\nkeys = "alice:read:${ALICE}"`)).toBe("nt.toml: line 2: auth.keys must be tables, one per entry: [auth.keys.<id>]");
    expect(toml(`[auth.keys.token]\nsecret = "${ALICE}"\nscopes = ["read"]`)).toContain('line 1: auth.keys.token has the id "token"');
    expect(toml(`[auth.keys.alice]\nsecret = "${ALICE}"\nscopes = ["read"]\n[auth.keys.alice]`)).toContain("defined twice");
  });
});

describe("the README's examples", () => {
  it("the TOML file of keys loads as written", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const toml = /### API keys[\s\S]*?```toml\n([\s\S]*?)```/.exec(readme)![1];
    const c = loadAppConfig(file(toml));
    expect((await keys(c)).map(([id, scopes, digest]) => [id, scopes, digest])).toEqual([
      ["alice", ["read", "backtest"], hex("an-example-secret-0123")],
      ["ops", ["admin"], hex("replace-with-a-long-random-secret")],
    ]);
  });
});

describe("public routes", () => {
  it("default to the stateless compute routes; NT_PUBLIC_ROUTES or [auth] public_routes narrow them, none closes all", () => {
    expect(loadAppConfig().publicRoutes).toEqual(["/indicators", "/risk", "/optimize", "/backtest", "/forecast"]);
    expect(loadAppConfig({ env: { NT_PUBLIC_ROUTES: "none" } }).publicRoutes).toEqual([]);
    expect(loadAppConfig({ env: { NT_PUBLIC_ROUTES: "/indicators,/indicators" } }).publicRoutes).toEqual(["/indicators"]);
    expect(loadAppConfig(file('[auth]\npublic_routes = ["/risk"]')).publicRoutes).toEqual(["/risk"]);
    expect(loadAppConfig(file("[auth]\npublic_routes = []")).publicRoutes).toEqual([]);
  });

  it("refuses routes that keep state, and unknown ones", () => {
    expect(message(() => loadAppConfig({ env: { NT_PUBLIC_ROUTES: "/indicators,/sessions" } })))
      .toBe("environment: NT_PUBLIC_ROUTES entries must be routes that keep no state (/indicators, /risk, /optimize, /backtest, /forecast) or \"none\"; /sessions always needs a key: what it keeps belongs to the key that made it");
    expect(message(() => loadAppConfig(file('[auth]\npublic_routes = ["/health"]')))).toContain('line 2: auth.public_routes entries must be routes that keep no state');
  });
});

describe("job limits", () => {
  it("reads the jobs' memory budget and the time finished results are kept", () => {
    const c = loadAppConfig(file('[limits]\njobs_memory = "1gb"\nresult_ttl = "7d"'));
    expect([c.jobsMemoryBytes, c.resultTtlMs]).toEqual([1024 ** 3, 7 * 86_400_000]);
    expect(loadAppConfig({ env: { NT_RESULT_TTL: "90s" } }).resultTtlMs).toBe(90_000);
    expect(message(() => loadAppConfig({ env: { NT_JOBS_MEMORY: "1kb" } }))).toBe("environment: NT_JOBS_MEMORY must be between 64kb and 64gb, got 1024 bytes");
    expect(message(() => loadAppConfig({ env: { NT_RESULT_TTL: "40d" } }))).toBe("environment: NT_RESULT_TTL must be between 1s and 30d, got 3456000000 ms");
  });
});

describe("constantTimeEqual", () => {
  it("is equality over bytes, lengths included", () => {
    const b = (...x: number[]) => Uint8Array.from(x);
    expect(constantTimeEqual(b(1, 2, 3), b(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(b(), b())).toBe(true);
    expect(constantTimeEqual(b(1, 2, 3), b(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(b(0, 2, 3), b(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(b(1, 2), b(1, 2, 0))).toBe(false);
    expect(constantTimeEqual(b(1, 2, 0), b(1, 2))).toBe(false);
  });

  it("reads every byte whatever the first difference: no early exit", () => {
    // A proxy that counts reads stands in for timing, which is too noisy to test on a shared machine.
    const counted = (bytes: Uint8Array) => {
      let reads = 0;
      const proxy = new Proxy(bytes, { get: (t, p) => (typeof p === "string" && /^\d+$/.test(p) && reads++, Reflect.get(t, p)) });
      return { proxy: proxy as Uint8Array, reads: () => reads };
    };
    const secret = new Uint8Array(32).fill(7);
    const readsFor = (guess: Uint8Array) => {
      const a = counted(guess);
      const b = counted(secret);
      constantTimeEqual(a.proxy, b.proxy);
      return a.reads() + b.reads();
    };
    const early = new Uint8Array(32).fill(7);
    early[0] = 0;
    const late = new Uint8Array(32).fill(7);
    late[31] = 0;
    expect(readsFor(early)).toBe(64);
    expect(readsFor(late)).toBe(64);
    expect(readsFor(secret.slice())).toBe(64);
  });
});
