import { CONFIG_SETTINGS } from "../backtest/config.ts";
import { MAX_SHOWN_CHARS } from "../core/errors.ts";
import type { SettingSpec } from "../core/settings.ts";
import { INDICATOR_RULES, indicatorForms, MAX_INDICATOR_ITEMS } from "../features/spec.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS } from "../risk/limits.ts";
import { SIZING_SETTINGS } from "../risk/sizing.ts";
import { MEMORY_DESCRIPTION, MEMORY_SETTINGS } from "../signals/memory-filter.ts";
import { COMBINE_DESCRIPTIONS, COMBINE_METHODS, COMBINE_SETTINGS, WEIGHT_SETTING } from "../signals/spec.ts";
import { strategies } from "../strategies/index.ts";
import { SCOPES, type ComputeRoute, type Scope } from "../config/api-keys.ts";
import type { AppState } from "./context.ts";
import { MAX_SERIES } from "./input/data.ts";
import { MAX_JSON_DEPTH } from "./input/validate.ts";
import { OPTIMIZE_METHODS } from "./routes/analytics.ts";
import { OBJECTIVES } from "../research/objective.ts";
import { MAX_SYNC_BARS } from "./routes/backtest.ts";
import { HORIZON_SETTING, TAIL_SETTING } from "./routes/forecast.ts";
import { MODEL_KINDS } from "../neural/model.ts";
import { MAX_BARS_PER_SECOND } from "./routes/sessions.ts";
import { TOOLS } from "../mcp/tools.ts";
import { K_SETTING } from "../memory/params.ts";
import { MAX_MEMORY_K } from "./routes/memory.ts";

/**
 * The OpenAPI 3.1 description of every route createApp registers.
 * test/api/openapi.test.ts enumerates app.routes and checks that this
 * document lists each one and nothing else.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(ref("Error"), description);
const body = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const num: Schema = { type: "number" };
const nullableNums: Schema = { type: "array", items: { type: ["number", "null"] } };
const nums: Schema = { type: "array", items: num };
const nullableNum: Schema = { type: ["number", "null"] };

/** A setting's JSON schema, from the same declaration the engine checks it with. */
function setting(spec: SettingSpec): Schema {
  const schema: Schema = { type: spec.type, description: spec.description };
  if (spec.min !== undefined) schema[spec.minExclusive ? "exclusiveMinimum" : "minimum"] = spec.min;
  if (spec.max !== undefined) schema[spec.maxExclusive ? "exclusiveMaximum" : "maximum"] = spec.max;
  if (spec.default !== undefined) schema.default = spec.default;
  return schema;
}

/** An object of settings, closed to other keys. */
function settings(specs: readonly SettingSpec[], extra: Record<string, Schema> = {}): Schema {
  const required = specs.filter((s) => s.required).map((s) => s.name);
  return {
    type: "object", additionalProperties: false,
    properties: { ...Object.fromEntries(specs.map((s) => [s.name, setting(s)])), ...extra },
    ...(required.length > 0 ? { required } : {}),
  };
}

const common = {
  "400": error("validation error naming the field"),
  "413": error("request body too large, or the answer would hold too many values"),
  "429": error("rate limited; see Retry-After"),
  "500": error("internal error"),
};
/** The routes that run on the compute pool (src/api/compute) can also be refused or stopped by it. */
const computed = {
  ...common,
  "503": error("every compute worker is busy and the queue is full (compute.queue); see Retry-After"),
  "504": error("the request ran past its time budget (compute.timeout) and was stopped"),
};
const authErrors = {
  "401": error("no API key, or one this server does not know (WWW-Authenticate: Bearer)"),
  "403": error("insufficient_scope: the key lacks the scope this route needs (named in the message); auth_not_configured: the server has no keys"),
};
/** Another key's job or session is a 404 like a missing one, so ids do not leak. */
const notYours = (what: string) => ({ "404": error(`no such ${what}, or it belongs to another key`) });

/** An operation's security: a key with this scope (admin has every scope). */
const needs = (scope: Scope) => ({ security: [{ apiKey: [scope] }] });

