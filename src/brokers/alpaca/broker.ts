import type { OrderChanges, VenueEvent } from "../../core/events.ts";
import { ConfigError, shown } from "../../core/errors.ts";
import { Decimal } from "../../core/money.ts";
import type { Order } from "../../core/orders.ts";
import type { AccountReport, ExecutionClient, OrderReport, PositionReport } from "../../execution/client.ts";
import { alpacaErrorBody, alpacaHeaders, type AlpacaConnection } from "../../feeds/alpaca-data.ts";
import { parseRfc3339 } from "../../feeds/rfc3339.ts";
import { CircuitBreaker } from "../../net/breaker.ts";
import { HttpError, ProtocolError } from "../../net/errors.ts";
import { HttpClient } from "../../net/http.ts";
import { systemTimers, type Timers } from "../../net/timers.ts";
import {
  engineOrderId, readAlpacaOrder, replacementClientId, toAccountReport, toAlpacaOrderRequest, toOrderReport, toPositionReport, type AlpacaOrderJson,
} from "./orders.ts";
import { OrderTracker } from "./tracker.ts";
import { TradeUpdatesStream, type TradeUpdate } from "./trade-updates.ts";

export interface AlpacaBrokerOptions extends AlpacaConnection {
  /** Trading REST base: https://paper-api.alpaca.markets (paper) or https://api.alpaca.markets (live). */
  readonly tradingUrl: string;
  /** The trade_updates stream; default the trading URL with ws(s) and /stream. */
  readonly streamUrl?: string;
  /** Problems that are not order events: a malformed stream message, a dropped stream, a failed poll. */
  readonly onError?: (error: Error) => void;
}

/** Alpaca's error code for a client_order_id it has seen: the order is already there. */
const DUPLICATE_CLIENT_ID = /client_order_id must be unique/i;

/**
 * Alpaca as an ExecutionClient. Orders go out over the trading REST API
 * with the engine's order id as client_order_id, so a resend after a lost
 * answer is refused as a duplicate instead of doubling the order; what
 * happens to them comes back on the trade_updates stream, and every report
 * (REST answer, stream event, poll after a reconnect) passes through one
 * OrderTracker, which emits each engine event once. Requests retry
 * transient failures with backoff, honour 429s, time out, and share one
 * circuit breaker per broker.
 *
 * Refusals are events (rejected, cancelRejected, replaceRejected); a thrown
 * error means the outcome is unknown (timeout, connection lost, breaker
 * open) and reconciliation (`order`, `openOrders`) settles it.
 */
export class AlpacaBroker implements ExecutionClient {
  readonly venue = "alpaca";
  readonly http: HttpClient;
  readonly breaker: CircuitBreaker;
  private readonly timers: Timers;
  private readonly listeners = new Set<(event: VenueEvent) => void>();
  private readonly tracker: OrderTracker;
  private readonly replacements = new Map<string, number>();
  private stream: TradeUpdatesStream | undefined;
  private listening: Promise<void> | undefined;

