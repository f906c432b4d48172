// A local server for the news collectors: Alpaca's news REST API
// (GET /v1beta1/news with symbols, start, end, limit, sort and page_token,
// answering {news, next_page_token}; keys in the APCA headers; limit over 50
// refused as Alpaca does), its real-time news stream (/v1beta1/news over
// WebSocket: connected, auth, subscribe, T:"n" batches, error codes) and
// RSS/Atom documents at paths the test sets.
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { KEY } from "./alpaca.ts";
import { LocalServer, type Reply } from "./http-base.ts";

export { KEY };

/** An article as Alpaca's news API sends it. */
export interface RawNews {
  id: number;
  headline: string;
  summary: string;
  author: string;
  created_at: string;
  updated_at: string;
  url: string;
  symbols: string[];
  source: string;
  content?: string;
  images?: unknown[];
}

export function rawNews(id: number, createdAt: string, headline: string, symbols: string[], summary = ""): RawNews {
  return {
    id, headline, summary, author: "Benzinga Newsdesk", created_at: createdAt, updated_at: createdAt,
    url: `https://www.benzinga.com/news/${id}`, symbols, source: "benzinga", content: `<p>${summary}</p>`, images: [],
  };
}

export class NewsServer {
  readonly server: LocalServer;
  /** Served by /v1beta1/news; tests may also push malformed elements. */
  readonly news: unknown[] = [];
  /** Documents served as they are, by path: { "/markets.rss": { type, text } }. */
  readonly documents = new Map<string, { type: string; text: string }>();

  /** Every message stream clients sent, parsed. */
  readonly received: unknown[] = [];
  private readonly streamClients = new Set<{ ws: WebSocket; authenticated: boolean; news: Set<string> }>();

  private constructor() {
    this.server = new LocalServer((req, url) => this.route(req, url), { "/v1beta1/news": (ws) => this.onStream(ws) });
  }

  get streamUrl(): string {
    return `${this.server.wsBase}/v1beta1/news`;
  }

  private onStream(ws: WebSocket): void {
    const client = { ws, authenticated: false, news: new Set<string>() };
    this.streamClients.add(client);
    ws.on("close", () => this.streamClients.delete(client));
    ws.send(JSON.stringify([{ T: "success", msg: "connected" }]));
    ws.on("message", (data) => {
      const m = JSON.parse(String(data));
      this.received.push(m);
      if (m.action === "auth") {
        if (m.key !== KEY.keyId || m.secret !== KEY.secret) return ws.send(JSON.stringify([{ T: "error", code: 402, msg: "auth failed" }]));
        client.authenticated = true;
        return ws.send(JSON.stringify([{ T: "success", msg: "authenticated" }]));
      }
      if (m.action === "subscribe") {
        if (!client.authenticated) return ws.send(JSON.stringify([{ T: "error", code: 401, msg: "not authenticated" }]));
        for (const s of m.news ?? []) client.news.add(s);
        return ws.send(JSON.stringify([{ T: "subscription", news: [...client.news] }]));
      }
      ws.send(JSON.stringify([{ T: "error", code: 400, msg: "invalid syntax" }]));
    });
  }

  /** Sends articles as one batch to each subscribed client (by symbol or "*"); they also join the REST archive. */
  publish(articles: RawNews[]): void {
    this.news.push(...articles);
    for (const c of this.streamClients) {
      const mine = articles.filter((a) => c.authenticated && (c.news.has("*") || a.symbols.some((s) => c.news.has(s))));
      if (mine.length) c.ws.send(JSON.stringify(mine.map((a) => ({ T: "n", ...a }))));
    }
  }

  /** Text as it is to every stream client (malformed messages, error codes). */
  sendRaw(text: string): void {
    for (const c of this.streamClients) c.ws.send(text);
  }

  /** Cuts every stream connection without a close handshake. */
  dropStreamClients(): void {
    for (const c of this.streamClients) c.ws.terminate();
  }

  get subscribedClients(): number {
    return [...this.streamClients].filter((c) => c.news.size > 0).length;
  }

  get streamConnections(): number {
    return this.streamClients.size;
  }

  static async start(): Promise<NewsServer> {
    const s = new NewsServer();
    await s.server.listen();
    return s;
  }

  get base(): string {
    return this.server.base;
  }
  get requests() {
    return this.server.requests;
  }
  rateLimit(n: number, headers: Record<string, string>): void {
    this.server.rateLimit(n, headers);
  }
  close(): Promise<void> {
    return this.server.close();
  }

  private route(req: IncomingMessage, url: URL): Reply {
    const doc = this.documents.get(url.pathname);
    if (doc) return { status: 200, text: doc.text, headers: { "content-type": doc.type } };
    if (url.pathname !== "/v1beta1/news") return { status: 404, body: { message: "not found" } };
    if (req.headers["apca-api-key-id"] !== KEY.keyId || req.headers["apca-api-secret-key"] !== KEY.secret) {
      return { status: 401, body: { code: 40110000, message: "request is not authorized" } };
    }
    const q = url.searchParams;
    const limit = Number(q.get("limit") ?? "10");
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 50)) return { status: 422, body: { code: 42210000, message: "invalid limit: must be between 1 and 50" } };
    const symbols = q.get("symbols")?.split(",");
    const start = q.has("start") ? Date.parse(q.get("start")!) : -Infinity;
    const end = q.has("end") ? Date.parse(q.get("end")!) : Infinity;
    const time = (n: unknown) => Date.parse((n as RawNews).created_at);
    const matching = this.news.filter((n) => {
      const raw = n as RawNews;
      // Malformed elements a test pushed go out as they are, whatever the query.
      if (Number.isNaN(time(raw)) || !Array.isArray(raw.symbols)) return true;
      return time(raw) >= start && time(raw) <= end && (!symbols || raw.symbols.some((s) => symbols.includes(s)));
    });
    matching.sort((a, b) => (q.get("sort") === "asc" ? 1 : -1) * ((time(a) || 0) - (time(b) || 0)));
    const offset = q.has("page_token") ? Number(Buffer.from(q.get("page_token")!, "base64").toString()) : 0;
    const page = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? Buffer.from(String(offset + limit)).toString("base64") : null;
    return { status: 200, body: { news: page, next_page_token: next } };
  }
}
