// A local server that speaks Alpaca's documented protocols closely enough to
// test the clients against: market data REST (bars with next_page_token,
// latest quote) and its v2 WebSocket stream (connected, auth, subscribe,
// t/q/b batches, error codes), trading REST (orders, positions, account,
// with Alpaca's string decimals and error bodies) and the trade_updates
// stream (auth, listen, order events sent as binary frames, as Alpaca does).
// Tests drive it: publish data, drop connections, fill or reject orders.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { LocalServer, type Reply } from "./http-base.ts";

export const KEY = { keyId: "PKTEST0000000000", secret: "local-secret-0123456789" };

export interface RawBar { t: string; o: number; h: number; l: number; c: number; v: number; n: number; vw: number }

/** Deterministic minute bars from `start` (epoch ms). */
export function minuteBars(start: number, count: number, seed = 100): RawBar[] {
  return Array.from({ length: count }, (_, i) => {
    const o = seed + Math.round(Math.sin(i / 3) * 100) / 100;
    const c = o + ((i % 5) - 2) / 10;
    return { t: new Date(start + i * 60_000).toISOString().replace(".000Z", "Z"), o, h: Math.max(o, c) + 0.05, l: Math.min(o, c) - 0.05, c, v: 1000 + i, n: 10 + i, vw: (o + c) / 2 };
  });
}

interface DataClient {
  ws: WebSocket;
  authenticated: boolean;
  subs: { trades: Set<string>; quotes: Set<string>; bars: Set<string> };
}

type AlpacaOrder = Record<string, unknown> & { id: string; client_order_id: string; status: string; symbol: string; side: string; qty: string; filled_qty: string };

const OPEN_STATUSES = new Set(["new", "accepted", "partially_filled", "pending_new", "pending_cancel", "pending_replace"]);

export class AlpacaServer {
  readonly server: LocalServer;
  /** Raw minute bars per symbol, served by REST and streamed by publishBars. */
  readonly bars = new Map<string, RawBar[]>();
  readonly quotes = new Map<string, Record<string, unknown>>();
  /** Every message data-stream clients sent, parsed. */
  readonly dataReceived: unknown[] = [];
  readonly tradingReceived: unknown[] = [];
  private readonly dataClients = new Set<DataClient>();
  private readonly tradingClients = new Set<{ ws: WebSocket; authorized: boolean; listening: boolean }>();
  /** Refuse a second authenticated data connection with 406, as Alpaca does per key. */
  connectionLimit = false;

  // Trading state.
  readonly orders = new Map<string, AlpacaOrder>();
  readonly positions = new Map<string, { qty: number; cost: number }>();
  cash = 100_000;
  /** Last prices, for buying power and market fills. */
  readonly prices = new Map<string, number>([["AAPL", 190], ["MSFT", 420], ["SPY", 500]]);
  /** Orders for these symbols are accepted, then rejected on the stream. */
  readonly rejectAsync = new Set<string>(["HALTED"]);
  /** Fill market orders as soon as they are new. */
  autoFillMarket = true;
  /** The server's clock for event timestamps. */
  now = () => Date.now();

  private constructor() {
    this.server = new LocalServer((req, url, body) => this.route(req, url, body), {
      "/v2/iex": (ws) => this.onData(ws),
      "/v2/sip": (ws) => this.onData(ws),
      "/stream": (ws) => this.onTrading(ws),
    });
  }

  static async start(): Promise<AlpacaServer> {
    const s = new AlpacaServer();
    await s.server.listen();
    return s;
  }

