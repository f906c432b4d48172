// POST /mcp in every runtime the API runs in (test/api/targets.ts): the Node
// server, the Deno server, the neutral edge bundle, the Cloudflare Worker in
// workerd and the Vercel Edge Function in edge-runtime, the last two with
// code generation from strings refused as on those platforms. The SDK's
// Client lists the tools and calls them, and each answer is the target's own
// route's answer for the same body.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stable } from "../api/fixtures.ts";
import { KEYS, starters, type RuntimeName, type Target } from "../api/targets.ts";
import { httpClient, outcome } from "./clients.ts";

const names: RuntimeName[] = ["node", "deno", "edge", "workerd", "vercel-edge"];
const targets = new Map<RuntimeName, Target>();
const clients = new Map<RuntimeName, Client>();

beforeAll(async () => {
  const started = await Promise.all(names.map((n) => starters[n]()));
  started.forEach((t) => targets.set(t.name, t));
  for (const t of started) clients.set(t.name, await httpClient((path, init) => t.fetch(path, init), KEYS.trader));
}, 120_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await Promise.all([...targets.values()].map((t) => t.close()));
});

const COMPUTE_TOOLS = ["list_strategies", "compute_indicators", "run_backtest", "risk_statistics", "optimize_portfolio", "forecast"];
const SESSION_TOOLS = ["start_paper_session", "stop_paper_session", "inspect_paper_session", "list_paper_sessions"];

for (const name of names) {
  describe(name, () => {
    const target = () => targets.get(name)!;
    const client = () => clients.get(name)!;
    const post = async (path: string, body: unknown, status = 200) => {
      const res = await target().fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(status);
      return await res.json();
    };

    it("lists the tools it can serve: the session tools only where state outlives a request", async () => {
      const tools = (await client().listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(target().stateful ? [...COMPUTE_TOOLS, ...SESSION_TOOLS] : COMPUTE_TOOLS);
    });

    it.each([
      ["compute_indicators", "/indicators", { sample: "sp500", indicators: "sma:20,rsi:14,macd" }],
      ["run_backtest", "/backtest", { sample: "sp500", strategy: "momentum", params: { fast: 10, slow: 40 } }],
      ["forecast", "/forecast", { sample: "sp500", model: "nhits", horizon: 4 }],
    ])("%s answers what POST %s answers", async (tool, path, args) => {
      const got = outcome(await client().callTool({ name: tool, arguments: args }));
      expect(got.isError, got.text).toBe(false);
      expect(stable(got.json)).toEqual(stable(await post(path, args)));
    });

    it("a bad argument is a tool error with the route's message", async () => {
      const args = { sample: "sp500", strategy: "nope" };
      const got = outcome(await client().callTool({ name: "run_backtest", arguments: args }));
      const refused = await post("/backtest", args, 400);
      expect(got).toEqual({ isError: true, text: refused.error.message, json: refused });
      expect(got.text).toMatch(/^unknown strategy "nope"; known: momentum, /);
    });

    it("refuses a key without the backtest scope", async () => {
      await expect(httpClient((path, init) => target().fetch(path, init), KEYS.reader)).rejects.toMatchObject({ code: 403 });
    });
  });
}

describe("paper sessions over MCP on the servers that keep them", () => {
  it.each(["node", "deno"] as const)("%s: start, inspect and stop", async (name) => {
    const c = clients.get(name)!;
    const started = outcome(await c.callTool({ name: "start_paper_session", arguments: { sample: "sp500", strategy: "momentum", barsPerSecond: 1 } }));
    const { id } = started.json as { id: string };
    expect(outcome(await c.callTool({ name: "inspect_paper_session", arguments: { id } })).json).toMatchObject({ id, owner: "trader", status: "running" });
    expect(outcome(await c.callTool({ name: "stop_paper_session", arguments: { id } })).json).toMatchObject({ id, status: "stopped" });
  });
});
