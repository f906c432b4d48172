import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { hasScope, type Scope } from "../config/api-keys.ts";
import { shown } from "../core/errors.ts";
import type { EngineAnswer, McpCaller, McpEngine } from "./engine.ts";
import { openApiOperation, toolInputSchema } from "./schema.ts";
import { TOOLS, type ToolDef } from "./tools.ts";

/** What a server says about itself in the MCP handshake. */
export interface ServerInfo {
  readonly name: string;
  readonly version: string;
}

/** A tool as offered: its definition, its MCP description, and the scope its operation needs (none: any caller that got here). */
interface Offered {
  readonly def: ToolDef;
  readonly tool: Tool;
  readonly scope: Scope | undefined;
}

const INSTRUCTIONS = "Tools over a trading engine: indicators, backtests, risk statistics, portfolio optimization, neural forecasts and paper-trading sessions. " +
  "Each tool stands for an operation of the engine's HTTP API and takes that operation's request body as its arguments, checked by the same rules, " +
  'with errors naming the field at fault. Bars come from a bundled sample (such as "sp500"), CSV text or inline bars. ' +
  "A result carries the API's JSON answer as structured content and a one-line summary as text.";

/** An engine's MCP servers, one per connection, and the tools each offers. */
export interface McpServers {
  server(caller: McpCaller): Server;
  /** The names of the tools offered, in order. */
  tools(): readonly string[];
}

/**
 * The MCP servers for an engine, one per connection: `nt mcp` makes one for
 * its stdio, the API one per POST /mcp (a stateless streamable-HTTP
 * exchange), each for the caller it serves. The tools and their schemas are
 * worked out once, on first use.
 *
 * It is the SDK's low-level Server: McpServer validates arguments with zod
 * schemas, where these tools are checked by the API's own validators (a bad
 * argument is a tool error with the route's message) and described by the
 * API's OpenAPI description.
 */
export function mcpServers(engine: McpEngine, info: ServerInfo): McpServers {
  let offered: Offered[] | undefined;
  const tools = () => (offered ??= offer(engine));
  return {
    server: (caller) => serverFor(engine, tools(), caller, info),
    tools: () => tools().map((o) => o.def.name),
  };
}

function offer(engine: McpEngine): Offered[] {
  const doc = engine.openApi();
  return TOOLS.filter((def) => engine.serves(def.operation)).map((def) => ({
    def,
    scope: openApiOperation(doc, def.operation).security?.[0]?.apiKey?.[0] as Scope | undefined,
    tool: mcpTool(def, toolInputSchema(doc, def.operation)),
  }));
}

function mcpTool(def: ToolDef, inputSchema: Tool["inputSchema"]): Tool {
  return {
    name: def.name,
    title: def.title,
    description: `${def.description} (As ${def.operation} of the API.)`,
    inputSchema,
    annotations: {
      title: def.title,
      readOnlyHint: def.effect === "none",
      ...(def.effect === "none" ? {} : { destructiveHint: def.effect === "stops", idempotentHint: def.effect === "stops" }),
      // Everything runs inside the engine: no tool reaches out to other systems.
      openWorldHint: false,
    },
  };
}

/**
 * The SDK checks a tools/call request against its schema before the handler
 * runs, and answers a mismatch (arguments that are not an object) with a
 * JSON-RPC internal error; registered under this looser schema, the request
 * reaches the Server's own check, which answers -32602 invalid params.
 */
const ToolsCallRequest = CallToolRequestSchema.pick({ method: true }).passthrough();

function serverFor(engine: McpEngine, offered: readonly Offered[], caller: McpCaller, info: ServerInfo): Server {
  const server = new Server({ name: info.name, version: info.version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: NO_ELICITATION });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: offered.map((o) => o.tool) }));
  server.setRequestHandler(ToolsCallRequest, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = CallToolRequestSchema.parse(request).params;
    const tool = offered.find((o) => o.def.name === name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${shown(name)}; the tools are ${offered.map((o) => o.def.name).join(", ")}`);
    if (tool.scope !== undefined && !hasScope(caller, tool.scope)) {
      return refusal("insufficient_scope", `${name} needs the "${tool.scope}" scope (as ${tool.def.operation} does); the key "${caller.id}" has ${caller.scopes.join(", ")}`);
    }
    return result(tool.def, await engine.answer(tool.def.operation, args, caller, extra.signal));
  });
  return server;
}

/** A route's answer as a tool result: the JSON as structured content and a summary as text, or for an error its message. */
function result(def: ToolDef, answer: EngineAnswer): CallToolResult {
  const body = answer.body as { [key: string]: unknown };
  if (answer.status >= 400) {
    const error = (body as { error: { code: string; message: string } }).error;
    return refusal(error.code, error.message, body);
  }
  return { content: [{ type: "text", text: def.summary(body) }], structuredContent: body };
}

function refusal(code: string, message: string, body: { [key: string]: unknown } = { error: { code, message } }): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }], structuredContent: body };
}

/**
 * The server side of the SDK uses a JSON-schema validator for one thing:
 * checking a client's reply to an elicitation request, which these tools
 * never make. Its default (Ajv) compiles schemas with `new Function`, which
 * edge platforms refuse, and the SDK's alternative needs
 * @cfworker/json-schema, which this package does not depend on; so the
 * server gets this one, which compiles nothing.
 */
const NO_ELICITATION: jsonSchemaValidator = {
  getValidator() {
    throw new Error("this MCP server makes no elicitation requests, so it validates no JSON schema");
  },
};
