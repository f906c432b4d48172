// The vector memory's HNSW index against hnswlib-node (C++ hnswlib through
// N-API) on the same vectors in the same run, shared by the memory suites
// (memory: 100,000 x 64; memory-large: 1,000,000 x 32): build time, query
// latency p50/p99 at k = 10 and recall@10 against exact search, over a
// sweep of efSearch. Two kinds of data: independent Gaussian vectors (the
// hardest case: every dimension matters) and vectors near a 10-dimensional
// subspace (what embeddings of real data look like more often).
import os from "node:os";
import { Random } from "../src/core/random.ts";
import { WasmHnsw } from "../src/kernels/memory.ts";
import { tsHnsw } from "../src/memory/hnsw-twin.ts";
import { VectorIndex } from "../src/memory/vector-index.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";

const QUERIES = 1000;
const K = 10;
const M = 16;
const EF_CONSTRUCTION = 100;
const EFS = [10, 16, 32, 64, 128, 256, 512, 768];
const TARGET_RECALL = 0.95;

/** How many vectors, of what dimension. */
export interface Size {
  readonly n: number;
  readonly dim: number;
}

interface HnswLib {
  initIndex(maxElements: number, m: number, efConstruction: number, seed: number): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(query: number[], k: number): { neighbors: number[]; distances: number[] };
}

type HnswLibClass = new (space: "l2", dim: number) => HnswLib;

/** hnswlib-node, or why it is not there (it is an optional dependency). */
async function loadHnswlib(): Promise<HnswLibClass | string> {
  try {
    return (await import("hnswlib-node")).default.HierarchicalNSW as unknown as HnswLibClass;
  } catch (e) {
    return `hnswlib-node could not be imported (${(e as Error).message.split("\n")[0]}), so its columns are left out`;
  }
}

export interface DataSet {
  readonly name: string;
  readonly dim: number;
  readonly vectors: Float32Array[];
  readonly queries: Float32Array[];
}

export function gaussian({ n, dim }: Size, seed: number): DataSet {
  const rng = new Random(seed);
  const draw = () => Float32Array.from({ length: dim }, () => rng.normal());
  return { name: `Gaussian, ${dim} independent dimensions`, dim, vectors: Array.from({ length: n }, draw), queries: Array.from({ length: QUERIES }, draw) };
}

/** x = A z + 0.05 e: z standard normal in 10 dimensions, A a fixed random dim x 10 map, e standard normal noise. */
export function subspace({ n, dim }: Size, seed: number): DataSet {
  const rng = new Random(seed);
  const rank = 10;
  const a = Float64Array.from({ length: dim * rank }, () => rng.normal() / Math.sqrt(rank));
  const draw = () => {
    const z = Array.from({ length: rank }, () => rng.normal());
    return Float32Array.from({ length: dim }, (_, i) => {
      let x = 0.05 * rng.normal();
      for (let j = 0; j < rank; j++) x += a[i * rank + j] * z[j];
      return x;
    });
  };
  return { name: "near a 10-dimensional subspace", dim, vectors: Array.from({ length: n }, draw), queries: Array.from({ length: QUERIES }, draw) };
}

