// The MCP tools over streamable HTTP (POST /mcp), with the SDK's own Client
// against the app in this process: each tool answers what its API route
// answers for the same body, refuses a bad argument with the route's (and
// the CLI's) message, and sits behind the API's keys and scopes.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineApp } from "../../src/api/index.ts";
import { formatNumber } from "../../src/report/format.ts";
import { TOOLS } from "../../src/mcp/tools.ts";

/** Every tool but search_memory: these servers hold no vector memory (test/api/memory-search.test.ts has one). */
const servedTools = TOOLS.map((t) => t.name).filter((name) => name !== "search_memory");
import { barRows, edhecRows, sp500, sp500Returns, stable } from "../api/fixtures.ts";
import { nt } from "../cli/capture.ts";
import { engineApp, httpClient, initialize, outcome, rpc, type Fetch } from "./clients.ts";

const SECRETS = {
  ops: "ops-secret-0123456789abcdef",
  alice: "alice-secret-0123456789abc",
  bob: "bob-secret-0123456789abcdef",
  reader: "reader-secret-0123456789ab",
  runner: "runner-secret-0123456789ab",
};
const KEYS = [
  `ops:admin:${SECRETS.ops}`, `alice:read,backtest,trade:${SECRETS.alice}`, `bob:read,backtest,trade:${SECRETS.bob}`,
  `reader:read:${SECRETS.reader}`, `runner:backtest:${SECRETS.runner}`,
].join(" ");

let engine: EngineApp;
let fetch: Fetch;
const clients: Client[] = [];

beforeAll(async () => {
  engine = await engineApp({ NT_API_KEYS: KEYS });
  fetch = (path, init) => engine.fetch(new Request(`http://x${path}`, init));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  engine.close();
});

async function client(who: keyof typeof SECRETS): Promise<Client> {
  const c = await httpClient(fetch, SECRETS[who]);
  clients.push(c);
  return c;
}

/** The API's answer to the same request, as a client of the route gets it. */
async function route(method: string, path: string, body?: unknown, who: keyof typeof SECRETS = "alice"): Promise<{ status: number; json: any }> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${SECRETS[who]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => outcome(await c.callTool({ name, arguments: args }));

const edhec = edhecRows(5);
/** Each tool with a body for it and the route that answers the same body. */
const CASES: [string, string, string, Record<string, unknown>][] = [
  ["list_strategies", "GET", "/strategies", {}],
  ["compute_indicators", "POST", "/indicators", { sample: "sp500", indicators: "sma:20,rsi:14,macd:12:26:9,bbands:20:2,atr:14" }],
  ["compute_indicators", "POST", "/indicators", { bars: barRows(sp500, 300), indicators: ["ema:10", "obv"] }],
  ["run_backtest", "POST", "/backtest", { sample: "sp500", strategy: "momentum", params: { fast: 10, slow: 40 }, config: { stopLossPct: 0.05 } }],
  ["run_backtest", "POST", "/backtest", { bars: barRows(sp500, 800), symbol: "ABC", strategy: "mean-reversion", params: { allowShort: true }, sizing: { method: "fixed", fraction: 0.5 } }],
  ["risk_statistics", "POST", "/risk", { returns: sp500Returns(), scale: 252 }],
  ["risk_statistics", "POST", "/risk", { returns: Object.fromEntries(edhec.assets.map((a, k) => [a, edhec.rows.map((r) => r[k])])), scale: 12 }],
  ["optimize_portfolio", "POST", "/optimize", { method: "maxsharpe", returns: edhec.rows, assets: edhec.assets, longOnly: true }],
  ["optimize_portfolio", "POST", "/optimize", { method: "minvar", covariance: [[0.04, 0.006], [0.006, 0.09]] }],
  ["forecast", "POST", "/forecast", { sample: "sp500", model: "nhits", evaluate: true, tail: 40 }],
  ["forecast", "POST", "/forecast", { closes: Array.from(sp500.close.subarray(0, 200)), model: "lstm", horizon: 3 }],
];

describe("tools/list", () => {
  it("offers every tool, each with its API operation's input schema from the OpenAPI document", async () => {
    const { tools } = await (await client("alice")).listTools();
    expect(tools.map((t) => t.name)).toEqual(servedTools);
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["list_strategies", "compute_indicators", "run_backtest", "risk_statistics",
      "optimize_portfolio", "forecast", "start_paper_session", "stop_paper_session", "inspect_paper_session", "list_paper_sessions"]));
    const doc = (await route("GET", "/openapi.json")).json;
    const schema = (name: string) => tools.find((t) => t.name === name)!.inputSchema as any;
    const properties = (name: string) => Object.keys(schema(name).properties).sort();
    // A backtest and a session request are the run request plus fields of their own (allOf in the document).
    const run = doc.components.schemas.RunRequest;
    const own = (component: string) => doc.components.schemas[component].allOf[1];
    expect(properties("run_backtest")).toEqual([...Object.keys(run.properties), ...Object.keys(own("BacktestRequest").properties)].sort());
    expect(properties("run_backtest")).toEqual(expect.arrayContaining(["sample", "strategy", "params", "config", "benchmark"]));
    expect(schema("run_backtest").required).toEqual(run.required);
    expect(properties("start_paper_session")).toEqual([...Object.keys(run.properties), ...Object.keys(own("SessionRequest").properties)].sort());
    expect(schema("start_paper_session").required).toEqual([...run.required, "barsPerSecond"]);
    expect(schema("compute_indicators").properties).toEqual(expect.objectContaining({ sample: { enum: ["sp500"], description: expect.any(String) } }));
    expect(schema("forecast").properties.model).toEqual(doc.components.schemas.ForecastRequest.properties.model);
    expect(schema("risk_statistics").properties).toEqual(doc.paths["/risk"].post.requestBody.content["application/json"].schema.properties);
    expect(schema("inspect_paper_session")).toEqual({ type: "object", properties: { id: { type: "string" } }, required: ["id"], additionalProperties: false });
    expect(schema("list_strategies")).toEqual({ type: "object", properties: {}, required: [], additionalProperties: false });
    // Components the schemas refer to travel with them, under $defs.
    expect(schema("run_backtest").properties.bars).toEqual({ $ref: "#/$defs/Bars" });
    expect(Object.keys(schema("run_backtest").$defs).sort()).toEqual(["Bar", "Bars", "NewsItem"]);
  });

  it("each schema is a valid, self-contained JSON schema that takes the bodies the routes take", async () => {
    const { tools } = await (await client("alice")).listTools();
    const ajv = new AjvJsonSchemaValidator();
    for (const [name, , , args] of CASES) {
      const check = ajv.getValidator(tools.find((t) => t.name === name)!.inputSchema)(args);
      expect(check.valid, `${name}: ${check.errorMessage}`).toBe(true);
    }
    const backtest = ajv.getValidator(tools.find((t) => t.name === "run_backtest")!.inputSchema);
    expect(backtest({ sample: "sp500" }).valid).toBe(false);
    expect(backtest({ sample: "sp500", strategy: "momentum", config: { initialCash: "lots" } }).valid).toBe(false);
  });

  it("marks which tools change something", async () => {
    const { tools } = await (await client("alice")).listTools();
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.annotations?.readOnlyHint]));
    expect(Object.entries(hints).filter(([, readOnly]) => !readOnly).map(([name]) => name)).toEqual(["start_paper_session", "stop_paper_session"]);
  });
});

