import { ConfigError } from "../core/errors.ts";
import { COMPUTE_ROUTES, keyFromHash, keyFromSecret, SCOPES, TOKEN_KEY_ID, type ApiKey, type ComputeRoute, type Scope } from "./api-keys.ts";
import { parseToml, type TomlTable, type TomlValue } from "./toml.ts";
import { LOG_LEVELS, type LogLevel } from "../observability/log.ts";

/**
 * The API server's settings. Runtime adapters read the environment and the
 * optional TOML file and pass their plain values to `loadAppConfig`; this
 * module reads neither itself, so it runs anywhere.
 */
export interface AppConfig {
  /** Interface to listen on; loopback by default so nothing is exposed by accident. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * The keys a client may present as `Authorization: Bearer <secret>`, each
   * with its scopes and only the hash of its secret; none: every route that
   * needs a key is refused.
   */
  readonly apiKeys: readonly ApiKey[];
  /** The stateless compute routes served without a key; the others need one with the backtest scope. */
  readonly publicRoutes: readonly ComputeRoute[];
  /** Origins allowed by CORS ("*" for any); empty: no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Token bucket per client: refill rate (0 = no limit) and capacity. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** Most values (rows x columns) one POST /indicators answer may hold; bounds the answer's memory. */
  readonly maxOutputValues: number;
  /** Key rate limits by the first X-Forwarded-For address (only behind a proxy you control). */
  readonly trustProxy: boolean;
  /** Asynchronous backtest jobs kept (queued, running or finished). */
  readonly maxJobs: number;
  /** Bytes that backtest jobs may hold together: inputs while they run, reports once done (estimated). */
  readonly jobsMemoryBytes: number;
  /** How long a finished job or an ended paper session is kept, in ms (on the app's clock). */
  readonly resultTtlMs: number;
  /** Paper sessions kept at once. */
  readonly maxSessions: number;
  /**
   * Folder where paper sessions keep their journals, bars and state, one
   * folder each, so they survive a restart of the server and resume. Unset:
   * sessions live in memory only. A server needs a disk for it (the edge has none).
   */
  readonly sessionsDir?: string;
  /** A vector index file (nt memory import) that POST /memory/search and the MCP search_memory tool answer from; none by default. */
  readonly memoryIndex?: string;
  /**
   * Workers that run the routes whose cost scales with the body (/indicators,
   * /risk, /optimize, /backtest) off the thread that serves requests.
   * Undefined: one per core but one, at least one; 0: on the serving thread.
   * Runtimes without workers (edge) always compute on the serving thread.
   */
  readonly computeWorkers?: number;
  /** Such requests that may wait for a busy worker; beyond them: 503 with Retry-After. */
  readonly computeQueue: number;
  /** Time budget of one such request, waiting included; a worker past it is stopped (504). */
  readonly computeTimeoutMs: number;
  /** Serve Prometheus metrics at GET /metrics (OpenTelemetry meters); off by default. */
  readonly metrics: boolean;
  /** Record OpenTelemetry traces: "log" writes each ended span as a log line; off by default. */
  readonly traces: "off" | "log";
  /** Least severe log level written. */
  readonly logLevel: LogLevel;
  /** Log lines as JSON objects (for collectors) or short text. */
  readonly logFormat: "json" | "text";
  /** Alpaca: market data and trading. Keys are optional until a feed or broker needs them (requireAlpacaCredentials). */
  readonly alpaca: AlpacaSettings;
  /** Polygon (Massive): market data. */
  readonly polygon: PolygonSettings;
}

export interface AlpacaSettings {
  readonly keyId?: string;
  readonly secret?: string;
  /** Trading REST: the paper endpoint unless set to live (https://api.alpaca.markets). */
  readonly tradingUrl: string;
  /** Market-data REST. */
  readonly dataUrl: string;
  /** Market-data WebSocket; by default the one of `feed`. */
  readonly streamUrl: string;
  /** "iex" (free) or "sip" (paid, all exchanges). */
  readonly feed: "iex" | "sip";
  /** Real-time news WebSocket (nt news stream). */
  readonly newsStreamUrl: string;
}

export interface PolygonSettings {
  readonly key?: string;
  readonly restUrl: string;
  readonly streamUrl: string;
}

const ALPACA_STREAM = (feed: string) => `wss://stream.data.alpaca.markets/v2/${feed}`;

