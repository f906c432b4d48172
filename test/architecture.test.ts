// Folder dependencies in src/ point one way (issue 14): no folder reaches,
// directly or through others, a folder that reaches it back. Result types
// live with their producer or lower, where both sides can import them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.ts";

const SRC = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The top folder of src/ a file is in ("" for src/index.ts). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split("/");
  return parts.length > 1 ? parts[0] : "";
}

/** folder -> folder -> one file:import that makes the edge, for the failure message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    if (from === "") continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)[^"';]*?from\s+"(\.[^"]+)"/g)) {
      const to = folderOf(resolve(dirname(file), m[1]));
      if (to === from || to === "") continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(root, file)} imports ${m[1]}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** A cycle as a list of edges' evidence, or null. */
function findCycle(graph: Map<string, Map<string, string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === "open") {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        return loop.slice(1).map((to, i) => graph.get(loop[i])!.get(to)!);
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe("folder dependencies in src/", () => {
  it("form no cycle", () => {
    const cycle = findCycle(folderGraph());
    expect(cycle, cycle ? `a cycle:\n  ${cycle.join("\n  ")}` : "").toBeNull();
  });

  it("the check finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", new Map([["b", "a.ts imports b"]])],
      ["b", new Map([["c", "b.ts imports c"]])],
      ["c", new Map([["a", "c.ts imports a"]])],
    ]);
    expect(findCycle(graph)).toEqual(["a.ts imports b", "b.ts imports c", "c.ts imports a"]);
    graph.get("c")!.delete("a");
    expect(findCycle(graph)).toBeNull();
  });

  it("core imports no other folder", () => {
    expect([...(folderGraph().get("core")?.values() ?? [])]).toEqual([]);
  });
});