export function openApiDocument(state: AppState): Schema {
  const { deps } = state;
  /** A compute route: open when configured public, else it needs the backtest scope and can answer 401/403. */
  const compute = (route: ComputeRoute) => deps.config.publicRoutes.includes(route)
    ? { security: undefined, errors: computed }
    : { ...needs("backtest"), errors: { ...computed, ...authErrors } };
  const [indicators, backtest, risk, optimize, forecast] = (["/indicators", "/backtest", "/risk", "/optimize", "/forecast"] as const).map(compute);
  return {
    openapi: "3.1.0",
    info: {
      title: "neural-trader-engine API",
      version: deps.app.version,
      description: "Indicators, backtests, risk, portfolio optimization, neural forecasts and paper trading sessions. " +
        "Every error answers { error: { code, message, field? } }; field is the path in the request body at fault " +
        `(config.initialCash, bars[3].high), and a message shows at most ${MAX_SHOWN_CHARS} characters of a bad value. ` +
        `A body may nest arrays and objects at most ${MAX_JSON_DEPTH} levels deep. Numbers must be JSON numbers (a string never passes as one). ` +
        "Routes with security need an API key (Authorization: Bearer <secret>) with the scope listed: read (GETs of your own jobs and sessions), " +
        "backtest (jobs, and the compute routes this server does not serve publicly), trade (paper sessions); admin has every scope and sees every key's jobs and sessions. " +
        "A job or session belongs to the key that created it; to any other key it does not exist (404).",
    },
    paths: {
      "/health": { get: { summary: "liveness", responses: { "200": json({ type: "object", properties: { status: { const: "ok" } } }, "alive") } } },
      "/version": { get: { summary: "package version and loaded kernel modules", responses: { "200": json(ref("Version"), "version") } } },
      "/strategies": { get: { summary: "built-in strategies and their parameters", responses: { "200": json(ref("Strategies"), "catalogue") } } },
      "/samples": { get: { summary: "bundled bar series", responses: { "200": json({ type: "object" }, "sample series") } } },
      "/openapi.json": { get: { summary: "this document", responses: { "200": json({ type: "object" }, "OpenAPI 3.1") } } },
      "/indicators": {
        post: {
          summary: "indicator columns over inline bars or a close series (null where undefined)",
          requestBody: body(ref("IndicatorsRequest")),
          responses: {
            "200": {
              description: "columns; with Accept: application/octet-stream, raw little-endian float64 columns one after another (NaN kept), named by the X-NT-Rows and X-NT-Columns headers",
              content: {
                "application/json": { schema: ref("IndicatorsResponse") },
                "application/octet-stream": { schema: { type: "string", format: "binary" } },
              },
              headers: {
                "X-NT-Rows": { description: "rows per column (binary answer)", schema: { type: "integer" } },
                "X-NT-Columns": { description: "comma-separated column names, time first when bars were sent (binary answer)", schema: { type: "string" } },
              },
            },
            ...indicators.errors,
          },
          security: indicators.security,
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus text metrics (requests, backtests, sweeps) when the server runs with NT_METRICS=true; 404 metrics_off otherwise",
          responses: {
            "200": { description: "Prometheus text exposition format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } },
            "404": error("metrics_off: the server runs without metrics"),
          },
        },
      },
      "/backtest": {
        post: {
          summary: `run a strategy over bars (at most ${MAX_SYNC_BARS}) and return the report`,
          requestBody: body(ref("BacktestRequest")),
          responses: { "200": json(ref("BacktestReport"), "report"), ...backtest.errors },
          security: backtest.security,
        },
      },
      "/backtests": {
        post: {
          summary: "start an asynchronous backtest job, owned by the calling key",
          ...needs("backtest"),
          requestBody: body(ref("BacktestRequest")),
          responses: {
            "202": json(ref("Job"), "job accepted; poll Location"), ...common, ...authErrors,
            "413": error("body_too_large, or job_too_large: the job alone (its body and report, estimated) exceeds what jobs may hold (limits.jobs_memory)"),
            "429": error("rate limited, or every job slot (limits.jobs) holds an unfinished job; see Retry-After"),
            "503": error("jobs_memory_full: queued and running jobs fill what jobs may hold (limits.jobs_memory); see Retry-After"),
          },
        },
        get: {
          summary: "the calling key's jobs (every key's for admin), without their reports",
          ...needs("read"),
          responses: { "200": json({ type: "object", properties: { jobs: { type: "array", items: ref("Job") } } }, "jobs"), ...authErrors },
        },
      },
      "/backtests/{id}": {
        get: {
          summary: "a job's status, progress and (when done) report; finished jobs expire after limits.result_ttl",
          ...needs("read"),
          parameters: [idParam],
          responses: { "200": json(ref("Job"), "job"), ...authErrors, ...notYours("job") },
        },
        delete: {
          summary: "stop the job if it is pending and forget it",
          ...needs("backtest"),
          parameters: [idParam],
          responses: { "204": { description: "deleted" }, ...authErrors, ...notYours("job") },
        },
      },
      "/sweeps": {
        post: {
          summary: "start an asynchronous parameter sweep (grid or seeded random search, optional walk-forward, deflated Sharpe and PBO), owned by the calling key",
          ...needs("backtest"),
          requestBody: body(ref("SweepRequest")),
          responses: {
            "202": json(ref("SweepJob"), "job accepted; poll Location"), ...common, ...authErrors,
            "413": error("body_too_large, or job_too_large: the job alone (its body and result rows, estimated) exceeds what jobs may hold (limits.jobs_memory)"),
            "429": error("rate limited, or every job slot (limits.jobs) holds an unfinished job; see Retry-After"),
            "503": error("jobs_memory_full: queued and running jobs fill what jobs may hold (limits.jobs_memory); see Retry-After"),
          },
        },
        get: {
          summary: "the calling key's sweep jobs (every key's for admin), without their results",
          ...needs("read"),
          responses: { "200": json({ type: "object", properties: { jobs: { type: "array", items: ref("SweepJob") } } }, "jobs"), ...authErrors },
        },
      },
      "/sweeps/{id}": {
        get: {
          summary: "a sweep's status, progress in runs and (when done) result: runs, best, engines, deflatedSharpe, pbo, outOfSample",
          ...needs("read"),
          parameters: [idParam],
          responses: { "200": json(ref("SweepJob"), "job"), ...authErrors, ...notYours("job") },
        },
        delete: {
          summary: "stop the sweep if it is pending and forget it",
          ...needs("backtest"),
          parameters: [idParam],
          responses: { "204": { description: "deleted" }, ...authErrors, ...notYours("job") },
        },
      },
      "/risk": {
        post: {
          summary: "risk statistics of return series (PerformanceAnalytics conventions)",
          requestBody: body({
            type: "object", required: ["returns"],
            properties: {
              returns: { oneOf: [nullableNums, { type: "object", additionalProperties: nullableNums }] },
              scale: { type: "number", exclusiveMinimum: 0, default: 252, description: "periods per year" },
            },
          }),
          responses: { "200": json({ type: "object" }, "{ scale, report } or { scale, reports }"), ...risk.errors },
          security: risk.security,
        },
      },
      "/optimize": {
        post: {
          summary: "portfolio weights from returns or a covariance matrix",
          requestBody: body({
            type: "object", required: ["method"],
            properties: {
              method: { enum: OPTIMIZE_METHODS },
              returns: { type: "array", items: nullableNums, description: "rows of periodic returns, one column per asset" },
              covariance: { type: "array", items: nums, description: "n x n" },
              expectedReturns: nums,
              assets: { type: "array", items: { type: "string" } },
              targetReturn: num, riskFree: num, longOnly: { type: "boolean" }, maxWeight: num,
            },
          }),
          responses: { "200": json(ref("Optimized"), "weights"), ...optimize.errors },
          security: optimize.security,
        },
      },
      "/forecast": {
        post: {
          summary: "the next closes of a series from the shipped NHITS, LSTM or Transformer weights (on neural.wasm, the same floats in every runtime); with evaluate, their rolling-origin errors on the series' tail next to the naive forecast's",
          requestBody: body(ref("ForecastRequest")),
          responses: { "200": json(ref("ForecastReport"), "forecast"), "501": error("this deployment ships no weights for the model"), ...forecast.errors },
          security: forecast.security,
        },
      },
      "/memory/search": {
        post: {
          summary: "the k vectors of the server's memory (NT_MEMORY_INDEX) nearest a query, optionally among those whose metadata has the given values; 404 memory_off when the server holds none",
          ...needs("read"),
          requestBody: body({
            type: "object", required: ["vector"],
            properties: {
              vector: { ...nums, description: "the query, of the index's dimension" },
              k: { type: "integer", minimum: 1, maximum: MAX_MEMORY_K, default: K_SETTING.default },
              where: { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] }, description: "metadata values every result must have" },
              exact: { type: "boolean", description: "search every vector instead of the HNSW graph" },
            },
          }),
          responses: {
            "200": json({
              type: "object",
              properties: {
                dimension: { type: "integer" }, metric: { enum: ["l2", "cosine", "ip"] }, size: { type: "integer" },
                results: { type: "array", items: { type: "object", properties: { id: { type: ["string", "number"] }, distance: num, metadata: { type: "object" } } } },
              },
            }, "nearest first"),
            ...common, ...authErrors, "404": error("memory_off: this server holds no vector memory"),
          },
        },
      },
      "/sessions": {
        post: {
          summary: "start a paper session replaying a series through a strategy, owned by the calling key",
          ...needs("trade"),
          requestBody: body(ref("SessionRequest")),
          responses: { "201": json(ref("Session"), "session started"), ...common, ...authErrors },
        },
        get: {
          summary: "the calling key's paper sessions (every key's for admin); ended ones expire after limits.result_ttl",
          ...needs("read"),
          responses: { "200": json({ type: "object", properties: { sessions: { type: "array", items: ref("Session") } } }, "sessions"), ...authErrors },
        },
      },
      "/sessions/{id}": {
        get: { summary: "status and snapshot", ...needs("read"), parameters: [idParam], responses: { "200": json(ref("Session"), "session"), ...authErrors, ...notYours("session") } },
        delete: { summary: "stop the session", ...needs("trade"), parameters: [idParam], responses: { "200": json(ref("Session"), "stopped"), ...authErrors, ...notYours("session") } },
      },
      "/sessions/{id}/positions": {
        get: { summary: "cash, equity and open positions", ...needs("read"), parameters: [idParam], responses: { "200": json({ type: "object" }, "positions"), ...authErrors, ...notYours("session") } },
      },
      "/sessions/{id}/orders": {
        get: { summary: "open orders and fills", ...needs("read"), parameters: [idParam], responses: { "200": json({ type: "object" }, "orders"), ...authErrors, ...notYours("session") } },
      },
      "/mcp": {
        post: {
          summary: "Model Context Protocol over streamable HTTP, stateless: one JSON-RPC message (or a batch) in, the JSON-RPC answer out as JSON",
          description: `The engine as MCP tools (${TOOLS.map((t) => t.name).join(", ")}), each standing for an operation of this API: ` +
            "its arguments are the operation's request body, checked by the same rules (a bad one is a tool result with isError and the route's message), " +
            "and its result is the route's answer as structured content. A paper-session tool also needs its route's scope and sees the key's own sessions. " +
            "Send Accept: application/json, text/event-stream.",
          ...needs("backtest"),
          requestBody: body({ type: "object", description: "a JSON-RPC 2.0 message of MCP (initialize, tools/list, tools/call ...)" }),
          responses: {
            "200": json({ type: "object", description: "the JSON-RPC response" }, "answer"),
            "202": { description: "accepted: the body held only notifications or responses" },
            "406": { description: "the Accept header lacks application/json or text/event-stream (a JSON-RPC error)" },
            "415": { description: "the body is not application/json (a JSON-RPC error)" },
            ...common, ...authErrors,
          },
        },
        get: { summary: "405: the endpoint opens no server-initiated event stream", responses: { "405": error("method_not_allowed") } },
        delete: { summary: "405: the endpoint keeps no MCP session to end", responses: { "405": error("method_not_allowed") } },
      },
      "/sessions/{id}/stream": {
        get: {
          summary: "WebSocket: JSON messages {type: session | bar | signal | order | fill | rejection | end}",
          description: "Upgrade: websocket. The key may also be given as ?access_token= for clients that cannot set headers.",
          ...needs("read"),
          parameters: [idParam, { name: "access_token", in: "query", required: false, schema: { type: "string" } }],
          responses: {
            "101": { description: "switching protocols" },
            "426": error("not a WebSocket upgrade request"),
            "501": error("this runtime serves no WebSockets"),
            ...authErrors,
            ...notYours("session"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: "http", scheme: "bearer",
          description: `An API key's secret. Each key has scopes (${SCOPES.join(", ")}); a security requirement lists the scope an operation needs.`,
        },
      },
      schemas: {
        Error: {
          type: "object", required: ["error"],
          properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } } } },
        },
        Version: {
          type: "object",
          properties: {
            name: { type: "string" }, version: { type: "string" },
            kernels: { type: "array", items: { type: "object", properties: { name: { type: "string" }, bytes: { type: "integer" }, sha256: { type: "string" }, exports: { type: "array", items: { type: "string" } } } } },
          },
        },
        Strategies: {
          type: "object",
          properties: {
            strategies: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  name: { enum: strategies.map((s) => s.name) }, description: { type: "string" },
                  needs: { type: "string", description: "what it needs beyond one series of bars (series, a holdings file), when it does" },
                  params: { type: "array", items: { type: "object", properties: { name: { type: "string" }, type: { enum: ["integer", "number", "boolean"] }, default: {}, min: num, max: num, description: { type: "string" } } } },
                },
              },
            },
          },
        },
        Bar: {
          type: "object", required: ["open", "high", "low", "close", "volume"],
          properties: { time: { type: "number", description: "epoch ms" }, date: { type: "string", description: "YYYY-MM-DD or ISO 8601" }, open: num, high: num, low: num, close: num, volume: num },
        },
        Bars: {
          description: "rows of bars, or columns of equal length",
          oneOf: [
            { type: "array", items: ref("Bar"), minItems: 1 },
            { type: "object", required: ["open", "high", "low", "close", "volume"], properties: { time: { type: "array" }, date: { type: "array" }, open: nums, high: nums, low: nums, close: nums, volume: nums } },
          ],
        },
        IndicatorsRequest: {
          type: "object", required: ["indicators"],
          description: "exactly one of bars, series, sample",
          properties: {
            bars: ref("Bars"),
            series: { ...nums, description: "close prices, for indicators that need only the close" },
            sample: { enum: deps.samples.map((s) => s.name), description: "a bundled series (GET /samples)" },
            indicators: {
              oneOf: [{ type: "array", items: { type: "string", maxLength: 64 }, minItems: 1, maxItems: MAX_INDICATOR_ITEMS }, { type: "string" }],
              description: `comma-separated items such as "sma:20", "macd:12:26:9"; the forms: ${indicatorForms().join("; ")}. ${INDICATOR_RULES}`,
            },
          },
        },
        IndicatorsResponse: {
          type: "object",
          properties: { rows: { type: "integer" }, time: nums, columns: { type: "object", additionalProperties: nullableNums } },
        },
        RunRequest: {
          type: "object", required: ["strategy"],
          description: "exactly one of sample, csv, bars",
          properties: {
            sample: { enum: deps.samples.map((s) => s.name) },
            csv: { type: "string", description: "date,open,high,low,close,volume" },
            bars: ref("Bars"),
            symbol: { type: "string" },
            strategy: {
              type: "string",
              description: `a strategy (${strategies.map((s) => s.name).join(", ")}), or several comma-separated with combine, e.g. "momentum,mean-reversion"`,
            },
            params: {
              type: "object", additionalProperties: { type: ["number", "boolean"] },
              description: "the strategy's parameters (GET /strategies lists their types and ranges); a number must be a JSON number. " +
                "A combination's are prefixed by strategy: {\"momentum.fast\": 10}",
            },
            combine: {
              ...settings(COMBINE_SETTINGS, {
                method: { enum: [...COMBINE_METHODS], description: COMBINE_DESCRIPTIONS.method },
                weights: { type: "object", additionalProperties: setting(WEIGHT_SETTING), description: COMBINE_DESCRIPTIONS.weights },
                override: { type: "string", description: COMBINE_DESCRIPTIONS.override },
              }),
              required: ["method"],
              description: COMBINE_DESCRIPTIONS.combine,
            },
            memory: { ...settings(MEMORY_SETTINGS), description: MEMORY_DESCRIPTION },
            holdings: { type: "string", description: "mirror: the text of a holdings CSV, date,symbol,shares (or value) rows by report date" },
            config: settings(CONFIG_SETTINGS),
            limits: settings(LIMIT_SETTINGS, { maxOrderRate: settings(ORDER_RATE_SETTINGS) }),
            sizing: {
              oneOf: Object.entries(SIZING_SETTINGS).map(([method, specs]) => {
                const schema = settings(specs, { method: { const: method } });
                return { ...schema, required: ["method", ...((schema.required as string[] | undefined) ?? [])] };
              }),
            },
            news: {
              type: "array", items: ref("NewsItem"),
              description: "articles for strategies that read news (neural-sentiment); each counts from the first bar after its time",
            },
          },
        },
        NewsItem: {
          type: "object",
          description: "a time, and a headline to score or a score; symbols: the tickers it is about (none: every symbol)",
          properties: {
            time: { type: ["string", "number"], description: "ISO 8601 with its zone, or epoch ms (created_at is read too)" },
            headline: { type: "string" }, summary: { type: "string" }, symbols: { type: "array", items: { type: "string" } },
            score: { type: "number", minimum: -1, maximum: 1, description: "default: the headline and summary scored by the finance word list" },
            id: { type: "string" }, source: { type: "string" }, url: { type: "string" }, author: { type: "string" },
          },
        },
        BacktestRequest: {
          allOf: [ref("RunRequest"), {
            type: "object",
            properties: {
              benchmark: {
                type: "object", additionalProperties: false,
                description: "what the report is compared with, matched by bar time: exactly one of sample, csv, bars; symbol names it " +
                  "(default: buying and holding the traded series). It must share at least 3 bar times with the run",
                properties: { sample: { enum: deps.samples.map((s) => s.name) }, csv: { type: "string" }, bars: ref("Bars"), symbol: { type: "string" } },
              },
              series: {
                type: "array", minItems: 1, maxItems: MAX_SERIES,
                description: "several series sharing bar times, instead of sample, csv or bars: a pair's two legs (pairs), one per held symbol (mirror); each object has one of sample, csv, bars and a symbol",
                items: {
                  type: "object", additionalProperties: false,
                  properties: { sample: { enum: deps.samples.map((s) => s.name) }, csv: { type: "string" }, bars: ref("Bars"), symbol: { type: "string" } },
                },
              },
            },
          }],
        },
        ForecastRequest: {
          type: "object", required: ["model"], additionalProperties: false,
          description: "exactly one of closes, csv, sample",
          properties: {
            closes: { type: "array", items: { type: "number", exclusiveMinimum: 0 }, minItems: 1, description: "the series, oldest first; at least the model's input window (64)" },
            csv: { type: "string", description: "date,open,high,low,close,volume" },
            sample: { enum: deps.samples.map((s) => s.name) },
            model: { enum: MODEL_KINDS },
            horizon: setting(HORIZON_SETTING),
            evaluate: { type: "boolean", default: false, description: "also score rolling-origin forecasts over the tail against the closes that came and against the naive (last value) forecast" },
            tail: setting(TAIL_SETTING),
          },
        },
        ForecastReport: {
          type: "object",
          properties: {
            model: { enum: MODEL_KINDS }, horizon: { type: "integer" }, backend: { enum: ["cpu", "webgpu"] }, inputSize: { type: "integer" },
            trainedOn: { type: ["string", "null"], description: "what the weights were fitted on" }, lastClose: num,
            forecast: { ...nums, description: "the next horizon closes" },
            evaluation: {
              type: "object",
              description: "errors over every origin's horizon (MAPE in percent); the shipped weights were fitted on the bundled S&P 500 up to 2019-04-22, so a tail from that market before then is in sample",
              properties: {
                mae: num, rmse: num, mape: num, tail: { type: "integer" }, origins: { type: "integer" },
                naive: { type: "object", properties: { mae: num, rmse: num, mape: num } },
              },
            },
          },
        },
        SessionRequest: {
          allOf: [ref("RunRequest"), {
            type: "object", required: ["barsPerSecond"],
            properties: { barsPerSecond: { type: "number", minimum: 0.01, maximum: MAX_BARS_PER_SECOND } },
          }],
        },
        BacktestReport: {
          type: "object",
          properties: {
            symbol: { type: "string" }, bars: { type: "integer" }, start: num, end: num, initialCash: num, finalEquity: num,
            totalReturn: num, cagr: num, sharpe: num, sortino: num,
            maxDrawdown: { ...num, description: "PerformanceAnalytics maxDrawdown of the bar returns (as POST /risk), a positive fraction" },
            winRate: num, exposure: num, totalCommission: num, trades: { type: "array" },
            rejections: { type: "array", description: "orders the pre-trade checks denied, and orders cash at the fill could not pay for at all" },
            droppedSignals: {
              type: "array", description: "the signals a combination or the memory filter did not act on (present exactly for those)",
              items: {
                type: "object",
                properties: {
                  time: num, symbol: { type: "string" }, strategy: { type: "string" }, direction: { enum: ["long", "short", "flat"] }, confidence: num,
                  signalTime: num, reason: { enum: ["threshold", "conflict", "duplicate", "expired", "overridden", "memory"] }, detail: { type: "string" },
                },
              },
            },
            resized: {
              type: "array", description: "buys sized at the last close that cash at the fill price paid only in part",
              items: {
                type: "object",
                properties: {
                  time: num, symbol: { type: "string" }, orderId: { type: "string" }, requested: num, filled: num, price: num, lastClose: num,
                  reason: { type: "string" },
                },
              },
            },
            periodsPerYear: { ...num, description: "bars per year the figures are annualized with" },
            equity: { type: "object", properties: { time: nums, equity: nums, drawdown: nums } },
            barsPerSecond: num, elapsedMs: num,
            analysis: ref("ReportAnalysis"),
          },
        },
        ReportAnalysis: {
          type: "object",
          description: "R PerformanceAnalytics conventions, risk-free 0; a figure that is not defined is null",
          properties: {
            volatility: { ...num, description: "annualized volatility of the bar returns" },
            benchmark: {
              type: ["object", "null"],
              description: "figures over the bar times the run and the benchmark share",
              properties: {
                name: { type: "string" }, bars: { type: "integer" }, start: num, end: num,
                totalReturn: num, cagr: num, volatility: num, sharpe: num, sortino: num, maxDrawdown: num,
                excessReturn: { ...num, description: "strategy total return minus the benchmark's" },
                activePremium: { ...num, description: "ActivePremium: annualized return difference" },
                alpha: { ...nullableNum, description: "CAPM.alpha, per bar" },
                annualizedAlpha: { ...nullableNum, description: "(1 + alpha)^periodsPerYear - 1 (table.CAPM)" },
                beta: { ...nullableNum, description: "CAPM.beta" }, correlation: nullableNum,
                trackingError: { ...nullableNum, description: "TrackingError, annualized" },
                informationRatio: { ...nullableNum, description: "InformationRatio" },
                curve: { type: "object", description: "the benchmark scaled to the strategy's equity at the first shared bar", properties: { time: nums, equity: nums } },
              },
            },
            trades: {
              type: "object",
              properties: {
                count: { type: "integer" }, wins: { type: "integer" }, losses: { type: "integer" }, grossProfit: num, grossLoss: num,
                profitFactor: nullableNum, expectancy: nullableNum, averageWin: nullableNum, averageLoss: nullableNum,
                largestWin: nullableNum, largestLoss: nullableNum, averageBars: nullableNum,
                longestWinStreak: { type: "integer" }, longestLossStreak: { type: "integer" },
              },
            },
            monthly: { type: "array", items: { type: "object", properties: { year: { type: "integer" }, month: { type: "integer" }, return: num } } },
            yearly: { type: "array", items: { type: "object", properties: { year: { type: "integer" }, return: num, benchmark: nullableNum } } },
            drawdowns: {
              type: "array", description: "the worst 5, as table.Drawdowns; end and recovery are null when not recovered",
              items: {
                type: "object",
                properties: {
                  depth: num, start: num, trough: num, end: nullableNum, length: { type: "integer" }, toTrough: { type: "integer" },
                  recovery: { type: ["integer", "null"] },
                },
              },
            },
            rolling: {
              type: "object", description: "Sharpe and volatility over each window of bar returns, annualized",
              properties: { window: { type: "integer" }, time: nums, sharpe: nums, volatility: nums },
            },
          },
        },
        Job: {
          type: "object",
          properties: {
            id: { type: "string" }, owner: { type: "string", description: "the id of the key that submitted it" },
            status: { enum: ["queued", "running", "done", "failed"] },
            progress: { type: "object", properties: { barsDone: { type: "integer" }, barsTotal: { type: "integer" }, fraction: num } },
            createdAt: num, startedAt: { type: ["number", "null"] }, finishedAt: { type: ["number", "null"] },
            result: ref("BacktestReport"), error: { type: "object" },
          },
        },
        SweepRequest: {
          allOf: [ref("BacktestRequest"), {
            type: "object",
            description: "exactly one of grid, random; keys are strategy parameters or run settings (limits.NAME, sizing.NAME); with combine, the combined strategies' parameters by prefix (momentum.fast) and the combination's settings (combine.minConfidence, combine.ttl, combine.weights.NAME), every run on the event-driven engine",
            properties: {
              grid: {
                type: "array", minItems: 1, items: {
                  oneOf: [
                    { type: "object", required: ["key", "from", "to", "step"], properties: { key: { type: "string" }, from: num, to: num, step: num } },
                    { type: "object", required: ["key", "values"], properties: { key: { type: "string" }, values: { type: "array", items: { type: ["number", "boolean"] } } } },
                  ],
                },
              },
              random: {
                type: "object", required: ["count", "space"],
                properties: {
                  count: { type: "integer", minimum: 1 }, seed: { type: "integer", minimum: 0, default: 1 },
                  space: { type: "array", items: { type: "object", required: ["key", "min", "max"], properties: { key: { type: "string" }, min: num, max: num } } },
                },
              },
              objective: { enum: Object.keys(OBJECTIVES), default: "sharpe" },
              walkForward: {
                type: "object", required: ["inSample", "outOfSample"],
                properties: { inSample: { type: "integer", minimum: 2 }, outOfSample: { type: "integer", minimum: 2 }, anchored: { type: "boolean", default: false } },
              },
              fastPath: { type: "boolean", default: true, description: "use the vectorized path where it applies (same results)" },
              guardBlocks: { type: "integer", minimum: 2, maximum: 24, default: 16, description: "CSCV blocks for the PBO (even)" },
            },
          }],
        },
        SweepJob: {
          type: "object",
          properties: {
            id: { type: "string" }, owner: { type: "string", description: "the id of the key that submitted it" },
            status: { enum: ["queued", "running", "done", "failed"] },
            progress: { type: "object", properties: { runsDone: { type: "integer" }, runsTotal: { type: "integer" }, fraction: num } },
            createdAt: num, startedAt: { type: ["number", "null"] }, finishedAt: { type: ["number", "null"] },
            result: {
              type: "object",
              properties: {
                strategy: { type: "string" }, objective: { type: "string" }, points: { type: "integer" }, runs: { type: "array" },
                best: { type: ["object", "null"] }, engines: { type: "object" }, deflatedSharpe: { type: ["object", "null"] },
                pbo: { type: ["object", "null"] }, outOfSample: { type: "object" }, symbols: { type: "array" },
              },
            },
            error: { type: "object" },
          },
        },
        Session: {
          type: "object",
          properties: {
            id: { type: "string" }, owner: { type: "string", description: "the id of the key that started it" },
            status: { enum: ["running", "finished", "stopped", "failed"] }, symbol: { type: "string" },
            strategy: { type: "string" }, barsPerSecond: num, createdAt: num, endedAt: { type: ["number", "null"] },
            snapshot: {
              type: "object",
              properties: {
                time: num, barsDone: { type: "integer" }, barsTotal: { type: "integer" }, cash: { type: "string" }, equity: num,
                positions: { type: "array" }, openOrders: { type: "array" }, fills: { type: "array" },
              },
            },
            recovered: {
              type: "object", description: "present when the session was resumed from its journal after the server restarted",
              properties: { at: num, bars: { type: "integer" }, resent: { type: "array", items: { type: "string" } } },
            },
          },
        },
        Optimized: {
          type: "object",
          properties: {
            method: { enum: OPTIMIZE_METHODS }, assets: { type: "array", items: { type: "string" } }, weights: nums,
            riskContributions: nums, volatility: num, expectedReturn: num, sharpe: num, iterations: { type: "integer" }, rows: { type: "integer" },
          },
        },
      },
    },
  };
}
