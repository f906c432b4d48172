// Malformed WebSocket frames from one client must close that client with the
// right RFC 6455 close code and leave the server and other subscribers alive.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startDeno, startNode, TOKEN, type Target } from "./targets.ts";

const auth = { authorization: `Bearer ${TOKEN}` };

/** One frame as a client would (or should not) send it. */
function frame(opts: { fin?: boolean; rsv1?: boolean; opcode: number; payload: Buffer; mask?: boolean }): Buffer {
  const { fin = true, rsv1 = false, opcode, payload, mask = true } = opts;
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (payload.length < 126) head.push(m | payload.length);
  else if (payload.length < 65536) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(payload.length);
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(payload.length));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

const closePayload = (code: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return b;
};

/**
 * Completes the handshake on a raw socket, sends `bytes`, and resolves with the close code the server
 * sends back, "dropped" when it closed the TCP connection without one, or "open" when it has done
 * neither within two seconds (the connection still streaming).
 */
function sendRaw(url: string, sessionId: string, bytes: Buffer): Promise<number | "open" | "dropped"> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(`GET /sessions/${sessionId}/stream HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    });
    let data = Buffer.alloc(0);
    let upgraded = false;
    socket.on("data", (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (!upgraded) {
        const end = data.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = data.subarray(0, data.indexOf("\r\n")).toString();
        if (!status.includes(" 101 ")) return reject(new Error(`handshake refused: ${status}`));
        upgraded = true;
        data = data.subarray(end + 4);
        socket.write(bytes);
      }
      // Server frames are unmasked; skip data frames until the close frame (opcode 8).
      for (;;) {
        if (data.length < 2) return;
        let len = data[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (data.length < 4) return;
          len = data.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (data.length < 10) return;
          len = Number(data.readBigUInt64BE(2));
          off = 10;
        }
        if (data.length < off + len) return;
        if ((data[0] & 0x0f) === 8) {
          socket.destroy();
          return resolve(len >= 2 ? data.readUInt16BE(off) : 1005);
        }
        data = data.subarray(off + len);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve("dropped"));
    setTimeout(() => {
      if (socket.destroyed) return;
      socket.destroy();
      resolve("open");
    }, 2_000);
  });
}

describe.each([["node", startNode], ["deno", startDeno]] as const)("malformed WebSocket frames on %s", (_, start) => {
  let node: Target;
  let sessionId: string;

  beforeAll(async () => {
    node = await start();
    const res = await node.fetch("/sessions", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ sample: "sp500", strategy: "momentum", barsPerSecond: 20 }),
    });
    sessionId = (await res.json()).id;
  }, 90_000);
  afterAll(async () => node?.close());

  const cases: [string, Buffer, number][] = [
    ["an unmasked frame", frame({ opcode: 1, payload: Buffer.from("hi"), mask: false }), 1002],
    ["an unknown opcode", frame({ opcode: 3, payload: Buffer.from("hi") }), 1002],
    ["invalid UTF-8 text", frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) }), 1007],
    ["RSV1 without a negotiated extension", frame({ rsv1: true, opcode: 1, payload: Buffer.from("hi") }), 1002],
    ["close code 999", frame({ opcode: 8, payload: closePayload(999) }), 1002],
    ["a fragmented ping", frame({ fin: false, opcode: 9, payload: Buffer.from("p") }), 1002],
    ["a message over the size limit", frame({ opcode: 2, payload: Buffer.alloc(70_000) }), 1009],
  ];

  it("close only the offending connection, with the right code, while a subscriber keeps receiving", async () => {
    const subscriber = new WebSocket(`${node.url!.replace(/^http/, "ws")}/sessions/${sessionId}/stream`, { headers: auth });
    let received = 0;
    subscriber.on("message", () => received++);
    await new Promise((resolve, reject) => subscriber.once("open", resolve).once("error", reject));
    for (const [name, bytes, code] of cases) {
      const answer = await sendRaw(node.url!, sessionId, bytes);
      // Deno's own WebSocket (not ours to change) drops some bad connections without a close frame
      // and ignores an unmasked frame; what matters there is that the server and subscriber live on.
      if (node.name === "node" || code === 1009) expect(answer, name).toBe(code);
      else expect([code, "dropped", "open"], name).toContain(answer);
      expect((await node.fetch("/health")).status, `after ${name}`).toBe(200);
    }
    const before = received;
    await new Promise((r) => setTimeout(r, 300));
    expect(subscriber.readyState).toBe(WebSocket.OPEN);
    expect(received).toBeGreaterThan(before);
    subscriber.close();
  });
});
