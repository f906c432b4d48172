import type { Bar, SymbolId } from "../core/data.ts";
import { ExecutionError } from "../core/errors.ts";
import type { VenueEvent } from "../core/events.ts";
import type { AccountReport, ExecutionClient, OrderReport, PositionReport } from "./client.ts";
import type { EventLog } from "./engine.ts";
import { decodeRecord, encodeRecord, type JournalRecord } from "./records.ts";

/** Engine-made event types: everything else in a journal came from the venue. */
const ENGINE_EVENTS = new Set(["submitted", "denied", "pendingCancel"]);

/**
 * A journal played back into a fresh engine after a restart. The engine
 * runs again over the same bars, and this object stands in for both its
 * venue and its journal:
 * - as its EventLog it checks that every record the engine writes is the
 *   journal's next one, byte for byte: a different strategy, setting or data
 *   file shows as the first record that differs, and the run is refused;
 * - as its ExecutionClient it sends nothing anywhere; whenever the journal's
 *   next record is a venue event it delivers that event, so the engine sees
 *   the same fills, acknowledgements and cancels at the same points as the
 *   first time, and reacts the same way.
 * At the end the engine holds exactly the state it had when the journal was
 * last made durable: orders, fills, portfolio, trade records, equity curve,
 * the strategies' and the risk checks' own state.
 */
export class JournalReplay implements EventLog, ExecutionClient {
  readonly venue = "journal";
  private cursor = 0;
  private listener: ((event: VenueEvent) => void) | null = null;
  private readonly decoded: JournalRecord[];

  constructor(
    /** The records to play, as written (the run record excluded). */
    private readonly texts: readonly string[],
    /** The engine's current bar index, so events are not delivered ahead of their bar. */
    private readonly barIndex: () => number,
    /** Writes a marker through the engine (TradingEngine.note), so it lands where the engine would put it. */
    private readonly note: (record: JournalRecord) => void,
    private readonly source = "the journal",
  ) {
    this.decoded = texts.map(decodeRecord);
  }

  /** True once every record has been matched. */
  get finished(): boolean {
    return this.cursor === this.texts.length;
  }

  /** Records matched so far. */
  get position(): number {
    return this.cursor;
  }

  append(record: JournalRecord): void {
    const made = encodeRecord(record);
    const expected = this.texts[this.cursor];
    if (made !== expected) {
      throw new ExecutionError(
        `${this.source} does not match this run at record ${this.cursor + 2}: it has ${clip(expected ?? "nothing more")}, this run makes ${clip(made)}; ` +
          "resume with the strategy, settings and data that wrote it, or start a new journal",
        { field: "journal" },
      );
    }
    this.cursor++;
  }

  commit(): void {}

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  submit(): void {
    this.deliver();
  }

  cancel(): void {
    this.deliver();
  }

  replace(): void {
    this.deliver();
  }

  /** The market side of the replay: the venue's events for these bars come from the journal. */
  onBars(_slice: readonly { readonly symbol: SymbolId; readonly bar: Bar }[]): void {
    this.deliver();
  }

  /**
   * Between bars: plays back what an earlier restart did here. Its marker is
   * written through the engine, its `sent` markers (orders sent again) are
   * taken as they are, and the venue's events reconciliation found are
   * delivered, until the next bar.
   */
  afterBar(): void {
    let at = this.cursor;
    const first = this.decoded[at];
    if (first?.k === "bar" && first.i === this.barIndex()) at++;
    const marker = this.decoded[at];
    if (marker?.k !== "recovered") return;
    this.note(marker);
    for (;;) {
      const next = this.decoded[this.cursor];
      if (next === undefined || next.k === "bar" || next.k === "recovered" || next.k === "run") return;
      if (next.k === "sent") {
        this.cursor++;
        continue;
      }
      const before = this.cursor;
      this.deliver();
      if (this.cursor === before) {
        throw new ExecutionError(`${this.source}: record ${this.cursor + 2} (${clip(this.texts[this.cursor])}) is not what a restart writes`, { field: "journal" });
      }
    }
  }

  /** Delivers venue events while the journal's next record is one (a marker of the current bar may precede it). */
  private deliver(): void {
    for (;;) {
      let at = this.cursor;
      const first = this.decoded[at];
      if (first?.k === "bar" && first.i === this.barIndex()) at++;
      const next = this.decoded[at];
      if (next?.k !== "ev" || ENGINE_EVENTS.has(next.e.type)) return;
      const before = this.cursor;
      this.listener?.(next.e as VenueEvent);
      // The engine journals every event it applies; one it dropped would loop forever.
      if (this.cursor === before) {
        throw new ExecutionError(`${this.source}: record ${at + 2} (${clip(this.texts[at])}) is an event this run does not take`, { field: "journal" });
      }
    }
  }

  async openOrders(): Promise<readonly OrderReport[]> {
    return [];
  }

  async order(): Promise<OrderReport | null> {
    return null;
  }

  async positions(): Promise<readonly PositionReport[]> {
    return [];
  }

  async account(): Promise<AccountReport> {
    throw new ExecutionError("a journal replay has no account");
  }
}

/**
 * Where a journal's durable history ends for a restart: just before the
 * first bar after the last `sent` record. Everything up to there was acted
 * on (its commands left after it was fsync'd) and is replayed; what follows
 * was never acted on (no command left) and is done again, from the same
 * state, so it comes out the same. Venue events among the dropped records
 * are found again by reconciliation. Returns the record index to cut at and
 * the first bar to run live.
 */
export function resumePoint(records: readonly JournalRecord[]): { cut: number; nextBar: number } {
  let lastSent = -1;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i].k === "sent") {
      lastSent = i;
      break;
    }
  }
  if (lastSent < 0) return { cut: records.length > 0 && records[0].k === "run" ? 1 : 0, nextBar: 0 };
  let cut = lastSent + 1;
  while (cut < records.length && records[cut].k !== "bar") cut++;
  return { cut, nextBar: (records[lastSent] as { i: number }).i + 1 };
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
