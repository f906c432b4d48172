// ReconnectingSocket against real sockets on 127.0.0.1 (the ws package as
// both server and the injected client constructor), time on a manual clock.
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { ManualClock } from "../../src/net/timers.ts";
import { ReconnectingSocket } from "../../src/net/websocket.ts";
import { until } from "./helpers.ts";

let wss: WebSocketServer;
let url: string;
const serverSide: WebSocket[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on("connection", (ws) => {
    serverSide.push(ws);
    ws.on("message", (m) => ws.send(`echo:${m}`));
  });
});
afterAll(() => new Promise<void>((r) => wss.close(() => r())));

function socket(clock: ManualClock, options: Partial<ConstructorParameters<typeof ReconnectingSocket>[0]> = {}) {
  const log: string[] = [];
  const closes: Array<{ code: number; reason: string; retryInMs?: number }> = [];
  let s!: ReconnectingSocket;
  s = new ReconnectingSocket({ url, WebSocket, timers: clock, random: () => 0.5, baseMs: 100, maxMs: 1000, ...options }, {
    onOpen: () => {
      log.push("open");
      s.send("hello");
    },
    onMessage: (text) => log.push(text),
    onClose: (info) => closes.push(info),
  });
  return { s, log, closes };
}

describe("ReconnectingSocket", () => {
  it("reconnects after drops with doubling backoff; a healthy session resets it", async () => {
    const clock = new ManualClock(0);
    const { s, log, closes } = socket(clock);
    s.start();
    await until(() => log.includes("echo:hello"), "the first session");
    for (let i = 0; i < 3; i++) {
      serverSide.at(-1)!.terminate();
      await until(() => closes.length === i + 1, "the drop");
      clock.advance(closes[i].retryInMs!);
      await until(() => s.opened === i + 2, "the reconnection");
    }
    expect(closes.map((c) => c.retryInMs)).toEqual([75, 150, 300]);
    s.healthy();
    serverSide.at(-1)!.terminate();
    await until(() => closes.length === 4, "the fourth drop");
    expect(closes[3].retryInMs).toBe(75);
    s.stop();
    expect(closes.at(-1)).toEqual({ code: 1000, reason: "closed by client" });
    expect(clock.pending).toBe(0);
  });

  it("decodes binary frames as UTF-8 text", async () => {
    const clock = new ManualClock(0);
    const { s, log } = socket(clock);
    s.start();
    await until(() => log.includes("echo:hello"), "open");
    serverSide.at(-1)!.send(Buffer.from(JSON.stringify({ stream: "trade_updates", π: 3.14 })), { binary: true });
    await until(() => log.length === 3, "the binary message");
    expect(log[2]).toBe('{"stream":"trade_updates","π":3.14}');
    s.stop();
  });

  it("presumes a silent peer dead after the idle timeout, and a never-opening socket after the connect timeout", async () => {
    const clock = new ManualClock(0);
    const { s, log, closes } = socket(clock, { idleTimeoutMs: 30_000 });
    s.start();
    await until(() => log.includes("echo:hello"), "open");
    clock.advance(29_999);
    expect(closes).toHaveLength(0);
    clock.advance(1);
    expect(closes[0]).toMatchObject({ code: 4002, reason: "nothing received for 30000 ms" });
    s.stop();

    // A TCP server that accepts and never answers the upgrade.
    const mute: Server = createServer(() => {});
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
    const c2 = new ManualClock(0);
    const closes2: Array<{ reason: string; retryInMs?: number }> = [];
    const t = new ReconnectingSocket(
      { url: `ws://127.0.0.1:${(mute.address() as AddressInfo).port}`, WebSocket, timers: c2, connectTimeoutMs: 5000, maxAttempts: 1, random: () => 0.5 },
      { onOpen: () => {}, onMessage: () => {}, onClose: (i) => closes2.push(i) },
    );
    t.start();
    c2.advance(5000);
    expect(closes2[0]).toMatchObject({ reason: "not open after 5000 ms", retryInMs: 375 });
    c2.advance(375);
    c2.advance(5000);
    expect(closes2[1]).toEqual({ code: 4001, reason: "not open after 5000 ms; gave up after 1 attempts" });
    expect(t.state).toBe("stopped");
    mute.close();
  });

  it("gives up after maxAttempts refused connections, saying so", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const clock = new ManualClock(0);
    const closes: Array<{ reason: string; retryInMs?: number }> = [];
    const s = new ReconnectingSocket({ url: `ws://127.0.0.1:${port}`, WebSocket, timers: clock, maxAttempts: 2, random: () => 0.5 }, {
      onOpen: () => {}, onMessage: () => {}, onClose: (i) => closes.push(i),
    });
    s.start();
    for (let i = 0; i < 2; i++) {
      await until(() => closes.length === i + 1, "a refusal");
      clock.advance(closes[i].retryInMs!);
    }
    await until(() => closes.length === 3, "giving up");
    expect(closes[2].retryInMs).toBeUndefined();
    expect(closes[2].reason).toMatch(/gave up after 2 attempts$/);
    expect(s.state).toBe("stopped");
  });
});