export const defaultAppConfig: AppConfig = Object.freeze({
  host: "127.0.0.1",
  port: 8787,
  apiKeys: [],
  publicRoutes: COMPUTE_ROUTES,
  corsOrigins: [],
  rateLimit: { perSecond: 100, burst: 200 },
  bodyLimitBytes: 10 * 1024 * 1024,
  maxOutputValues: 5_000_000,
  trustProxy: false,
  maxJobs: 64,
  jobsMemoryBytes: 256 * 1024 ** 2,
  resultTtlMs: 3_600_000,
  maxSessions: 16,
  computeWorkers: undefined,
  computeQueue: 32,
  computeTimeoutMs: 30_000,
  metrics: false,
  traces: "off",
  logLevel: "info",
  logFormat: "json",
  alpaca: Object.freeze({
    tradingUrl: "https://paper-api.alpaca.markets", dataUrl: "https://data.alpaca.markets", streamUrl: ALPACA_STREAM("iex"), feed: "iex" as const,
    newsStreamUrl: "wss://stream.data.alpaca.markets/v1beta1/news",
  }),
  polygon: Object.freeze({ restUrl: "https://api.polygon.io", streamUrl: "wss://socket.polygon.io/stocks" }),
});

/** Where the settings come from; later sources win: defaults < file < env < overrides. */
export interface AppConfigSources {
  /** Environment variables (only NT_* are read). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The TOML file's text and name (named in errors). */
  file?: { readonly text: string; readonly name: string };
  /** Command-line flags, already parsed. */
  overrides?: Partial<Pick<AppConfig, "host" | "port">>;
}

type Scalars = Omit<AppConfig, "alpaca" | "polygon">;
type Mutable = { -readonly [K in keyof Scalars]: Scalars[K] } & {
  alpaca: { -readonly [K in keyof AlpacaSettings]: AlpacaSettings[K] };
  polygon: { -readonly [K in keyof PolygonSettings]: PolygonSettings[K] };
};
/** A setting's value: text from the environment, or a TOML value (a table only where a setting takes one). */
type Raw = TomlValue | TomlTable;
type Where = { source: string; field: string; line?: number; lines?: ReadonlyMap<string, number> };

/** One setting: its environment variable, its place in the TOML file, and how to read a value. */
interface Setting {
  readonly env: string;
  readonly toml: string;
  /** Its TOML value is a table (`[auth.keys.<id>]`), not a plain value. */
  readonly table?: true;
  apply(config: Mutable, value: Raw, where: Where): void;
}

