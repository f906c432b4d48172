// How much memory one request takes in an edge isolate: runs the neutral edge
// bundle (the same app code as the Worker and the Vercel function) in a fresh
// Node process whose V8 heap is capped like a Worker's (128 MB), sends one
// worst-case request of a kind and size, and prints its answer and the
// process's peak resident memory above the idle baseline (JS heap, kernel
// memory and buffers together, which is what Cloudflare counts).
//
//   node --max-old-space-size=128 --expose-gc bench/edge-memory.mjs BUNDLE KIND SIZE [ENV_JSON]
//
// KINDS: output (an answer of SIZE values: 20 SMA columns over a close
// series), and bodies of SIZE bytes: closes (a close series of BYTES, one column),
// nested (BYTES of [],[],... : JSON.parse's worst expansion, answered 400),
// rows (bar rows of BYTES, 5 columns), csv (POST /backtest on BYTES of CSV).
import { pathToFileURL } from "node:url";

const [bundle, kind, sizeArg, envJson = "{}"] = process.argv.slice(2);
const size = Number(sizeArg);
const env = JSON.parse(envJson);
const { fetch } = await import(pathToFileURL(bundle).href);

const call = (path, body, headers = {}) =>
  fetch(new Request(`http://edge.test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }), env);

const close = (i) => (100 + (i % 997) / 8).toString();
/** A JSON array text of about `bytes` bytes, element i written by `item(i)`. */
function arrayText(bytes, item) {
  const parts = [];
  let length = 2;
  for (let i = 0; ; i++) {
    const t = item(i);
    if (length + t.length + 1 > bytes) break;
    parts.push(t);
    length += t.length + 1;
  }
  return `[${parts.join(",")}]`;
}

function request() {
  switch (kind) {
    case "output": {
      const columns = Array.from({ length: 20 }, (_, i) => `sma:${i + 2}`);
      const series = Array.from({ length: Math.ceil(size / columns.length) }, (_, i) => close(i));
      return ["/indicators", `{"series":[${series.join(",")}],"indicators":${JSON.stringify(columns)}}`];
    }
    case "closes":
      return ["/indicators", `{"series":${arrayText(size - 40, close)},"indicators":["sma:20"]}`];
    case "nested":
      return ["/indicators", `{"series":${arrayText(size - 40, () => "[]")},"indicators":["sma:2"]}`];
    case "rows": {
      const day = 86_400_000;
      const bars = arrayText(size - 100, (i) => {
        const c = 100 + (i % 997) / 8;
        return `{"time":${946684800000 + i * day},"open":${c},"high":${c + 1},"low":${c - 1},"close":${c},"volume":${1000 + i}}`;
      });
      return ["/indicators", `{"bars":${bars},"indicators":["sma:20","rsi:14","macd:12:26:9"]}`];
    }
    case "csv": {
      const lines = ["date,open,high,low,close,volume"];
      let length = 80;
      for (let i = 0; ; i++) {
        const c = (100 + Math.sin(i / 50) * 20 + (i % 7) / 10).toFixed(2);
        const line = `${new Date(Date.UTC(1900, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${c},${(+c + 1).toFixed(2)},${(+c - 1).toFixed(2)},${c},${1000 + i}`;
        // Each line ends in "\n" inside the JSON string: two bytes.
        if (length + line.length + 2 > size) break;
        lines.push(line);
        length += line.length + 2;
      }
      return ["/backtest", JSON.stringify({ csv: lines.join("\n"), strategy: "momentum" })];
    }
    default:
      throw new Error(`unknown kind ${kind}; output, closes, nested, rows or csv`);
  }
}

// Warm up: kernels instantiated, app built, every route's code compiled.
await (await call("/indicators", '{"series":[1,2,3,4],"indicators":["sma:2"]}')).arrayBuffer();
await (await call("/backtest", '{"sample":"sp500","strategy":"momentum"}')).arrayBuffer();
let [path, body] = request();
const bodyBytes = Buffer.byteLength(body);
globalThis.gc();
const idle = process.memoryUsage();
const base = idle.rss;
const peakBefore = process.resourceUsage().maxRSS * 1024;
const res = await call(path, body);
body = undefined;
const answer = new Uint8Array(await res.arrayBuffer());
const peak = process.resourceUsage().maxRSS * 1024;
const mib = (bytes) => +(bytes / 2 ** 20).toFixed(1);
const code = res.status === 200 ? undefined : JSON.parse(new TextDecoder().decode(answer)).error?.code;
console.log(JSON.stringify({ kind, size, bodyBytes, status: res.status, code, answerBytes: answer.length,
  // The app at rest (heap and buffers, kernel memory included), and the request's peak on top of it.
  idleMiB: mib(idle.heapUsed + idle.external), peakMiB: mib(Math.max(peak, peakBefore) - base) }));
