import { describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { sessionSetup, strategyAndConfig, type BacktestRequest } from "../../src/backtest/job.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { MemoryStorage } from "../../src/core/storage.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { PaperExchange } from "../../src/execution/paper.ts";
import { SeriesFeed, TradingSession, type SessionResult } from "../../src/execution/session.ts";

const series = syntheticBars({ n: 400, seed: 11, symbol: "SYN", sigma: 0.5 });
const request: BacktestRequest = {
  strategy: "mean-reversion", params: { period: 10, entryZ: 1.2, allowShort: true },
  config: { stopLossPct: 0.03, takeProfitPct: 0.04, commissionPerOrder: 1 },
};

/** A paper session over `data` on `storage` (paper.journal and engine.journal), stepped to its end. */
async function paper(data: BarSeries, req: BacktestRequest, storage?: MemoryStorage, stopAfter = Infinity) {
  const setup = sessionSetup(req);
  const { exchange } = PaperExchange.open(setup.venue, storage?.openAppend("paper.journal"));
  const { session, recovery } = await TradingSession.open({
    feed: new SeriesFeed([data]), strategy: () => setup.strategy, settings: setup.settings, client: exchange, market: exchange,
    journal: storage ? { file: storage.openAppend("engine.journal"), run: { request: setup.request, data: data.symbol } } : undefined,
  });
  while (!session.done && session.barsDone < stopAfter) session.step();
  return { session, exchange, recovery };
}

/** The parts of a result two runs must agree on (trade ids name the venue, so they are left out). */
function essence(r: SessionResult) {
  return {
    fills: r.fills.map((f) => `${f.time} ${f.orderId} ${f.side} ${f.quantity}@${f.price} c${f.commission}`),
    orders: r.orders.map((o) => `${o.id} ${o.type} ${o.side} ${o.quantity} ${o.status} ${o.filledQuantity}`),
    positions: r.positions, cash: r.cash, equity: r.equity,
  };
}

describe("a paper trading session", () => {
  it("fills exactly as a backtest of the same bars with the same strategy and costs", async () => {
    const { session } = await paper(series, request);
    const bt = new Backtest(series, ...strategyAndConfig(request));
    const report = bt.run();
    const fills = (f: readonly { time: number; orderId: string; side: string; quantity: { toString(): string }; price: { toString(): string } }[]) =>
      f.map((x) => `${x.time} ${x.orderId} ${x.side} ${x.quantity}@${x.price}`);
    expect(session.result().fills.length).toBeGreaterThan(20);
    expect(fills(session.engine.fills)).toEqual(fills(bt.snapshot().fills));
    expect(session.result().equity).toBe(report.finalEquity);
    expect(session.engine.trades.closed).toEqual(report.trades);
    expect(session.engine.rejections).toEqual(report.rejections);
  });

  it("recovers from a crash at any moment with the same orders, fills and positions as an uninterrupted run", async () => {
    const whole = await paper(series, request, new MemoryStorage());
    const expected = essence(whole.session.result());
    // Crash images: what is on disk after every append and fsync of either journal.
    const storage = new MemoryStorage();
    const images: MemoryStorage[] = [];
    let changes = 0;
    storage.onChange = () => {
      // Every 7th change, plus a torn write (half of the unsynced bytes) every 5th image.
      if (++changes % 7 === 0) images.push(storage.crashed(images.length % 5 === 4 ? 13 : 0));
    };
    const first = await paper(series, request, storage);
    expect(essence(first.session.result())).toEqual(expected);
    expect(images.length).toBeGreaterThan(40);
    let torn = 0;
    for (const image of images) {
      const { session, exchange, recovery } = await paper(series, request, image);
      if (recovery?.torn) torn++;
      expect(essence(session.result())).toEqual(expected);
      // The broker agrees: its positions are the engine's.
      expect(exchange.positionList().map((p) => `${p.symbol} ${p.quantity}`))
        .toEqual(session.result().positions.map((p) => `${p.symbol} ${p.quantity}`));
    }
    expect(torn).toBeGreaterThan(0);
  });

  it("recovers again and again: crashes after restarts replay what the restarts did", async () => {
    const expected = essence((await paper(series, request)).session.result());
    let resent = 0;
    for (const every of [5, 6, 7, 9]) {
      let storage = new MemoryStorage();
      // Each life crashes at its every-th write or fsync (mid-bar: between the engine's commit and the exchange's,
      // say) and the next starts on what was durable, with whatever the crash tore; eight lives, then one to the end.
      for (let life = 0; life < 8; life++) {
        let changes = 0;
        let image: MemoryStorage | null = null;
        storage.onChange = () => {
          if (image === null && ++changes === every * (life + 2)) image = storage.crashed(life % 3 === 2 ? 11 : 0);
        };
        const { recovery } = await paper(series, request, storage);
        resent += recovery?.reconciliation.resubmitted.length ?? 0;
        storage.onChange = undefined;
        if (image === null) break;
        storage = image;
      }
      const { session, exchange } = await paper(series, request, storage);
      expect(essence(session.result())).toEqual(expected);
      expect(exchange.positionList().map((p) => `${p.symbol} ${p.quantity}`)).toEqual(session.result().positions.map((p) => `${p.symbol} ${p.quantity}`));
    }
    // Some lives died between the engine's commit and the exchange's: their orders were sent again, and replayed later.
    expect(resent).toBeGreaterThan(0);
  });

  it("resumes a session stopped cleanly halfway, sending nothing twice", async () => {
    const storage = new MemoryStorage();
    const half = await paper(series, request, storage, 200);
    half.session.close();
    half.exchange.close();
    const submitted = new Set(half.session.engine.orderStates.map((s) => s.order.id));
    const { session, recovery } = await paper(series, request, storage);
    expect(recovery).toMatchObject({ bars: expect.any(Number), reconciliation: { resubmitted: [], recancelled: [] } });
    expect(recovery!.bars).toBeGreaterThan(150);
    const whole = await paper(series, request);
    expect(essence(session.result())).toEqual(essence(whole.session.result()));
    // Every order the first half made is still there, once.
    const ids = session.engine.orderStates.map((s) => s.order.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of submitted) expect(ids).toContain(id);
  });

  it("refuses to resume a journal with a different strategy, naming what differs", async () => {
    const storage = new MemoryStorage();
    const half = await paper(series, request, storage, 100);
    half.session.close();
    await expect(paper(series, { ...request, params: { period: 12 } }, storage)).rejects.toThrow(/journal was written by a different run \(request: .*period/);
  });

  it("refuses a journal that the same run does not reproduce (other data), at the first record that differs", async () => {
    const storage = new MemoryStorage();
    const half = await paper(series, request, storage, 300);
    half.session.close();
    half.exchange.close();
    const other = syntheticBars({ n: 400, seed: 12, symbol: "SYN", sigma: 0.5 });
    await expect(paper(other, request, storage)).rejects.toThrow(/does not match this run at record \d+/);
  });
});