  get restUrl(): string {
    return this.server.base;
  }
  get dataStreamUrl(): string {
    return `${this.server.wsBase}/v2/iex`;
  }
  get tradingStreamUrl(): string {
    return `${this.server.wsBase}/stream`;
  }
  get requests() {
    return this.server.requests;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The next `n` REST requests get 429 with these headers. */
  rateLimit(n: number, headers: Record<string, string>): void {
    this.server.rateLimit(n, headers);
  }

  loseAnswers(n: number): void {
    this.server.loseAnswers(n);
  }

  /** Connections to both streams, authenticated or not. */
  get connections(): number {
    return this.dataClients.size + this.tradingClients.size;
  }

  // ---- market data stream ----

  private onData(ws: WebSocket): void {
    const client: DataClient = { ws, authenticated: false, subs: { trades: new Set(), quotes: new Set(), bars: new Set() } };
    this.dataClients.add(client);
    ws.on("close", () => this.dataClients.delete(client));
    ws.send(JSON.stringify([{ T: "success", msg: "connected" }]));
    ws.on("message", (data) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(String(data));
      } catch {
        return ws.send(JSON.stringify([{ T: "error", code: 400, msg: "invalid syntax" }]));
      }
      this.dataReceived.push(m);
      if (m.action === "auth") {
        if (client.authenticated) return ws.send(JSON.stringify([{ T: "error", code: 403, msg: "already authenticated" }]));
        if (m.key !== KEY.keyId || m.secret !== KEY.secret) return ws.send(JSON.stringify([{ T: "error", code: 402, msg: "auth failed" }]));
        if (this.connectionLimit && [...this.dataClients].some((c) => c !== client && c.authenticated)) {
          ws.send(JSON.stringify([{ T: "error", code: 406, msg: "connection limit exceeded" }]));
          return ws.close();
        }
        client.authenticated = true;
        return ws.send(JSON.stringify([{ T: "success", msg: "authenticated" }]));
      }
      if (m.action === "subscribe" || m.action === "unsubscribe") {
        if (!client.authenticated) return ws.send(JSON.stringify([{ T: "error", code: 401, msg: "not authenticated" }]));
        for (const ch of ["trades", "quotes", "bars"] as const) {
          for (const s of (m[ch] as string[] | undefined) ?? []) {
            if (m.action === "subscribe") client.subs[ch].add(s);
            else client.subs[ch].delete(s);
          }
        }
        return ws.send(JSON.stringify([{ T: "subscription", trades: [...client.subs.trades], quotes: [...client.subs.quotes], bars: [...client.subs.bars], updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: [], cancelErrors: [] }]));
      }
      ws.send(JSON.stringify([{ T: "error", code: 400, msg: "invalid syntax" }]));
    });
  }

  /** Sends data elements (t/q/b objects) as one batch to every client subscribed to them. */
  publish(elements: Array<Record<string, unknown>>): void {
    const channel: Record<string, "trades" | "quotes" | "bars"> = { t: "trades", q: "quotes", b: "bars" };
    for (const c of this.dataClients) {
      if (!c.authenticated) continue;
      const mine = elements.filter((e) => {
        const set = c.subs[channel[e.T as string]];
        return set && (set.has(e.S as string) || set.has("*"));
      });
      if (mine.length) c.ws.send(JSON.stringify(mine));
    }
  }

  /** Streams bars [from, to) of a symbol, one message each. */
  publishBars(symbol: string, from: number, to: number): void {
    for (const b of this.bars.get(symbol)!.slice(from, to)) this.publish([{ T: "b", S: symbol, ...b }]);
  }

  /** Sends text as it is to every data client (malformed messages). */
  sendRawData(text: string): void {
    for (const c of this.dataClients) c.ws.send(text);
  }

  /** Cuts every data connection without a close handshake, as a network failure does. */
  dropDataClients(): void {
    for (const c of this.dataClients) c.ws.terminate();
  }

  get authenticatedDataClients(): number {
    return [...this.dataClients].filter((c) => c.authenticated).length;
  }

  subscriptionsOf(i = 0): DataClient["subs"] | undefined {
    return [...this.dataClients].filter((c) => c.authenticated)[i]?.subs;
  }

  // ---- REST ----

  private async route(req: IncomingMessage, url: URL, body: unknown): Promise<Reply> {
    if (req.headers["apca-api-key-id"] !== KEY.keyId || req.headers["apca-api-secret-key"] !== KEY.secret) {
      return { status: 401, body: { code: 40110000, message: "request is not authorized" } };
    }
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(p))) return this.barsPage(decodeURIComponent(m[1]), url.searchParams);
    if ((m = /^\/v2\/stocks\/([^/]+)\/quotes\/latest$/.exec(p))) {
      const q = this.quotes.get(m[1]);
      return q ? { status: 200, body: { symbol: m[1], quote: q } } : { status: 404, body: { code: 40410000, message: `no quote found for ${m[1]}` } };
    }
    if (p === "/v2/account") return { status: 200, body: this.account() };
    if (p === "/v2/positions") return { status: 200, body: [...this.positions].filter(([, v]) => v.qty !== 0).map(([s, v]) => this.position(s, v)) };
    if (p === "/v2/orders" && req.method === "POST") return this.submit(body as Record<string, unknown>);
    if (p === "/v2/orders" && req.method === "GET") {
      const status = url.searchParams.get("status") ?? "open";
      const list = [...this.orders.values()].filter((o) => status === "all" || (status === "open") === OPEN_STATUSES.has(o.status));
      return { status: 200, body: list };
    }
    if (p === "/v2/orders:by_client_order_id") {
      const o = [...this.orders.values()].find((x) => x.client_order_id === url.searchParams.get("client_order_id"));
      return o ? { status: 200, body: o } : { status: 404, body: { code: 40410000, message: "order not found" } };
    }
    if ((m = /^\/v2\/orders\/([^/]+)$/.exec(p))) {
      const o = this.orders.get(m[1]);
      if (!o) return { status: 404, body: { code: 40410000, message: "order not found" } };
      if (req.method === "GET") return { status: 200, body: o };
      if (req.method === "DELETE") return this.cancel(o);
      if (req.method === "PATCH") return this.replace(o, body as Record<string, unknown>);
    }
    return { status: 404, body: { message: "Not Found" } };
  }

  private barsPage(symbol: string, q: URLSearchParams): Reply {
    const tf = q.get("timeframe");
    if (tf !== "1Min") return { status: 422, body: { code: 42210000, message: `invalid timeframe (this server serves 1Min), got ${tf}` } };
    const start = Date.parse(q.get("start") ?? ""), end = Date.parse(q.get("end") ?? "");
    if (!Number.isFinite(start) || !Number.isFinite(end)) return { status: 422, body: { code: 42210000, message: "invalid start or end" } };
    const limit = Number(q.get("limit") ?? 1000);
    const all = (this.bars.get(symbol) ?? []).filter((b) => Date.parse(b.t) >= start && Date.parse(b.t) <= end);
    const from = q.get("page_token") ? Number(atob(q.get("page_token")!).split("|")[1]) : 0;
    const page = all.slice(from, from + limit);
    const next = from + limit < all.length ? btoa(`${symbol}|${from + limit}`) : null;
    return { status: 200, body: { bars: page, symbol, next_page_token: next } };
  }

  private account() {
    const equity = this.cash + [...this.positions].reduce((s, [sym, p]) => s + p.qty * (this.prices.get(sym) ?? 0), 0);
    return {
      id: "5f8b6a2e-0000-4000-8000-000000000001", account_number: "PA3TEST", status: "ACTIVE", currency: "USD",
      cash: this.cash.toFixed(2), portfolio_value: equity.toFixed(2), equity: equity.toFixed(2), last_equity: equity.toFixed(2),
      buying_power: this.buyingPower().toFixed(2), long_market_value: "0", short_market_value: "0", initial_margin: "0", maintenance_margin: "0",
      daytrade_count: 0, pattern_day_trader: false, trading_blocked: false, account_blocked: false, multiplier: "1",
    };
  }

  private buyingPower(): number {
    const reserved = [...this.orders.values()].filter((o) => OPEN_STATUSES.has(o.status) && o.side === "buy")
      .reduce((s, o) => s + (Number(o.qty) - Number(o.filled_qty)) * Number(o.limit_price ?? this.prices.get(o.symbol) ?? 0), 0);
    return this.cash - reserved;
  }

  private position(symbol: string, p: { qty: number; cost: number }) {
    const price = this.prices.get(symbol) ?? 0;
    const avg = p.cost / p.qty;
    return {
      asset_id: `asset-${symbol}`, symbol, exchange: "NASDAQ", asset_class: "us_equity", asset_marginable: true,
      qty: String(p.qty), qty_available: String(p.qty), avg_entry_price: avg.toFixed(4), side: p.qty > 0 ? "long" : "short",
      market_value: (p.qty * price).toFixed(2), cost_basis: p.cost.toFixed(2), unrealized_pl: (p.qty * price - p.cost).toFixed(2),
      unrealized_plpc: "0", current_price: price.toFixed(2), lastday_price: price.toFixed(2), change_today: "0",
    };
  }

  private submit(b: Record<string, unknown>): Reply {
    const bad = (message: string): Reply => ({ status: 422, body: { code: 40010001, message } });
    if (typeof b?.symbol !== "string" || !b.symbol) return bad("symbol is required");
    if (!["buy", "sell"].includes(b.side as string)) return bad("side must be buy or sell");
    if (!["market", "limit", "stop", "stop_limit"].includes(b.type as string)) return bad(`invalid order type ${b.type}`);
    if (!["day", "gtc", "opg", "cls", "ioc", "fok"].includes(b.time_in_force as string)) return bad("invalid time_in_force");
    if (typeof b.qty !== "string" || !(Number(b.qty) > 0)) return bad("qty must be a positive number given as a string");
    if ((b.type === "limit" || b.type === "stop_limit") && typeof b.limit_price !== "string") return bad("limit_price is required");
    if ((b.type === "stop" || b.type === "stop_limit") && typeof b.stop_price !== "string") return bad("stop_price is required");
    const clientId = typeof b.client_order_id === "string" ? b.client_order_id : randomUUID();
    if ([...this.orders.values()].some((o) => o.client_order_id === clientId)) return bad("client_order_id must be unique");
    const price = Number(b.limit_price ?? this.prices.get(b.symbol) ?? 0);
    if (b.side === "buy" && Number(b.qty) * price > this.buyingPower()) return { status: 403, body: { code: 40310000, message: "insufficient buying power" } };
    if (b.side === "sell" && (this.positions.get(b.symbol)?.qty ?? 0) < Number(b.qty)) {
      return { status: 403, body: { code: 40310000, message: `insufficient qty available for order (requested: ${b.qty}, available: ${this.positions.get(b.symbol)?.qty ?? 0})` } };
    }
    const at = new Date(this.now()).toISOString();
    const order: AlpacaOrder = {
      id: randomUUID(), client_order_id: clientId, created_at: at, updated_at: at, submitted_at: at, filled_at: null, expired_at: null,
      canceled_at: null, failed_at: null, replaced_at: null, replaced_by: null, replaces: null, asset_id: `asset-${b.symbol}`, symbol: b.symbol,
      asset_class: "us_equity", notional: null, qty: b.qty, filled_qty: "0", filled_avg_price: null, order_class: "", order_type: b.type,
      type: b.type as string, side: b.side as string, time_in_force: b.time_in_force, limit_price: b.limit_price ?? null, stop_price: b.stop_price ?? null,
      status: "accepted", extended_hours: false, legs: null, trail_percent: null, trail_price: null, hwm: null,
    };
    this.orders.set(order.id, order);
    // The answer goes out first; the stream's events follow, as at Alpaca.
    setImmediate(() => {
      if (this.rejectAsync.has(order.symbol)) {
        Object.assign(order, { status: "rejected", failed_at: new Date(this.now()).toISOString() });
        return this.event("rejected", order);
      }
      order.status = "new";
      this.event("new", order);
      if (this.autoFillMarket && order.type === "market") this.fill(order.id, Number(order.qty), this.prices.get(order.symbol) ?? 100);
    });
    return { status: 200, body: { ...order } };
  }

  private cancel(o: AlpacaOrder): Reply {
    if (!OPEN_STATUSES.has(o.status)) return { status: 422, body: { code: 42210000, message: `order is not cancelable (status ${o.status})` } };
    Object.assign(o, { status: "canceled", canceled_at: new Date(this.now()).toISOString() });
    setImmediate(() => this.event("canceled", o));
    return { status: 204 };
  }

  private replace(o: AlpacaOrder, b: Record<string, unknown>): Reply {
    if (!OPEN_STATUSES.has(o.status)) return { status: 422, body: { code: 42210000, message: `order is not replaceable (status ${o.status})` } };
    const at = new Date(this.now()).toISOString();
    const next: AlpacaOrder = {
      ...o, id: randomUUID(), client_order_id: (b.client_order_id as string) ?? randomUUID(), created_at: at, updated_at: at, submitted_at: at,
      qty: (b.qty as string) ?? o.qty, limit_price: (b.limit_price as string) ?? o.limit_price, stop_price: (b.stop_price as string) ?? o.stop_price,
      time_in_force: b.time_in_force ?? o.time_in_force, replaces: o.id, replaced_by: null, status: "accepted", filled_qty: "0", filled_avg_price: null,
    };
    Object.assign(o, { status: "replaced", replaced_at: at, replaced_by: next.id });
    this.orders.set(next.id, next);
    setImmediate(() => {
      this.event("replaced", o);
      next.status = "new";
      this.event("new", next);
    });
    return { status: 200, body: { ...next } };
  }

  /** Fills `qty` of an open order at `price`: a partial_fill or fill event, the position and cash updated. */
  fill(id: string, qty: number, price: number): void {
    const o = this.orders.get(id)!;
    const filledBefore = Number(o.filled_qty);
    const avgBefore = Number(o.filled_avg_price ?? 0);
    const filled = filledBefore + qty;
    o.filled_qty = String(filled);
    o.filled_avg_price = ((avgBefore * filledBefore + price * qty) / filled).toFixed(4);
    const done = filled >= Number(o.qty);
    o.status = done ? "filled" : "partially_filled";
    if (done) o.filled_at = new Date(this.now()).toISOString();
    const sign = o.side === "buy" ? 1 : -1;
    const p = this.positions.get(o.symbol) ?? { qty: 0, cost: 0 };
    p.cost += sign === 1 ? qty * price : -(p.cost / p.qty) * qty;
    p.qty += sign * qty;
    this.positions.set(o.symbol, p);
    this.cash -= sign * qty * price;
    this.event(done ? "fill" : "partial_fill", o, { price: String(price), qty: String(qty), position_qty: String(p.qty) });
  }

  /** Expires an open order (end of day). */
  expire(id: string): void {
    const o = this.orders.get(id)!;
    Object.assign(o, { status: "expired", expired_at: new Date(this.now()).toISOString() });
    this.event("expired", o);
  }

  // ---- trade_updates stream ----

  private onTrading(ws: WebSocket): void {
    const client = { ws, authorized: false, listening: false };
    this.tradingClients.add(client);
    ws.on("close", () => this.tradingClients.delete(client));
    // Alpaca's trading stream answers in binary frames.
    const send = (m: unknown) => ws.send(Buffer.from(JSON.stringify(m)), { binary: true });
    ws.on("message", (data) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(String(data));
      } catch {
        return send({ stream: "error", data: { error_message: "invalid syntax" } });
      }
      this.tradingReceived.push(m);
      if (m.action === "auth" || m.action === "authenticate") {
        const ok = m.key === KEY.keyId && m.secret === KEY.secret;
        client.authorized = ok;
        send({ stream: "authorization", data: { action: "authenticate", status: ok ? "authorized" : "unauthorized" } });
        if (!ok) ws.close();
        return;
      }
      if (m.action === "listen") {
        if (!client.authorized) return send({ stream: "authorization", data: { action: "listen", status: "unauthorized" } });
        const streams = ((m.data as { streams?: string[] })?.streams ?? []).filter((s) => s === "trade_updates");
        client.listening = streams.length > 0;
        return send({ stream: "listening", data: { streams } });
      }
    });
  }

  private event(event: string, order: AlpacaOrder, extra: Record<string, string> = {}): void {
    const data = { event, execution_id: randomUUID(), order: { ...order }, timestamp: new Date(this.now()).toISOString(), ...extra };
    for (const c of this.tradingClients) if (c.listening) c.ws.send(Buffer.from(JSON.stringify({ stream: "trade_updates", data })), { binary: true });
  }

  /** Sends text as it is to every trading-stream client (malformed messages). */
  sendRawTrading(text: string): void {
    for (const c of this.tradingClients) c.ws.send(text);
  }

  dropTradingClients(): void {
    for (const c of this.tradingClients) c.ws.terminate();
  }

  get listeningTradingClients(): number {
    return [...this.tradingClients].filter((c) => c.listening).length;
  }
}
