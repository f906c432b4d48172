// One validation layer (issue 12, finding 5): what a hostile probe found
// inconsistent, each case against the Node server.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SHOWN_CHARS } from "../../src/core/errors.ts";
import { MAX_JSON_DEPTH } from "../../src/api/input/validate.ts";
import { startNode, TOKEN, type Target } from "./targets.ts";

let node: Target;
beforeAll(async () => void (node = await startNode()));
afterAll(async () => node?.close());

interface Answer {
  status: number;
  error: { code: string; message: string; field?: string };
}

/** With the admin key: jobs need one, the public routes ignore it. */
async function post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const res = await node.fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: text });
  const json = await res.json();
  expect(Object.keys(json)).toEqual(["error"]);
  return { status: res.status, error: json.error };
}

/** `depth` arrays, one inside the other, around 1 as JSON text. */
const nested = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);
/** The path to the innermost of `depth` nested arrays under `field`. */
const pathInto = (field: string, depth: number) => field + "[0]".repeat(depth);

describe("deep nesting", () => {
  it("is a 400 naming the field, not a 500, on /risk and /optimize", async () => {
    const deep = nested(20_000);
    for (const [path, body, field] of [
      ["/risk", `{"returns":[0.1,${deep}]}`, "returns[1]"],
      ["/risk", `{"returns":{"a":${deep}}}`, "returns.a"],
      ["/optimize", `{"method":"minvar","covariance":[[1]],"longOnly":${deep}}`, "longOnly"],
    ]) {
      const { status, error } = await post(path, body);
      expect(status, body.slice(0, 40)).toBe(400);
      expect(error.code).toBe("validation");
      expect(error.field!.startsWith(field), error.field).toBe(true);
      expect(error.message).toContain(`at most ${MAX_JSON_DEPTH} levels`);
    }
  });

  it("allows exactly MAX_JSON_DEPTH levels and names the first path below them", async () => {
    // The body is level 1, returns level 2, so returns[1] holds MAX_JSON_DEPTH - 2 more levels at most.
    const fits = await post("/risk", `{"returns":[0.1,${nested(MAX_JSON_DEPTH - 2)}]}`);
    expect(fits.error.field).toBe("returns[1]");
    expect(fits.error.message).toBe("returns[1] must be a finite number or null (missing), got an array of 1");
    const over = await post("/risk", `{"returns":[0.1,${nested(MAX_JSON_DEPTH - 1)}]}`);
    expect(over.error.field).toBe(pathInto("returns[1]", MAX_JSON_DEPTH - 2));
  });

  it("survives a body that is nothing but nesting, up to the body limit", async () => {
    const { status, error } = await post("/risk", `{"returns":${nested(400_000)}}`);
    expect([status, error.code]).toEqual([400, "validation"]);
    expect((await node.fetch("/health")).status).toBe(200);
  });
});

describe("a bad value in a message", () => {
  const long = "x".repeat(500_000);
  const shownLong = `"${"x".repeat(MAX_SHOWN_CHARS)}…" (500000 characters)`;

  it("is shown the same bounded way on every route", async () => {
    const cases: [string, unknown][] = [
      ["/risk", { returns: [0.1, long] }],
      ["/risk", { returns: { a: [long] } }],
      ["/indicators", { series: [1, long], indicators: ["sma:1"] }],
      ["/indicators", { bars: [{ time: long, open: 1, high: 1, low: 1, close: 1, volume: 1 }], indicators: ["sma:1"] }],
      ["/backtest", { sample: "sp500", strategy: long }],
      ["/backtest", { sample: "sp500", strategy: "momentum", params: { fast: long } }],
      ["/backtest", { sample: "sp500", strategy: "momentum", config: { initialCash: long } }],
      ["/backtest", { sample: "sp500", strategy: "momentum", sizing: { method: long } }],
      ["/backtests", { sample: "sp500", strategy: "momentum", limits: { maxOrderRate: { count: long, windowMs: 1 } } }],
      ["/optimize", { method: "minvar", covariance: [[1]], longOnly: long }],
    ];
    for (const [path, body] of cases) {
      const { status, error } = await post(path, body);
      expect(status, `${path} ${error.field}`).toBe(400);
      expect(error.message, `${path} ${error.field}`).toContain(shownLong);
      expect(error.message.length, `${path} ${error.field}`).toBeLessThan(200);
    }
  });

  it("keeps a long key short in the field and the message", async () => {
    const key = "k".repeat(200_000);
    for (const [path, body] of [
      ["/backtest", { sample: "sp500", strategy: "momentum", config: { [key]: 1 } }],
      ["/backtest", { sample: "sp500", strategy: "momentum", params: { [key]: 1 } }],
      ["/risk", { returns: { [key]: ["x"] } }],
      ["/indicators", { series: [1], indicators: ["sma:1"], [key]: 1 }],
    ] as const) {
      const { error } = await post(path, body);
      expect(error.field!.length, path).toBeLessThan(100);
      expect(error.message.length, path).toBeLessThan(400);
    }
  });
});

