import type { Quote, Tick } from "../core/data.ts";
import type { Fill, Order } from "../core/orders.ts";
import type { Signal } from "../core/signal.ts";
import type { MarketEvent } from "./market-data.ts";
import { Subject, type BoundedQueue, type OverflowPolicy, type SinkErrorHandler, type Stream } from "./stream.ts";

/** The topics the engine's pipeline passes along, data feed to portfolio. */
export interface EngineTopics {
  tick: Tick;
  quote: Quote;
  bar: Extract<MarketEvent, { kind: "bar" }>;
  signal: Signal;
  order: Order;
  fill: Fill;
}

/**
 * The event bus: one Subject per topic. Publishing calls the topic's sinks
 * synchronously (cheap operators), and every consumer that does real work
 * reads through `consume`, a bounded queue with the topic's policy, so a
 * slow strategy, writer or socket never blocks the data feed.
 *
 * Default policies: market data (tick, quote, bar) drops the oldest when a
 * consumer falls behind, quotes conflate per symbol (only the latest quote
 * matters); signals, orders and fills use "fail", never dropping one
 * silently (see OverflowPolicy).
 */
export class EventBus<Topics extends object = EngineTopics> {
  private readonly subjects = new Map<keyof Topics, Subject<unknown>>();

  constructor(private readonly onSinkError?: SinkErrorHandler) {}

  publish<K extends keyof Topics>(topic: K, value: Topics[K]): void {
    (this.subjects.get(topic) as Subject<Topics[K]> | undefined)?.push(value);
  }

  /** The topic as a stream, for operators (map, filter, window, merge). */
  stream<K extends keyof Topics>(topic: K): Stream<Topics[K]> {
    let s = this.subjects.get(topic);
    if (!s) this.subjects.set(topic, (s = new Subject<unknown>(this.onSinkError)));
    return s as Subject<Topics[K]>;
  }

  /** A bounded queue on the topic, with its default policy unless one is given. */
  consume<K extends keyof Topics>(
    topic: K,
    options: { capacity?: number; policy?: OverflowPolicy; key?: (value: Topics[K]) => unknown } = {},
  ): BoundedQueue<Topics[K]> {
    const defaults = DEFAULTS[topic as string] ?? { policy: "fail" as const };
    const policy = options.policy ?? defaults.policy;
    const key = options.key ?? (policy === "conflate" ? (defaults.key as (v: Topics[K]) => unknown) : undefined);
    return this.stream(topic).queue({ capacity: options.capacity ?? 10_000, policy, key, name: `bus topic "${String(topic)}"` });
  }
}

const DEFAULTS: Record<string, { policy: OverflowPolicy; key?: (v: never) => unknown }> = {
  tick: { policy: "drop-oldest" },
  quote: { policy: "conflate", key: (q: Quote) => q.symbol },
  bar: { policy: "drop-oldest" },
  signal: { policy: "fail" },
  order: { policy: "fail" },
  fill: { policy: "fail" },
};

/** Publishes a market-data source's events on the bus (trade → tick, quote → quote, bar → bar). */
export function publishMarketEvent(bus: EventBus<EngineTopics>, event: MarketEvent): void {
  if (event.kind === "trade") bus.publish("tick", event.trade);
  else if (event.kind === "quote") bus.publish("quote", event.quote);
  else bus.publish("bar", event);
}
