// Plumbing shared by the local protocol servers: one node:http server on
// 127.0.0.1 that routes REST requests and upgrades WebSocket paths, a log
// of requests, and scripted 429s.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as it is (an XML feed) instead of `body` as JSON; give its content-type in headers. */
  text?: string;
  headers?: Record<string, string>;
}

export type Route = (req: IncomingMessage, url: URL, body: unknown) => Reply | Promise<Reply>;

export class LocalServer {
  readonly http: Server;
  readonly requests: Array<{ method: string; path: string; query: string; body: unknown }> = [];
  private readonly sockets = new Map<string, WebSocketServer>();
  private rateLimited: Array<Record<string, string>> = [];
  private held = false;
  private lose = 0;
  private heldResponses: ServerResponse[] = [];
  base = "";
  wsBase = "";

  constructor(private readonly route: Route, wsPaths: Record<string, (ws: WebSocket, req: IncomingMessage) => void>) {
    this.http = createServer((req, res) => void this.handle(req, res));
    for (const [path, onConnection] of Object.entries(wsPaths)) {
      const wss = new WebSocketServer({ noServer: true });
      wss.on("connection", onConnection);
      this.sockets.set(path, wss);
    }
    this.http.on("upgrade", (req, socket, head) => {
      const wss = this.sockets.get(new URL(req.url ?? "/", "http://x").pathname);
      if (!wss) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    const port = (this.http.address() as AddressInfo).port;
    this.base = `http://127.0.0.1:${port}`;
    this.wsBase = `ws://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const wss of this.sockets.values()) for (const c of wss.clients) c.terminate();
    for (const r of this.heldResponses) r.destroy();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  /** The next `n` REST requests get 429 with these headers (Retry-After, X-Ratelimit-*). */
  rateLimit(n: number, headers: Record<string, string>): void {
    this.rateLimited = Array.from({ length: n }, () => headers);
  }

  /** The next `n` requests are carried out but their answers lost (the connection drops before the reply). */
  loseAnswers(n: number): void {
    this.lose = n;
  }

  /** Holds every REST response until `release` (a slow service, for timeouts). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const r of this.heldResponses.splice(0)) r.destroy();
  }

  clientsOf(path: string): WebSocket[] {
    return [...(this.sockets.get(path)?.clients ?? [])];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = "";
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? "/", this.base);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    this.requests.push({ method: req.method ?? "", path: url.pathname, query: url.search, body });
    if (this.held) {
      this.heldResponses.push(res);
      return;
    }
    const limited = this.rateLimited.shift();
    const reply = limited
      ? { status: 429, headers: limited, body: { code: 42910000, message: "rate limit exceeded" } }
      : await this.route(req, url, body);
    if (this.lose > 0) {
      this.lose--;
      res.socket?.destroy();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body)));
  }
}
