// Property-based fuzzing of every route: whatever the body, the answer is never a 500 or a crash,
// an error always has the API's shape and echoes a bounded amount of the input, and the server
// answers /health afterwards. Seeded so CI is reproducible; FUZZ_SEED and FUZZ_RUNS explore more.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barRows, sp500, sp500Returns } from "./fixtures.ts";
import { startNode, TOKEN, type Target } from "./targets.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** An error answer is a short JSON object; anything longer echoes too much of the input. */
const MAX_ERROR_BYTES = 1024;

let node: Target;
beforeAll(async () => void (node = await startNode()));
afterAll(async () => node?.close());

const auth = { authorization: `Bearer ${TOKEN}` };
let client = 0;

/** Sends a body (JSON value or raw text) and checks the answer's shape; returns the status. */
async function probe(method: string, path: string, body: unknown, raw = false): Promise<number> {
  const res = await node.fetch(path, {
    method,
    // A client key per request, so the rate limiter never turns the fuzz into a 429 test.
    headers: { ...auth, "content-type": "application/json", "x-forwarded-for": `10.9.${(client >> 8) & 255}.${client++ & 255}` },
    body: method === "GET" || method === "DELETE" ? undefined : raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).not.toBe(500);
  expect(res.status).toBeLessThan(600);
  if (res.status >= 400) {
    expect(text.length, `${method} ${path} echoed ${text.length} bytes`).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    const error = JSON.parse(text).error;
    expect(typeof error.code).toBe("string");
    expect(typeof error.message).toBe("string");
    if (error.field !== undefined) expect(typeof error.field).toBe("string");
  }
  return res.status;
}

async function alive(): Promise<void> {
  expect((await node.fetch("/health", { headers: { "x-forwarded-for": "10.8.0.1" } })).status).toBe(200);
}

const rows = barRows(sp500, 120);
const returns = sp500Returns().slice(0, 200);

/** Any JSON value, including long strings and big or odd numbers. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ minLength: 200, maxLength: 5000 }),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 1, "1e9", "0x10", "NaN", "Infinity", "__proto__", "constructor", "", " "),
);

/** Arrays nested `depth` deep around a value: stack depth bombs for recursive validators. */
const deep = fc.integer({ min: 50, max: 20_000 }).map((depth) => "[".repeat(depth) + "1" + "]".repeat(depth));

/** A valid body with one field replaced, removed or joined by an unknown one. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), anyJson).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))),
    fc.tuple(fc.string({ maxLength: 20 }), anyJson).map(([k, v]) => ({ ...valid, [k]: v })),
  );
}

/** A valid body's text with one field replaced by a deeply nested array (the last duplicate key wins in JSON.parse). */
function nestedIn(valid: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...Object.keys(valid)), deep).map(([k, d]) => JSON.stringify(valid).replace(/}$/, `,"${k}":${d}}`));
}

const indicatorSpec = fc.oneof(
  fc.constantFrom("sma", "ema", "rsi", "macd", "bbands", "atr", "adx", "stoch", "obv", "vwap", "cci", "willr", "roc", "nope")
    .chain((name) => fc.array(fc.oneof(fc.integer({ min: -5, max: 300 }).map(String), fc.constantFrom("1e9", "0x10", "1e308", "2.5", "", "-0", "+3")), { maxLength: 3 })
      .map((params) => [name, ...params].join(":"))),
  fc.string({ maxLength: 30 }),
);

const ROUTES: { path: string; valid: Record<string, unknown>; extra?: fc.Arbitrary<unknown> }[] = [
  {
    path: "/indicators",
    valid: { bars: rows, indicators: ["sma:5", "rsi:14"] },
    extra: fc.record({ series: fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 300 }), indicators: fc.array(indicatorSpec, { maxLength: 5 }) }),
  },
  {
    path: "/backtest",
    valid: { bars: rows, strategy: "momentum", params: { fast: 3, slow: 10 }, config: { initialCash: 10_000 }, limits: { maxDrawdown: 0.5 }, sizing: { method: "fixed", fraction: 0.5 } },
    extra: fc.record({
      sample: fc.constant("sp500"), strategy: fc.constantFrom("momentum", "mean-reversion", "nope"),
      params: fc.dictionary(fc.constantFrom("fast", "slow", "period", "entryZ", "exitZ", "x"), anyJson, { maxKeys: 3 }),
    }),
  },
  { path: "/backtests", valid: { bars: rows, strategy: "momentum" } },
  { path: "/risk", valid: { returns, scale: 252 }, extra: fc.record({ returns: fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 300 }) }) },
  {
    path: "/optimize",
    valid: { method: "minvar", covariance: [[0.04, 0.01], [0.01, 0.09]], longOnly: true, maxWeight: 0.8 },
    extra: fc.record({
      method: fc.constantFrom("minvar", "maxsharpe", "riskparity", "nope"),
      covariance: fc.array(fc.array(fc.double({ min: -1, max: 1 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
      longOnly: anyJson,
    }),
  },
  {
    path: "/forecast",
    valid: { closes: rows.map((r) => r.close), model: "nhits", horizon: 4, evaluate: true, tail: 40 },
    extra: fc.record({
      closes: fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 300 }),
      model: fc.constantFrom("nhits", "lstm", "transformer", "nope"), horizon: fc.oneof(fc.integer({ min: -2, max: 80 }), anyJson), evaluate: fc.boolean(),
    }),
  },
  { path: "/sessions", valid: { bars: rows, strategy: "momentum", barsPerSecond: 1 } },
];

describe("fuzzing every route", () => {
  for (const route of ROUTES) {
    it(`POST ${route.path} answers any body with a bounded 4xx or a 2xx`, async () => {
      const bodies = fc.oneof(mutated(route.valid), anyJson, ...(route.extra ? [route.extra] : []));
      await fc.assert(fc.asyncProperty(bodies, async (body) => void (await probe("POST", route.path, body))), { seed: SEED, numRuns: RUNS });
      await alive();
    });
  }

  it("answers a deeply nested value in any field of any POST route", async () => {
    const cases = fc.oneof(...ROUTES.map((r) => nestedIn(r.valid).map((body) => [r.path, body] as const)));
    await fc.assert(fc.asyncProperty(cases, async ([path, body]) => void (await probe("POST", path, body, true))), { seed: SEED, numRuns: RUNS });
    await alive();
  });

  it("answers raw, non-JSON and deeply nested bodies on every POST route", async () => {
    const raw = fc.oneof(deep, fc.string({ maxLength: 2000 }), fc.uint8Array({ maxLength: 500 }).map((b) => String.fromCharCode(...b)),
      fc.constantFrom("", "{", "{\"a\":", "null", "[]", "\u0000", "{\"__proto__\":{\"x\":1}}"));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ROUTES.map((r) => r.path)), raw, async (path, body) => {
      await probe("POST", path, body, true);
    }), { seed: SEED, numRuns: RUNS * 2 });
    await alive();
  });

  it("answers any path and id on GET and DELETE", async () => {
    const segment = fc.oneof(fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constantFrom("..", "%00", "%ff", "x".repeat(3000)));
    const paths = fc.tuple(fc.constantFrom("/backtests/", "/sessions/", "/sessions/x/", "/", "/indicators/"), segment).map(([a, b]) => a + b);
    await fc.assert(fc.asyncProperty(fc.constantFrom("GET", "DELETE"), paths, async (method, path) => {
      await probe(method, path, undefined);
    }), { seed: SEED, numRuns: RUNS * 2 });
    await alive();
  });
});
