// HttpClient against a real HTTP server on 127.0.0.1, time on a manual clock.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../src/net/breaker.ts";
import { BreakerOpenError, ConnectionError, HttpError, RateLimitedError, TimeoutError } from "../../src/net/errors.ts";
import { HttpClient } from "../../src/net/http.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { outcome, until } from "./helpers.ts";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end();
const hits: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push(`${req.method} ${req.url}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Answers from a script, one entry per request, the last repeating. */
function script(...steps: Array<[number, Record<string, string>?, unknown?]>): void {
  hits.length = 0;
  let i = 0;
  handler = (_req, res) => {
    const [status, headers = {}, body] = steps[Math.min(i++, steps.length - 1)];
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
}

const HOUR = 3_600_000;
/** Time until the next timer that is not an attempt's (hour-long) timeout: the backoff the client sleeps. */
async function nextSleep(clock: ManualClock): Promise<number> {
  await until(() => clock.pendingDelays.some((d) => d < HOUR), "a backoff timer");
  return clock.pendingDelays.find((d) => d < HOUR)!;
}

function client(clock: ManualClock, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({
    name: "Test broker", baseUrl: base, timers: clock, timeoutMs: HOUR, random: () => 0.5,
    retry: { retries: 3, baseMs: 100, maxMs: 1000, maxServerWaitMs: 60_000 }, ...extra,
  });
}

describe("HttpClient", () => {
  it("waits as long as a 429's Retry-After says, then succeeds", async () => {
    const clock = new ManualClock(Date.now());
    script([429, { "retry-after": "2" }, { message: "too many requests" }], [429, { "retry-after": "2" }], [200, {}, { ok: true }]);
    const p = outcome(client(clock).get("/v2/account"));
    for (let i = 0; i < 2; i++) {
      expect(await nextSleep(clock)).toBe(2000);
      clock.advance(2000);
    }
    expect((await p).value?.body).toEqual({ ok: true });
    expect(hits).toEqual(["GET /v2/account", "GET /v2/account", "GET /v2/account"]);
  });

  it("honours X-Ratelimit-Reset (epoch seconds), even for a POST, which a 429 never executed", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const reset = String(clock.now() / 1000 + 5);
    script([429, { "x-ratelimit-limit": "200", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }], [200, {}, { id: "o1" }]);
    const p = outcome(client(clock).request("POST", "/v2/orders", { body: { symbol: "AAPL" } }));
    expect(await nextSleep(clock)).toBe(5000);
    clock.advance(5000);
    expect((await p).value?.body).toEqual({ id: "o1" });
  });

  it("gives up at once when the server asks for a longer wait than it will honour, saying how long", async () => {
    const clock = new ManualClock(0);
    script([429, { "retry-after": "600" }, { message: "rate limit exceeded" }]);
    const { error } = await outcome(client(clock).get("/v2/orders"));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toBe("Test broker: GET /v2/orders was rate limited (HTTP 429): rate limit exceeded (the service asks to wait 600 s)");
    expect(hits).toHaveLength(1);
  });

  it("retries a GET after 5xx with growing backoff, and stops after the retries with the last error", async () => {
    const clock = new ManualClock(0);
    script([503, {}, { message: "maintenance" }]);
    const p = outcome(client(clock).get("/v2/positions"));
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      delays.push(await nextSleep(clock));
      clock.advance(delays[i]);
    }
    const { error } = await p;
    expect(delays).toEqual([75, 150, 300]); // equal jitter with random() = 0.5: 3/4 of 100, 200, 400
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect((error as Error).message).toBe("Test broker: GET /v2/positions answered HTTP 503: maintenance");
    expect(hits).toHaveLength(4);
  });

  it("never resends a POST after a 5xx (it may have been executed) and never retries a 4xx", async () => {
    const clock = new ManualClock(0);
    script([502]);
    const { error } = await outcome(client(clock).request("POST", "/v2/orders", { body: {} }));
    expect((error as HttpError).status).toBe(502);
    expect(hits).toHaveLength(1);
    script([403, {}, { code: 40310000, message: "insufficient buying power" }]);
    const { error: e2 } = await outcome(client(clock).request("POST", "/v2/orders", { body: {}, idempotent: true }));
    expect(e2).toMatchObject({ status: 403, serviceCode: 40310000, transient: false });
    expect(hits).toHaveLength(1);
  });

  it("times an attempt out on its clock, and retries an idempotent request", async () => {
    const clock = new ManualClock(0);
    hits.length = 0;
    const held: ServerResponse[] = [];
    handler = (_req, res) => held.push(res);
    const c = client(clock, { timeoutMs: 5000, retry: { retries: 1, baseMs: 100, maxMs: 100, maxServerWaitMs: 0 } });
    const p = outcome(c.get("/slow"));
    await until(() => held.length === 1, "the request");
    clock.advance(5000); // the timeout fires
    await until(() => clock.pendingDelays[0] === 75, "the backoff");
    clock.advance(75);
    await until(() => held.length === 2, "the retry");
    clock.advance(5000);
    const { error } = await p;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("Test broker: GET /slow got no answer within 5000 ms");
    for (const res of held) res.end();
  });

  it("resends even a POST when the connection was refused (it never left), and reports the refusal", async () => {
    const clock = new ManualClock(0);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const c = client(clock, { baseUrl: `http://127.0.0.1:${port}`, retry: { retries: 1, baseMs: 100, maxMs: 100, maxServerWaitMs: 0 } });
    const p = outcome(c.request("POST", "/v2/orders", { body: {} }));
    clock.advance(await nextSleep(clock));
    const { error } = await p;
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).maybeSent).toBe(false);
    expect((error as Error).message).toBe("Test broker: POST /v2/orders failed: connection refused");
  });

  it("opens the breaker after repeated failures: calls then fail fast without reaching the service", async () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ name: "Test broker", failureThreshold: 2, openMs: 30_000 }, clock);
    script([500]);
    const c = client(clock, { breaker, retry: { retries: 0, baseMs: 1, maxMs: 1, maxServerWaitMs: 0 } });
    for (let i = 0; i < 2; i++) expect((await outcome(c.get("/v2/account"))).error).toBeInstanceOf(HttpError);
    expect(breaker.state).toBe("open");
    const { error } = await outcome(c.get("/v2/account"));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(hits).toHaveLength(2);
    clock.advance(30_000);
    script([200, {}, { ok: true }]);
    expect((await c.get("/v2/account")).body).toEqual({ ok: true });
    expect(breaker.state).toBe("closed");
  });
});
