import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configEnvVars, defaultAppConfig, loadAppConfig, requireAlpacaCredentials, requirePolygonKey } from "../../src/config/app-config.ts";
import { ConfigError } from "../../src/core/errors.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");
const ALICE_SHA256 = `sha256:${sha256Hex("alice-secret-0123456789")}`;

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

describe("loadAppConfig", () => {
  it("defaults to loopback, no token, no CORS, 10 MiB bodies and a rate limit", () => {
    const c = loadAppConfig();
    expect(c).toEqual(defaultAppConfig);
    expect(c.host).toBe("127.0.0.1");
    expect(c.apiKeys).toEqual([]);
    expect(c.publicRoutes).toEqual(["/indicators", "/risk", "/optimize", "/backtest", "/forecast"]);
    expect([c.jobsMemoryBytes, c.resultTtlMs]).toEqual([256 * 1024 ** 2, 3_600_000]);
    expect(c.bodyLimitBytes).toBe(10 * 1024 * 1024);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("reads every NT_* variable", async () => {
    const c = loadAppConfig({
      env: {
        NT_HOST: "0.0.0.0", NT_PORT: "9000", NT_API_TOKEN: "abcdefghijklmnop", NT_CORS_ORIGINS: "https://a.example, http://localhost:5173",
        NT_RATE_LIMIT: "600/min", NT_RATE_BURST: "25", NT_BODY_LIMIT: "512kb", NT_TRUST_PROXY: "true", NT_MAX_JOBS: "3", NT_MAX_SESSIONS: "2",
        NT_COMPUTE_WORKERS: "3", NT_COMPUTE_QUEUE: "5", NT_COMPUTE_TIMEOUT: "1.5s",
        NT_MAX_OUTPUT_VALUES: "250000", HOME: "/ignored",
        NT_API_KEYS: `alice:read,backtest:${ALICE_SHA256}`, NT_PUBLIC_ROUTES: "/risk, /optimize", NT_JOBS_MEMORY: "64mb", NT_RESULT_TTL: "2h",
        NT_METRICS: "true", NT_TRACES: "log", NT_LOG_LEVEL: "warn", NT_LOG_FORMAT: "text",
        NT_SESSIONS_DIR: "/var/lib/nt/sessions",
        NT_ALPACA_KEY_ID: "PKTEST0000000000", NT_ALPACA_SECRET: "alpaca-secret-0123", NT_ALPACA_TRADING_URL: "http://127.0.0.1:9001/",
        NT_ALPACA_DATA_URL: "http://127.0.0.1:9002", NT_ALPACA_STREAM_URL: "ws://127.0.0.1:9002/v2/sip", NT_ALPACA_FEED: "sip",
        NT_ALPACA_NEWS_STREAM_URL: "ws://127.0.0.1:9002/v1beta1/news",
        NT_POLYGON_KEY: "polygon-key-0123", NT_POLYGON_URL: "http://127.0.0.1:9003", NT_POLYGON_STREAM_URL: "ws://127.0.0.1:9003/stocks",
      },
    });
    const { apiKeys, ...rest } = c;
    expect(rest).toEqual({
      host: "0.0.0.0", port: 9000, corsOrigins: ["https://a.example", "http://localhost:5173"],
      rateLimit: { perSecond: 10, burst: 25 }, bodyLimitBytes: 512 * 1024, trustProxy: true, maxJobs: 3, maxSessions: 2,
      computeWorkers: 3, computeQueue: 5, computeTimeoutMs: 1500, maxOutputValues: 250_000,
      publicRoutes: ["/risk", "/optimize"], jobsMemoryBytes: 64 * 1024 ** 2, resultTtlMs: 7_200_000, sessionsDir: "/var/lib/nt/sessions",
      metrics: true, traces: "log", logLevel: "warn", logFormat: "text",
      alpaca: {
        keyId: "PKTEST0000000000", secret: "alpaca-secret-0123", tradingUrl: "http://127.0.0.1:9001", dataUrl: "http://127.0.0.1:9002",
        streamUrl: "ws://127.0.0.1:9002/v2/sip", feed: "sip", newsStreamUrl: "ws://127.0.0.1:9002/v1beta1/news",
      },
      polygon: { key: "polygon-key-0123", restUrl: "http://127.0.0.1:9003", streamUrl: "ws://127.0.0.1:9003/stocks" },
    });
    expect(apiKeys.map((k) => [k.id, k.scopes])).toEqual([["token", ["admin"]], ["alice", ["read", "backtest"]]]);
    expect(hex(await apiKeys[0].sha256)).toBe(await sha256Hex("abcdefghijklmnop"));
    expect(configEnvVars).toHaveLength(34);
  });

  it("reads the telemetry and log settings from the file, and refuses unknown values", () => {
    const c = loadAppConfig(file('[telemetry]\nmetrics = true\ntraces = "log"\n[log]\nlevel = "debug"\nformat = "json"'));
    expect([c.metrics, c.traces, c.logLevel, c.logFormat]).toEqual([true, "log", "debug", "json"]);
    expect(defaultAppConfig).toMatchObject({ metrics: false, traces: "off", logLevel: "info", logFormat: "json" });
    expect(() => loadAppConfig({ env: { NT_LOG_LEVEL: "loud" } })).toThrow(/NT_LOG_LEVEL must be one of debug, info, warn, error, off/);
    expect(() => loadAppConfig({ env: { NT_TRACES: "otlp" } })).toThrow(/NT_TRACES must be one of off, log/);
  });

  it("layers file < environment < flags; a rate without a burst allows two seconds' worth", () => {
    const c = loadAppConfig({
      ...file('[server]\nhost = "10.0.0.1"\nport = 1000\n[limits]\nrate = "20/s"\nbody = "2mb"\n[cors]\norigins = ["*"]'),
      env: { NT_PORT: "2000", NT_RATE_LIMIT: "" },
      overrides: { port: 3000 },
    });
    expect(c.host).toBe("10.0.0.1");
    expect(c.port).toBe(3000);
    expect(c.rateLimit).toEqual({ perSecond: 20, burst: 40 });
    expect(c.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(c.corsOrigins).toEqual(["*"]);
    expect(loadAppConfig({ env: { NT_RATE_LIMIT: "off" } }).rateLimit.perSecond).toBe(0);
  });

  it("sizes the compute pool: workers (auto, 0 = on the serving thread), queue and time budget", () => {
    expect(defaultAppConfig).toMatchObject({ computeWorkers: undefined, computeQueue: 32, computeTimeoutMs: 30_000 });
    const c = loadAppConfig(file('[compute]\nworkers = 0\nqueue = 0\ntimeout = "2m"'));
    expect([c.computeWorkers, c.computeQueue, c.computeTimeoutMs]).toEqual([0, 0, 120_000]);
    expect(loadAppConfig({ ...file("[compute]\nworkers = 4"), env: { NT_COMPUTE_WORKERS: "auto" } }).computeWorkers).toBeUndefined();
    expect(loadAppConfig({ env: { NT_COMPUTE_TIMEOUT: "250ms" } }).computeTimeoutMs).toBe(250);
    expect(loadAppConfig(file("[compute]\ntimeout = 900")).computeTimeoutMs).toBe(900);
    expect(message(() => loadAppConfig({ env: { NT_COMPUTE_WORKERS: "many" } }))).toBe('environment: NT_COMPUTE_WORKERS must be "auto" or an integer, got "many"');
    expect(message(() => loadAppConfig({ env: { NT_COMPUTE_QUEUE: "-1" } }))).toContain("between 0 and 100000");
    expect(message(() => loadAppConfig({ env: { NT_COMPUTE_TIMEOUT: "soon" } }))).toContain('duration such as "30s"');
    expect(message(() => loadAppConfig({ env: { NT_COMPUTE_TIMEOUT: "90m" } }))).toContain("between 10ms and 60m");
  });

  it("refuses bad values with the setting, the source and the line", () => {
    expect(message(() => loadAppConfig({ env: { NT_PORT: "http" } }))).toBe("environment: NT_PORT must be an integer, got \"http\"");
    expect(message(() => loadAppConfig({ env: { NT_PORT: "70000" } }))).toContain("between 0 and 65535");
    expect(message(() => loadAppConfig({ env: { NT_API_TOKEN: "short" } }))).toContain("at least 16 printable characters");
    expect(message(() => loadAppConfig({ env: { NT_CORS_ORIGINS: "https://a.example/path" } }))).toContain("origin such as");
    expect(message(() => loadAppConfig({ env: { NT_RATE_LIMIT: "fast" } }))).toContain('rate such as "100/s"');
    expect(message(() => loadAppConfig({ env: { NT_BODY_LIMIT: "10" } }))).toContain("between 1kb and 1gb");
    expect(message(() => loadAppConfig({ env: { NT_MAX_OUTPUT_VALUES: "10" } }))).toBe("environment: NT_MAX_OUTPUT_VALUES must be between 1000 and 100000000, got 10");
    expect(message(() => loadAppConfig({ env: { NT_TRUST_PROXY: "yes" } }))).toContain("true or false");
    expect(message(() => loadAppConfig(file("[server]\nport = 80\nhost = 5")))).toBe("nt.toml: line 3: server.host must be a string, got 5");
    expect(message(() => loadAppConfig(file("[limits]\nbodyy = 1")))).toBe("nt.toml: line 2: limits.bodyy unknown key; [limits] takes rate, burst, body, output_values, jobs, jobs_memory, result_ttl, sessions");
    expect(message(() => loadAppConfig(file("[database]\nurl = 'x'")))).toContain('line 1: unknown table or key "database"');
    expect(message(() => loadAppConfig(file("port = 80")))).toContain('unknown table or key "port"');
    expect(message(() => loadAppConfig(file("[server]\nport = 80\nport = 81")))).toContain('line 3 (key "server.port"): is defined twice');
    expect(message(() => loadAppConfig({ overrides: { host: "" } }))).toContain("--host");
  });

  it("reads Alpaca and Polygon keys and endpoints, defaulting to Alpaca's paper endpoint and IEX feed", () => {
    expect(defaultAppConfig.alpaca).toEqual({
      tradingUrl: "https://paper-api.alpaca.markets", dataUrl: "https://data.alpaca.markets", streamUrl: "wss://stream.data.alpaca.markets/v2/iex", feed: "iex",
      newsStreamUrl: "wss://stream.data.alpaca.markets/v1beta1/news",
    });
    expect(defaultAppConfig.polygon).toEqual({ restUrl: "https://api.polygon.io", streamUrl: "wss://socket.polygon.io/stocks" });
    const c = loadAppConfig(file('[alpaca]\nkey_id = "PKFILE00000000"\nsecret = "file-secret-0123"\nfeed = "sip"\n[polygon]\nkey = "poly-file-key"'));
    expect(c.alpaca).toMatchObject({ keyId: "PKFILE00000000", secret: "file-secret-0123", streamUrl: "wss://stream.data.alpaca.markets/v2/sip" });
    expect(requireAlpacaCredentials(c)).toEqual({ keyId: "PKFILE00000000", secret: "file-secret-0123" });
    expect(requirePolygonKey(c)).toBe("poly-file-key");
    expect(Object.isFrozen(c.alpaca)).toBe(true);
  });

  it("refuses bad Alpaca and Polygon settings naming the setting, and never repeats a secret", () => {
    expect(message(() => loadAppConfig({ env: { NT_ALPACA_KEY_ID: "PKTEST0000000000" } }))).toBe("Alpaca: a key id is set but no secret; set NT_ALPACA_SECRET (or [alpaca] secret) too");
    expect(message(() => loadAppConfig(file('[alpaca]\nsecret = "file-secret-0123"')))).toBe("Alpaca: a secret is set but no key id; set NT_ALPACA_KEY_ID (or [alpaca] key_id) too");
    const bad = message(() => loadAppConfig({ env: { NT_ALPACA_SECRET: "has a space" } }));
    expect(bad).toBe("environment: NT_ALPACA_SECRET must be 8 to 256 printable characters without spaces");
    expect(message(() => loadAppConfig({ env: { NT_ALPACA_TRADING_URL: "paper-api.alpaca.markets" } }))).toBe(
      'environment: NT_ALPACA_TRADING_URL must be a URL starting with https:// or http://, got "paper-api.alpaca.markets"',
    );
    expect(message(() => loadAppConfig({ env: { NT_POLYGON_STREAM_URL: "https://socket.polygon.io" } }))).toContain("NT_POLYGON_STREAM_URL must be a URL starting with wss:// or ws://");
    expect(message(() => loadAppConfig({ env: { NT_ALPACA_FEED: "otc" } }))).toBe('environment: NT_ALPACA_FEED must be "iex" or "sip", got "otc"');
    expect(message(() => loadAppConfig(file("[alpaca]\nkey = 1")))).toBe("nt.toml: line 2: alpaca.key unknown key; [alpaca] takes key_id, secret, trading_url, data_url, stream_url, feed, news_stream_url");
    expect(message(() => requireAlpacaCredentials(loadAppConfig()))).toBe(
      "Alpaca needs an API key: set NT_ALPACA_KEY_ID and NT_ALPACA_SECRET (or key_id and secret under [alpaca] in the config file)",
    );
    expect(message(() => requirePolygonKey(loadAppConfig()))).toBe("Polygon needs an API key: set NT_POLYGON_KEY (or key under [polygon] in the config file)");
  });

  it("every setting is in the README's settings table", () => {
    const rows = readFileSync(new URL("../../README.md", import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("| `["));
    const missing = configEnvVars.filter((env) => !rows.some((row) => row.includes(`| \`${env}\` |`)));
    expect(missing, "settings without a README row").toEqual([]);
  });
});
