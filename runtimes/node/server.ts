// The Node adapter: @hono/node-server for HTTP, `ws` for WebSockets (via the
// HTTP server's 'upgrade' event), kernels and sample data from the package's
// files, heavy requests on worker threads (compute-pool.ts).
import { serve, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { createApp, loadKernels, type EngineApp, type StreamSocket } from "../../src/api/index.ts";
import type { ErrorBody } from "../../src/api/errors.ts";
import type { AppConfig } from "../../src/config/app-config.ts";
import { kernelBytes, modelsDir, packageRoot, sampleDataFile, sampleSeries, shippedModels } from "./assets.ts";
import { nodeTelemetry } from "./telemetry.ts";
import { nodeComputePool } from "./compute-pool.ts";
import { NodeStorage } from "./storage.ts";
import { WasmHnsw } from "../../src/kernels/memory.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";

export interface NodeServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface NodeServerOptions {
  /** The compute worker script; default: compute-worker.mjs beside this module's bundle (dist/). */
  readonly computeWorker?: URL;
  /** Where log lines go (default stderr). */
  readonly logWrite?: (line: string) => void;
}

/** The app and what it holds (worker threads, telemetry exporters), to close together. */
export interface NodeEngine {
  readonly engine: EngineApp;
  close(): Promise<void>;
}

/**
 * The app over this package's kernels, sample data and weights, with the
 * compute pool, telemetry and session storage `config` asks for: what
 * `nt serve` serves over HTTP and `nt mcp` over stdio.
 */
export async function startNodeEngine(config: AppConfig, options: NodeServerOptions = {}): Promise<NodeEngine> {
  const optional = (name: string) => (existsSync(`${packageRoot}/build/${name}.wasm`) ? kernelBytes(name) : undefined);
  const pkg = JSON.parse(readFileSync(`${packageRoot}/package.json`, "utf8"));
  const wasm = { indicators: kernelBytes("indicators"), risk: optional("risk"), solver: optional("solver"), json: optional("json"), research: optional("research"), neural: optional("neural") };
  const workers = config.computeWorkers ?? Math.max(1, availableParallelism() - 1);
  const compute = workers === 0 ? undefined : nodeComputePool({
    size: workers,
    queueLength: config.computeQueue,
    script: options.computeWorker ?? new URL("./compute-worker.mjs", import.meta.url),
    kernels: wasm,
    sampleFile: sampleDataFile,
    modelsDir,
  });
  const observability = nodeTelemetry(config, options.logWrite);
  const engine = createApp({
    config,
    kernels: await loadKernels(wasm),
    samples: sampleSeries(),
    models: shippedModels(),
    app: { name: pkg.name, version: pkg.version },
    compute,
    telemetry: observability.telemetry,
    metrics: observability.metrics,
    log: (message, err) => observability.telemetry.log.error(message, { error: err }),
    storage: config.sessionsDir === undefined ? undefined : new NodeStorage(config.sessionsDir),
    memory: config.memoryIndex === undefined ? undefined : await loadMemory(config.memoryIndex),
  });
  return {
    engine,
    close: async () => {
      engine.close();
      await Promise.all([compute?.close(), observability.shutdown()]);
    },
  };
}

export async function startNodeServer(config: AppConfig, options: NodeServerOptions = {}): Promise<NodeServer> {
  const { engine, close } = await startNodeEngine(config, options);
  // Subscribers only listen; nothing a client sends is read, so anything beyond a control frame is refused (1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({
      fetch: (req: Request, env: HttpBindings | Http2Bindings) => engine.fetch(req, { clientAddress: env.incoming.socket?.remoteAddress }),
      port: config.port,
      hostname: config.host,
    }, () => resolve(s as Server));
  });
  server.on("clientError", answerClientError);
  server.on("upgrade", (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(incoming, socket, head).catch(() => {
      // A malformed upgrade request (bad Host, absolute-form URL) must not take the server down.
      if (!socket.destroyed) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    });
  });

  // The app decides (auth, session lookup) through its normal route; only an accepted request is handed to ws.
  async function upgrade(incoming: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    let attach: ((s: StreamSocket) => void) | undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(incoming.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const path = incoming.url ?? "/";
    if (!path.startsWith("/")) throw new Error(`upgrade request target must be a path, got ${path}`);
    const req = new Request(new URL(path, "http://localhost"), { headers });
    const res = await engine.fetch(req, {
      clientAddress: incoming.socket.remoteAddress,
      upgradeSocket: (a) => {
        attach = a;
        return new Response(null, { status: 200 });
      },
    });
    if (attach === undefined) {
      const body = Buffer.from(await res.arrayBuffer());
      socket.end(`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ""}\r\ncontent-type: ${res.headers.get("content-type") ?? "text/plain"}\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    const accepted = attach;
    wss.handleUpgrade(incoming, socket, head, (ws) => accepted(wrap(ws)));
  }

  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      void close();
      for (const ws of wss.clients) ws.terminate();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Node's HTTP parser refuses some requests before the app sees them (a
 * Content-Length that is not a number, headers too large, a malformed request
 * line); by default it answers with an empty body. These get the API's error
 * shape like every other refusal.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, string, string] =
    err.code === "HPE_INVALID_CONTENT_LENGTH" ? [400, "invalid_content_length", "Content-Length must be a byte count (digits only)"]
    : err.code === "HPE_HEADER_OVERFLOW" ? [431, "headers_too_large", "the request headers are too large"]
    : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "request_timeout", "the request took too long to arrive"]
    : [400, "bad_request", `the request is not valid HTTP/1.1 (${err.code ?? "parse error"})`];
  const body: ErrorBody = { error: { code, message } };
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=UTF-8\r\n` +
    `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}

const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/** A subscriber that lets this much pile up unread is cut off rather than let the server's memory grow. */
const MAX_BUFFERED_BYTES = 8 * 2 ** 20;

function wrap(ws: WebSocket): StreamSocket {
  // ws has already begun the closing handshake with the right code (1002, 1007, 1009) when it emits
  // 'error' for a bad frame; without a listener the event would end the process, and every client with it.
  ws.on("error", () => undefined);
  return {
    send: (text) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.close(1013, "subscriber too slow: messages unread");
      else ws.send(text);
    },
    close: (code, reason) => ws.close(code, reason),
    onClose: (listener) => void ws.on("close", listener),
  };
}

/** The vector index file NT_MEMORY_INDEX names, searched on build/memory.wasm. */
async function loadMemory(file: string): Promise<VectorIndex> {
  return VectorIndex.load(readFileSync(file), { backend: await WasmHnsw.load(kernelBytes("memory")), source: file });
}
