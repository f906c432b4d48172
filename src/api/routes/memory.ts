import { shownKey } from "../../core/errors.ts";
import { K_SETTING } from "../../memory/params.ts";
import type { MetadataFilter, SearchHit, VectorIndex } from "../../memory/vector-index.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, invalid } from "../errors.ts";
import { isObject, numbers, onlyKeys, readJsonObject, setting, type Json, type JsonObject } from "../input/validate.ts";
import { requireScope } from "../middleware/auth.ts";

/** The most neighbours one search may ask for: answers stay small. */
export const MAX_MEMORY_K = 1000;

/**
 * POST /memory/search: the k vectors of the server's memory (a VectorIndex
 * file named by NT_MEMORY_INDEX, made with `nt memory import`) nearest a
 * query vector, optionally among those whose metadata has the given values.
 * The search takes well under a millisecond, so it runs on the serving thread.
 */
export function memoryRoutes(app: ApiApp, state: AppState): void {
  app.post("/memory/search", requireScope(state.keys, "read"), async (c) => c.json(searchMemory(state.deps.memory, await readJsonObject(c.req))));
}

export function searchMemory(memory: VectorIndex | undefined, body: JsonObject): { dimension: number; metric: string; size: number; results: SearchHit[] } {
  if (!memory) throw new ApiError(404, "memory_off", "this server holds no vector memory; start it with NT_MEMORY_INDEX=FILE (an index written by nt memory import)");
  onlyKeys(body, ["vector", "k", "where", "exact"]);
  const vector = numbers(body.vector, "vector", memory.dimension, memory.dimension);
  const k = body.k === undefined ? (K_SETTING.default as number) : (setting({ ...K_SETTING, max: MAX_MEMORY_K }, body.k, "k") as number);
  const filter = body.where === undefined ? undefined : whereFilter(body.where);
  if (body.exact !== undefined && typeof body.exact !== "boolean") throw invalid("exact", "must be true or false");
  const results = body.exact === true ? memory.exactSearch(vector, k, filter) : memory.search(vector, k, filter);
  return { dimension: memory.dimension, metric: memory.metric, size: memory.size, results };
}

/** { key: value }: metadata[key] must equal each value (a string, number, boolean or null). */
function whereFilter(where: Json): MetadataFilter {
  if (!isObject(where)) throw invalid("where", "must be an object of metadata values to match, e.g. {\"symbol\": \"SPY\"}");
  for (const [key, value] of Object.entries(where)) {
    if (value !== null && typeof value === "object") throw invalid(`where.${shownKey(key)}`, "must be a string, number, boolean or null");
  }
  return where as Record<string, string | number | boolean | null>;
}
