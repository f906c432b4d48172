import type { OpenApiDocument, Operation } from "./engine.ts";

export type JsonSchema = { [key: string]: unknown };

const COMPONENT = "#/components/schemas/";

interface OpenApiOperation {
  readonly requestBody?: { readonly content?: { readonly "application/json"?: { readonly schema?: JsonSchema } } };
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required?: boolean; readonly schema: JsonSchema; readonly description?: string }[];
  readonly security?: readonly { readonly apiKey?: readonly string[] }[];
}

/** The operation's entry in the document; a tool naming one the document lacks is a bug of ours, said plainly. */
export function openApiOperation(doc: OpenApiDocument, operation: Operation): OpenApiOperation {
  const [method, path] = operation.split(" ") as [string, string];
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (op === undefined) throw new Error(`the OpenAPI document has no ${operation}`);
  return op as OpenApiOperation;
}

/**
 * A tool's input schema from the OpenAPI document, the one description of
 * the API's requests: the operation's JSON body, or for an operation without
 * one its path parameters as properties. MCP wants an object schema at the
 * top, so a $ref there is resolved and an allOf of object schemas merged
 * into one (a client then lists every property); components used deeper
 * down travel along in $defs, their references rewritten to point there.
 */
export function toolInputSchema(doc: OpenApiDocument, operation: Operation): JsonSchema & { type: "object" } {
  const op = openApiOperation(doc, operation);
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const top = body === undefined ? parametersSchema(op) : merged(resolved(body, doc), doc);
  const defs: Record<string, JsonSchema> = {};
  const schema = rewriteRefs(top, doc, defs) as JsonSchema;
  return { ...schema, type: "object", ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}) };
}

function parametersSchema(op: OpenApiOperation): JsonSchema {
  const params = (op.parameters ?? []).filter((p) => p.in === "path");
  return {
    type: "object",
    properties: Object.fromEntries(params.map((p) => [p.name, p.description === undefined ? p.schema : { ...p.schema, description: p.description }])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

/** A component's schema for a top-level reference to it, else the schema itself. */
function resolved(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  const ref = schema.$ref;
  return typeof ref === "string" && ref.startsWith(COMPONENT) ? resolved(component(doc, ref), doc) : schema;
}

function component(doc: OpenApiDocument, ref: string): JsonSchema {
  const found = doc.components.schemas[ref.slice(COMPONENT.length)];
  if (found === undefined) throw new Error(`the OpenAPI document has no component ${ref}`);
  return found as JsonSchema;
}

/** The keys of an object schema an allOf member may have: merging them is exact (properties and required add up). */
const MERGEABLE = new Set(["type", "description", "properties", "required"]);

/** An allOf of object schemas as the one object schema it means. */
function merged(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  const { allOf, ...rest } = schema;
  if (!Array.isArray(allOf)) return schema;
  const out = { ...rest, type: "object", properties: {} as JsonSchema, required: [] as string[] };
  const descriptions: string[] = typeof rest.description === "string" ? [rest.description] : [];
  for (const member of allOf as JsonSchema[]) {
    const part = merged(resolved(member, doc), doc);
    const odd = Object.keys(part).filter((k) => !MERGEABLE.has(k));
    if (odd.length > 0) throw new Error(`cannot merge an allOf member with ${odd.join(", ")} into one object schema`);
    for (const [name, property] of Object.entries((part.properties ?? {}) as JsonSchema)) {
      if (name in out.properties) throw new Error(`allOf members both define the property ${name}`);
      out.properties[name] = property;
    }
    out.required.push(...((part.required ?? []) as string[]));
    if (typeof part.description === "string") descriptions.push(part.description);
  }
  return { ...out, ...(descriptions.length > 0 ? { description: descriptions.join("; ") } : {}) };
}

/** A deep copy with "#/components/schemas/X" references made "#/$defs/X", each X (and what it refers to) copied into `defs`. */
function rewriteRefs(value: unknown, doc: OpenApiDocument, defs: Record<string, JsonSchema>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, doc, defs));
  if (typeof value !== "object" || value === null) return value;
  const out: JsonSchema = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "$ref" && typeof v === "string" && v.startsWith(COMPONENT)) {
      const name = v.slice(COMPONENT.length);
      if (!(name in defs)) {
        // Claimed before the walk, so a schema that refers to itself ends.
        defs[name] = {};
        defs[name] = rewriteRefs(component(doc, v), doc, defs) as JsonSchema;
      }
      out.$ref = `#/$defs/${name}`;
    } else {
      out[key] = rewriteRefs(v, doc, defs);
    }
  }
  return out;
}
