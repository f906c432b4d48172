import { ConfigError } from "../core/errors.ts";
import { parseToml, type TomlTable, type TomlValue } from "./toml.ts";

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
  /** Bearer token for routes that trade or change state; without one those routes are refused. */
  readonly apiToken?: string;
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
  /** Paper sessions kept at once. */
  readonly maxSessions: number;
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
}

export const defaultAppConfig: AppConfig = Object.freeze({
  host: "127.0.0.1",
  port: 8787,
  apiToken: undefined,
  corsOrigins: [],
  rateLimit: { perSecond: 100, burst: 200 },
  bodyLimitBytes: 10 * 1024 * 1024,
  maxOutputValues: 5_000_000,
  trustProxy: false,
  maxJobs: 64,
  maxSessions: 16,
  computeWorkers: undefined,
  computeQueue: 32,
  computeTimeoutMs: 30_000,
});

/** Where the settings come from; later sources win: defaults < file < env < overrides. */
export interface AppConfigSources {
  /** Environment variables (only NT_* are read). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The TOML file's text and name (named in errors). */
  file?: { readonly text: string; readonly name: string };
  /** Command-line flags, already parsed. */
  overrides?: Partial<Pick<AppConfig, "host" | "port" | "apiToken">>;
}

type Mutable = { -readonly [K in keyof AppConfig]: AppConfig[K] };
type Raw = TomlValue;
type Where = { source: string; field: string; line?: number };

/** One setting: its environment variable, its place in the TOML file, and how to read a value. */
interface Setting {
  readonly env: string;
  readonly toml: string;
  apply(config: Mutable, value: Raw, where: Where): void;
}

const SETTINGS: readonly Setting[] = [
  { env: "NT_HOST", toml: "server.host", apply: (c, v, w) => (c.host = host(v, w)) },
  { env: "NT_PORT", toml: "server.port", apply: (c, v, w) => (c.port = integer(v, w, 0, 65535)) },
  { env: "NT_TRUST_PROXY", toml: "server.trust_proxy", apply: (c, v, w) => (c.trustProxy = boolean(v, w)) },
  { env: "NT_API_TOKEN", toml: "auth.token", apply: (c, v, w) => (c.apiToken = token(v, w)) },
  { env: "NT_CORS_ORIGINS", toml: "cors.origins", apply: (c, v, w) => (c.corsOrigins = origins(v, w)) },
  { env: "NT_RATE_LIMIT", toml: "limits.rate", apply: (c, v, w) => (c.rateLimit = { ...c.rateLimit, perSecond: rate(v, w) }) },
  { env: "NT_RATE_BURST", toml: "limits.burst", apply: (c, v, w) => (c.rateLimit = { ...c.rateLimit, burst: integer(v, w, 1, 1e9) }) },
  { env: "NT_BODY_LIMIT", toml: "limits.body", apply: (c, v, w) => (c.bodyLimitBytes = bytes(v, w)) },
  { env: "NT_MAX_OUTPUT_VALUES", toml: "limits.output_values", apply: (c, v, w) => (c.maxOutputValues = integer(v, w, 1000, 100_000_000)) },
  { env: "NT_MAX_JOBS", toml: "limits.jobs", apply: (c, v, w) => (c.maxJobs = integer(v, w, 1, 100_000)) },
  { env: "NT_MAX_SESSIONS", toml: "limits.sessions", apply: (c, v, w) => (c.maxSessions = integer(v, w, 1, 10_000)) },
  { env: "NT_COMPUTE_WORKERS", toml: "compute.workers", apply: (c, v, w) => (c.computeWorkers = workers(v, w)) },
  { env: "NT_COMPUTE_QUEUE", toml: "compute.queue", apply: (c, v, w) => (c.computeQueue = integer(v, w, 0, 100_000)) },
  { env: "NT_COMPUTE_TIMEOUT", toml: "compute.timeout", apply: (c, v, w) => (c.computeTimeoutMs = duration(v, w)) },
];

/** The environment variables `loadAppConfig` reads, for `--help` texts. */
export const configEnvVars = SETTINGS.map((s) => s.env);

export function loadAppConfig(sources: AppConfigSources = {}): AppConfig {
  const config: Mutable = { ...defaultAppConfig, rateLimit: { ...defaultAppConfig.rateLimit } };
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
  if (o.apiToken !== undefined) config.apiToken = token(o.apiToken, { source: "--token", field: "apiToken" });
  // A rate without an explicit burst allows two seconds' worth of requests at once.
  if (!burstGiven && config.rateLimit.perSecond > 0) {
    config.rateLimit = { ...config.rateLimit, burst: Math.max(1, Math.ceil(2 * config.rateLimit.perSecond)) };
  }
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
      const where = { source: name, field: path, line: lines.get(path) };
      const setting = known.get(path);
      if (!setting) {
        const options = SETTINGS.filter((s) => s.toml.startsWith(table + ".")).map((s) => s.toml.slice(table.length + 1));
        throw fail(where, `unknown key; [${table}] takes ${options.join(", ")}`);
      }
      if (typeof value === "object" && !Array.isArray(value)) throw fail(where, "must be a value, not a table");
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

function integer(v: Raw, w: Where, min: number, max: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw fail(w, `must be an integer, got ${describe(v)}`);
  if (n < min || n > max) throw fail(w, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function boolean(v: Raw, w: Where): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw fail(w, `must be true or false, got ${describe(v)}`);
}

function token(v: Raw, w: Where): string {
  const t = text(v, w);
  // Long enough that guessing is hopeless; printable ASCII so it fits an Authorization header.
  if (t.length < 16 || !/^[\x21-\x7e]+$/.test(t)) throw fail(w, "must be at least 16 printable characters without spaces");
  return t;
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

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** "30s", "500ms", "2m" or a number of milliseconds; between 10 ms and one hour. */
function duration(v: Raw, w: Where): number {
  let n = NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(v.trim().toLowerCase());
    if (m && (m[2] === "" || m[2] in MS_PER_UNIT)) n = Math.round(Number(m[1]) * (m[2] ? MS_PER_UNIT[m[2]] : 1));
  }
  if (!Number.isFinite(n)) throw fail(w, `must be a duration such as "30s", "500ms", "2m" or a number of milliseconds, got ${describe(v)}`);
  if (n < 10 || n > 3_600_000) throw fail(w, `must be between 10ms and 60m, got ${n} ms`);
  return n;
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "10mb", "512kb", "1gb" (binary units) or a number of bytes; between 1 KiB and 1 GiB. */
function bytes(v: Raw, w: Where): number {
  let n = NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(v.trim().toLowerCase());
    if (m && (m[2] === "" || m[2] in BYTE_UNITS)) n = Math.floor(Number(m[1]) * (m[2] ? BYTE_UNITS[m[2]] : 1));
  }
  if (!Number.isFinite(n)) throw fail(w, `must be a size such as "10mb", "512kb" or a number of bytes, got ${describe(v)}`);
  if (n < 1024 || n > 1024 ** 3) throw fail(w, `must be between 1kb and 1gb, got ${n} bytes`);
  return n;
}
