import { createWriteStream, existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { ConfigError, shown } from "../../../../src/core/errors.ts";
import { WasmHnsw } from "../../../../src/kernels/memory.ts";
import { exportChunks, VectorsCsvParser, VectorsJsonParser, type IndexParams } from "../../../../src/memory/interchange.ts";
import {
  EF_CONSTRUCTION_SETTING, EF_SEARCH_SETTING, K_SETTING, M_SETTING, METRICS, SEED_SETTING, type Metric, type VectorId,
} from "../../../../src/memory/params.ts";
import { VectorIndex, type SearchHit } from "../../../../src/memory/vector-index.ts";
import { kernelBytes } from "../../assets.ts";
import { NodeStorage } from "../../storage.ts";
import { flagSetting, UsageError, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";

const usage = `Usage: nt memory <stats|search|import|export> FILE.ntvx [options]

A vector index file: the engine's HNSW index (VectorIndex.save()), searched
with the WASM kernels.

  nt memory stats FILE [--json]
      vectors, removed ones, dimension, metric, HNSW parameters, levels
  nt memory search FILE (--vector "X1,X2,..." | --like ID) [--k ${K_SETTING.default}] [--ef N]
                   [--where KEY=VALUE ...] [--exact] [--json]
      the k nearest vectors, nearest first (l2: squared distance; cosine and
      ip: 1 - similarity); --like searches near the vector stored under ID;
      --where keeps vectors whose metadata KEY equals VALUE (JSON, else text);
      --exact compares with every vector instead of walking the graph
  nt memory import FILE --from DATA.csv|DATA.json [--metric ${METRICS.join("|")}] [--M ${M_SETTING.default}]
                   [--ef-construction ${EF_CONSTRUCTION_SETTING.default}] [--ef-search ${EF_SEARCH_SETTING.default}] [--seed ${SEED_SETTING.default}]
      adds DATA's vectors (one with an id already there replaces it) and
      writes FILE; a new FILE takes its dimension from DATA and needs --metric
      unless DATA is an export. CSV: columns id,vector[,metadata] (vector as
      a JSON array or numbers separated by spaces; metadata a JSON object);
      JSON: [{"id","vector","metadata"}, ...] or an export; up to ${MAX_INPUT_LABEL}
  nt memory export FILE [--out DATA.json]
      every vector with its id and metadata, and the index's parameters, as
      JSON (cosine indexes hold unit vectors); stdout without --out`;

const ACTIONS = ["stats", "search", "import", "export"] as const;

export const memoryCommand: Command = {
  name: "memory",
  summary: "inspect, search, import into and export a vector index file",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        vector: { type: "string" },
        like: { type: "string" },
        k: { type: "string", default: String(K_SETTING.default) },
        ef: { type: "string" },
        where: { type: "string", multiple: true, default: [] },
        exact: { type: "boolean", default: false },
        from: { type: "string" },
        metric: { type: "string" },
        M: { type: "string" },
        "ef-construction": { type: "string" },
        "ef-search": { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
      },
    });
    const [action, file, ...extra] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) throw new UsageError(`the first argument must be one of ${ACTIONS.join(", ")}, got ${shown(action)}`);
    if (!file) throw new UsageError(`nt memory ${action} needs an index FILE`);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    const backend = await WasmHnsw.load(kernelBytes("memory"));
    const path = resolve(io.cwd, file);
    const storage = new NodeStorage(dirname(path));

    if (action === "import") {
      if (!values.from) throw new UsageError("--from DATA.csv or DATA.json is required");
      const parser = values.from.toLowerCase().endsWith(".json") ? new VectorsJsonParser(values.from) : new VectorsCsvParser(values.from);
      const data = await readTextFile(resolve(io.cwd, values.from), values.from, parser);
      const index = existsSync(path)
        ? VectorIndex.loadFrom(storage, basename(path), { backend })
        : new VectorIndex({ ...newIndexParams(values, data.index, data.items[0]?.vector.length, file), backend });
      checkSameParams(values, index, file);
      data.items.forEach((item, i) => {
        io.progress(i, data.items.length, "importing");
        try {
          index.add(item.id, item.vector, item.metadata);
        } catch (e) {
          if (e instanceof ConfigError) throw new ConfigError(`item ${i + 1} (id ${shown(item.id)}): ${e.message}`, { source: values.from });
          throw e;
        }
      });
      io.progress(data.items.length, data.items.length, "importing");
      index.saveTo(storage, basename(path));
      io.out(`${file}: imported ${data.items.length} vectors from ${values.from}; ${index.size} in the index\n`);
      return 0;
    }

    const index = VectorIndex.loadFrom(storage, basename(path), { backend });
    if (action === "stats") {
      const s = index.stats();
      io.out(values.json ? `${JSON.stringify(s, null, 2)}\n` : renderStats(file, s));
      return 0;
    }
    if (action === "export") {
      const chunks = Readable.from(exportChunks(index));
      if (values.out) await pipeline(chunks, createWriteStream(resolve(io.cwd, values.out)));
      else for await (const chunk of chunks) io.out(chunk as string);
      return 0;
    }
    const k = flagSetting(K_SETTING, values.k!, "--k") as number;
    if (values.ef !== undefined) index.efSearch = flagSetting(EF_SEARCH_SETTING, values.ef, "--ef") as number;
    const query = queryVector(values.vector, values.like, index);
    const filter = values.where!.length === 0 ? undefined : whereFilter(values.where!);
    const hits = values.exact ? index.exactSearch(query, k, filter) : index.search(query, k, filter);
    io.out(values.json ? `${JSON.stringify(hits, null, 2)}\n` : renderHits(hits));
    return 0;
  },
};

