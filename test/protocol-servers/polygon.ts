// A local server that speaks Polygon's documented stocks protocols: REST
// aggregates paged by next_url (a full URL with a cursor), the last NBBO
// quote, and the WebSocket (connected, auth, subscribe "AM.X,T.X,Q.X",
// arrays of AM/A/T/Q events).
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { LocalServer, type Reply } from "./http-base.ts";

export const POLYGON_KEY = "polygon-local-key-0123";

export interface RawAgg { v: number; vw: number; o: number; c: number; h: number; l: number; t: number; n: number }

export function minuteAggs(start: number, count: number, base = 100): RawAgg[] {
  return Array.from({ length: count }, (_, i) => {
    const o = base + i / 10, c = o + ((i % 3) - 1) / 20;
    return { v: 500 + i, vw: (o + c) / 2, o, c, h: Math.max(o, c) + 0.02, l: Math.min(o, c) - 0.02, t: start + i * 60_000, n: 5 + i };
  });
}

interface Client { ws: WebSocket; authenticated: boolean; params: Set<string> }

export class PolygonServer {
  readonly server: LocalServer;
  readonly aggs = new Map<string, RawAgg[]>();
  readonly nbbo = new Map<string, Record<string, unknown>>();
  readonly received: unknown[] = [];
  private readonly clients = new Set<Client>();
  /** Where next_url points (a test of a foreign origin); default this server. */
  nextUrlBase: string | undefined;

  private constructor() {
    this.server = new LocalServer((req, url) => this.route(req, url), { "/stocks": (ws) => this.onSocket(ws) });
  }

  static async start(): Promise<PolygonServer> {
    const s = new PolygonServer();
    await s.server.listen();
    return s;
  }

  get restUrl(): string {
    return this.server.base;
  }
  get streamUrl(): string {
    return `${this.server.wsBase}/stocks`;
  }
  get requests() {
    return this.server.requests;
  }
  get connections(): number {
    return this.clients.size;
  }
  close(): Promise<void> {
    return this.server.close();
  }
  rateLimit(n: number, headers: Record<string, string>): void {
    this.server.rateLimit(n, headers);
  }

  private route(req: IncomingMessage, url: URL): Reply {
    const key = req.headers.authorization === `Bearer ${POLYGON_KEY}` || url.searchParams.get("apiKey") === POLYGON_KEY;
    if (!key) return { status: 401, body: { status: "NOT_AUTHORIZED", request_id: "r1", message: "Unknown API Key" } };
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/([a-z]+)\/(\d+)\/(\d+)$/.exec(url.pathname))) {
      const [, ticker, mult, span, from, to] = m;
      if (mult !== "1" || span !== "minute") return { status: 400, body: { status: "ERROR", request_id: "r2", error: `this server serves 1/minute aggregates, got ${mult}/${span}` } };
      const limit = Number(url.searchParams.get("limit") ?? 5000);
      const all = (this.aggs.get(ticker) ?? []).filter((a) => a.t >= Number(from) && a.t <= Number(to));
      const offset = Number(url.searchParams.get("cursor") ?? 0);
      const results = all.slice(offset, offset + limit);
      const more = offset + limit < all.length;
      const next = `${this.nextUrlBase ?? this.server.base}${url.pathname}?cursor=${offset + limit}&limit=${limit}`;
      return {
        status: 200,
        body: { ticker, queryCount: results.length, resultsCount: results.length, adjusted: true, status: "OK", request_id: "r3", results, ...(more ? { next_url: next } : {}) },
      };
    }
    if ((m = /^\/v2\/last\/nbbo\/([^/]+)$/.exec(url.pathname))) {
      const r = this.nbbo.get(m[1]);
      return r ? { status: 200, body: { status: "OK", request_id: "r4", results: r } } : { status: 404, body: { status: "NOT_FOUND", request_id: "r5", message: "Data not found." } };
    }
    return { status: 404, body: { status: "NOT_FOUND", message: "Not found" } };
  }

  private onSocket(ws: WebSocket): void {
    const c: Client = { ws, authenticated: false, params: new Set() };
    this.clients.add(c);
    ws.on("close", () => this.clients.delete(c));
    const send = (m: unknown[]) => ws.send(JSON.stringify(m));
    send([{ ev: "status", status: "connected", message: "Connected Successfully" }]);
    ws.on("message", (data) => {
      let m: { action?: string; params?: string };
      try {
        m = JSON.parse(String(data));
      } catch {
        return send([{ ev: "status", status: "error", message: "invalid json" }]);
      }
      this.received.push(m);
      if (m.action === "auth") {
        if (m.params !== POLYGON_KEY) return send([{ ev: "status", status: "auth_failed", message: "authentication failed" }]);
        c.authenticated = true;
        return send([{ ev: "status", status: "auth_success", message: "authenticated" }]);
      }
      if (!c.authenticated) return send([{ ev: "status", status: "error", message: "not authorized" }]);
      if (m.action === "subscribe" || m.action === "unsubscribe") {
        const params = (m.params ?? "").split(",").filter(Boolean);
        for (const p of params) m.action === "subscribe" ? c.params.add(p) : c.params.delete(p);
        return send(params.map((p) => ({ ev: "status", status: "success", message: `${m.action === "subscribe" ? "subscribed to" : "unsubscribed from"}: ${p}` })));
      }
    });
  }

  /** Sends events (ev/sym objects) as one array to every client subscribed to them. */
  publish(events: Array<Record<string, unknown>>): void {
    for (const c of this.clients) {
      const mine = events.filter((e) => c.params.has(`${e.ev}.${e.sym}`) || c.params.has(`${e.ev}.*`));
      if (c.authenticated && mine.length) c.ws.send(JSON.stringify(mine));
    }
  }

  /** AM events for aggregates [from, to) of a ticker. */
  publishAggs(ticker: string, from: number, to: number): void {
    for (const a of this.aggs.get(ticker)!.slice(from, to)) {
      this.publish([{ ev: "AM", sym: ticker, v: a.v, av: a.v, op: a.o, vw: a.vw, o: a.o, c: a.c, h: a.h, l: a.l, a: a.vw, z: 10, s: a.t, e: a.t + 60_000 }]);
    }
  }

  sendRaw(text: string): void {
    for (const c of this.clients) c.ws.send(text);
  }

  drop(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  paramsOf(i = 0): Set<string> | undefined {
    return [...this.clients].filter((c) => c.authenticated)[i]?.params;
  }
}
