// `nt serve` as a user runs it: a real process, settings from a TOML file
// and the environment, stopped by a signal.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../helpers.ts";
import { buildCli } from "../cli/built-cli.ts";

const dir = join(root, "node_modules/.cache/test-serve", String(process.pid));
const cli = join(dir, "nt.mjs");
const TOKEN = "cli-test-token-0123456789";

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await buildCli(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: Promise<number | null>;
  stderr: () => string;
  url: Promise<string>;
  stop(): void;
}

function nt(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  child.stderr.on("data", (d: Buffer) => {
    err += d;
    const m = /listening on (http:\/\/\S+) /.exec(err);
    if (m) found(m[1]);
  });
  child.stdout.resume();
  return {
    code: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
    stderr: () => err,
    url,
    stop: () => child.kill("SIGTERM"),
  };
}

describe("nt serve", () => {
  it("serves with settings from --config and the environment, and exits 0 on SIGTERM", async () => {
    const config = join(dir, "nt.toml");
    writeFileSync(config, `# test settings\n[server]\nhost = "127.0.0.1"\nport = 1\n[auth]\ntoken = "${TOKEN}"\n[limits]\nrate = "off"\n[compute]\nworkers = 1\nqueue = 4\ntimeout = "20s"\n`);
    // NT_PORT overrides the file's port; --port would override both.
    const run = nt(["serve", "--config", config], { NT_PORT: "0" });
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok" });
    // Computed by the bundled worker thread beside nt.mjs.
    const sma = await fetch(`${url}/indicators`, { method: "POST", body: JSON.stringify({ series: [1, 2, 3], indicators: ["sma:2"] }) });
    expect(await sma.json()).toEqual({ rows: 3, columns: { "sma:2": [null, 1.5, 2.5] } });
    const session = await fetch(`${url}/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ sample: "sp500", strategy: "momentum", barsPerSecond: 100 }),
    });
    expect(session.status).toBe(201);
    run.stop();
    expect(await run.code).toBe(0);
  });

  it("refuses a bad flag with the usage (exit 2) and a bad config naming the line (exit 1)", async () => {
    const flag = nt(["serve", "--port", "http"]);
    expect(await flag.code).toBe(2);
    expect(flag.stderr()).toContain('--port expects a number, got "http"');
    expect(flag.stderr()).toContain("Usage: nt serve");
    const config = join(dir, "bad.toml");
    writeFileSync(config, "[server]\nport = 80\nhots = \"x\"\n");
    const bad = nt(["serve", "--config", config]);
    expect(await bad.code).toBe(1);
    expect(bad.stderr()).toContain("line 3: server.hots unknown key");
  });
});
