// JSON answers: the /indicators answer for 1,000 closes (sma:20, ema:50,
// rsi:14: 3,000 doubles) written by json.wasm, by the TypeScript text the
// route used before (src/api/json.ts) and by JSON.stringify, in one run;
// then POST /indicators end to end with autocannon against `nt serve`, next
// to a control that sends the same answer without computing anything.
import os from "node:os";
import { readFileSync } from "node:fs";
import { Bench } from "tinybench";
import { jsonText, tsJson } from "../src/api/json.ts";
import { parseBarsCsv } from "../src/data/csv.ts";
import { WasmIndicators } from "../src/kernels/indicators.ts";
import { WasmJson, type JsonPiece } from "../src/kernels/json.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";
import { measure, start, startReplay, stop, type Measured, type Server } from "./api.bench.ts";
import { medianMs } from "./stats.ts";

/** The section's heading in bench/RESULTS.md. */
export const title = "JSON answers";

const ROWS = 1000;
/** Different answers used in turn, so V8's number-to-string cache cannot hold their values. */
const ANSWERS = 64;
/** autocannon runs per server; the table shows the median. */
const ROUNDS = 3;

interface Answer {
  pieces: JsonPiece[];
  /** The same columns as plain arrays, what JSON.stringify needs (a Float64Array prints as an object). */
  plain: Record<string, number[]>;
}

/** The route's answer for `ROWS` closes from `offset`: pieces for the writers, plain arrays for JSON.stringify. */
function answer(ind: WasmIndicators, close: Float64Array, offset: number): Answer {
  const c = close.subarray(offset, offset + ROWS);
  const columns: [string, Float64Array][] = [["sma:20", ind.sma(c, 20)], ["ema:50", ind.ema(c, 50)], ["rsi:14", ind.rsi(c, 14)]];
  const pieces: JsonPiece[] = [`{"rows":${ROWS},"columns":{`];
  columns.forEach(([name, values], i) => pieces.push(`${i ? "," : ""}${JSON.stringify(name)}:`, values));
  pieces.push("}}");
  return { pieces, plain: Object.fromEntries(columns.map(([name, values]) => [name, Array.from(values)])) };
}

export async function run(): Promise<string> {
  const series = parseBarsCsv(readFileSync("data/sp500.csv", "utf8"), { source: "sp500.csv", symbol: "SPX" });
  const ind = await WasmIndicators.load(kernelBytes("indicators"));
  const json = await WasmJson.load(kernelBytes("json"), tsJson);
  const step = Math.floor((series.close.length - ROWS) / ANSWERS);
  const answers = Array.from({ length: ANSWERS }, (_, i) => answer(ind, series.close, i * step));
  for (const a of answers) {
    const text = JSON.stringify({ rows: ROWS, columns: a.plain });
    if (jsonText(a.pieces) !== text || json.write(a.pieces) !== text) {
      throw new Error("the writers disagree with JSON.stringify on the /indicators answer");
    }
  }

  const load = os.loadavg()[0];
  let next = 0;
  const fresh = () => answers[next++ % ANSWERS];
  const same = answers[0];
  const bench = new Bench({ iterations: 300, warmupIterations: 50, time: 0, warmupTime: 0 });
  const cases: [string, (a: Answer) => unknown][] = [
    ["json.wasm (`WasmJson.write`: copy in, write, read back as a string)", (a) => json.write(a.pieces)],
    ["TypeScript text (`jsonText`, the route before: a string)", (a) => jsonText(a.pieces)],
    ["`JSON.stringify` of plain arrays (a string)", (a) => JSON.stringify({ rows: ROWS, columns: a.plain })],
  ];
  for (const [name, write] of cases) {
    bench.add(`${name} | 64 answers in turn`, () => void write(fresh()));
    bench.add(`${name} | the same answer`, () => void write(same));
  }
  await bench.run();
  const us = (name: string) => medianMs(bench.getTask(name)!) * 1000;
  const kernel = (data: string) => us(`${cases[0][0]} | ${data}`);
  const formatRows = bench.tasks.map((t) => {
    const [name, data] = t.name.split(" | ");
    const micros = us(t.name);
    return `| ${name} | ${data} | ${micros.toFixed(0)} | ${((micros * 1000) / (3 * ROWS)).toFixed(1)} | ${(micros / kernel(data)).toFixed(1)}x |`;
  });

  const rows = await endToEnd(series.close);
  return [
    `The /indicators answer for ${ROWS.toLocaleString("en-US")} closes (sma:20, ema:50, rsi:14 of the S&P 500): ${(3 * ROWS).toLocaleString("en-US")} doubles and their`,
    `keys, ${(jsonText(same.pieces).length / 1024).toFixed(1)} KB of JSON. Median of ${bench.iterations} calls after ${bench.warmupIterations} warm-ups (tinybench); load average at the start:`,
    `${load.toFixed(2)} on ${os.cpus().length} cores shared with other work, so compare within one run. "64 answers in turn" cycles through windows`,
    "of the series, so V8's number-to-string cache cannot answer from memory; \"the same answer\" repeats one, as the",
    "autocannon run below does. All three give the same string (checked before timing), which the server then encodes.",
    "",
    "| writer | data | µs per answer | ns per double | vs json.wasm |",
    "|---|---|---:|---:|---:|",
    ...formatRows,
    "",
    `End to end: autocannon, 32 connections, 1 s warm-up then 5 s, ${ROUNDS} rounds per server (the table shows the median`,
    "round), rate limiting off, the load generator in this process on the same cores. The replay control is a plain",
    "node:http server that reads the request and sends the API's saved answer: the most this load generator drives here.",
    "",
    "| server | request | requests/s | p99 latency (ms) | server CPU per request (µs) | requests/s per server core |",
    "|---|---|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** POST /indicators (1,000 closes, JSON answer) against `nt serve`, and the replay control. */
async function endToEnd(close: Float64Array): Promise<string[]> {
  const body = JSON.stringify({ series: Array.from(close.subarray(0, ROWS)), indicators: ["sma:20", "ema:50", "rsi:14"] });
  const request = { method: "POST", body };
  const servers: Server[] = [];
  const rows: string[] = [];
  try {
    const node = await start("node", process.execPath, ["bin/nt.mjs", "serve", "--port", "0"]);
    servers.push(node);
    const replay = await startReplay(node.url, body);
    servers.push(replay);
    const label = `POST /indicators, ${ROWS} closes, JSON answer`;
    for (const [name, server] of [["node:http replaying the answer", replay], ["node API (`nt serve`)", node]] as const) {
      const runs: Measured[] = [];
      for (let i = 0; i < ROUNDS; i++) runs.push(await measure(server, server === node ? "/indicators" : "/", request));
      const r = runs.sort((a, b) => a.requests.average - b.requests.average)[runs.length >> 1];
      const cpu = Number.isFinite(r.cpuMicros) ? `${Math.round(r.cpuMicros)} | ${Math.round(1e6 / r.cpuMicros).toLocaleString("en-US")}` : "n/a | n/a";
      rows.push(`| ${name} | ${label} | ${Math.round(r.requests.average).toLocaleString("en-US")} | ${r.latency.p99} | ${cpu} |`);
    }
  } finally {
    await Promise.all(servers.map(stop));
  }
  return rows;
}