const SETTINGS: readonly Setting[] = [
  { env: "NT_HOST", toml: "server.host", apply: (c, v, w) => (c.host = host(v, w)) },
  { env: "NT_PORT", toml: "server.port", apply: (c, v, w) => (c.port = integer(v, w, 0, 65535)) },
  { env: "NT_TRUST_PROXY", toml: "server.trust_proxy", apply: (c, v, w) => (c.trustProxy = boolean(v, w)) },
  { env: "NT_API_TOKEN", toml: "auth.token", apply: (c, v, w) => (c.apiKeys = withTokenKey(c.apiKeys, token(v, w))) },
  { env: "NT_API_KEYS", toml: "auth.keys", table: true, apply: (c, v, w) => (c.apiKeys = withListedKeys(c.apiKeys, apiKeys(v, w))) },
  { env: "NT_PUBLIC_ROUTES", toml: "auth.public_routes", apply: (c, v, w) => (c.publicRoutes = publicRoutes(v, w)) },
  { env: "NT_CORS_ORIGINS", toml: "cors.origins", apply: (c, v, w) => (c.corsOrigins = origins(v, w)) },
  { env: "NT_RATE_LIMIT", toml: "limits.rate", apply: (c, v, w) => (c.rateLimit = { ...c.rateLimit, perSecond: rate(v, w) }) },
  { env: "NT_RATE_BURST", toml: "limits.burst", apply: (c, v, w) => (c.rateLimit = { ...c.rateLimit, burst: integer(v, w, 1, 1e9) }) },
  { env: "NT_BODY_LIMIT", toml: "limits.body", apply: (c, v, w) => (c.bodyLimitBytes = bytes(v, w)) },
  { env: "NT_MAX_OUTPUT_VALUES", toml: "limits.output_values", apply: (c, v, w) => (c.maxOutputValues = integer(v, w, 1000, 100_000_000)) },
  { env: "NT_MAX_JOBS", toml: "limits.jobs", apply: (c, v, w) => (c.maxJobs = integer(v, w, 1, 100_000)) },
  { env: "NT_JOBS_MEMORY", toml: "limits.jobs_memory", apply: (c, v, w) => (c.jobsMemoryBytes = bytes(v, w, { min: 64 * 1024, max: 64 * 1024 ** 3, text: "64kb and 64gb" })) },
  { env: "NT_RESULT_TTL", toml: "limits.result_ttl", apply: (c, v, w) => (c.resultTtlMs = duration(v, w, { min: 1000, max: 30 * 86_400_000, text: "1s and 30d" })) },
  { env: "NT_MAX_SESSIONS", toml: "limits.sessions", apply: (c, v, w) => (c.maxSessions = integer(v, w, 1, 10_000)) },
  { env: "NT_SESSIONS_DIR", toml: "sessions.dir", apply: (c, v, w) => (c.sessionsDir = folder(v, w)) },
  { env: "NT_MEMORY_INDEX", toml: "memory.index", apply: (c, v, w) => (c.memoryIndex = filePath(v, w)) },
  { env: "NT_COMPUTE_WORKERS", toml: "compute.workers", apply: (c, v, w) => (c.computeWorkers = workers(v, w)) },
  { env: "NT_COMPUTE_QUEUE", toml: "compute.queue", apply: (c, v, w) => (c.computeQueue = integer(v, w, 0, 100_000)) },
  { env: "NT_COMPUTE_TIMEOUT", toml: "compute.timeout", apply: (c, v, w) => (c.computeTimeoutMs = duration(v, w)) },
  { env: "NT_METRICS", toml: "telemetry.metrics", apply: (c, v, w) => (c.metrics = boolean(v, w)) },
  { env: "NT_TRACES", toml: "telemetry.traces", apply: (c, v, w) => (c.traces = oneOf(v, w, ["off", "log"])) },
  { env: "NT_LOG_LEVEL", toml: "log.level", apply: (c, v, w) => (c.logLevel = oneOf(v, w, LOG_LEVELS)) },
  { env: "NT_LOG_FORMAT", toml: "log.format", apply: (c, v, w) => (c.logFormat = oneOf(v, w, ["json", "text"])) },
  { env: "NT_ALPACA_KEY_ID", toml: "alpaca.key_id", apply: (c, v, w) => (c.alpaca.keyId = credential(v, w)) },
  { env: "NT_ALPACA_SECRET", toml: "alpaca.secret", apply: (c, v, w) => (c.alpaca.secret = credential(v, w)) },
  { env: "NT_ALPACA_TRADING_URL", toml: "alpaca.trading_url", apply: (c, v, w) => (c.alpaca.tradingUrl = url(v, w, ["https:", "http:"])) },
  { env: "NT_ALPACA_DATA_URL", toml: "alpaca.data_url", apply: (c, v, w) => (c.alpaca.dataUrl = url(v, w, ["https:", "http:"])) },
  { env: "NT_ALPACA_STREAM_URL", toml: "alpaca.stream_url", apply: (c, v, w) => (c.alpaca.streamUrl = url(v, w, ["wss:", "ws:"])) },
  { env: "NT_ALPACA_FEED", toml: "alpaca.feed", apply: (c, v, w) => (c.alpaca.feed = alpacaFeed(v, w)) },
  { env: "NT_ALPACA_NEWS_STREAM_URL", toml: "alpaca.news_stream_url", apply: (c, v, w) => (c.alpaca.newsStreamUrl = url(v, w, ["wss:", "ws:"])) },
  { env: "NT_POLYGON_KEY", toml: "polygon.key", apply: (c, v, w) => (c.polygon.key = credential(v, w)) },
  { env: "NT_POLYGON_URL", toml: "polygon.url", apply: (c, v, w) => (c.polygon.restUrl = url(v, w, ["https:", "http:"])) },
  { env: "NT_POLYGON_STREAM_URL", toml: "polygon.stream_url", apply: (c, v, w) => (c.polygon.streamUrl = url(v, w, ["wss:", "ws:"])) },
];

/** The environment variables `loadAppConfig` reads, for `--help` texts. */
export const configEnvVars = SETTINGS.map((s) => s.env);

