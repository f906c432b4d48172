// nt news stream against the local Alpaca-protocol news server, run as a
// child process (signals, a dropped connection): the JSON lines equal the
// records nt news fetch writes for the same articles; --max, SIGTERM and
// SIGINT end it with exit 0 and a count; a drop mid-stream loses nothing
// and repeats nothing; refused keys and bad flags say what to fix.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseNewsText, scoredArticles } from "../../src/news/news-file.ts";
import { root } from "../helpers.ts";
import { KEY, NewsServer, rawNews } from "../protocol-servers/news.ts";
import { buildCli } from "./built-cli.ts";
import { nt } from "./capture.ts";

const dir = join(root, "node_modules/.cache/test-news-stream", String(process.pid));
let cli = "";
let server: NewsServer;
let config = "";
let running: ChildProcess | undefined;

beforeAll(async () => {
  [cli, server] = await Promise.all([buildCli(dir), NewsServer.start()]);
  config = join(dir, "nt.toml");
  writeFileSync(config, `[alpaca]\nkey_id = "${KEY.keyId}"\nsecret = "${KEY.secret}"\ndata_url = "${server.base}"\nnews_stream_url = "${server.streamUrl}"\n`);
  writeFileSync(join(dir, "bad.toml"), `[alpaca]\nkey_id = "PKWRONG000000000"\nsecret = "wrong-secret-0123456789"\ndata_url = "${server.base}"\nnews_stream_url = "${server.streamUrl}"\n`);
  writeFileSync(join(dir, "nokeys.toml"), `[alpaca]\nnews_stream_url = "${server.streamUrl}"\n`);
}, 60_000);
afterEach(async () => {
  running?.kill("SIGKILL");
  running = undefined;
  await waitFor(() => server.streamConnections === 0, "earlier connections to close");
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The environment without the developer's own NT_ settings: the config file says everything. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NT_")));
}

/** `nt news stream ...args` as a child process; out and err grow as it writes. */
function stream(...args: string[]) {
  const child = spawn(process.execPath, [cli, "news", "stream", "--config", config, ...args], { cwd: root, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  running = child;
  const run = { out: "", err: "", lines: () => run.out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)) };
  child.stdout.on("data", (d: Buffer) => (run.out += d));
  child.stderr.on("data", (d: Buffer) => (run.err += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("close", (code, signal) => done({ code, signal })));
  return Object.assign(run, { child, ended });
}

/** Waits for the stream to be live (its status line and the server's subscription). */
async function live(run: ReturnType<typeof stream>, sessions = 1): Promise<void> {
  await waitFor(() => (run.err.match(/^nt news: live: /gm)?.length ?? 0) >= sessions && server.subscribedClients === 1, `live session ${sessions}`);
}

describe("nt news stream", () => {
  it("writes each article about its symbols as one JSON line, the record nt news fetch writes; SIGTERM ends it with a count", async () => {
    const run = stream("--symbols", "NWND,GLBX");
    await live(run);
    expect(server.received.at(-1)).toEqual({ action: "subscribe", news: ["NWND", "GLBX"] });
    server.publish([
      rawNews(101, "2026-02-02T14:30:00Z", "Northwind beats estimates, raises outlook", ["NWND"], "<p>Shares jump &amp; analysts cheer.</p>"),
      rawNews(102, "2026-02-02T14:31:00Z", "Initech recalls printers", ["INTC"]),
    ]);
    server.publish([rawNews(103, "2026-02-02T14:32:00Z", "Globex faces fraud probe", ["GLBX", "NWND"])]);
    await waitFor(() => run.lines().length === 2, "two lines");
    run.child.kill("SIGTERM");
    expect(await run.ended).toEqual({ code: 0, signal: null });
    const fetched = await nt("news", "fetch", "--source", "alpaca", "--symbols", "NWND,GLBX", "--from", "2026-02-02", "--to", "2026-02-03", "--config", config);
    expect(fetched.err).toBe("");
    const file = JSON.parse(fetched.out);
    expect(file.map((a: { id: string }) => a.id)).toEqual(["101", "103"]);
    // The whole record, field for field: id, headline, symbols, time, score (and so its label) and the rest.
    expect(run.lines()).toEqual(file);
    expect(run.lines().map((a) => [a.id, a.headline, a.symbols, a.time, a.score])).toEqual([
      ["101", "Northwind beats estimates, raises outlook", ["NWND"], "2026-02-02T14:30:00.000Z", file[0].score],
      ["103", "Globex faces fraud probe", ["GLBX", "NWND"], "2026-02-02T14:32:00.000Z", -2 / 3],
    ]);
    expect(file[0].score).toBeGreaterThan(0.2);
    // The lines as written are a news file for nt backtest --news, scores as written.
    const asFile = parseNewsText(run.out, "stream.jsonl");
    expect(scoredArticles(asFile).map((a) => [a.id, a.score])).toEqual(file.map((a: { id: string; score: number }) => [a.id, a.score]));
    expect(run.err).toBe([
      `nt news: connecting to ${server.streamUrl}`, "nt news: live: news about NWND, GLBX", "nt news: closed: closed by client",
      "nt news: 2 articles written (stopped by SIGTERM)", "",
    ].join("\n"));
  }, 60_000);

  it("--max N ends after N articles with exit 0, appending to --out; '*' streams all news", async () => {
    const out = join(dir, "max.jsonl");
    writeFileSync(out, '{"id":"earlier"}\n');
    const run = stream("--symbols", "*", "--max", "2", "--out", out);
    await live(run);
    expect(server.received.at(-1)).toEqual({ action: "subscribe", news: ["*"] });
    server.sendRaw("not json");
    server.sendRaw(JSON.stringify([{ T: "n", id: 200, headline: "x", created_at: "soon", symbols: [] }]));
    server.publish([
      rawNews(201, "2026-02-03T14:30:00Z", "Stocks rally", []),
      rawNews(202, "2026-02-03T14:31:00Z", "Northwind misses", ["NWND"]),
      rawNews(203, "2026-02-03T14:32:00Z", "Globex soars", ["GLBX"]),
    ]);
    expect(await run.ended).toEqual({ code: 0, signal: null });
    expect(run.out).toBe("");
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((a) => a.id)).toEqual(["earlier", "201", "202"]);
    expect(run.err).toContain([
      "nt news: live: all news",
      'nt news: warning: Alpaca news stream sent a malformed message, skipped: not JSON: "not json"',
      'nt news: warning: Alpaca news stream, element 0: created_at must be an RFC 3339 time, got "soon"', "",
    ].join("\n"));
    expect(run.err.endsWith(`nt news: 2 articles written to ${out} (--max 2 reached)\n`)).toBe(true);
  }, 60_000);

  it("after a drop mid-stream it reconnects and writes what was published meanwhile, each article once", async () => {
    const run = stream("--symbols", "MSFT");
    await live(run);
    server.publish([rawNews(301, "2026-02-04T14:30:00Z", "Microsoft one", ["MSFT"])]);
    await waitFor(() => run.lines().length === 1, "the first article");
    // Published while the CLI is away: in the archive only, never sent on the stream.
    server.news.push(rawNews(302, "2026-02-04T14:31:00Z", "Microsoft two", ["MSFT"]), rawNews(303, "2026-02-04T14:32:00Z", "Microsoft three", ["MSFT"]));
    server.dropStreamClients();
    await live(run, 2);
    await waitFor(() => run.lines().length === 3, "the missed articles");
    // One sent again live, and a new one.
    server.publish([rawNews(303, "2026-02-04T14:32:00Z", "Microsoft three", ["MSFT"]), rawNews(304, "2026-02-04T14:33:00Z", "Microsoft four", ["MSFT"])]);
    await waitFor(() => run.lines().length === 4, "the next live article");
    run.child.kill("SIGINT");
    expect(await run.ended).toEqual({ code: 0, signal: null });
    expect(run.lines().map((a) => a.id)).toEqual(["301", "302", "303", "304"]);
    const recovery = server.requests.filter((q) => q.path === "/v1beta1/news").at(-1)!;
    expect(new URLSearchParams(recovery.query).get("start")).toBe("2026-02-04T14:30:00.000Z");
    expect(run.err).toMatch(/^nt news: live: news about MSFT\nnt news: reconnecting in \d+\.\d s: connection closed\nnt news: live: news about MSFT\n/m);
    expect(run.err.endsWith("nt news: 4 articles written (stopped by SIGINT)\n")).toBe(true);
  }, 60_000);

  it("a reader of stdout that goes away (nt news stream | head -1) ends it cleanly", async () => {
    const run = stream("--symbols", "NWND");
    await live(run);
    server.publish([rawNews(401, "2026-02-05T14:30:00Z", "Northwind one", ["NWND"])]);
    await waitFor(() => run.lines().length === 1, "the first line");
    run.child.stdout!.destroy();
    server.publish([rawNews(402, "2026-02-05T14:31:00Z", "Northwind two", ["NWND"])]);
    expect(await run.ended).toEqual({ code: 0, signal: null });
    expect(run.err.endsWith("nt news: 2 articles written (the reader of stdout went away; the last line may not have reached it)\n")).toBe(true);
  }, 60_000);

  it.skipIf(!existsSync("/dev/full"))("a write that fails (a full disk) ends it with exit 1 and the system's message", async () => {
    const run = stream("--symbols", "NWND", "--out", "/dev/full");
    await live(run);
    server.publish([rawNews(501, "2026-02-06T14:30:00Z", "Northwind one", ["NWND"]), rawNews(502, "2026-02-06T14:31:00Z", "Northwind two", ["NWND"])]);
    expect(await run.ended).toEqual({ code: 1, signal: null });
    expect(run.err.split("\n").slice(-3)).toEqual(["nt news: 0 articles written to /dev/full (writing failed)", "nt news: ENOSPC: no space left on device, write", ""]);
  }, 60_000);

  it("refused keys end it with exit 1 and the settings to check; no keys at all, too", async () => {
    const bad = await nt("news", "stream", "--symbols", "NWND", "--config", join(dir, "bad.toml"));
    expect(bad.code).toBe(1);
    expect(bad.out).toBe("");
    expect(bad.err).toBe([
      `nt news: connecting to ${server.streamUrl}`,
      'nt news: Alpaca news stream error 402: authentication failed: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET) (server said: "auth failed")', "",
    ].join("\n"));
    const saved = { id: process.env.NT_ALPACA_KEY_ID, secret: process.env.NT_ALPACA_SECRET };
    delete process.env.NT_ALPACA_KEY_ID;
    delete process.env.NT_ALPACA_SECRET;
    try {
      const none = await nt("news", "stream", "--symbols", "NWND", "--config", join(dir, "nokeys.toml"));
      expect(none.code).toBe(1);
      expect(none.err).toBe("nt news: Alpaca needs an API key: set NT_ALPACA_KEY_ID and NT_ALPACA_SECRET (or key_id and secret under [alpaca] in the config file)\n");
    } finally {
      if (saved.id !== undefined) process.env.NT_ALPACA_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.NT_ALPACA_SECRET = saved.secret;
    }
  }, 30_000);

  it("names what is wrong with the flags (exit 2, before any connection)", async () => {
    const err = async (...argv: string[]) => {
      const r = await nt("news", "stream", ...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain("nt news stream --symbols A[,B...]|'*'");
      return r.err.split("\n")[0];
    };
    const before = server.requests.length + server.received.length;
    expect(await err("--symbols", "NWND", "--max", "0")).toBe('nt news: --max must be a whole number of articles from 1, got "0"');
    expect(await err("--symbols", "NWND", "--max", "1.5")).toBe('nt news: --max must be a whole number of articles from 1, got "1.5"');
    expect(await err("--symbols", "")).toBe(`nt news: --symbols must be tickers in capitals separated by commas, or '*' alone for all news, got ""`);
    expect(await err("--symbols", "NWND,*")).toBe(`nt news: --symbols must be tickers in capitals separated by commas, or '*' alone for all news, got "NWND,*"`);
    expect(await err()).toBe("nt news: --symbols is required: the tickers whose news to stream, comma-separated, or '*' for all news");
    expect(await err("--symbols", "NWND", "--bogus")).toMatch(/^nt news: Unknown option '--bogus'/);
    expect(await err("--symbols", "NWND", "--from", "2026-01-01")).toBe("nt news: --from belongs to nt news fetch; stream reads Alpaca's news from now on");
    expect(await err("--symbols", "NWND", "--alias", "NWND=Northwind")).toBe("nt news: --alias belongs to nt news fetch --source rss: Alpaca tags its articles itself");
    expect(await err("--symbols", "NWND", "--json")).toBe("nt news: --json belongs to nt news score; stream writes JSON lines anyway");
    expect(await err("--symbols", "NWND", "wss://elsewhere")).toBe(`nt news: nt news stream takes no "wss://elsewhere": it reads Alpaca's news stream (NT_ALPACA_NEWS_STREAM_URL)`);
    // --out must stay a news file once appended to.
    const array = join(dir, "fetched.json");
    writeFileSync(array, '[{"id":"1","time":"2026-01-01T00:00:00Z","headline":"x"}]\n');
    const unended = join(dir, "unended.jsonl");
    writeFileSync(unended, '{"id":"1"}');
    const refused = "holds something other than JSON lines ending with a line break; appending would make it unreadable as a news file: give a new file";
    expect(await err("--symbols", "NWND", "--out", array)).toBe(`nt news: --out ${array} ${refused}`);
    expect(await err("--symbols", "NWND", "--out", unended)).toBe(`nt news: --out ${unended} ${refused}`);
    expect(await err("--symbols", "NWND", "--out", dir)).toBe(`nt news: --out ${dir}: is a directory; give a file name`);
    expect(await err("--symbols", "NWND", "--out", "")).toBe("nt news: --out needs a file name");
    expect(readFileSync(array, "utf8")).toBe('[{"id":"1","time":"2026-01-01T00:00:00Z","headline":"x"}]\n');
    expect(server.requests.length + server.received.length).toBe(before);
  });
});
