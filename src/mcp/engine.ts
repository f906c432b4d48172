import type { ApiKey } from "../config/api-keys.ts";

/** An API operation as "METHOD /path", the path as the OpenAPI document writes it ("/sessions/{id}"). */
export type Operation = `${"GET" | "POST" | "DELETE"} /${string}`;

/**
 * What the MCP tools run on: the API's own request handling (src/api
 * implements it in routes/mcp.ts). Each tool stands for one API operation:
 * its arguments are that operation's body (or path parameters), checked by
 * the code that checks the route's, with the same messages, and its result
 * is the route's answer.
 */
export interface McpEngine {
  /** Whether it answers this operation here (paper sessions need a runtime that keeps state between requests). */
  serves(operation: Operation): boolean;
  /** The operation's answer for these arguments, on behalf of `caller`; every error the route would answer is an answer too. */
  answer(operation: Operation, args: ToolArguments, caller: McpCaller, signal?: AbortSignal): Promise<EngineAnswer>;
  /** The OpenAPI document: the tools take their input schemas and scopes from its operations. */
  openApi(): OpenApiDocument;
}

/** An answer as the route gives it: its HTTP status and JSON body, `{ error: { code, message, field? } }` from 400 up. */
export interface EngineAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A tool call's arguments: a JSON object, as a route's body. */
export type ToolArguments = { readonly [key: string]: unknown };

/**
 * Who calls the tools: over HTTP the API key the request presents. Its
 * scopes decide which tools it may call, and the sessions it starts are its own.
 */
export type McpCaller = Pick<ApiKey, "id" | "scopes">;

/** The user at the other end of `nt mcp`'s stdio: it started the process, so it is trusted with every tool and every session. */
export const LOCAL_USER: McpCaller = { id: "local", scopes: ["admin"] };

export interface OpenApiDocument {
  readonly paths: { readonly [path: string]: { readonly [method: string]: unknown } };
  readonly components: { readonly schemas: { readonly [name: string]: unknown } };
}