describe("tools/call answers what the route answers", () => {
  it.each(CASES)("%s as %s %s", async (name, method, path, args) => {
    const got = await call(await client("alice"), name, args);
    const expected = await route(method, path, method === "GET" ? undefined : args);
    expect(expected.status).toBe(200);
    expect(got.isError).toBe(false);
    expect(stable(got.json)).toEqual(stable(expected.json));
  });

  it("with a one-line summary of the answer as text", async () => {
    const c = await client("alice");
    const backtest = await call(c, "run_backtest", CASES[3]![3]);
    const report = backtest.json as { finalEquity: number; trades: unknown[] };
    expect(backtest.text).toContain(`final equity ${formatNumber(report.finalEquity)}`);
    expect(backtest.text).toContain(`${report.trades.length} trades`);
    expect(backtest.text).not.toContain("\n");
    const indicators = await call(c, "compute_indicators", { series: [1, 2, 3, 4], indicators: "sma:2" });
    expect(indicators.text).toBe("4 rows of 1 column; last row: sma:2 3.5000");
    const forecast = await call(c, "forecast", { sample: "sp500", model: "transformer", horizon: 2 });
    const f = forecast.json as { forecast: number[] };
    expect(forecast.text).toContain(`: ${formatNumber(f.forecast[0]!)}, ${formatNumber(f.forecast[1]!)}`);
  });
});

