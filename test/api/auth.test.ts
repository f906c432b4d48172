// Several API keys with scopes; jobs and sessions owned by the key that made them; which routes are
// public; jobs bounded in bytes; finished jobs and sessions expiring on the app's (fake) clock.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { barRows, sp500, sp500Csv } from "./fixtures.ts";

const SECRETS = {
  ops: "ops-secret-0123456789abcdef",
  alice: "alice-secret-0123456789abc",
  bob: "bob-secret-0123456789abcdef",
  reader: "reader-secret-0123456789ab",
  runner: "runner-secret-0123456789ab",
  legacy: "legacy-token-0123456789abcd",
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const KEYS = [
  `ops:admin:sha256:${sha(SECRETS.ops)}`,
  `alice:read,backtest,trade:${SECRETS.alice}`,
  `bob:read,backtest,trade:sha256:${sha(SECRETS.bob)}`,
  `reader:read:${SECRETS.reader}`,
  `runner:backtest:${SECRETS.runner}`,
].join(" ");

type Who = keyof typeof SECRETS | "nobody" | "stranger";
const headers = (who: Who): Record<string, string> => who === "nobody" ? {} : { authorization: `Bearer ${who === "stranger" ? "not-a-known-secret-0123456" : SECRETS[who]}` };

let now = 1_700_000_000_000;
const clock = { now: () => now };
let engine: EngineApp | undefined;
afterEach(() => engine?.close());

async function app(env: Record<string, string> = {}): Promise<EngineApp> {
  engine = createApp({
    config: loadAppConfig({ env: { NT_API_KEYS: KEYS, NT_API_TOKEN: SECRETS.legacy, NT_RATE_LIMIT: "off", ...env } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), risk: wasmBytes("risk"), solver: wasmBytes("solver") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
    clock,
  });
  return engine;
}

async function call(e: EngineApp, who: Who, method: string, path: string, body?: unknown): Promise<Response> {
  return await e.fetch(new Request(`http://x${path}`, {
    method,
    headers: { ...headers(who), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

async function status(res: Response): Promise<string> {
  const text = await res.text();
  return res.status >= 400 ? `${res.status} ${JSON.parse(text).error.code}` : String(res.status);
}

const session = { sample: "sp500", strategy: "momentum", barsPerSecond: 1 };
const smallJob = { bars: barRows(sp500, 300), strategy: "momentum", params: { fast: 3, slow: 10 } };

async function settled(e: EngineApp, who: Who, id: string) {
  for (let i = 0; i < 10_000; i++) {
    const view = await (await call(e, who, "GET", `/backtests/${id}`)).json();
    if (view.status === "done" || view.status === "failed") return view;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error("the job did not finish");
}

describe("ownership", () => {
  it("a key cannot see, list, read, stream or stop another key's session (404, not 403); admin can", async () => {
    const e = await app();
    const started = await call(e, "alice", "POST", "/sessions", session);
    expect(started.status).toBe(201);
    const { id, owner } = await started.json();
    expect(owner).toBe("alice");
    await call(e, "bob", "POST", "/sessions", session);

    for (const path of [`/sessions/${id}`, `/sessions/${id}/positions`, `/sessions/${id}/orders`, `/sessions/${id}/stream`]) {
      expect(await status(await call(e, "bob", "GET", path)), path).toBe("404 not_found");
    }
    expect(await status(await call(e, "bob", "DELETE", `/sessions/${id}`))).toBe("404 not_found");
    const list = async (who: Who) => (await (await call(e, who, "GET", "/sessions")).json()).sessions.map((s: { owner: string }) => s.owner).sort();
    expect(await list("bob")).toEqual(["bob"]);
    expect(await list("alice")).toEqual(["alice"]);
    expect(await list("reader")).toEqual([]);
    expect((await (await call(e, "alice", "GET", `/sessions/${id}`)).json()).status).toBe("running");

    expect(await list("ops")).toEqual(["alice", "bob"]);
    expect(await list("legacy")).toEqual(["alice", "bob"]);
    expect((await call(e, "ops", "GET", `/sessions/${id}/orders`)).status).toBe(200);
    const stopped = await call(e, "ops", "DELETE", `/sessions/${id}`);
    expect((await stopped.json()).status).toBe("stopped");
  });

  it("a key cannot see, list or delete another key's backtest job (404); admin can; its owner can delete it", async () => {
    const e = await app();
    const submitted = await call(e, "alice", "POST", "/backtests", smallJob);
    expect(submitted.status).toBe(202);
    const { id, owner } = await submitted.json();
    expect(owner).toBe("alice");

    expect(await status(await call(e, "bob", "GET", `/backtests/${id}`))).toBe("404 not_found");
    expect(await status(await call(e, "bob", "DELETE", `/backtests/${id}`))).toBe("404 not_found");
    expect((await (await call(e, "bob", "GET", "/backtests")).json()).jobs).toEqual([]);

    const done = await settled(e, "alice", id);
    expect(done.status).toBe("done");
    const listed = (await (await call(e, "alice", "GET", "/backtests")).json()).jobs;
    expect(listed.map((j: { id: string }) => j.id)).toEqual([id]);
    // A listing leaves the reports out: one GET per job has them.
    expect(listed[0].result).toBeUndefined();
    expect((await (await call(e, "ops", "GET", `/backtests/${id}`)).json()).result.bars).toBe(300);
    expect((await (await call(e, "ops", "GET", "/backtests")).json()).jobs).toHaveLength(1);

    expect((await call(e, "alice", "DELETE", `/backtests/${id}`)).status).toBe(204);
    expect(await status(await call(e, "alice", "GET", `/backtests/${id}`))).toBe("404 not_found");
    expect(await status(await call(e, "ops", "DELETE", `/backtests/${id}`))).toBe("404 not_found");
  });
});

describe("scopes", () => {
  it("401 without a key or with an unknown one; 403 naming the scope a key lacks; admin and the NT_API_TOKEN key pass everywhere", async () => {
    const e = await app();
    const none = await call(e, "nobody", "POST", "/sessions", session);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="nt"');
    expect(await status(none)).toBe("401 unauthorized");
    const unknown = await call(e, "stranger", "GET", "/sessions");
    expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await status(unknown)).toBe("401 unauthorized");

    const refused = await call(e, "reader", "POST", "/sessions", session);
    expect(refused.headers.get("www-authenticate")).toContain('scope="trade"');
    expect((await refused.json()).error).toEqual({
      code: "insufficient_scope", message: 'this route needs the "trade" scope; the key "reader" has read',
    });
    const cases: [Who, string, string, unknown, string][] = [
      ["reader", "POST", "/backtests", smallJob, "backtest"],
      ["reader", "DELETE", "/backtests/x", undefined, "backtest"],
      ["reader", "DELETE", "/sessions/x", undefined, "trade"],
      ["runner", "GET", "/backtests", undefined, "read"],
      ["runner", "GET", "/backtests/x", undefined, "read"],
      ["runner", "GET", "/sessions", undefined, "read"],
      ["runner", "POST", "/sessions", session, "trade"],
    ];
    for (const [who, method, path, body, scope] of cases) {
      const res = await call(e, who, method, path, body);
      const error = (await res.json()).error;
      expect([res.status, error.code, error.message.match(/"(\w+)" scope/)?.[1]], `${who} ${method} ${path}`).toEqual([403, "insufficient_scope", scope]);
    }
    expect((await call(e, "runner", "POST", "/backtests", smallJob)).status).toBe(202);
    expect((await call(e, "reader", "GET", "/backtests")).status).toBe(200);
    for (const who of ["ops", "legacy"] as const) {
      expect((await call(e, who, "POST", "/sessions", session)).status, who).toBe(201);
      expect((await call(e, who, "POST", "/backtests", smallJob)).status, who).toBe(202);
    }
  });

  it("the stream takes the key as ?access_token= and checks its scope", async () => {
    const e = await app();
    const { id } = await (await call(e, "alice", "POST", "/sessions", session)).json();
    const stream = async (token: string) => await e.fetch(new Request(`http://x/sessions/${id}/stream?access_token=${token}`, { headers: { upgrade: "websocket" } }));
    // No WebSockets in this host: a request that passes auth reaches the 501.
    expect(await status(await stream(SECRETS.alice))).toBe("501 websocket_unsupported");
    expect(await status(await stream(SECRETS.bob))).toBe("404 not_found");
    expect(await status(await stream(SECRETS.runner))).toBe("403 insufficient_scope");
    expect(await status(await stream("not-a-known-secret-0123456"))).toBe("401 unauthorized");
  });

  it("a server without keys refuses the routes that need one", async () => {
    engine = createApp({
      config: loadAppConfig(),
      kernels: await loadKernels({ indicators: wasmBytes("indicators") }),
      samples: [],
      app: { name: "nt", version: "0.0.0-test" },
    });
    expect(await status(await call(engine, "alice", "GET", "/sessions"))).toBe("403 auth_not_configured");
    expect(await status(await call(engine, "nobody", "POST", "/backtests", smallJob))).toBe("403 auth_not_configured");
    expect((await call(engine, "nobody", "GET", "/health")).status).toBe(200);
  });
});

describe("rate limits", () => {
  it("a known key has a bucket of its own; an unknown one shares its address's", async () => {
    const e = await app({ NT_RATE_LIMIT: "1/min", NT_RATE_BURST: "2" });
    const health = async (who: Who) => (await call(e, who, "GET", "/health")).status;
    expect([await health("nobody"), await health("stranger"), await health("nobody")]).toEqual([200, 200, 429]);
    expect([await health("alice"), await health("alice"), await health("alice")]).toEqual([200, 200, 429]);
    expect(await health("bob")).toBe(200);
  });
});

describe("public routes", () => {
  const indicators = { series: [1, 2, 3, 4, 5], indicators: ["sma:2"] };
  const risk = { returns: [0.01, -0.02, 0.005] };

  it("by default the compute routes and the catalogue are public; jobs and sessions are not", async () => {
    const e = await app();
    for (const [path, body] of [["/indicators", indicators], ["/risk", risk], ["/backtest", smallJob], ["/optimize", { method: "minvar", covariance: [[0.04, 0], [0, 0.09]] }]] as const) {
      expect((await call(e, "nobody", "POST", path, body)).status, path).toBe(200);
      // A wrong key on a public route is not an error: the route asks for none.
      expect((await call(e, "stranger", "POST", path, body)).status, path).toBe(200);
    }
    for (const path of ["/health", "/version", "/strategies", "/samples", "/openapi.json"]) expect((await call(e, "nobody", "GET", path)).status, path).toBe(200);
    expect(await status(await call(e, "nobody", "POST", "/backtests", smallJob))).toBe("401 unauthorized");
    expect(await status(await call(e, "nobody", "GET", "/backtests"))).toBe("401 unauthorized");
  });

  it("NT_PUBLIC_ROUTES narrows them: a route left out needs a key with the backtest scope", async () => {
    const e = await app({ NT_PUBLIC_ROUTES: "/risk" });
    expect((await call(e, "nobody", "POST", "/risk", risk)).status).toBe(200);
    expect(await status(await call(e, "nobody", "POST", "/indicators", indicators))).toBe("401 unauthorized");
    expect(await status(await call(e, "stranger", "POST", "/indicators", indicators))).toBe("401 unauthorized");
    expect(await status(await call(e, "reader", "POST", "/indicators", indicators))).toBe("403 insufficient_scope");
    expect((await call(e, "runner", "POST", "/indicators", indicators)).status).toBe(200);
    expect((await call(e, "ops", "POST", "/backtest", smallJob)).status).toBe(200);
    const doc = await (await call(e, "nobody", "GET", "/openapi.json")).json();
    expect(doc.paths["/indicators"].post.security).toEqual([{ apiKey: ["backtest"] }]);
    expect(doc.paths["/risk"].post.security).toBeUndefined();
  });
});

describe("job memory, in bytes", () => {
  it("413 job_too_large for a job that alone exceeds the budget; 503 jobs_memory_full with Retry-After while pending jobs fill it", async () => {
    // The bundled 5,105 bars count about 650 KB (128 bytes a bar for the report, plus the body).
    const e = await app({ NT_JOBS_MEMORY: "512kb" });
    const big = await call(e, "alice", "POST", "/backtests", { sample: "sp500", strategy: "momentum" });
    const error = (await big.json()).error;
    expect([big.status, error.code]).toEqual([413, "job_too_large"]);
    expect(error.message).toMatch(/about \d+ bytes .* jobs may hold 524288 bytes in all \(limits\.jobs_memory\)/);

    const e2 = await app({ NT_JOBS_MEMORY: "1mb" });
    const first = await call(e2, "alice", "POST", "/backtests", { sample: "sp500", strategy: "momentum" });
    expect(first.status).toBe(202);
    const full = await call(e2, "bob", "POST", "/backtests", { sample: "sp500", strategy: "momentum" });
    expect(full.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await status(full)).toBe("503 jobs_memory_full");
    // Once the first is done, its report (smaller than the estimate) leaves room, or goes to make room.
    await settled(e2, "alice", (await first.json()).id);
    expect((await call(e2, "bob", "POST", "/backtests", { sample: "sp500", strategy: "momentum" })).status).toBe(202);
  });
});

describe("expiry on the app's clock", () => {
  it("a finished job and an ended session are gone once the TTL has passed, not before", async () => {
    const e = await app({ NT_RESULT_TTL: "10m" });
    const { id: jobId } = await (await call(e, "alice", "POST", "/backtests", smallJob)).json();
    await settled(e, "alice", jobId);
    const { id: sessionId } = await (await call(e, "alice", "POST", "/sessions", session)).json();
    await call(e, "alice", "DELETE", `/sessions/${sessionId}`);
    // A running session never expires.
    const { id: running } = await (await call(e, "bob", "POST", "/sessions", session)).json();

    now += 10 * 60_000 - 1;
    expect((await call(e, "alice", "GET", `/backtests/${jobId}`)).status).toBe(200);
    expect((await call(e, "alice", "GET", `/sessions/${sessionId}`)).status).toBe(200);
    now += 1;
    expect(await status(await call(e, "alice", "GET", `/backtests/${jobId}`))).toBe("404 not_found");
    expect(await status(await call(e, "alice", "GET", `/sessions/${sessionId}`))).toBe("404 not_found");
    expect((await (await call(e, "ops", "GET", "/backtests")).json()).jobs).toEqual([]);
    expect((await (await call(e, "ops", "GET", "/sessions")).json()).sessions.map((s: { id: string }) => s.id)).toEqual([running]);
    now += 365 * 86_400_000;
    expect((await call(e, "bob", "GET", `/sessions/${running}`)).status).toBe(200);
  });
});