export function loadAppConfig(sources: AppConfigSources = {}): AppConfig {
  const config: Mutable = {
    ...defaultAppConfig, rateLimit: { ...defaultAppConfig.rateLimit }, alpaca: { ...defaultAppConfig.alpaca }, polygon: { ...defaultAppConfig.polygon },
  };
  let burstGiven = false;
  if (sources.file) burstGiven = applyFile(config, sources.file.text, sources.file.name) || burstGiven;
  for (const s of SETTINGS) {
    const raw = sources.env?.[s.env];
    if (raw === undefined || raw.trim() === "") continue;
    s.apply(config, raw.trim(), { source: "environment", field: s.env });
    if (s.env === "NT_RATE_BURST") burstGiven = true;
  }
  const o = sources.overrides ?? {};
  if (o.host !== undefined) config.host = host(o.host, { source: "--host", field: "host" });
  if (o.port !== undefined) config.port = integer(o.port, { source: "--port", field: "port" }, 0, 65535);
  // A rate without an explicit burst allows two seconds' worth of requests at once.
  if (!burstGiven && config.rateLimit.perSecond > 0) {
    config.rateLimit = { ...config.rateLimit, burst: Math.max(1, Math.ceil(2 * config.rateLimit.perSecond)) };
  }
  config.apiKeys = Object.freeze(config.apiKeys.map((k) => Object.freeze(k)));
  // The stream follows the feed unless it was set itself.
  if (config.alpaca.streamUrl === defaultAppConfig.alpaca.streamUrl) config.alpaca.streamUrl = ALPACA_STREAM(config.alpaca.feed);
  if ((config.alpaca.keyId === undefined) !== (config.alpaca.secret === undefined)) {
    const [given, missing] = config.alpaca.keyId === undefined ? ["secret", "key id"] : ["key id", "secret"];
    const setting = missing === "secret" ? "NT_ALPACA_SECRET (or [alpaca] secret)" : "NT_ALPACA_KEY_ID (or [alpaca] key_id)";
    throw new ConfigError(`Alpaca: a ${given} is set but no ${missing}; set ${setting} too`, { field: missing === "secret" ? "NT_ALPACA_SECRET" : "NT_ALPACA_KEY_ID" });
  }
  config.alpaca = Object.freeze(config.alpaca);
  config.polygon = Object.freeze(config.polygon);
  return Object.freeze(config);
}

/** Applies the file's settings; true when it set limits.burst. Unknown tables and keys are errors. */
function applyFile(config: Mutable, text: string, name: string): boolean {
  const { data, lines } = parseToml(text, name);
  const known = new Map(SETTINGS.map((s) => [s.toml, s]));
  const knownTables = new Set(SETTINGS.map((s) => s.toml.split(".")[0]));
  let burst = false;
  for (const [table, body] of Object.entries(data)) {
    const line = lines.get(table);
    if (!knownTables.has(table)) {
      throw new ConfigError(`line ${line}: unknown table or key "${table}"; known tables: ${[...knownTables].join(", ")}`, { source: name, field: table });
    }
    if (typeof body !== "object" || Array.isArray(body)) {
      throw new ConfigError(`line ${line}: "${table}" must be a [${table}] table`, { source: name, field: table });
    }
    for (const [key, value] of Object.entries(body as TomlTable)) {
      const path = `${table}.${key}`;
      const where = { source: name, field: path, line: lines.get(path), lines };
      const setting = known.get(path);
      if (!setting) {
        const options = SETTINGS.filter((s) => s.toml.startsWith(table + ".")).map((s) => s.toml.slice(table.length + 1));
        throw fail(where, `unknown key; [${table}] takes ${options.join(", ")}`);
      }
      const isTable = typeof value === "object" && !Array.isArray(value);
      if (isTable && !setting.table) throw fail(where, "must be a value, not a table");
      if (!isTable && setting.table) throw fail(where, `must be tables, one per entry: [${path}.<id>]`);
      setting.apply(config, value, where);
      if (path === "limits.burst") burst = true;
    }
  }
  return burst;
}

function fail(w: Where, message: string): ConfigError {
  const at = w.line === undefined ? "" : `line ${w.line}: `;
  return new ConfigError(`${at}${w.field} ${message}`, { source: w.source, field: w.field });
}

function describe(v: Raw): string {
  return JSON.stringify(v);
}

function text(v: Raw, w: Where): string {
  if (typeof v !== "string") throw fail(w, `must be a string, got ${describe(v)}`);
  return v;
}

function host(v: Raw, w: Where): string {
  const h = text(v, w);
  if (h === "" || /\s/.test(h)) throw fail(w, `must be a host name or address without spaces, got ${describe(v)}`);
  return h;
}