describe("indicator specs", () => {
  it("refuses exponents, hex, huge widths and periods longer than the series, naming the element", async () => {
    const series = Array.from({ length: 30 }, (_, i) => 100 + i);
    for (const [item, message] of [
      ["sma:1e9", '"sma:1e9": sma.period must be an integer from 1 to 100000 written in plain decimal (no exponent, hex, + or spaces), got "1e9"'],
      ["sma:0x10", '"sma:0x10": sma.period must be an integer from 1 to 100000 written in plain decimal (no exponent, hex, + or spaces), got "0x10"'],
      ["bbands:20:1e308", '"bbands:20:1e308": bbands.k must be a number from 0 to 10 written in plain decimal (no exponent, hex, + or spaces), got "1e308"'],
      ["sma:31", '"sma:31": sma.period (31) is longer than the series (30 rows)'],
    ]) {
      const { status, error } = await post("/indicators", { series, indicators: ["ema:5", item] });
      expect([status, error.code, error.field, error.message]).toEqual([400, "validation", "indicators[1]", message]);
    }
    const ok = await node.fetch("/indicators", { method: "POST", body: JSON.stringify({ series, indicators: ["sma:30", "bbands:20:2.5"] }) });
    expect(ok.status).toBe(200);
  });

  it("refuses an item listed twice, as the CLI does", async () => {
    const { status, error } = await post("/indicators", { series: [1, 2, 3, 4, 5, 6], indicators: "sma:5,sma:5" });
    expect([status, error.field, error.message]).toEqual([400, "indicators", '"sma:5" repeats "sma:5": the same indicator with the same arguments; list it once']);
    const across = await post("/indicators", { series: [1, 2, 3, 4, 5, 6], indicators: ["sma:5", "SMA:5"] });
    expect(across.error.field).toBe("indicators[1]");
  });
});

describe("backtest requests", () => {
  it("take no JSON string for a number parameter", async () => {
    const { status, error } = await post("/backtest", { sample: "sp500", strategy: "momentum", params: { fast: "20" } });
    expect([status, error.code, error.field, error.message]).toEqual([400, "strategy", "params.fast", 'momentum: params.fast must be an integer from 1 to 1000, got "20"']);
    const flag = await post("/backtest", { sample: "sp500", strategy: "momentum", params: { allowShort: "true" } });
    expect(flag.error.field).toBe("params.allowShort");
  });

  it("name each field by its path in the body, whether its type or its range is wrong", async () => {
    const base = { sample: "sp500", strategy: "momentum" };
    for (const [body, field, message] of [
      [{ config: { initialCash: -1 } }, "config.initialCash", "config.initialCash must be a number > 0, got -1"],
      [{ config: { initialCash: "x" } }, "config.initialCash", 'config.initialCash must be a number > 0, got "x"'],
      [{ config: { stopLossPct: 1 } }, "config.stopLossPct", "config.stopLossPct must be a number in (0, 1), got 1"],
      [{ limits: { maxDrawdown: 2 } }, "limits.maxDrawdown", "limits.maxDrawdown must be a number in (0, 1), got 2"],
      [{ limits: { maxOrderRate: { count: 0, windowMs: 5 } } }, "limits.maxOrderRate.count", "limits.maxOrderRate.count must be an integer >= 1, got 0"],
      [{ limits: { maxOrderRate: { windowMs: 5 } } }, "limits.maxOrderRate.count", "limits.maxOrderRate.count is required"],
      [{ sizing: { method: "fixed", fraction: 2 } }, "sizing.fraction", "sizing.fraction must be a number in (0, 1], got 2"],
      [{ sizing: { method: "kelly", lookback: 2.5 } }, "sizing.lookback", "sizing.lookback must be an integer > 2, got 2.5"],
      [{ sizing: { method: "volTarget" } }, "sizing.target", "sizing.target is required"],
      [{ params: { fast: 50, slow: 50 } }, "params.fast", "momentum: fast period (50) must be shorter than slow period (50)"],
    ] as const) {
      for (const path of ["/backtest", "/backtests"]) {
        const { status, error } = await post(path, { ...base, ...body });
        expect([status, error.field, error.message], `${path} ${field}`).toEqual([400, field, message]);
      }
    }
    const session = await post("/sessions", { ...base, barsPerSecond: 10, config: { initialCash: 0 } }, { authorization: `Bearer ${TOKEN}` });
    expect(session.error.field).toBe("config.initialCash");
  });
});

/** Sends raw HTTP/1.1 and returns the whole answer. */
function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer")));
  });
}

describe("requests Node's HTTP parser refuses", () => {
  it("get the API's JSON error shape, not an empty body", async () => {
    const answer = await raw(node.url!, "POST /risk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}");
    const [head, body] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head.toLowerCase()).toContain("content-type: application/json");
    expect(JSON.parse(body)).toEqual({ error: { code: "invalid_content_length", message: "Content-Length must be a byte count (digits only)" } });
    const garbage = await raw(node.url!, "NOT HTTP AT ALL\r\n\r\n");
    expect(JSON.parse(garbage.split("\r\n\r\n")[1]).error.code).toBe("bad_request");
    expect((await node.fetch("/health")).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("states the bounds the checks use", async () => {
    const doc = await (await node.fetch("/openapi.json")).json();
    const request = doc.components.schemas.RunRequest.properties;
    expect(doc.components.schemas.BacktestRequest.allOf[1].properties.benchmark.properties).toHaveProperty("csv");
    expect(request.config.properties.initialCash).toMatchObject({ type: "number", exclusiveMinimum: 0, default: 100_000 });
    expect(request.config.properties.positionFraction).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
    expect(request.limits.properties.maxOrderRate.properties.count).toMatchObject({ type: "integer", minimum: 1 });
    expect(request.params.additionalProperties).toEqual({ type: ["number", "boolean"] });
    const indicators = doc.components.schemas.IndicatorsRequest.properties.indicators.description;
    expect(indicators).toContain("periods are integers from 1 to 100000 and no longer than the series");
    expect(indicators).toContain("bbands' k is a number from 0 to 10");
    expect(doc.info.description).toContain(`at most ${MAX_JSON_DEPTH} levels deep`);
  });
});
