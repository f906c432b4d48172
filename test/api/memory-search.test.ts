// POST /memory/search and the MCP search_memory tool: the server's vector
// memory (NT_MEMORY_INDEX) searched through the API gives the index's own
// answers, checked against exact search, behind the read scope.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { Random } from "../../src/core/random.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { kernelBytes, sampleSeries } from "../../runtimes/node/assets.ts";
import { httpClient, outcome } from "../mcp/clients.ts";

const READER = "reader-secret-0123456789ab";
const RUNNER = "runner-secret-0123456789ab";
/** /mcp itself needs the backtest scope; search_memory the read scope as well. */
const AGENT = "agent-secret-0123456789abc";
const DIM = 8;
const rng = new Random(11);
const vectorOf = () => Array.from({ length: DIM }, () => rng.normal());

let memory: VectorIndex;
const engines: EngineApp[] = [];
const clients: Client[] = [];

async function app(withMemory: boolean): Promise<EngineApp> {
  const e = createApp({
    config: loadAppConfig({ env: { NT_RATE_LIMIT: "off", NT_API_KEYS: `reader:read:${READER} runner:backtest:${RUNNER} agent:read,backtest:${AGENT}` } }),
    kernels: await loadKernels({ indicators: kernelBytes("indicators") }),
    samples: sampleSeries(),
    app: { name: "nt", version: "0.0.0-test" },
    memory: withMemory ? memory : undefined,
  });
  engines.push(e);
  return e;
}

const post = (e: EngineApp, body: unknown, secret = READER) => e.fetch(new Request("http://x/memory/search", {
  method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(body),
}));

beforeAll(() => {
  memory = new VectorIndex({ dimension: DIM, metric: "l2" });
  for (let i = 0; i < 2000; i++) memory.add(`v${i}`, vectorOf(), { symbol: i % 4 === 0 ? "SPY" : "QQQ", i });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const e of engines) e.close();
});

describe("POST /memory/search", () => {
  it("answers the index's nearest vectors, and with exact the brute-force ones", async () => {
    const e = await app(true);
    const q = vectorOf();
    const res = await post(e, { vector: q, k: 10 });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toMatchObject({ dimension: DIM, metric: "l2", size: 2000 });
    expect(answer.results).toEqual(JSON.parse(JSON.stringify(memory.search(q, 10))));
    const exact = await (await post(e, { vector: q, k: 10, exact: true })).json();
    expect(exact.results).toEqual(JSON.parse(JSON.stringify(memory.exactSearch(q, 10))));
    // The graph finds most of the true neighbours (recall is measured in test/memory).
    const ids = new Set(exact.results.map((r: { id: string }) => r.id));
    expect(answer.results.filter((r: { id: string }) => ids.has(r.id)).length).toBeGreaterThanOrEqual(8);
  });

  it("keeps to the metadata values in where", async () => {
    const e = await app(true);
    const q = vectorOf();
    const answer = await (await post(e, { vector: q, k: 5, where: { symbol: "SPY" }, exact: true })).json();
    expect(answer.results).toHaveLength(5);
    expect(answer.results.every((r: { metadata: { symbol: string; i: number } }) => r.metadata.symbol === "SPY" && r.metadata.i % 4 === 0)).toBe(true);
  });

  it("names what is wrong in a request, and needs a key with the read scope", async () => {
    const e = await app(true);
    const error = async (body: unknown, secret?: string) => {
      const res = await post(e, body, secret);
      return { status: res.status, ...(await res.json()).error };
    };
    expect(await error({ vector: [1, 2] })).toMatchObject({ status: 400, field: "vector" });
    expect(await error({ vector: vectorOf(), k: 5000 })).toMatchObject({ status: 400, field: "k" });
    expect(await error({ vector: vectorOf(), where: { symbol: ["SPY"] } })).toMatchObject({ status: 400, field: "where.symbol" });
    expect(await error({ vector: vectorOf(), radius: 2 })).toMatchObject({ status: 400 });
    expect(await error({ vector: vectorOf() }, RUNNER)).toMatchObject({ status: 403 });
    const none = await e.fetch(new Request("http://x/memory/search", { method: "POST", body: "{}" }));
    expect(none.status).toBe(401);
    expect(await error({ vector: vectorOf() }, READER)).not.toMatchObject({ status: 403 });
  });

  it("answers 404 memory_off on a server without a memory", async () => {
    const e = await app(false);
    const res = await post(e, { vector: vectorOf() });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("memory_off");
  });
});

describe("the MCP search_memory tool", () => {
  it("is offered with a memory, and answers what the route answers", async () => {
    const e = await app(true);
    const fetch = (path: string, init?: RequestInit) => e.fetch(new Request(`http://x${path}`, init));
    const admin = await httpClient(fetch, AGENT);
    clients.push(admin);
    const { tools } = await admin.listTools();
    expect(tools.map((t) => t.name)).toContain("search_memory");
    const q = vectorOf();
    const result = outcome(await admin.callTool({ name: "search_memory", arguments: { vector: q, k: 3 } }));
    expect(result.isError).toBe(false);
    expect(result.json).toEqual(await (await post(e, { vector: q, k: 3 })).json());
    expect(result.text).toMatch(/^3 neighbours of 2,000 \(l2\): v\d+ at /);
    const bad = outcome(await admin.callTool({ name: "search_memory", arguments: { vector: [1] } }));
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/vector/);
  });

  it("is not offered without one", async () => {
    const e = await app(false);
    const fetch = (path: string, init?: RequestInit) => e.fetch(new Request(`http://x${path}`, init));
    const c = await httpClient(fetch, AGENT);
    clients.push(c);
    expect((await c.listTools()).tools.map((t) => t.name)).not.toContain("search_memory");
  });
});