function filePath(v: Raw, w: Where): string {
  const f = text(v, w);
  if (f.trim() === "" || f.includes("\0")) throw fail(w, `must be a file path, got ${describe(v)}`);
  return f;
}

function folder(v: Raw, w: Where): string {
  const f = text(v, w);
  if (f.trim() === "" || f.includes("\0")) throw fail(w, `must be a folder path, got ${describe(v)}`);
  return f;
}

function integer(v: Raw, w: Where, min: number, max: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw fail(w, `must be an integer, got ${describe(v)}`);
  if (n < min || n > max) throw fail(w, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** One of the listed words. */
function oneOf<T extends string>(v: Raw, w: Where, choices: readonly T[]): T {
  if (typeof v === "string" && (choices as readonly string[]).includes(v)) return v as T;
  throw fail(w, `must be one of ${choices.join(", ")}, got ${describe(v)}`);
}

/** An API key id or secret: printable, no spaces; never repeated in a message. */
function credential(v: Raw, w: Where): string {
  if (typeof v !== "string") throw fail(w, "must be a string");
  if (v.length < 8 || v.length > 256 || !/^[\x21-\x7e]+$/.test(v)) throw fail(w, "must be 8 to 256 printable characters without spaces");
  return v;
}

function url(v: Raw, w: Where, schemes: readonly string[]): string {
  const t = text(v, w);
  let parsed: URL | undefined;
  try {
    parsed = new URL(t);
  } catch { /* reported below */ }
  if (!parsed || !schemes.includes(parsed.protocol)) {
    throw fail(w, `must be a URL starting with ${schemes.map((p) => `${p}//`).join(" or ")}, got ${describe(v)}`);
  }
  return t.replace(/\/+$/, "");
}

function alpacaFeed(v: Raw, w: Where): "iex" | "sip" {
  if (v !== "iex" && v !== "sip") throw fail(w, `must be "iex" or "sip", got ${describe(v)}`);
  return v;
}

/** Alpaca's key id and secret, or an error saying which settings to set. */
export function requireAlpacaCredentials(config: AppConfig): { keyId: string; secret: string } {
  const { keyId, secret } = config.alpaca;
  if (keyId === undefined || secret === undefined) {
    throw new ConfigError("Alpaca needs an API key: set NT_ALPACA_KEY_ID and NT_ALPACA_SECRET (or key_id and secret under [alpaca] in the config file)", { field: "NT_ALPACA_KEY_ID" });
  }
  return { keyId, secret };
}

/** Polygon's API key, or an error saying which setting to set. */
export function requirePolygonKey(config: AppConfig): string {
  if (config.polygon.key === undefined) {
    throw new ConfigError("Polygon needs an API key: set NT_POLYGON_KEY (or key under [polygon] in the config file)", { field: "NT_POLYGON_KEY" });
  }
  return config.polygon.key;
}

function boolean(v: Raw, w: Where): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw fail(w, `must be true or false, got ${describe(v)}`);
}

/** The secret of a key given in plain, as the single token always was. */
function token(v: Raw, w: Where): string {
  const t = text(v, w);
  // Long enough that guessing is hopeless; printable ASCII so it fits an Authorization header.
  if (t.length < 16 || !/^[\x21-\x7e]+$/.test(t)) throw fail(w, "must be at least 16 printable characters without spaces");
  return t;
}

/** NT_API_TOKEN (or `[auth] token`) is one admin key with the id "token"; the listed keys are left alone. */
function withTokenKey(keys: readonly ApiKey[], secret: string): ApiKey[] {
  return [...keys.filter((k) => k.id !== TOKEN_KEY_ID), keyFromSecret(TOKEN_KEY_ID, ["admin"], secret)];
}

/** NT_API_KEYS (or `[auth.keys.<id>]`) replaces the listed keys; the token's key is left alone. */
function withListedKeys(keys: readonly ApiKey[], listed: readonly ApiKey[]): ApiKey[] {
  return [...keys.filter((k) => k.id === TOKEN_KEY_ID), ...listed];
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const KEY_FORMS = "id:scopes:secret or id:scopes:sha256:<64 hex digits>, scopes separated by commas";

/**
 * The listed keys. In the environment: entries separated by spaces or
 * newlines, each `id:scopes:secret` or `id:scopes:sha256:<hex>`. In the
 * file: one table per key, `[auth.keys.<id>]` with `scopes = [...]` and
 * either `sha256 = "<hex>"` or `secret = "..."`. A plain secret is hashed
 * here and dropped. Messages never repeat a secret, nor any part of an
 * environment entry, which might be one.
 */
function apiKeys(v: Raw, w: Where): ApiKey[] {
  if (typeof v === "string") {
    const keys = v.split(/\s+/).filter((e) => e !== "").map((entry, i) => envKey(entry, i + 1, w));
    const ids = keys.map((k) => k.id);
    const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (twice >= 0) throw fail(w, `entries ${ids.indexOf(ids[twice]) + 1} and ${twice + 1} have the same id`);
    return keys;
  }
  if (typeof v !== "object" || Array.isArray(v)) throw fail(w, `must be a list of keys, ${KEY_FORMS}`);
  return Object.entries(v).map(([id, entry]) => fileKey(id, entry, w));
}

function envKey(entry: string, n: number, w: Where): ApiKey {
  const m = /^([^:]*):([^:]*):(.+)$/.exec(entry);
  if (!m) throw fail(w, `entry ${n} must be ${KEY_FORMS}`);
  const [, id, scopeList, credential] = m;
  if (!KEY_ID.test(id)) throw fail(w, `entry ${n}: the id must be 1-64 letters, digits, ".", "_" or "-" (an entry is ${KEY_FORMS})`);
  // Entries are named by number: with its fields out of order, an entry's id could be its secret.
  const at = (part?: string): Where => ({ ...w, field: `${w.field} entry ${n}${part ? ` ${part}` : ""}` });
  const scopes = scopeNames(scopeList.split(","), at("scopes"), false);
  if (credential.startsWith("sha256:")) return hashedKey(id, scopes, credential.slice(7), at(), at("sha256"));
  return keyFromSecret(checkedId(id, at()), scopes, token(credential, at("secret")));
}

function fileKey(id: string, entry: Raw, w: Where): ApiKey {
  const base = `${w.field}.${id}`;
  const at = (key?: string): Where => {
    const field = key === undefined ? base : `${base}.${key}`;
    return { ...w, field, line: w.lines?.get(field) ?? w.lines?.get(base) };
  };
  if (!KEY_ID.test(id)) throw fail(at(), 'names a key by an id that is not 1-64 letters, digits, ".", "_" or "-"');
  if (typeof entry !== "object" || Array.isArray(entry)) throw fail(at(), `must be a table: [${base}] with scopes, and sha256 or secret`);
  const unknown = Object.keys(entry).find((k) => !["scopes", "sha256", "secret"].includes(k));
  if (unknown !== undefined) throw fail(at(unknown), "unknown key; a key takes scopes, and sha256 or secret");
  if (!Array.isArray(entry.scopes)) throw fail(at("scopes"), `must be a list such as ["read", "backtest"], got ${describe(entry.scopes ?? "nothing")}`);
  const scopes = scopeNames(entry.scopes, at("scopes"), true);
  if ((entry.sha256 === undefined) === (entry.secret === undefined)) throw fail(at(), "needs exactly one of sha256 (the secret's SHA-256 in hex) or secret");
  if (entry.sha256 !== undefined) return hashedKey(id, scopes, text(entry.sha256, at("sha256")), at(), at("sha256"));
  return keyFromSecret(checkedId(id, at()), scopes, token(entry.secret, at("secret")));
}

/** "token" names the key of NT_API_TOKEN; a listed key with that id would replace or shadow it. */
function checkedId(id: string, w: Where): string {
  if (id === TOKEN_KEY_ID) throw fail(w, `has the id "${TOKEN_KEY_ID}", which names the key NT_API_TOKEN ([auth] token) defines; give this key another id`);
  return id;
}

function hashedKey(id: string, scopes: readonly Scope[], hex: string, key: Where, field: Where): ApiKey {
  if (!SHA256_HEX.test(hex)) throw fail(field, 'must be 64 hex digits (e.g. printf %s "$SECRET" | sha256sum)');
  return keyFromHash(checkedId(id, key), scopes, hex);
}

/** At least one scope, each known; `echo` shows a bad one (not from an environment entry, where it might be a misplaced secret). */
function scopeNames(list: readonly Raw[], w: Where, echo: boolean): Scope[] {
  const bad = list.find((s) => !SCOPES.includes(s as Scope));
  if (list.length === 0 || bad !== undefined) {
    throw fail(w, `must be one or more of ${SCOPES.join(", ")}${echo && bad !== undefined ? `, got ${describe(bad)}` : ""}`);
  }
  return [...new Set(list as Scope[])];
}

/** "none", or compute routes separated by commas (a list in the file). */
function publicRoutes(v: Raw, w: Where): ComputeRoute[] {
  if (v === "none") return [];
  const list = Array.isArray(v) ? v : text(v, w).split(",").map((s) => s.trim()).filter((s) => s !== "");
  const routes = list.map((r) => {
    if (COMPUTE_ROUTES.includes(r as ComputeRoute)) return r as ComputeRoute;
    const why = r === "/backtests" || r === "/sessions"
      ? `${r} always needs a key: what it keeps belongs to the key that made it`
      : `got ${describe(r)}`;
    throw fail(w, `entries must be routes that keep no state (${COMPUTE_ROUTES.join(", ")}) or "none"; ${why}`);
  });
  return [...new Set(routes)];
}

function origins(v: Raw, w: Where): string[] {
  const list = Array.isArray(v) ? v : text(v, w).split(",").map((s) => s.trim()).filter((s) => s !== "");
  return list.map((o) => {
    if (o === "*") return o;
    if (typeof o === "string") {
      try {
        if (new URL(o).origin === o) return o;
      } catch { /* reported below */ }
    }
    throw fail(w, `entries must be "*" or an origin such as https://example.com (scheme, host, optional port; no path), got ${describe(o)}`);
  });
}

const PER_UNIT: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };

/** "100/s", "6000/min", "36000/h", a plain number (per second), or 0 / "off" for no limit. */
function rate(v: Raw, w: Where): number {
  if (v === "off" || v === 0 || v === "0") return 0;
  let perSecond = NaN;
  if (typeof v === "number") perSecond = v;
  else if (typeof v === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?$/.exec(v.trim().toLowerCase());
    if (m && (m[2] === undefined || m[2] in PER_UNIT)) perSecond = Number(m[1]) / (m[2] ? PER_UNIT[m[2]] : 1);
  }
  if (!(Number.isFinite(perSecond) && perSecond > 0 && perSecond <= 1e9)) {
    throw fail(w, `must be a rate such as "100/s", "6000/min" or "off", got ${describe(v)}`);
  }
  return perSecond;
}

/** "auto" (one per core but one) or a count; 0 computes on the serving thread. */
function workers(v: Raw, w: Where): number | undefined {
  if (v === "auto") return undefined;
  if (!(typeof v === "number" || (typeof v === "string" && /^\d+$/.test(v)))) throw fail(w, `must be "auto" or an integer, got ${describe(v)}`);
  return integer(v, w, 0, 256);
}

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A range and how a message states it. */
type Bounds = { min: number; max: number; text: string };

/** "30s", "500ms", "2m", "1h", "7d" or a number of milliseconds, within `range` (default 10 ms to one hour). */
function duration(v: Raw, w: Where, range: Bounds = { min: 10, max: 3_600_000, text: "10ms and 60m" }): number {
  let n = NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(v.trim().toLowerCase());
    if (m && (m[2] === "" || m[2] in MS_PER_UNIT)) n = Math.round(Number(m[1]) * (m[2] ? MS_PER_UNIT[m[2]] : 1));
  }
  if (!Number.isFinite(n)) throw fail(w, `must be a duration such as "30s", "500ms", "2m" or a number of milliseconds, got ${describe(v)}`);
  if (n < range.min || n > range.max) throw fail(w, `must be between ${range.text}, got ${n} ms`);
  return n;
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "10mb", "512kb", "1gb" (binary units) or a number of bytes, within `range` (default 1 KiB to 1 GiB). */
function bytes(v: Raw, w: Where, range: Bounds = { min: 1024, max: 1024 ** 3, text: "1kb and 1gb" }): number {
  let n = NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(v.trim().toLowerCase());
    if (m && (m[2] === "" || m[2] in BYTE_UNITS)) n = Math.floor(Number(m[1]) * (m[2] ? BYTE_UNITS[m[2]] : 1));
  }
  if (!Number.isFinite(n)) throw fail(w, `must be a size such as "10mb", "512kb" or a number of bytes, got ${describe(v)}`);
  if (n < range.min || n > range.max) throw fail(w, `must be between ${range.text}, got ${n} bytes`);
  return n;
}
