// The Alpaca broker (ExecutionClient) against the local Alpaca-protocol
// server: orders, refusals, cancels, replaces, partial fills, positions and
// account as Decimal, the trade_updates stream dropping mid-trade, a lost
// answer resent, 429s, bad keys and malformed stream messages.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { AlpacaBroker } from "../../src/brokers/alpaca/broker.ts";
import type { VenueEvent } from "../../src/core/events.ts";
import { Decimal } from "../../src/core/money.ts";
import { createOrder, type OrderRequest } from "../../src/core/orders.ts";
import { applyOrderEvent, initialOrderState } from "../../src/execution/order-state.ts";
import { AuthError, BreakerOpenError, HttpError, ProtocolError, TimeoutError } from "../../src/net/errors.ts";
import type { Order } from "../../src/core/orders.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { AlpacaServer, KEY } from "../protocol-servers/alpaca.ts";
import { outcome, until } from "../net/helpers.ts";

let server: AlpacaServer;
let broker: AlpacaBroker | undefined;
let seq = 0;

beforeAll(async () => {
  server = await AlpacaServer.start();
});
afterAll(() => server.close());
afterEach(async () => {
  await broker?.disconnect();
  broker = undefined;
  await until(() => server.connections === 0, "earlier connections to close");
  server.autoFillMarket = true;
});

async function connected(clock = new ManualClock(Date.now()), extra: Partial<ConstructorParameters<typeof AlpacaBroker>[0]> = {}) {
  const events: VenueEvent[] = [];
  const errors: Error[] = [];
  broker = new AlpacaBroker({
    credentials: KEY, tradingUrl: server.restUrl, streamUrl: server.tradingStreamUrl, WebSocket, timers: clock, random: () => 0.5,
    onError: (e) => errors.push(e), ...extra,
  });
  broker.subscribe((e) => events.push(e));
  await broker.connect();
  return { broker, events, errors, clock };
}

const order = (req: Partial<OrderRequest> = {}) => createOrder({ symbol: "AAPL", side: "buy", quantity: 10, ...req }, `ord-${++seq}`, Date.now());
const types = (events: VenueEvent[], id?: string) => events.filter((e) => !id || e.orderId === id).map((e) => e.type);

/** The order's state after its events, through the engine's own state machine: a sequence it refuses throws. */
function stateAfter(o: Order, events: VenueEvent[]) {
  let state = applyOrderEvent(initialOrderState(o, 0), { type: "submitted", orderId: o.id, time: 0, order: o });
  for (const e of events) if (e.orderId === o.id) state = applyOrderEvent(state, e);
  return state;
}

