// The Alpaca clients under Deno, with Deno's own fetch and WebSocket (the
// `ws` package is Node's stand-in only): the same src/ code against the same
// local Alpaca-protocol server, including the trading stream's binary frames.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlpacaServer, KEY, minuteBars } from "../protocol-servers/alpaca.ts";
import { root } from "../helpers.ts";
import { until } from "../net/helpers.ts";

const START = Date.UTC(2026, 0, 5, 14, 30);
let server: AlpacaServer;
beforeAll(async () => {
  server = await AlpacaServer.start();
  server.bars.set("AAPL", minuteBars(START, 30, 190));
});
afterAll(() => server.close());

describe("Alpaca clients under Deno", () => {
  it("read paged bars, stream trades and trade through the broker with Deno's fetch and WebSocket", async () => {
    const child = spawn("npx", [
      "deno", "run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "test/feeds/deno-client.ts",
      server.restUrl, server.dataStreamUrl, server.tradingStreamUrl, KEY.keyId, KEY.secret, String(START),
    ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stderr.on("data", (d) => (err += d));
    const lines: unknown[] = [];
    child.stdout.on("data", (d) => {
      out += d;
      for (const line of out.split("\n").slice(0, -1)) {
        const m = JSON.parse(line);
        if (m.ready && !lines.length) {
          // Live means the subscribe is sent; publish once the server has it.
          void until(() => server.subscriptionsOf()?.trades.has("AAPL") === true, "the subscription", 20_000).then(() => {
            server.publish([{ T: "t", S: "AAPL", p: 190.5, s: 3, t: "2026-01-05T15:00:00.5Z" }, { T: "t", S: "AAPL", p: 190.75, s: 1, t: "2026-01-05T15:00:01Z" }]);
          });
        }
        lines.push(m);
      }
      out = out.slice(out.lastIndexOf("\n") + 1);
    });
    const killer = setTimeout(() => child.kill(), 40_000);
    const code = await new Promise((r) => child.on("exit", r));
    clearTimeout(killer);
    expect(code, `${err}\n${JSON.stringify(lines)}`).toBe(0);
    expect(lines.at(-1)).toEqual({ bars: 30, firstClose: START + 60_000, trades: [190.5, 190.75], events: ["accepted", "filled"], fillPrice: ["190"] });
  }, 60_000);
});
