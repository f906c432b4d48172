import type { SymbolId } from "../core/data.ts";
import type { OrderChanges, VenueEvent } from "../core/events.ts";
import type { Decimal } from "../core/money.ts";
import type { Fill, Order, OrderStatus } from "../core/orders.ts";

/**
 * The port between the engine and a venue (nautilus_trader's
 * ExecutionClient): the simulated venue of a backtest, the paper exchange
 * (live data, simulated fills) and a real broker (Alpaca) all implement it,
 * and the engine cannot tell them apart.
 *
 * Commands (submit, cancel, replace) report their outcome only as events
 * through `subscribe`, never as return values:
 * - A venue's refusal is an event (rejected, cancelRejected,
 *   replaceRejected), not an exception.
 * - A thrown error or rejected promise means the outcome is unknown (a
 *   timeout, a dropped connection): the engine leaves the order as it was
 *   and reconciliation (the snapshots below) settles it later.
 * - Events may arrive synchronously, from inside the call that caused them
 *   (the simulated venue does this), or at any later time (a remote
 *   broker); per order they arrive in the order they happened.
 *
 * Idempotence: `Order.id` is the client order id. A second `submit` of an id
 * the venue already knows changes nothing and sends no new events; a
 * `cancel` of an order that has already ended sends at most a
 * cancelRejected. After a crash the engine re-sends what its journal says
 * may not have arrived, and relies on this.
 *
 * Quantities and prices are Decimal; times are epoch ms.
 */
export interface ExecutionClient {
  /** A short name for messages and reports: "sim", "paper", "alpaca". */
  readonly venue: string;

  /** Sends a new order; accepted/rejected and then fills follow as events. */
  submit(order: Order): void | Promise<void>;
  /** Asks to cancel a working order by its client order id. */
  cancel(orderId: string): void | Promise<void>;
  /** Asks to change a working order's quantity or prices (a venue may implement it as cancel-and-replace). */
  replace(orderId: string, changes: OrderChanges): void | Promise<void>;
  /** Delivers every venue event to `listener` until the returned function is called. */
  subscribe(listener: (event: VenueEvent) => void): () => void;

  // Snapshots for reconciliation after a restart (nautilus: order and
  // position status reports). The engine compares them with its journal and
  // makes up the events it missed.

  /** Every order the venue still works (accepted, partially filled, pending cancel). */
  openOrders(): Promise<readonly OrderReport[]>;
  /** One order by client order id, in whatever state; null when the venue never received it. */
  order(orderId: string): Promise<OrderReport | null>;
  /** Every non-flat position. A symbol missing here is flat at the venue. */
  positions(): Promise<readonly PositionReport[]>;
  account(): Promise<AccountReport>;

  /** Optional lifecycle: open connections and streams before the first command; close them at the end. */
  connect?(): Promise<void>;
  disconnect?(): Promise<void>;
}

/** An order as the venue sees it now. */
export interface OrderReport {
  /** The order with its current quantity and prices (after any replace). */
  readonly order: Order;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  /** Volume-weighted price of the fills so far; null before the first. */
  readonly avgFillPrice: Decimal | null;
  /**
   * The executions, oldest first, when the venue can list them (the paper
   * exchange can). Without them the engine makes up one fill for whatever
   * quantity it has not seen, at the price that gives the reported average.
   */
  readonly fills?: readonly Fill[];
  readonly venueOrderId?: string;
  /** Epoch ms of the last change. */
  readonly updatedAt: number;
}

export interface PositionReport {
  readonly symbol: SymbolId;
  /** Signed: negative is short. */
  readonly quantity: Decimal;
  readonly avgPrice: Decimal;
}

export interface AccountReport {
  readonly cash: Decimal;
  /** Cash plus positions at the venue's marks, when it reports one. */
  readonly equity?: Decimal;
  readonly buyingPower?: Decimal;
  readonly currency?: string;
}
