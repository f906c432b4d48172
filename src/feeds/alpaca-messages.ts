import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import { shown } from "../core/errors.ts";
import { parseRfc3339 } from "./rfc3339.ts";

/**
 * Alpaca's market-data stream (v2): every message is a JSON array of
 * objects tagged by `T`. Control: `success` (connected, authenticated),
 * `error` (with a code), `subscription` (the full current subscription).
 * Data: `t` trade, `q` quote, `b` minute bar (stamped with the minute's
 * start); other kinds (updated and daily bars, corrections, statuses) are
 * counted and skipped.
 */
export type AlpacaControl =
  | { readonly T: "success"; readonly msg: string }
  | { readonly T: "error"; readonly code: number; readonly msg: string }
  | { readonly T: "subscription"; readonly trades: string[]; readonly quotes: string[]; readonly bars: string[] };

export interface AlpacaDataSink {
  trade(t: Tick): void;
  quote(q: Quote): void;
  /** A minute bar: `start` is the minute Alpaca stamps it with, `bar.time` its close (start + 60 s). */
  bar(symbol: SymbolId, start: number, bar: Bar): void;
  control(message: AlpacaControl): void;
  /** A message or element that breaks the format; it is skipped, the rest of the batch is read. */
  malformed(problem: string): void;
}

const MINUTE = 60_000;

/** Reads one stream message (a batch); returns the number of data elements delivered. */
export function parseAlpacaData(text: string, sink: AlpacaDataSink): number {
  let batch: unknown;
  try {
    batch = JSON.parse(text);
  } catch {
    sink.malformed(`not JSON: ${shown(text)}`);
    return 0;
  }
  if (!Array.isArray(batch)) {
    sink.malformed(`expected a JSON array of messages, got ${shown(batch)}`);
    return 0;
  }
  let delivered = 0;
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i];
    if (m === null || typeof m !== "object") {
      sink.malformed(`element ${i} is ${shown(m)}, not an object`);
      continue;
    }
    const problem = readElement(m as Record<string, unknown>, sink);
    if (problem === undefined) delivered++;
    else if (problem !== "") sink.malformed(`element ${i} (T=${shown((m as { T?: unknown }).T)}): ${problem}`);
  }
  return delivered;
}

/** Delivers one element; undefined when it was data, "" when control or skipped, else what is wrong. */
function readElement(m: Record<string, unknown>, sink: AlpacaDataSink): string | undefined {
  switch (m.T) {
    case "t": {
      const { S, p, s, t } = m;
      if (typeof S !== "string" || typeof p !== "number" || typeof s !== "number" || typeof t !== "string") return fieldProblem(m, ["S", "p", "s", "t"]);
      const time = parseRfc3339(t);
      if (Number.isNaN(time)) return `t is not a timestamp: ${shown(t)}`;
      sink.trade({ symbol: S, time, price: p, size: s });
      return undefined;
    }
    case "q": {
      const { S, bp, bs, ap, as, t } = m;
      if (typeof S !== "string" || typeof bp !== "number" || typeof bs !== "number" || typeof ap !== "number" || typeof as !== "number" || typeof t !== "string") {
        return fieldProblem(m, ["S", "bp", "bs", "ap", "as", "t"]);
      }
      const time = parseRfc3339(t);
      if (Number.isNaN(time)) return `t is not a timestamp: ${shown(t)}`;
      sink.quote({ symbol: S, time, bidPrice: bp, bidSize: bs, askPrice: ap, askSize: as });
      return undefined;
    }
    case "b": {
      const { S, o, h, l, c, v, t } = m;
      if (typeof S !== "string" || typeof o !== "number" || typeof h !== "number" || typeof l !== "number" || typeof c !== "number" || typeof v !== "number" || typeof t !== "string") {
        return fieldProblem(m, ["S", "o", "h", "l", "c", "v", "t"]);
      }
      const start = parseRfc3339(t);
      if (Number.isNaN(start)) return `t is not a timestamp: ${shown(t)}`;
      sink.bar(S, start, { time: start + MINUTE, open: o, high: h, low: l, close: c, volume: v });
      return undefined;
    }
    case "success":
      if (typeof m.msg !== "string") return fieldProblem(m, ["msg"]);
      sink.control({ T: "success", msg: m.msg });
      return "";
    case "error":
      if (typeof m.code !== "number") return fieldProblem(m, ["code"]);
      sink.control({ T: "error", code: m.code, msg: typeof m.msg === "string" ? m.msg : "" });
      return "";
    case "subscription":
      sink.control({ T: "subscription", trades: strings(m.trades), quotes: strings(m.quotes), bars: strings(m.bars) });
      return "";
    default:
      if (typeof m.T !== "string") return "has no message type T";
      return ""; // updatedBars, dailyBars, corrections, statuses, LULDs: not used by the engine
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

const TYPES: Record<string, string> = { S: "string", t: "string", msg: "string" };

function fieldProblem(m: Record<string, unknown>, fields: string[]): string {
  const bad = fields.find((f) => typeof m[f] !== (TYPES[f] ?? "number"))!;
  return m[bad] === undefined ? `${bad} is missing` : `${bad} must be a ${TYPES[bad] ?? "number"}, got ${shown(m[bad])}`;
}

/**
 * What each error code of the stream means and what to do, so a listener
 * sees "authentication failed: check the key" rather than "402". `fatal`:
 * reconnecting cannot help (the feed stops); `reconnect`: the server drops
 * or should drop the connection and a new one may succeed; otherwise the
 * connection stays up and the error is reported.
 */
export const ALPACA_STREAM_ERRORS: Record<number, { readonly what: string; readonly action: "fatal" | "reconnect" | "report" }> = {
  400: { what: "invalid syntax: the server could not read a message we sent", action: "report" },
  401: { what: "not authenticated: a request came before authentication", action: "reconnect" },
  402: { what: "authentication failed: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)", action: "fatal" },
  403: { what: "already authenticated", action: "report" },
  404: { what: "authentication timed out: no auth message within 10 s of connecting", action: "reconnect" },
  405: { what: "symbol limit exceeded: the subscription has more symbols than the plan allows", action: "report" },
  406: { what: "connection limit exceeded: another connection is already using this key", action: "reconnect" },
  407: { what: "slow client: messages were not read fast enough and the server dropped some", action: "reconnect" },
  409: { what: "insufficient subscription: the plan does not include this feed (try the iex feed)", action: "fatal" },
  410: { what: "invalid subscribe action for this feed", action: "report" },
  500: { what: "internal error at Alpaca", action: "reconnect" },
};
