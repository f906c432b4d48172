// Requests a review found could crash or exhaust the server; each must get a clean 4xx.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseToml } from "../../src/config/toml.ts";
import { startNode, type Target } from "./targets.ts";

let node: Target;
beforeAll(async () => void (node = await startNode()));
afterAll(async () => node?.close());

/** Sends raw HTTP and returns the status line (or "" if the connection closed without one). */
function raw(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve(data.split("\r\n")[0]));
    socket.on("error", reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer")));
  });
}

const post = (path: string, body: unknown) =>
  node.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("server hardening", () => {
  it("answers a malformed WebSocket upgrade with 400 and keeps serving", async () => {
    const upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    expect(await raw(node.url!, `GET http://a:b/health HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(node.url!, `GET /health HTTP/1.1\r\nHost: a b\r\n${upgrade}`)).toMatch(/^HTTP\/1\.1 \d{3}/);
    expect((await node.fetch("/health")).status).toBe(200);
  });

  it("treats prototype names as unknown values, not as code", async () => {
    for (const name of ["constructor", "__proto__", "toString"]) {
      const res = await post("/indicators", { series: [1, 2, 3], indicators: [name] });
      expect(res.status, name).toBe(400);
      expect((await res.json()).error.field).toBe("indicators[0]");
    }
    const sizing = await post("/backtest", { sample: "sp500", strategy: "momentum", sizing: { method: "toString" } });
    expect(sizing.status).toBe(400);
    expect((await sizing.json()).error.field).toBe("sizing.method");
    const params = await post("/backtest", { sample: "sp500", strategy: "momentum", params: JSON.parse('{"__proto__": 1}') });
    expect(params.status).toBe(400);
    expect((await params.json()).error.message).toMatch(/unknown parameter "__proto__"/);
  });

  it("refuses an answer too large to build, before computing it", async () => {
    const res = await post("/indicators", { series: new Array(200_000).fill(1), indicators: Array.from({ length: 9 }, (_, k) => `bbands:${k + 2}`) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("too_many_values");
  });

  it("keeps TOML keys such as __proto__ as data, never on Object.prototype", () => {
    const { data } = parseToml('[__proto__]\nhost = "0.0.0.0"\n[server]\nconstructor = 1\n', "evil.toml");
    expect(({} as Record<string, unknown>).host).toBeUndefined();
    expect(Object.keys(data).sort()).toEqual(["__proto__", "server"]);
    expect((data.server as Record<string, unknown>).constructor).toBe(1);
  });
});

describe("costly requests", () => {
  it("caps constrained optimization at 100 assets", async () => {
    const n = 101;
    const covariance = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0.04 : 0)));
    const res = await post("/optimize", { method: "minvar", covariance, longOnly: true });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/constrained optimization \(longOnly, maxWeight\) takes at most 100/);
    const unconstrained = await post("/optimize", { method: "minvar", covariance });
    expect(unconstrained.status).toBe(200);
  });
});
