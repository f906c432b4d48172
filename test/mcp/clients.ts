// MCP clients for the tests: the SDK's own Client over streamable HTTP (to an
// app in this process or a server's URL), and the answers compared with.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { kernelBytes, sampleSeries, shippedModels } from "../../runtimes/node/assets.ts";

export type Fetch = (path: string, init?: RequestInit) => Response | Promise<Response>;

/** A connected Client over streamable HTTP, through `fetch` (a path is appended to nothing: `fetch` knows its server). */
export async function httpClient(fetch: Fetch, secret?: string): Promise<Client> {
  const client = new Client({ name: "nt-test", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://mcp.test/mcp"), {
    fetch: async (url, init) => await fetch(new URL(url).pathname, init),
    requestInit: secret === undefined ? undefined : { headers: { authorization: `Bearer ${secret}` } },
  }));
  return client;
}

/** The app with this package's kernels, sample and weights, as `nt serve` builds it (computing on this thread). */
export async function engineApp(env: Record<string, string>, stateful = true): Promise<EngineApp> {
  return createApp({
    config: loadAppConfig({ env: { NT_RATE_LIMIT: "off", ...env } }),
    kernels: await loadKernels({ indicators: kernelBytes("indicators"), risk: kernelBytes("risk"), solver: kernelBytes("solver"), json: kernelBytes("json"), neural: kernelBytes("neural") }),
    samples: sampleSeries(),
    models: shippedModels(),
    app: { name: "nt", version: "0.0.0-test" },
    stateful,
  });
}

/** A tool's result, its text and its structured content, for a comparison. */
export function outcome(result: unknown): { isError: boolean; text: string; json: unknown } {
  const r = result as CallToolResult;
  expectOneText(r);
  return { isError: r.isError === true, text: (r.content[0] as { text: string }).text, json: r.structuredContent };
}

function expectOneText(r: CallToolResult): void {
  if (r.content.length !== 1 || r.content[0]!.type !== "text") throw new Error(`a tool result should hold one text, got ${JSON.stringify(r.content).slice(0, 300)}`);
}

/** A JSON-RPC message posted as an MCP client posts it; the answer's status and body. */
export async function rpc(fetch: Fetch, message: unknown, secret?: string): Promise<{ status: number; body: any }> {
  const res = await fetch("/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25",
      ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }),
    },
    body: JSON.stringify(message),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? null : JSON.parse(text) };
}

export const initialize = {
  jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "nt-test", version: "0.0.0" } },
};