describe("bad arguments", () => {
  /** [tool, arguments, route]: each refused by the route with a 400 naming a field. */
  const BAD: [string, Record<string, unknown>, string][] = [
    ["run_backtest", { sample: "sp500", strategy: "nope" }, "/backtest"],
    ["run_backtest", { sample: "sp500", strategy: "momentum", params: { fast: 0 } }, "/backtest"],
    ["run_backtest", { sample: "sp500", strategy: "momentum", config: { initialCash: "1000" } }, "/backtest"],
    ["run_backtest", { sample: "sp500", strategy: "momentum", sizing: { method: "kelly", fraction: 7 } }, "/backtest"],
    ["run_backtest", { sample: "nasdaq", strategy: "momentum" }, "/backtest"],
    ["run_backtest", { strategy: "momentum" }, "/backtest"],
    ["run_backtest", { sample: "sp500", strategy: "momentum", bogus: 1 }, "/backtest"],
    ["run_backtest", { csv: "date,open,high,low,close,volume\n2020-01-02,1,0.5,1,1,0\n", strategy: "momentum" }, "/backtest"],
    ["compute_indicators", { sample: "sp500", indicators: "sma:0" }, "/indicators"],
    ["compute_indicators", { sample: "sp500", indicators: "bogus:3" }, "/indicators"],
    ["compute_indicators", { series: [1, 2, 3], indicators: "atr:14" }, "/indicators"],
    ["compute_indicators", { series: [1, 2, 3], sample: "sp500", indicators: "sma:2" }, "/indicators"],
    ["risk_statistics", { returns: [0.01, "x"] }, "/risk"],
    ["optimize_portfolio", { method: "best", covariance: [[1]] }, "/optimize"],
    ["forecast", { sample: "sp500", model: "gpt" }, "/forecast"],
    ["forecast", { closes: [1, 2, 3], model: "nhits" }, "/forecast"],
  ];

  it.each(BAD)("%s %j: a tool error with the route's message", async (name, args, path) => {
    const got = await call(await client("alice"), name, args);
    const expected = await route("POST", path, args);
    expect(expected.status).toBe(400);
    expect(got).toEqual({ isError: true, text: expected.json.error.message, json: expected.json });
  });

  it("the CLI states the same rule: word for word where it reads the same text, naming its flag where it has one", async () => {
    const c = await client("alice");
    const cli = async (...argv: string[]) => {
      const { code, err } = await nt(...argv);
      expect(code, err).not.toBe(0);
      return err.split("\n")[0]!.replace(/^nt \w+: /, "");
    };
    expect((await call(c, "run_backtest", { sample: "sp500", strategy: "nope" })).text).toBe(await cli("backtest", "--strategy", "nope"));
    expect((await call(c, "compute_indicators", { sample: "sp500", indicators: "rsi:14,sma:0" })).text)
      .toBe(await cli("indicators", "--data", "data/sp500.csv", "--spec", "rsi:14,sma:0", "--out", "/dev/null"));
    // Typed as text on a command line, the same check names the flag and quotes what was typed.
    const same = (text: string, field: string) => text.replace(field, "FIELD").replaceAll('"', "");
    const pairs: [Record<string, unknown>, string, string[], string][] = [
      [{ params: { fast: 0 } }, "params.fast", ["--param", "fast=0"], "--param fast"],
      [{ config: { initialCash: -5 } }, "config.initialCash", ["--cash=-5"], "--cash"],
      [{ config: { slippageBps: 20000 } }, "config.slippageBps", ["--slippage-bps", "20000"], "--slippage-bps"],
    ];
    for (const [args, field, argv, flag] of pairs) {
      const tool = (await call(c, "run_backtest", { sample: "sp500", strategy: "momentum", ...args })).text;
      expect(same(tool, field), tool).toBe(same(await cli("backtest", ...argv), flag));
    }
  });

  it("arguments that are not an object, and an unknown tool, are JSON-RPC invalid params (-32602)", async () => {
    const notObject = await rpc(fetch, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "run_backtest", arguments: [1, 2] } }, SECRETS.alice);
    expect(notObject.status).toBe(200);
    expect(notObject.body.error.code).toBe(-32602);
    expect(notObject.body.error.message).toMatch(/arguments/);
    const unknown = await rpc(fetch, { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "search_everything", arguments: {} } }, SECRETS.alice);
    expect(unknown.body.error.code).toBe(-32602);
    expect(unknown.body.error.message).toContain('unknown tool "search_everything"; the tools are list_strategies, compute_indicators');
    await expect((await client("alice")).callTool({ name: "nope", arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });
});

