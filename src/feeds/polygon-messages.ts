import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import { shown } from "../core/errors.ts";

/**
 * Polygon's stocks WebSocket: every message is a JSON array of objects
 * tagged by `ev`. Control: `status` (connected, auth_success, auth_failed,
 * success, max_connections, error...). Data: `AM` minute and `A` second
 * aggregates (with their window's start `s` and end `e`, epoch ms), `T`
 * trades, `Q` quotes (times `t` in epoch ms).
 */
export interface PolygonStatus {
  readonly status: string;
  readonly message: string;
}

export interface PolygonDataSink {
  trade(t: Tick): void;
  quote(q: Quote): void;
  /** An aggregate: `start` identifies it, `bar.time` is its end. `channel` is AM or A. */
  bar(channel: "AM" | "A", symbol: SymbolId, start: number, bar: Bar): void;
  status(s: PolygonStatus): void;
  malformed(problem: string): void;
}

export function parsePolygonData(text: string, sink: PolygonDataSink): number {
  let batch: unknown;
  try {
    batch = JSON.parse(text);
  } catch {
    sink.malformed(`not JSON: ${shown(text)}`);
    return 0;
  }
  if (!Array.isArray(batch)) {
    sink.malformed(`expected a JSON array of events, got ${shown(batch)}`);
    return 0;
  }
  let delivered = 0;
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i] as Record<string, unknown>;
    if (m === null || typeof m !== "object") {
      sink.malformed(`element ${i} is ${shown(m)}, not an object`);
      continue;
    }
    const problem = readElement(m, sink);
    if (problem === undefined) delivered++;
    else if (problem !== "") sink.malformed(`element ${i} (ev=${shown(m.ev)}): ${problem}`);
  }
  return delivered;
}

function readElement(m: Record<string, unknown>, sink: PolygonDataSink): string | undefined {
  switch (m.ev) {
    case "T": {
      const { sym, p, s, t } = m;
      if (typeof sym !== "string" || typeof p !== "number" || typeof s !== "number" || typeof t !== "number") return fieldProblem(m, ["sym", "p", "s", "t"]);
      sink.trade({ symbol: sym, time: t, price: p, size: s });
      return undefined;
    }
    case "Q": {
      const { sym, bp, bs, ap, as, t } = m;
      if (typeof sym !== "string" || typeof bp !== "number" || typeof bs !== "number" || typeof ap !== "number" || typeof as !== "number" || typeof t !== "number") {
        return fieldProblem(m, ["sym", "bp", "bs", "ap", "as", "t"]);
      }
      sink.quote({ symbol: sym, time: t, bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as });
      return undefined;
    }
    case "AM":
    case "A": {
      const { sym, o, h, l, c, v, s, e } = m;
      if (typeof sym !== "string" || typeof o !== "number" || typeof h !== "number" || typeof l !== "number" || typeof c !== "number"
        || typeof v !== "number" || typeof s !== "number" || typeof e !== "number") {
        return fieldProblem(m, ["sym", "o", "h", "l", "c", "v", "s", "e"]);
      }
      sink.bar(m.ev, sym, s, { time: e, open: o, high: h, low: l, close: c, volume: v });
      return undefined;
    }
    case "status":
      if (typeof m.status !== "string") return fieldProblem(m, ["status"]);
      sink.status({ status: m.status, message: typeof m.message === "string" ? m.message : "" });
      return "";
    default:
      return typeof m.ev === "string" ? "" : "has no event type ev";
  }
}

function fieldProblem(m: Record<string, unknown>, fields: string[]): string {
  const strings = new Set(["sym", "status"]);
  const bad = fields.find((f) => typeof m[f] !== (strings.has(f) ? "string" : "number"))!;
  return m[bad] === undefined ? `${bad} is missing` : `${bad} must be a ${strings.has(bad) ? "string" : "number"}, got ${shown(m[bad])}`;
}