  constructor(private readonly options: AlpacaBrokerOptions) {
    this.timers = options.timers ?? systemTimers;
    this.breaker = options.breaker ?? new CircuitBreaker({ name: "Alpaca trading" }, this.timers);
    this.http = new HttpClient({
      name: "Alpaca trading", baseUrl: options.tradingUrl, fetch: options.fetch, timers: this.timers, headers: alpacaHeaders(options.credentials),
      timeoutMs: options.timeoutMs, retry: options.retry, breaker: this.breaker, random: options.random, describeError: alpacaErrorBody,
    });
    this.tracker = new OrderTracker((e) => {
      for (const l of this.listeners) l(e);
    });
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the trade_updates stream; resolves once it listens, rejects on refused credentials. */
  connect(): Promise<void> {
    if (this.listening) return this.listening;
    const WebSocket = this.options.WebSocket;
    if (!WebSocket) return Promise.reject(new ConfigError("Alpaca broker: the trade_updates stream needs a WebSocket implementation (pass WebSocket)", { field: "WebSocket" }));
    const url = this.options.streamUrl ?? `${this.options.tradingUrl.replace(/^http/, "ws").replace(/\/+$/, "")}/stream`;
    this.listening = new Promise((resolve, reject) => {
      this.stream = new TradeUpdatesStream(url, WebSocket, this.options.credentials, this.timers, { random: this.options.random, ...this.options.reconnect }, {
        onUpdate: (u) => this.update(u),
        onListening: (reconnected) => {
          resolve();
          if (reconnected) void this.catchUp();
        },
        onError: (e) => {
          this.report(e);
          if (e.name === "AuthError") reject(e);
        },
        onClosed: (reason) => reject(new ProtocolError(`Alpaca trade_updates stream closed: ${reason}`)),
      });
      this.stream.start();
    });
    return this.listening;
  }

  async disconnect(): Promise<void> {
    this.stream?.stop();
    this.stream = undefined;
    this.listening = undefined;
  }

  async submit(order: Order): Promise<void> {
    try {
      const { body } = await this.http.request("POST", "/v2/orders", { body: toAlpacaOrderRequest(order), idempotent: true });
      this.tracker.apply(readAlpacaOrder(body, `Alpaca's answer to order ${order.id}`));
    } catch (e) {
      if (!(e instanceof HttpError) || e.transient || e.status === 401) throw e;
      if (DUPLICATE_CLIENT_ID.test(e.message)) {
        // Sent before (a retry after a lost answer, or a resend after a crash): report it as it stands, nothing more.
        const current = await this.findByClientId(order.id);
        if (current) this.tracker.apply(current);
        return;
      }
      this.emit({ type: "rejected", orderId: order.id, time: this.timers.now(), reason: venueReason(e) });
    }
  }

  async cancel(orderId: string): Promise<void> {
    const alpacaId = await this.alpacaIdOf(orderId);
    if (!alpacaId) return this.emit({ type: "cancelRejected", orderId, time: this.timers.now(), reason: "Alpaca has no order with this client order id" });
    try {
      await this.http.request("DELETE", `/v2/orders/${encodeURIComponent(alpacaId)}`);
    } catch (e) {
      if (!(e instanceof HttpError) || e.transient || e.status === 401) throw e;
      this.emit({ type: "cancelRejected", orderId, time: this.timers.now(), reason: venueReason(e) });
    }
    // The cancellation itself arrives on the stream (canceled), or a fill first if it raced one.
  }

  async replace(orderId: string, changes: OrderChanges): Promise<void> {
    const alpacaId = await this.alpacaIdOf(orderId);
    if (!alpacaId) return this.emit({ type: "replaceRejected", orderId, time: this.timers.now(), reason: "Alpaca has no order with this client order id" });
    const n = (this.replacements.get(orderId) ?? 0) + 1;
    const body: Record<string, string> = { client_order_id: replacementClientId(orderId, n) };
    if (changes.quantity) body.qty = changes.quantity.toString();
    if (changes.limitPrice) body.limit_price = changes.limitPrice.toString();
    if (changes.stopPrice) body.stop_price = changes.stopPrice.toString();
    try {
      // The new client_order_id makes a resend harmless: Alpaca refuses it as a duplicate.
      const { body: answer } = await this.http.request("PATCH", `/v2/orders/${encodeURIComponent(alpacaId)}`, { body, idempotent: true });
      this.replacements.set(orderId, n);
      this.tracker.apply(readAlpacaOrder(answer, `Alpaca's answer to replacing order ${orderId}`));
    } catch (e) {
      if (!(e instanceof HttpError) || e.transient || e.status === 401) throw e;
      this.emit({ type: "replaceRejected", orderId, time: this.timers.now(), reason: venueReason(e) });
    }
  }

  async openOrders(): Promise<readonly OrderReport[]> {
    const { body } = await this.http.get("/v2/orders", { query: { status: "open", limit: 500, direction: "asc" } });
    if (!Array.isArray(body)) throw new ProtocolError(`Alpaca GET /v2/orders: expected a list of orders, got ${shown(body)}`);
    return body.map((o, i) => toOrderReport(readAlpacaOrder(o, `Alpaca open order ${i + 1}`)));
  }

  async order(orderId: string): Promise<OrderReport | null> {
    const found = await this.findByClientId(orderId);
    return found ? toOrderReport(found) : null;
  }

  async positions(): Promise<readonly PositionReport[]> {
    const { body } = await this.http.get("/v2/positions");
    if (!Array.isArray(body)) throw new ProtocolError(`Alpaca GET /v2/positions: expected a list of positions, got ${shown(body)}`);
    return body.map(toPositionReport).filter((p) => !p.quantity.isZero());
  }

  async account(): Promise<AccountReport> {
    return toAccountReport((await this.http.get("/v2/account")).body);
  }

  /** The order with this client order id as it is now: following replaced_by to the live replacement. */
  private async findByClientId(orderId: string): Promise<AlpacaOrderJson | null> {
    let found: AlpacaOrderJson;
    try {
      const { body } = await this.http.get("/v2/orders:by_client_order_id", { query: { client_order_id: orderId } });
      found = readAlpacaOrder(body, `Alpaca order ${orderId}`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return null;
      throw e;
    }
    for (let hops = 0; found.status === "replaced" && typeof found.replaced_by === "string" && hops < 100; hops++) {
      const { body } = await this.http.get(`/v2/orders/${encodeURIComponent(found.replaced_by as string)}`);
      found = readAlpacaOrder(body, `Alpaca order ${found.replaced_by}`);
    }
    return found;
  }

  private async alpacaIdOf(orderId: string): Promise<string | undefined> {
    return this.tracker.alpacaId(orderId) ?? (await this.findByClientId(orderId))?.id;
  }

  private update(u: TradeUpdate): void {
    try {
      const order = readAlpacaOrder(u.order, `Alpaca trade_updates ${u.event}`);
      const engineId = engineOrderId(order.client_order_id);
      const time = typeof u.timestamp === "string" ? parseRfc3339(u.timestamp) : this.timers.now();
      if (u.event === "order_cancel_rejected") {
        this.emit({ type: "cancelRejected", orderId: engineId, time, reason: "Alpaca could not cancel the order" });
        return;
      }
      if (u.event === "order_replace_rejected") {
        this.emit({ type: "replaceRejected", orderId: engineId, time, reason: "Alpaca could not replace the order" });
        return;
      }
      const price = u.price === undefined ? undefined : new Decimal(u.price);
      const qty = u.qty === undefined ? undefined : new Decimal(u.qty);
      this.tracker.apply(order, { id: u.execution_id, price, qty, time: Number.isNaN(time) ? undefined : time });
    } catch (e) {
      this.report(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** After the stream was down: poll every open order, so missed fills and endings become events. */
  private async catchUp(): Promise<void> {
    for (const { engineId, alpacaId } of this.tracker.open()) {
      try {
        const { body } = await this.http.get(`/v2/orders/${encodeURIComponent(alpacaId)}`);
        let o = readAlpacaOrder(body, `Alpaca order ${alpacaId}`);
        this.tracker.apply(o);
        if (o.status === "replaced" && typeof o.replaced_by === "string") {
          o = readAlpacaOrder((await this.http.get(`/v2/orders/${encodeURIComponent(o.replaced_by as string)}`)).body, `Alpaca order ${o.replaced_by}`);
          this.tracker.apply(o);
        }
      } catch (e) {
        this.report(new Error(`Alpaca broker: could not check order ${engineId} after the stream reconnected: ${(e as Error).message}`));
      }
    }
  }

  private emit(event: VenueEvent): void {
    for (const l of this.listeners) l(event);
  }

  private report(error: Error): void {
    this.options.onError?.(error);
  }
}

/** A refusal's reason as Alpaca worded it. */
function venueReason(e: HttpError): string {
  const said = /answered HTTP \d+: (.*)$/.exec(e.message)?.[1];
  return `Alpaca refused it (HTTP ${e.status}${e.serviceCode === undefined ? "" : `, code ${e.serviceCode}`}): ${said ?? e.message}`;
}
