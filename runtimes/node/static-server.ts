// A small static file server for the web build (dist/web): GET and HEAD only,
// correct content types (application/wasm included, which streaming
// compilation requires), and no path outside the root ever served.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

export interface StaticServerOptions {
  /** The folder to serve. */
  readonly root: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  readonly host?: string;
}

export interface StaticServer {
  /** http://host:port/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** The Content-Type for a file name. */
export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file a request path names inside root, or null when it cannot name one
 * there (undecodable, a NUL byte, a backslash, or `..` leading outside).
 * Symbolic links are checked separately, after the file is found.
 */
export function resolveRequestPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || !decoded.startsWith("/")) return null;
  const base = resolve(root);
  const file = resolve(base, "." + decoded);
  return file === base || file.startsWith(base + sep) ? file : null;
}

export async function startStaticServer(opts: StaticServerOptions): Promise<StaticServer> {
  const root = await realpath(resolve(opts.root));
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    handle(root, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(e as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return { url: `http://${shown}:${port}/`, host, port, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok, fail) => {
    server.close((e) => (e ? fail(e) : ok()));
    server.closeAllConnections();
  });
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, 405, "method not allowed");
  }
  let pathname: string;
  try {
    pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return send(res, 400, "bad request");
  }
  const requested = resolveRequestPath(root, pathname);
  if (requested === null) return send(res, 400, "bad path");
  let file = requested;
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, `not found: ${pathname}`);
  // A link inside root must not lead outside it.
  const real = await realpath(file);
  if (real !== root && !real.startsWith(root + sep)) return send(res, 404, `not found: ${pathname}`);
  res.writeHead(200, {
    "Content-Type": contentType(file),
    "Content-Length": info.size,
    "Cache-Control": "no-cache",
    "Last-Modified": info.mtime.toUTCString(),
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") return void res.end();
  await new Promise<void>((ok, fail) => {
    const stream = createReadStream(real);
    stream.once("error", fail);
    res.once("close", ok);
    stream.pipe(res);
  });
}

function send(res: ServerResponse, status: number, text: string): void {
  const body = text + "\n";
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "X-Content-Type-Options": "nosniff",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
