import type { SymbolId } from "../core/data.ts";
import type { Channels, FeedStatus, MarketDataListener, MarketEvent } from "./market-data.ts";

export type ChannelName = "trades" | "quotes" | "bars";
export const CHANNELS: readonly ChannelName[] = ["trades", "quotes", "bars"];

const CHANNEL_OF: Record<MarketEvent["kind"], ChannelName> = { trade: "trades", quote: "quotes", bar: "bars" };

/**
 * Who listens to what, for a live source with many listeners over one
 * connection: the union of their channels (what to subscribe upstream), the
 * change each subscribe or unsubscribe makes to it, and delivery of each
 * event to just the listeners that asked for its channel and symbol ("*"
 * meaning all).
 */
export class Subscriptions {
  /** channel -> symbol -> listeners; a count per listener since two subscribe calls may name the same symbol. */
  private readonly bySymbol = new Map<ChannelName, Map<SymbolId, Map<MarketDataListener, number>>>(CHANNELS.map((c) => [c, new Map()]));
  readonly listeners = new Set<MarketDataListener>();

  /** Adds the listener's channels; returns the symbols new to the union, and a function that removes them again. */
  add(channels: Channels, listener: MarketDataListener): { added: Channels; remove: () => Channels } {
    this.listeners.add(listener);
    const added = this.change(channels, listener, +1);
    let removed = false;
    return {
      added,
      remove: () => {
        if (removed) return {};
        removed = true;
        const gone = this.change(channels, listener, -1);
        if (![...this.bySymbol.values()].some((m) => [...m.values()].some((ls) => ls.has(listener)))) this.listeners.delete(listener);
        return gone;
      },
    };
  }

  /** The union of all listeners' channels. */
  current(): Channels {
    const out: Record<string, SymbolId[]> = {};
    for (const c of CHANNELS) out[c] = [...this.bySymbol.get(c)!.keys()];
    return out;
  }

  /** Whether anyone listens to this channel and symbol. */
  wants(channel: ChannelName, symbol: SymbolId): boolean {
    const m = this.bySymbol.get(channel)!;
    return m.has(symbol) || m.has("*");
  }

  deliver(event: MarketEvent): void {
    const m = this.bySymbol.get(CHANNEL_OF[event.kind])!;
    const symbol = event.kind === "trade" ? event.trade.symbol : event.kind === "quote" ? event.quote.symbol : event.symbol;
    const exact = m.get(symbol);
    const all = m.get("*");
    if (exact) for (const l of exact.keys()) l.onEvent(event);
    if (all) for (const l of all.keys()) if (!exact?.has(l)) l.onEvent(event);
  }

  error(error: Error): void {
    for (const l of this.listeners) l.onError?.(error);
  }

  status(status: FeedStatus): void {
    for (const l of this.listeners) l.onStatus?.(status);
  }

  private change(channels: Channels, listener: MarketDataListener, delta: 1 | -1): Channels {
    const changed: Record<string, SymbolId[]> = {};
    for (const c of CHANNELS) {
      const m = this.bySymbol.get(c)!;
      for (const symbol of new Set(channels[c] ?? [])) {
        let ls = m.get(symbol);
        if (!ls) m.set(symbol, (ls = new Map()));
        const before = ls.size;
        const n = (ls.get(listener) ?? 0) + delta;
        if (n > 0) ls.set(listener, n);
        else ls.delete(listener);
        if (ls.size === 0) m.delete(symbol);
        if ((before === 0) !== (ls.size === 0)) (changed[c] ??= []).push(symbol);
      }
    }
    return changed;
  }
}

export function isEmpty(channels: Channels): boolean {
  return CHANNELS.every((c) => (channels[c]?.length ?? 0) === 0);
}
