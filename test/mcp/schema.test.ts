// Tool input schemas from an OpenAPI document (src/mcp/schema.ts), on a
// small document written out here, so each rule is seen on its own.
import { describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../../src/mcp/engine.ts";
import { toolInputSchema } from "../../src/mcp/schema.ts";

const body = (schema: unknown) => ({ requestBody: { content: { "application/json": { schema } } } });

const doc: OpenApiDocument = {
  paths: {
    "/run": { post: body({ $ref: "#/components/schemas/Run" }) },
    "/tree": { post: body({ type: "object", properties: { root: { $ref: "#/components/schemas/Node" } } }) },
    "/things/{id}": { delete: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "q", in: "query", schema: { type: "string" } }] } },
    "/odd": { post: body({ allOf: [{ type: "object", properties: { a: {} } }, { oneOf: [{ type: "object" }] }] }) },
    "/twice": { post: body({ allOf: [{ type: "object", properties: { a: {} } }, { type: "object", properties: { a: {} } }] }) },
    "/missing": { post: body({ type: "object", properties: { x: { $ref: "#/components/schemas/Nowhere" } } }) },
  },
  components: {
    schemas: {
      Base: { type: "object", description: "one of a or b", required: ["a"], properties: { a: { $ref: "#/components/schemas/A" }, b: { type: "number" } } },
      Run: { allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", required: ["c"], properties: { c: { type: "boolean" } } }] },
      A: { type: "array", items: { $ref: "#/components/schemas/Item" } },
      Item: { type: "string" },
      Unused: { type: "string" },
      Node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } },
    },
  },
};

describe("toolInputSchema", () => {
  it("merges a top-level allOf into one object schema and carries the components it uses, and only those, in $defs", () => {
    expect(toolInputSchema(doc, "POST /run")).toEqual({
      type: "object",
      description: "one of a or b",
      required: ["a", "c"],
      properties: { a: { $ref: "#/$defs/A" }, b: { type: "number" }, c: { type: "boolean" } },
      $defs: { A: { type: "array", items: { $ref: "#/$defs/Item" } }, Item: { type: "string" } },
    });
  });

  it("ends on a component that refers to itself", () => {
    expect(toolInputSchema(doc, "POST /tree")).toEqual({
      type: "object",
      properties: { root: { $ref: "#/$defs/Node" } },
      $defs: { Node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/$defs/Node" } } } } },
    });
  });

  it("takes the path parameters of an operation without a body", () => {
    expect(toolInputSchema(doc, "DELETE /things/{id}")).toEqual({
      type: "object", properties: { id: { type: "string" } }, required: ["id"], additionalProperties: false,
    });
  });

  it("refuses what it cannot merge exactly, and names what the document lacks", () => {
    expect(() => toolInputSchema(doc, "POST /odd")).toThrow("cannot merge an allOf member with oneOf into one object schema");
    expect(() => toolInputSchema(doc, "POST /twice")).toThrow("allOf members both define the property a");
    expect(() => toolInputSchema(doc, "POST /missing")).toThrow("the OpenAPI document has no component #/components/schemas/Nowhere");
    expect(() => toolInputSchema(doc, "GET /run")).toThrow("the OpenAPI document has no GET /run");
  });
});