type Flags = Record<string, string | boolean | string[] | undefined>;

/** The parameters of a new index: the flags, else the export's, else the defaults; the dimension from the data. */
function newIndexParams(values: Flags, exported: IndexParams | undefined, dimension: number | undefined, file: string) {
  const metric = (values.metric as string | undefined) ?? exported?.metric;
  if (metric === undefined) throw new UsageError(`${file} does not exist yet: give --metric ${METRICS.join("|")} to create it`);
  checkMetric(metric);
  if (dimension === undefined) throw new UsageError(`${file} does not exist yet and the data holds no vector to take its dimension from`);
  const setting = (flag: string, spec: typeof M_SETTING, fromExport?: number) =>
    values[flag] !== undefined ? (flagSetting(spec, values[flag] as string, `--${flag}`) as number) : fromExport;
  return {
    dimension, metric: metric as Metric,
    M: setting("M", M_SETTING, exported?.M),
    efConstruction: setting("ef-construction", EF_CONSTRUCTION_SETTING, exported?.efConstruction),
    efSearch: setting("ef-search", EF_SEARCH_SETTING, exported?.efSearch),
    seed: setting("seed", SEED_SETTING, exported?.seed),
  };
}

/** Flags given for an index that exists must match it: an index keeps the parameters it was built with. */
function checkSameParams(values: Flags, index: VectorIndex, file: string): void {
  const stored: Record<string, string> = {
    metric: index.metric, M: String(index.M), "ef-construction": String(index.efConstruction), "ef-search": String(index.efSearch), seed: String(index.seed),
  };
  for (const [flag, value] of Object.entries(stored)) {
    if (values[flag] !== undefined && values[flag] !== value) {
      throw new UsageError(`--${flag} ${values[flag]} differs from ${file}'s ${value}; an index keeps the parameters it was built with`);
    }
  }
}

function checkMetric(metric: string): void {
  if (!METRICS.includes(metric as Metric)) throw new UsageError(`--metric must be one of ${METRICS.join(", ")}, got ${shown(metric)}`);
}

function queryVector(vector: string | undefined, like: string | undefined, index: VectorIndex): number[] | Float32Array {
  if ((vector === undefined) === (like === undefined)) throw new UsageError("give either --vector X1,X2,... or --like ID");
  if (like !== undefined) {
    const id: VectorId | undefined = index.has(like) ? like : index.has(Number(like)) ? Number(like) : undefined;
    if (id === undefined) throw new ConfigError(`no vector with id ${shown(like)} in the index`, { field: "like" });
    return index.vector(id)!;
  }
  const parts = vector!.split(/[\s,]+/).filter((p) => p !== "");
  return parts.map((p, i) => {
    const x = Number(p);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(p) || !Number.isFinite(x)) throw new UsageError(`--vector value ${i + 1} must be a number, got ${shown(p)}`);
    return x;
  });
}

/** --where KEY=VALUE, all of them: VALUE read as JSON (a number, true, "text", null), else as text. */
function whereFilter(clauses: string[]): Record<string, string | number | boolean | null> {
  const filter: Record<string, string | number | boolean | null> = {};
  for (const clause of clauses) {
    const at = clause.indexOf("=");
    if (at <= 0) throw new UsageError(`--where must be KEY=VALUE, got ${shown(clause)}`);
    const text = clause.slice(at + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the text itself.
    }
    if (value !== null && typeof value === "object") throw new UsageError(`--where ${clause}: a value must be a number, true, false, null or text`);
    filter[clause.slice(0, at)] = value as string | number | boolean | null;
  }
  return filter;
}

function renderStats(file: string, s: ReturnType<VectorIndex["stats"]>): string {
  const rows: [string, string][] = [
    ["vectors", String(s.size)],
    ["removed (tombstones)", String(s.deleted)],
    ["dimension", String(s.dimension)],
    ["metric", s.metric],
    ["M / efConstruction / efSearch", `${s.M} / ${s.efConstruction} / ${s.efSearch}`],
    ["seed", String(s.seed)],
    ["levels", s.nodesPerLevel.map((n, l) => `${l}: ${n}`).join(", ") || "none"],
    ["mean links on level 0", s.meanDegree0.toFixed(2)],
  ];
  return `${file}\n${rows.map(([k, v]) => `  ${k.padEnd(30)} ${v}`).join("\n")}\n`;
}

function renderHits(hits: SearchHit[]): string {
  if (hits.length === 0) return "no vectors found\n";
  const ids = hits.map((h) => JSON.stringify(h.id));
  const width = Math.max(2, ...ids.map((id) => id.length));
  const lines = hits.map((h, i) => `${String(i + 1).padStart(4)}  ${ids[i].padEnd(width)}  ${String(Number(h.distance.toPrecision(6))).padStart(12)}  ${h.metadata === undefined ? "" : JSON.stringify(h.metadata)}`.trimEnd());
  return `${"rank".padStart(4)}  ${"id".padEnd(width)}  ${"distance".padStart(12)}  metadata\n${lines.join("\n")}\n`;
}