describe("AlpacaBroker", () => {
  it("submits a market order: accepted, then filled at a Decimal price; positions and account read as Decimal", async () => {
    const { broker, events } = await connected();
    const before = await broker.account();
    const o = order();
    await broker.submit(o);
    await until(() => types(events, o.id).includes("filled"), "the fill");
    expect(types(events, o.id)).toEqual(["accepted", "filled"]);
    expect(stateAfter(o, events)).toMatchObject({ status: "filled", filledQuantity: new Decimal(10), filledNotional: new Decimal(1900) });
    const posted = server.requests.find((r) => r.method === "POST" && r.path === "/v2/orders" && (r.body as { client_order_id: string }).client_order_id === o.id);
    expect(posted!.body).toEqual({ symbol: "AAPL", qty: "10", side: "buy", type: "market", time_in_force: "day", client_order_id: o.id });
    const fill = (events.at(-1) as Extract<VenueEvent, { type: "filled" }>).fill;
    expect(fill.quantity).toEqual(new Decimal(10));
    expect(fill.price).toEqual(new Decimal(190));
    expect(fill.tradeId).toMatch(/^[0-9a-f-]{36}$/);
    const positions = await broker.positions();
    expect(positions.find((p) => p.symbol === "AAPL")).toEqual({ symbol: "AAPL", quantity: new Decimal(10), avgPrice: new Decimal(190) });
    const after = await broker.account();
    expect(before.cash.minus(after.cash)).toEqual(new Decimal(1900));
    expect(after.currency).toBe("USD");
    const report = await broker.order(o.id);
    expect(report).toMatchObject({ status: "filled", filledQuantity: new Decimal(10), avgFillPrice: new Decimal(190) });
    expect(report!.order).toMatchObject({ id: o.id, symbol: "AAPL", side: "buy", type: "market", quantity: new Decimal(10), timeInForce: "day" });
    expect(await broker.order("never-sent")).toBeNull();
  });

  it("an order the broker refuses is a rejected event with Alpaca's reason, not an exception", async () => {
    const { broker, events } = await connected();
    const tooBig = order({ quantity: 1_000_000 });
    await broker.submit(tooBig);
    expect(events.filter((e) => e.orderId === tooBig.id)).toEqual([
      { type: "rejected", orderId: tooBig.id, time: expect.any(Number), reason: "Alpaca refused it (HTTP 403, code 40310000): insufficient buying power" },
    ]);
    // Refused later, on the stream, after Alpaca first took it in:
    const halted = order({ symbol: "HALTED", type: "limit", limitPrice: "5" });
    await broker.submit(halted);
    await until(() => types(events, halted.id).length > 0, "the rejection");
    expect(types(events, halted.id)).toEqual(["rejected"]);
    expect([stateAfter(tooBig, events).status, stateAfter(halted, events).status]).toEqual(["rejected", "rejected"]);
  });

  it("cancels a working limit order; a second cancel is a cancelRejected", async () => {
    const { broker, events } = await connected();
    const o = order({ type: "limit", limitPrice: "150.25", timeInForce: "gtc" });
    await broker.submit(o);
    await until(() => types(events, o.id).includes("accepted"), "acceptance");
    expect((await broker.openOrders()).map((r) => r.order.id)).toContain(o.id);
    await broker.cancel(o.id);
    await until(() => types(events, o.id).includes("cancelled"), "the cancellation");
    await broker.cancel(o.id);
    expect(events.filter((e) => e.orderId === o.id).at(-1)).toMatchObject({ type: "cancelRejected", reason: expect.stringContaining("order is not cancelable (status canceled)") });
    expect(types(events, o.id)).toEqual(["accepted", "cancelled", "cancelRejected"]);
    expect(stateAfter(o, events).status).toBe("cancelled");
    const day = order({ type: "limit", limitPrice: "150.25" });
    await broker.submit(day);
    await until(() => types(events, day.id).includes("accepted"), "acceptance");
    server.expire((await broker.order(day.id))!.venueOrderId!);
    await until(() => types(events, day.id).includes("expired"), "the expiry");
    expect(stateAfter(day, events).status).toBe("expired");
    await broker.cancel("no-such-order");
    expect(events.at(-1)).toMatchObject({ type: "cancelRejected", orderId: "no-such-order", reason: "Alpaca has no order with this client order id" });
  });

  it("replaces a working order under the same engine id, then fills the replacement in parts", async () => {
    server.autoFillMarket = false;
    const { broker, events } = await connected();
    const o = order({ type: "limit", limitPrice: "180", quantity: 10 });
    await broker.submit(o);
    await until(() => types(events, o.id).includes("accepted"), "acceptance");
    await broker.replace(o.id, { quantity: new Decimal(12), limitPrice: new Decimal("181.5") });
    expect(events.at(-1)).toEqual({ type: "replaced", orderId: o.id, time: expect.any(Number), changes: { quantity: new Decimal(12), limitPrice: new Decimal("181.5"), stopPrice: undefined } });
    const report = await broker.order(o.id);
    expect(report!.order).toMatchObject({ id: o.id, quantity: new Decimal(12), limitPrice: new Decimal("181.5") });
    const alpacaId = report!.venueOrderId!;
    server.fill(alpacaId, 5, 181.25);
    server.fill(alpacaId, 7, 181.5);
    await until(() => types(events, o.id).includes("filled"), "the last fill");
    const fills = events.filter((e) => e.orderId === o.id && (e.type === "partiallyFilled" || e.type === "filled")) as Array<Extract<VenueEvent, { type: "filled" }>>;
    expect(fills.map((e) => [e.type, e.fill.quantity.toString(), e.fill.price.toString()])).toEqual([["partiallyFilled", "5", "181.25"], ["filled", "7", "181.5"]]);
    expect(types(events, o.id)).toEqual(["accepted", "replaced", "partiallyFilled", "filled"]);
    expect(stateAfter(o, events)).toMatchObject({ status: "filled", filledQuantity: new Decimal(12), order: { quantity: new Decimal(12), limitPrice: new Decimal("181.5") } });
    await broker.replace(o.id, { quantity: new Decimal(1) });
    expect(events.at(-1)).toMatchObject({ type: "replaceRejected", reason: expect.stringContaining("order is not replaceable (status filled)") });
  });

  it("makes up fills missed while the trade_updates stream was down, each once, at the prices the average implies", async () => {
    server.autoFillMarket = false;
    const clock = new ManualClock(Date.now());
    const { broker, events } = await connected(clock);
    const o = order({ type: "limit", limitPrice: "200", quantity: 10 });
    await broker.submit(o);
    await until(() => types(events, o.id).includes("accepted"), "acceptance");
    const alpacaId = (await broker.order(o.id))!.venueOrderId!;
    server.fill(alpacaId, 2, 199);
    await until(() => types(events, o.id).includes("partiallyFilled"), "the first fill");
    server.dropTradingClients();
    await until(() => clock.pending > 0 && server.listeningTradingClients === 0, "the reconnect timer");
    server.fill(alpacaId, 3, 198); // nobody listening: this event is lost
    server.fill(alpacaId, 5, 197.5);
    clock.advance(clock.nextAt! - clock.now());
    await until(() => types(events, o.id).includes("filled"), "the caught-up fill");
    const fills = events.filter((e) => e.orderId === o.id && "fill" in e).map((e) => (e as Extract<VenueEvent, { type: "filled" }>).fill);
    expect(fills.map((f) => f.quantity.toString())).toEqual(["2", "8"]);
    // 2 @ 199 then 3 @ 198 and 5 @ 197.5 make 8 at 197.6875: the total notional is exact.
    expect(fills[1].price.toString()).toBe("197.6875");
    expect(fills.reduce((s, f) => s.plus(f.quantity.times(f.price)), new Decimal(0)).toString()).toBe("1979.5");
    expect(types(events, o.id)).toEqual(["accepted", "partiallyFilled", "filled"]);
    expect(stateAfter(o, events)).toMatchObject({ status: "filled", filledQuantity: new Decimal(10), filledNotional: new Decimal("1979.5") });
  });

  it("resends an order whose answer was lost; Alpaca's duplicate refusal leaves exactly one order and one set of events", async () => {
    const { broker, events, clock } = await connected();
    const o = order({ quantity: 3 });
    server.loseAnswers(1);
    const p = broker.submit(o);
    // The connection dropped before the answer: the client backs off (on its clock), then resends.
    await until(() => clock.pendingDelays.some((d) => d < 1000), "the backoff");
    clock.advance(clock.pendingDelays.find((d) => d < 1000)!);
    await p;
    await until(() => types(events, o.id).includes("filled"), "the fill");
    const posts = server.requests.filter((r) => r.method === "POST" && (r.body as { client_order_id?: string })?.client_order_id === o.id);
    expect(posts).toHaveLength(2);
    expect([...server.orders.values()].filter((x) => x.client_order_id === o.id)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(types(events, o.id)).toEqual(["accepted", "filled"]);
    // The engine resending after a crash changes nothing either.
    await broker.submit(o);
    expect(types(events, o.id)).toEqual(["accepted", "filled"]);
  });

  it("waits out a 429 (X-Ratelimit-Reset) on its clock and places the order once", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 15));
    const { broker, events } = await connected(clock);
    server.rateLimit(1, { "x-ratelimit-limit": "200", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(clock.now() / 1000 + 2) });
    const o = order({ quantity: 1 });
    const p = outcome(broker.submit(o));
    await until(() => clock.pendingDelays.includes(2000), "the rate-limit wait");
    clock.advance(2000);
    expect((await p).error).toBeUndefined();
    await until(() => types(events, o.id).includes("filled"), "the fill");
  });

  it("a submit with no answer times out (outcome unknown: it throws); repeated failures open the breaker, which then fails fast", async () => {
    const clock = new ManualClock(Date.now());
    const { broker } = await connected(clock, { timeoutMs: 5000, retry: { retries: 0, baseMs: 100, maxMs: 100, maxServerWaitMs: 0 } });
    server.server.hold();
    try {
      for (let i = 0; i < 5; i++) {
        const before = server.requests.length;
        const p = outcome(broker.submit(order()));
        await until(() => server.requests.length > before && clock.pendingDelays.includes(5000), "the request to wait");
        clock.advance(5000);
        const { error } = await p;
        expect(error).toBeInstanceOf(TimeoutError);
        expect((error as Error).message).toBe("Alpaca trading: POST /v2/orders got no answer within 5000 ms");
      }
      expect(broker.breaker.state).toBe("open");
      const before = server.requests.length;
      const { error } = await outcome(broker.submit(order()));
      expect(error).toBeInstanceOf(BreakerOpenError);
      expect((error as Error).message).toMatch(/^Alpaca trading is unavailable: circuit breaker open after 5 failures in a row; next try at /);
      expect(server.requests.length).toBe(before); // nothing was sent
    } finally {
      server.server.release();
    }
  });

  it("refuses bad keys clearly: REST 401 throws (outcome known: not placed), the stream's refusal fails connect", async () => {
    const b = new AlpacaBroker({ credentials: { keyId: "bad", secret: "bad" }, tradingUrl: server.restUrl, streamUrl: server.tradingStreamUrl, WebSocket });
    const { error } = await outcome(b.submit(order()));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe("Alpaca trading: POST /v2/orders answered HTTP 401: request is not authorized");
    const c = await outcome(b.connect());
    expect(c.error).toBeInstanceOf(AuthError);
    expect((c.error as Error).message).toContain("authorization refused: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)");
    await b.disconnect();
  });

  it("reports a malformed stream message and keeps listening", async () => {
    const { broker, events, errors } = await connected();
    server.sendRawTrading("{oops");
    server.sendRawTrading(JSON.stringify({ stream: "trade_updates", data: { event: "fill" } }));
    server.sendRawTrading(JSON.stringify({ stream: "trade_updates", data: { event: "fill", order: { id: "x", client_order_id: "y", status: "filled", symbol: "AAPL", side: "buy", type: "market", filled_qty: "ten" } } }));
    await until(() => errors.length === 3, "three errors");
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors.map((e) => e.message)).toEqual([
      'Alpaca trade_updates stream sent a malformed message, skipped: not JSON: "{oops"',
      expect.stringContaining("Alpaca trade_updates stream sent an update without event and order, skipped"),
      'Alpaca order x: filled_qty must be a decimal string, got "ten"',
    ]);
    const o = order({ quantity: 1 });
    await broker.submit(o);
    await until(() => types(events, o.id).includes("filled"), "a later fill");
  });
});