describe("keys and scopes", () => {
  it("POST /mcp needs a key with the backtest scope: 401 without one or with an unknown one, 403 without the scope", async () => {
    const none = await rpc(fetch, initialize);
    expect([none.status, none.body.error.code]).toEqual([401, "unauthorized"]);
    const stranger = await rpc(fetch, initialize, "not-a-known-secret-0123456");
    expect([stranger.status, stranger.body.error.code]).toEqual([401, "unauthorized"]);
    const reader = await rpc(fetch, initialize, SECRETS.reader);
    expect(reader).toEqual({ status: 403, body: { error: { code: "insufficient_scope", message: 'this route needs the "backtest" scope; the key "reader" has read' } } });
    const runner = await rpc(fetch, initialize, SECRETS.runner);
    expect(runner.status).toBe(200);
    expect(runner.body.result.serverInfo).toEqual({ name: "nt", version: "0.0.0-test" });
    // The SDK's client sees the refusal as an HTTP error with its status.
    await expect(httpClient(fetch)).rejects.toMatchObject({ code: 401 });
  });

  it("the session tools need their routes' scopes: trade to start and stop, read to look", async () => {
    const runner = await client("runner");
    const refused = await call(runner, "start_paper_session", { sample: "sp500", strategy: "momentum", barsPerSecond: 1 });
    expect(refused).toEqual({
      isError: true,
      text: 'start_paper_session needs the "trade" scope (as POST /sessions does); the key "runner" has backtest',
      json: { error: { code: "insufficient_scope", message: refused.text } },
    });
    expect((await call(runner, "list_paper_sessions")).text).toMatch(/^list_paper_sessions needs the "read" scope/);
    expect((await call(runner, "stop_paper_session", { id: "x" })).text).toMatch(/^stop_paper_session needs the "trade" scope/);
    // The compute tools need nothing beyond the endpoint's scope.
    expect((await call(runner, "list_strategies")).isError).toBe(false);
  });

  it("a session belongs to the key that started it, over MCP as over the routes; admin sees and stops any", async () => {
    const alice = await client("alice");
    const bob = await client("bob");
    const body = { sample: "sp500", strategy: "momentum", barsPerSecond: 1 };
    const started = await call(alice, "start_paper_session", body);
    expect(started.isError).toBe(false);
    const { id, owner, status } = started.json as { id: string; owner: string; status: string };
    expect([owner, status]).toEqual(["alice", "running"]);
    expect(started.text).toBe(`paper session ${id} started: momentum on SPX, 5,105 bars at 1 per second`);

    // The same session through the routes.
    expect((await route("GET", `/sessions/${id}`)).json.strategy).toBe("momentum");
    const viaRoute = (await route("POST", "/sessions", body, "bob")).json.id;

    const inspected = await call(alice, "inspect_paper_session", { id });
    expect(inspected.json).toMatchObject({ id, owner: "alice", status: "running" });
    const hidden = await call(bob, "inspect_paper_session", { id });
    expect(hidden).toEqual({ isError: true, text: `no paper session ${id}`, json: (await route("GET", `/sessions/${id}`, undefined, "bob")).json });
    expect((await call(bob, "stop_paper_session", { id })).text).toBe(`no paper session ${id}`);
    const ids = async (c: Client) => ((await call(c, "list_paper_sessions")).json as { sessions: { id: string }[] }).sessions.map((s) => s.id).sort();
    expect(await ids(alice)).toEqual([id]);
    expect(await ids(bob)).toEqual([viaRoute]);
    const ops = await client("ops");
    expect(await ids(ops)).toEqual([id, viaRoute].sort());

    const stopped = await call(ops, "stop_paper_session", { id });
    expect(stopped.json).toMatchObject({ id, status: "stopped" });
    expect(stopped.text).toMatch(new RegExp(`^paper session ${id} \\(momentum on SPX\\) stopped at bar \\d+ of 5105: equity `));
    expect((await route("GET", `/sessions/${id}`)).json.status).toBe("stopped");
    // A path parameter has no route body to compare with: checked by the API's own string check.
    expect((await call(alice, "inspect_paper_session", { id: 42 })).text).toBe("id must be a string, got 42");
    await route("DELETE", `/sessions/${viaRoute}`, undefined, "bob");
  });
});

describe("the endpoint", () => {
  it("GET and DELETE /mcp answer 405: no event stream, no MCP session", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch("/mcp", { method, headers: { authorization: `Bearer ${SECRETS.alice}` } });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect((await res.json()).error.code).toBe("method_not_allowed");
    }
  });

  it("a malformed message is a JSON-RPC parse error, answered by the transport", async () => {
    const res = await fetch("/mcp", {
      method: "POST",
      headers: { authorization: `Bearer ${SECRETS.alice}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32700);
  });

  it("where the app keeps nothing between requests (an edge isolate), the session tools are not offered", async () => {
    const edge = await engineApp({ NT_API_KEYS: KEYS }, false);
    try {
      const c = await httpClient((path, init) => edge.fetch(new Request(`http://x${path}`, init)), SECRETS.alice);
      expect((await c.listTools()).tools.map((t) => t.name)).toEqual(["list_strategies", "compute_indicators", "run_backtest", "risk_statistics", "optimize_portfolio", "forecast"]);
      await expect(c.callTool({ name: "start_paper_session", arguments: {} })).rejects.toMatchObject({ code: -32602 });
      expect((await call(c, "compute_indicators", { series: [1, 2, 3], indicators: "sma:3" })).json).toEqual({ rows: 3, columns: { "sma:3": [null, null, 2] } });
      await c.close();
    } finally {
      edge.close();
    }
  });
});