/** Wall and CPU seconds of fn. */
function timed(fn: () => void): { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function recallOf(found: number[][], truth: number[][]): number {
  let hit = 0;
  found.forEach((ids, q) => {
    const want = new Set(truth[q]);
    hit += ids.filter((id) => want.has(id)).length;
  });
  return hit / (truth.length * K);
}

interface Timing {
  p50: number;
  p99: number;
  /** 1000 / mean wall ms. */
  qps: number;
  /** CPU time per query, µs: what the load of other processes changes least. */
  cpuUs: number;
}

interface Point extends Timing {
  ef: number;
  recall: number;
}

type Search = (q: number) => number[];

const BLOCK = 50;

/**
 * Latency of one query at a time, every query once after 100 warm-ups.
 * The implementations take turns in blocks of 50 queries (the order
 * swapped each block), so that both see the same load on this shared
 * machine; measured one after the other (as tinybench runs tasks), one of
 * them could meet a busy minute the other did not.
 */
function interleaved(searches: Search[]): Timing[] {
  for (const search of searches) for (let q = 0; q < 100; q++) search(q);
  const samples = searches.map(() => new Float64Array(QUERIES));
  const cpu = searches.map(() => 0);
  for (let start = 0; start < QUERIES; start += BLOCK) {
    const order = (start / BLOCK) % 2 === 0 ? searches.map((_, i) => i) : searches.map((_, i) => searches.length - 1 - i);
    for (const i of order) {
      const c = process.cpuUsage();
      for (let q = start; q < start + BLOCK; q++) {
        const t = performance.now();
        searches[i](q);
        samples[i][q] = performance.now() - t;
      }
      const used = process.cpuUsage(c);
      cpu[i] += used.user + used.system;
    }
  }
  return samples.map((x, i) => {
    const sorted = x.slice().sort();
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    return { p50: sorted[Math.floor(0.5 * x.length)], p99: sorted[Math.floor(0.99 * x.length)], qps: 1000 / mean, cpuUs: cpu[i] / QUERIES };
  });
}

/** Recall and timing at each efSearch, of every implementation side by side. */
function sweep(impls: { search: Search; setEf: (ef: number) => void }[], truth: number[][]): Point[][] {
  const points: Point[][] = impls.map(() => []);
  for (const ef of EFS) {
    for (const impl of impls) impl.setEf(ef);
    const recalls = impls.map((impl) => recallOf(Array.from({ length: QUERIES }, (_, q) => impl.search(q)), truth));
    interleaved(impls.map((impl) => impl.search)).forEach((t, i) => points[i].push({ ef, recall: recalls[i], ...t }));
  }
  return points;
}

const ms = (x: number) => (x < 0.1 ? x.toFixed(3) : x.toFixed(2));

function runDataSet(data: DataSet, backend: WasmHnsw, HnswLib: HnswLibClass | string): string[] {
  const ours = new VectorIndex({ dimension: data.dim, metric: "l2", M, efConstruction: EF_CONSTRUCTION, seed: 42, backend });
  const oursBuild = timed(() => data.vectors.forEach((v, i) => ours.add(i, v)));
  console.log(`${data.name}: ours built in ${oursBuild.wall.toFixed(1)} s`);

  // Ground truth by brute force; the first answers' distances checked against a float64 loop.
  const exact = data.queries.map((q) => ours.exactSearch(q, K));
  for (let q = 0; q < 3; q++) {
    const reference = data.vectors.map((v) => v.reduce((s, x, j) => s + (x - data.queries[q][j]) ** 2, 0)).sort((a, b) => a - b);
    if (exact[q].some((h, j) => Math.abs(h.distance - reference[j]) > 1e-5 * reference[j])) {
      throw new Error(`exact search disagrees with a float64 brute force on query ${q}`);
    }
  }
  const truth = exact.map((hits) => hits.map((h) => h.id as number));

  const lines = [`### ${data.name}`, ""];
  const impls: { search: Search; setEf: (ef: number) => void }[] = [
    { search: (q) => ours.search(data.queries[q], K).map((h) => h.id as number), setEf: (ef) => (ours.efSearch = ef) },
  ];
  let libBuild: { wall: number; cpu: number } | null = null;
  if (typeof HnswLib !== "string") {
    const lib = new HnswLib("l2", data.dim);
    lib.initIndex(data.vectors.length, M, EF_CONSTRUCTION, 42);
    const arrays = data.vectors.map((v) => Array.from(v));
    libBuild = timed(() => arrays.forEach((v, i) => lib.addPoint(v, i)));
    console.log(`${data.name}: hnswlib-node built in ${libBuild.wall.toFixed(1)} s`);
    // Queries handed over as plain arrays made beforehand, so the conversion is not timed.
    const queryArrays = data.queries.map((q) => Array.from(q));
    impls.push({ search: (q) => lib.searchKnn(queryArrays[q], K).neighbors, setEf: (ef) => lib.setEf(ef) });
  }
  const [oursPoints, libPoints = null] = sweep(impls, truth);
  const cells = (p: Point) => `${p.recall.toFixed(4)} | ${ms(p.p50)} | ${ms(p.p99)} | ${Math.round(p.qps)} | ${Math.round(p.cpuUs)} |`;
  lines.push(
    `Build (M ${M}, efConstruction ${EF_CONSTRUCTION}, one thread): ours ${oursBuild.wall.toFixed(1)} s wall / ${oursBuild.cpu.toFixed(1)} s CPU` +
      (libBuild ? `; hnswlib-node ${libBuild.wall.toFixed(1)} s wall / ${libBuild.cpu.toFixed(1)} s CPU.` : "."),
    "",
    `| efSearch | recall@10 ours | p50 ms | p99 ms | queries/s | CPU µs/query |${libPoints ? " recall@10 hnswlib | p50 ms | p99 ms | queries/s | CPU µs/query |" : ""}`,
    `|---:|---:|---:|---:|---:|---:|${libPoints ? "---:|---:|---:|---:|---:|" : ""}`,
    ...oursPoints.map((p, i) => `| ${p.ef} | ${cells(p)}${libPoints ? ` ${cells(libPoints[i])}` : ""}`),
    "",
  );
  const first = (points: Point[]) => points.find((p) => p.recall >= TARGET_RECALL);
  const o = first(oursPoints);
  const l = libPoints ? first(libPoints) : undefined;
  const say = (who: string, p: Point | undefined) =>
    p ? `${who} first reaches recall@10 >= ${TARGET_RECALL} at efSearch ${p.ef} (${p.recall.toFixed(4)}): p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms, ${Math.round(p.qps)} queries/s`
      : `${who} does not reach recall@10 >= ${TARGET_RECALL} by efSearch ${EFS.at(-1)}`;
  lines.push(`- ${say("Ours", o)}.`);
  if (libPoints) lines.push(`- ${say("hnswlib-node", l)}.`);
  if (o) {
    lines.push(`- Goal p50 < 0.5 ms at recall@10 >= 0.95: ${o.p50 < 0.5 ? "met" : "not met"}.`);
    // The TypeScript twin on the same graph (loaded from the wasm-built index's bytes), at the same efSearch.
    const twin = VectorIndex.load(ours.save(), { backend: tsHnsw });
    twin.efSearch = o.ef;
    ours.efSearch = o.ef;
    const [k, t] = interleaved([(q) => ours.search(data.queries[q], K).map((h) => h.id as number), (q) => twin.search(data.queries[q], K).map((h) => h.id as number)]);
    lines.push(`- The TypeScript twin on the same graph at efSearch ${o.ef}: p50 ${ms(t.p50)} ms, ${Math.round(t.qps)} queries/s, ${(t.cpuUs / k.cpuUs).toFixed(1)}x the kernel's CPU time.`);
  }
  if (o && l) {
    lines.push(`- At that recall, ours / hnswlib-node: ${(o.qps / l.qps).toFixed(2)} in queries/s, ${(l.cpuUs / o.cpuUs).toFixed(2)} in CPU time per query (goal: at least 1).`);
  }
  return lines;
}

/** The suite's section: each data set (made when its turn comes, so one lives at a time) against hnswlib-node. */
export async function compareHnsw(size: Size, dataSets: ((size: Size) => DataSet)[]): Promise<string> {
  const load = os.loadavg()[0];
  const backend = await WasmHnsw.load(kernelBytes("memory"));
  const HnswLib = await loadHnswlib();
  const sections: string[] = [];
  for (const make of dataSets) sections.push(...runDataSet(make(size), backend, HnswLib), "");
  return [
    `Load average when the suite started: ${load.toFixed(1)} (other processes share the cores; the p99 column feels it most).`,
    "",
    `${size.n.toLocaleString("en-US")} vectors of dimension ${size.dim}, squared L2, ${QUERIES.toLocaleString("en-US")} queries drawn like the vectors (not among them), k = ${K}. ` +
      `Both indexes are built with M ${M} and efConstruction ${EF_CONSTRUCTION} from the same vectors in the same order; recall@10 is against the exact ` +
      "top 10 (our brute force, checked against a float64 loop). Latency: one query at a time, each of the 1000 timed once after 100 warm-ups, the two libraries taking turns in blocks of 50 queries, " +
      "including for ours the copy of the query into the module and the result objects, and for hnswlib-node the N-API call on a plain array made beforehand. " +
      "Queries/s = 1000 / mean latency, one thread; CPU µs/query from process.cpuUsage, which the other processes on the machine disturb least.",
    ...(typeof HnswLib === "string" ? ["", HnswLib] : []),
    "",
    ...sections,
  ].join("\n");
}
