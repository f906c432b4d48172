// `nt mcp` over stdio, the CLI bundled from source and spawned as an MCP
// client spawns it, with the SDK's own Client: the tools answer what the CLI
// answers for the same inputs, the local user needs no key, and the server
// ends when its client closes stdin. Then the same tools from a real
// `nt serve` process at POST /mcp.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../../src/mcp/tools.ts";

/** Every tool but search_memory: these servers hold no vector memory (test/api/memory-search.test.ts has one). */
const servedTools = TOOLS.map((t) => t.name).filter((name) => name !== "search_memory");
import { stable } from "../api/fixtures.ts";
import { buildCli } from "../cli/built-cli.ts";
import { nt } from "../cli/capture.ts";
import { root } from "../helpers.ts";
import { httpClient, initialize, outcome } from "./clients.ts";

const dir = join(root, "node_modules/.cache/test-mcp", String(process.pid));
const cli = join(dir, "nt.mjs");
let client: Client;
let stderr = "";

beforeAll(async () => {
  await buildCli(dir);
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, "mcp"], cwd: root, env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" });
  transport.stderr?.on("data", (d: Buffer) => (stderr += d));
  client = new Client({ name: "nt-test", version: "0.0.0" });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (name: string, args: Record<string, unknown> = {}) => outcome(await client.callTool({ name, arguments: args }));

/** The built CLI run to the end; its stdout, and its exit code checked. */
function ntRun(...argv: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd: root, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe("nt mcp", () => {
  it("offers every tool to the local user", async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(servedTools);
    expect(stderr).toContain("nt mcp: serving 10 tools on stdio");
  });

  it("run_backtest: the report nt backtest --json prints for the same run, final equity included", async () => {
    const got = await call("run_backtest", { sample: "sp500", strategy: "momentum", params: { fast: 10, slow: 40 }, config: { stopLossPct: 0.05, commissionPerShare: 0.01 } });
    const cli = JSON.parse(ntRun("backtest", "--strategy", "momentum", "--param", "fast=10", "--param", "slow=40", "--stop-loss", "0.05", "--commission", "0.01", "--json"));
    expect(got.isError).toBe(false);
    expect((got.json as { finalEquity: number }).finalEquity).toBe(cli.finalEquity);
    expect(stable(got.json)).toEqual(stable(cli));
  });

  it("compute_indicators over the bundled sample: the columns nt indicators writes for its file", async () => {
    const spec = "sma:20,rsi:14,bbands:20:2,adx:14";
    const got = (await call("compute_indicators", { sample: "sp500", indicators: spec })).json as { rows: number; columns: Record<string, (number | null)[]> };
    const out = join(dir, "indicators.csv");
    ntRun("indicators", "--data", "data/sp500.csv", "--spec", spec, "--out", out);
    const [header, ...lines] = readFileSync(out, "utf8").trim().split("\n");
    const names = header!.split(",").slice(1);
    expect(names).toEqual(Object.keys(got.columns));
    expect(lines.length).toBe(got.rows);
    names.forEach((name, k) => {
      // The CSV writes each float64 as its shortest exact text, empty where undefined.
      const fromCli = lines.map((l) => l.split(",")[k + 1]).map((cell) => (cell === "" ? null : Number(cell)));
      expect(got.columns[name], name).toEqual(fromCli);
    });
  });

  it("forecast: the closes nt forecast --json forecasts, to float32 rounding", async () => {
    const got = (await call("forecast", { sample: "sp500", model: "nhits", horizon: 4 })).json as { forecast: number[] };
    const cli: number[] = JSON.parse(ntRun("forecast", "--model", "nhits", "--horizon", "4", "--json")).forecast;
    // The CLI may run the weights on a float32 WASM forward where the API runs the TypeScript one.
    expect(got.forecast).toHaveLength(4);
    got.forecast.forEach((x, j) => expect(Math.abs(x / cli[j]! - 1), `step ${j + 1}`).toBeLessThan(1e-6));
  });

  it("a bad argument is a tool error with the CLI's message, and the server goes on", async () => {
    const bad = await call("run_backtest", { sample: "sp500", strategy: "nope" });
    const r = spawnSync(process.execPath, [cli, "backtest", "--strategy", "nope"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(bad).toMatchObject({ isError: true, text: r.stderr.trim().replace(/^nt backtest: /, "") });
    expect((await call("list_strategies")).isError).toBe(false);
  });

  it("paper sessions without a key: a finished one ends at the backtest's final equity; a running one stops", async () => {
    const body = { sample: "sp500", strategy: "mean-reversion", config: { stopLossPct: 0.03 } };
    const fast = (await call("start_paper_session", { ...body, barsPerSecond: 10_000 })).json as { id: string; owner: string };
    expect(fast.owner).toBe("local");
    let view = (await call("inspect_paper_session", { id: fast.id })).json as { status: string; snapshot: { equity: number; barsDone: number } };
    // 5,105 bars at 10,000 a second: polled until the replay has played them all.
    for (let i = 0; i < 1000 && view.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      view = (await call("inspect_paper_session", { id: fast.id })).json as typeof view;
    }
    expect(view.status).toBe("finished");
    const report = (await call("run_backtest", body)).json as { finalEquity: number; bars: number };
    expect(view.snapshot.barsDone).toBe(report.bars);
    expect(view.snapshot.equity).toBe(report.finalEquity);

    const slow = (await call("start_paper_session", { ...body, barsPerSecond: 1 })).json as { id: string };
    const listed = (await call("list_paper_sessions")).json as { sessions: { id: string; status: string }[] };
    expect(listed.sessions.map((s) => [s.id, s.status])).toEqual([[fast.id, "finished"], [slow.id, "running"]]);
    expect(((await call("stop_paper_session", { id: slow.id })).json as { status: string }).status).toBe("stopped");
  });
});

describe("the process", () => {
  it("--help lists the tools with their operations; a bad flag is a usage error", async () => {
    const help = await nt("mcp", "--help");
    for (const t of TOOLS) expect(help.out).toMatch(new RegExp(`\\n  ${t.name} +${t.operation.replace(/[{}]/g, "\\$&")}\\n`));
    const bad = await nt("mcp", "--port", "1");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^nt mcp: Unknown option '--port'/);
  });

  it("ends with exit code 0 when its client closes stdin, paper sessions running", async () => {
    const child = spawn(process.execPath, [cli, "mcp"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    const answered = new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => {
      out += d;
      if (out.split("\n").length > 2) resolve();
    }));
    const message = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    message(initialize);
    message({ jsonrpc: "2.0", method: "notifications/initialized" });
    message({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "start_paper_session", arguments: { sample: "sp500", strategy: "momentum", barsPerSecond: 1 } } });
    await answered;
    const [init, started] = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(init.result.serverInfo.name).toBe("neural-trader-engine");
    expect(started.result.structuredContent.status).toBe("running");
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.end();
    expect(await exit, err).toBe(0);
  });
});

describe("nt serve", () => {
  it("serves the same tools at POST /mcp to a key with the backtest scope", async () => {
    const secret = "mcp-serve-secret-0123456789";
    const child = spawn(process.execPath, [cli, "serve", "--port", "0"], {
      cwd: root, env: { PATH: process.env.PATH ?? "", NT_API_KEYS: `agent:backtest:${secret}` }, stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    const url = new Promise<string>((resolve) => child.stderr.on("data", (d: Buffer) => {
      err += d;
      const m = /listening on (http:\/\/\S+) /.exec(err);
      if (m) resolve(m[1]!);
    }));
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const base = await url;
      const served = await httpClient((path, init) => fetch(base + path, init), secret);
      expect((await served.listTools()).tools.map((t) => t.name)).toEqual(servedTools);
      const args = { sample: "sp500", strategy: "momentum", params: { fast: 10, slow: 40 } };
      const viaHttp = outcome(await served.callTool({ name: "run_backtest", arguments: args }));
      expect(stable(viaHttp.json)).toEqual(stable((await call("run_backtest", args)).json));
      expect(outcome(await served.callTool({ name: "list_paper_sessions", arguments: {} })).text).toMatch(/^list_paper_sessions needs the "read" scope/);
      await served.close();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exit, err).toBe(0);
  });
});
