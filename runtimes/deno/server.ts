// The Deno adapter: Deno.serve for HTTP, Deno.upgradeWebSocket for streams,
// kernels and sample data read with Deno's file API (assets.ts), heavy
// requests on Web Workers (compute-worker.ts). It imports src/ as is.
//   npx deno run --allow-read --allow-net --allow-env runtimes/deno/server.ts [--port N] [--host H] [--config FILE.toml]
import { createApp, loadKernels, WorkerPool, type PoolWorker, type ReplyMessage, type StreamSocket } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { kernelBytes, models, packageInfo, samples } from "./assets.ts";
import { DenoStorage } from "./storage.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";

const flags = parseFlags(Deno.args);
const file = flags.config === undefined ? undefined : { name: flags.config, text: await Deno.readTextFile(flags.config) };
const config = loadAppConfig({
  env: Deno.env.toObject(),
  file,
  overrides: { host: flags.host, port: flags.port === undefined ? undefined : Number(flags.port) },
});

const workers = config.computeWorkers ?? Math.max(1, navigator.hardwareConcurrency - 1);
const engine = createApp({
  config,
  kernels: await loadKernels(await kernelBytes()),
  samples,
  models,
  app: await packageInfo(),
  compute: workers === 0 ? undefined : new WorkerPool({ size: workers, queueLength: config.computeQueue, spawn: computeWorker }),
  // Sessions journal to disk when a folder is configured (needs --allow-write for it).
  storage: config.sessionsDir === undefined ? undefined : new DenoStorage(config.sessionsDir),
  // The vector memory POST /memory/search answers from (needs --allow-read for the file).
  memory: config.memoryIndex === undefined ? undefined : VectorIndex.load(await Deno.readFile(config.memoryIndex), { source: config.memoryIndex }),
});

/** A Web Worker running compute-worker.ts, for the pool that runs the heavy routes. */
function computeWorker(onReply: (m: ReplyMessage) => void, onExit: (reason: unknown) => void): PoolWorker {
  const worker = new Worker(new URL("./compute-worker.ts", import.meta.url).href, { type: "module" });
  worker.onmessage = (e: MessageEvent<ReplyMessage>) => onReply(e.data);
  worker.onerror = (e) => {
    // Handled here: unhandled, a worker's error would end the server.
    e.preventDefault();
    worker.terminate();
    onExit(e.message);
  };
  return { post: (message, transfer) => worker.postMessage(message, transfer), terminate: () => worker.terminate() };
}

Deno.serve({
  hostname: config.host,
  port: config.port,
  // The test suite and the benchmark read this line to find the port.
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`),
}, (req, info) => engine.fetch(req, {
  clientAddress: info.remoteAddr.hostname,
  upgradeSocket: (attach) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => attach(wrap(socket));
    return response;
  },
}));

/** Subscribers only listen; a client message beyond this is refused as ws refuses it on Node (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

function wrap(ws: WebSocket): StreamSocket {
  ws.onmessage = (e) => {
    const size = typeof e.data === "string" ? e.data.length : e.data instanceof Blob ? e.data.size : (e.data as ArrayBuffer).byteLength;
    if (size > MAX_CLIENT_MESSAGE_BYTES) ws.close(1009, "message too big: this stream takes no messages");
  };
  return {
    // A subscriber that lets 8 MiB pile up unread is cut off rather than let the server's memory grow.
    send: (text) => (ws.bufferedAmount > 8 * 2 ** 20 ? ws.close(1013, "subscriber too slow: messages unread") : ws.send(text)),
    close: (code, reason) => ws.close(code, reason),
    onClose: (listener) => ws.addEventListener("close", listener),
  };
}

function parseFlags(args: string[]): { port?: string; host?: string; config?: string } {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--(port|host|config)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unknown argument ${args[i]}; usage: server.ts [--port N] [--host H] [--config FILE.toml]`);
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1]] = value;
  }
  return out;
}
