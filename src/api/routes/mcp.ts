import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { EngineAnswer, McpCaller, McpEngine, OpenApiDocument, Operation } from "../../mcp/engine.ts";
import { mcpServers, type McpServers } from "../../mcp/server.ts";
import type { Answer } from "../answer.ts";
import type { ComputeTask } from "../compute/tasks.ts";
import { computeRunner } from "../compute/route.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, clientErrorAnswer, internalErrorAnswer } from "../errors.ts";
import { onlyKeys, string, type JsonObject } from "../input/validate.ts";
import { callerKey, requireScope, visibleOwner } from "../middleware/auth.ts";
import { openApiDocument } from "../openapi.ts";
import { strategyCatalogue } from "./meta.ts";
import { searchMemory } from "./memory.ts";
import { findSession, startSession } from "./sessions.ts";

/**
 * POST /mcp: the engine's MCP tools (src/mcp) over streamable HTTP, stateless:
 * each request gets a server and a transport of its own, answered with
 * plain JSON (no event stream), so it works the same in every runtime and
 * needs nothing kept between requests. It needs a key with the backtest
 * scope (the tools run backtests and can reach paper sessions); a session
 * tool also needs the scope its route needs, and sees the key's own
 * sessions. GET and DELETE /mcp answer 405: there is no server-initiated
 * stream and no MCP session to end.
 *
 * Returns the servers over this app, for transports other than HTTP (nt
 * mcp's stdio).
 */
export function mcpRoutes(app: ApiApp, state: AppState): McpServers {
  const servers = mcpServers(mcpEngine(state), state.deps.app);
  app.post("/mcp", requireScope(state.keys, "backtest"), async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true, maxRequestBodySize: state.deps.config.bodyLimitBytes });
    const server = servers.server(callerKey(c));
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      // The JSON answer is complete by now: nothing is left for this server to send.
      await server.close();
    }
  });
  app.on(["GET", "DELETE"], "/mcp", () => {
    throw new ApiError(405, "method_not_allowed", "this MCP endpoint is stateless: send JSON-RPC messages with POST; it opens no event stream and keeps no MCP session", undefined, { allow: "POST" });
  });
  return servers;
}

/** The routes behind the tools, by operation; paper sessions only where the app keeps state between requests. */
function mcpEngine(state: AppState): McpEngine {
  const compute = computeRunner(state);
  const encoder = new TextEncoder();
  const computed: Partial<Record<Operation, ComputeTask>> = {
    "POST /indicators": "indicators", "POST /backtest": "backtest", "POST /risk": "risk", "POST /optimize": "optimize", "POST /forecast": "forecast",
  };

  const session = (args: JsonObject, caller: McpCaller) => {
    onlyKeys(args, ["id"]);
    return findSession(state, string(args.id, "id"), visibleOwner(caller));
  };
  type Handler = (args: JsonObject, caller: McpCaller) => unknown;
  const sessionOperations: Partial<Record<Operation, Handler>> = {
    "POST /sessions": async (args, caller) => (await startSession(state, args, caller.id)).view(),
    "DELETE /sessions/{id}": (args, caller) => {
      const s = session(args, caller);
      s.stop();
      return s.view();
    },
    "GET /sessions/{id}": (args, caller) => session(args, caller).view(),
    "GET /sessions": (_args, caller) => ({ sessions: state.sessions.list(visibleOwner(caller)).map((s) => s.view()) }),
  };
  const stateful = state.deps.stateful !== false;
  let doc: OpenApiDocument | undefined;

  const routeAnswer = async (operation: Operation, args: JsonObject, caller: McpCaller, signal?: AbortSignal): Promise<Answer> => {
    const task = computed[operation];
    if (task !== undefined) {
      const result = await compute(task, { body: encoder.encode(JSON.stringify(args)), maxOutputValues: state.deps.config.maxOutputValues }, signal);
      if (result.failure !== undefined) state.log(`MCP ${operation} failed`, result.failure);
      return result.answer;
    }
    if (operation === "GET /strategies") return json(200, strategyCatalogue());
    if (operation === "POST /memory/search") return json(200, searchMemory(state.deps.memory, args));
    const handler = stateful ? sessionOperations[operation] : undefined;
    if (handler === undefined) throw new Error(`MCP: no operation ${operation} here`);
    // Sessions kept in storage come back when the app starts, as the routes wait for them.
    await state.sessions.ready;
    return json(operation === "POST /sessions" ? 201 : 200, await handler(args, caller));
  };

  return {
    serves: (operation) => operation in computed || operation === "GET /strategies" || (operation === "POST /memory/search" && state.deps.memory !== undefined)
      || (stateful && operation in sessionOperations),
    async answer(operation, args, caller, signal): Promise<EngineAnswer> {
      let a: Answer;
      try {
        // The arguments came as JSON, so they are JSON values.
        a = await routeAnswer(operation, args as JsonObject, caller, signal);
      } catch (e) {
        const client = clientErrorAnswer(e);
        if (client === undefined) state.log(`MCP ${operation} failed`, e);
        a = client ?? internalErrorAnswer();
      }
      return { status: a.status, body: JSON.parse(typeof a.body === "string" ? a.body : new TextDecoder().decode(a.body)) };
    },
    openApi: () => (doc ??= openApiDocument(state) as unknown as OpenApiDocument),
  };
}

function json(status: 200 | 201, value: unknown): Answer {
  return { status, headers: {}, body: JSON.stringify(value) };
}
