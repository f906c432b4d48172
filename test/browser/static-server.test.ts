// The static server behind `nt web`: content types, no way out of its root,
// and the command itself, run as a real process and stopped with Ctrl-C.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../runtimes/node/cli/main.ts";
import { contentType, resolveRequestPath, startStaticServer, type StaticServer } from "../../runtimes/node/static-server.ts";
import { root } from "./browser.ts";

const base = mkdtempSync(join(tmpdir(), "nt-static-"));
const site = join(base, "web");
const SECRET = "outside the served folder";

let server: StaticServer;

beforeAll(async () => {
  mkdirSync(join(site, "sub"), { recursive: true });
  mkdirSync(join(base, "web-secret"));
  writeFileSync(join(site, "index.html"), "<!doctype html><title>home</title>");
  writeFileSync(join(site, "app.js"), "console.log(1)");
  writeFileSync(join(site, "k.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(site, "data file.csv"), "date,open\n");
  writeFileSync(join(site, "sub", "index.html"), "sub home");
  writeFileSync(join(base, "secret.txt"), SECRET);
  writeFileSync(join(base, "web-secret", "key.txt"), SECRET);
  symlinkSync(join(base, "secret.txt"), join(site, "link.txt"));
  server = await startStaticServer({ root: site });
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

/** A request with the path exactly as given (fetch would normalize `..` away). */
function raw(path: string, method = "GET"): Promise<{ status: number; type: string; body: string; length?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({
        status: res.statusCode!, type: String(res.headers["content-type"]), body, length: res.headers["content-length"],
      }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the static server", () => {
  it("listens on 127.0.0.1 by default and serves index.html for folders", async () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const home = await raw("/");
    expect(home).toMatchObject({ status: 200, type: "text/html; charset=utf-8", body: "<!doctype html><title>home</title>" });
    expect((await raw("/sub/")).body).toBe("sub home");
    expect((await raw("/sub")).body).toBe("sub home");
    expect((await raw("/data%20file.csv")).type).toBe("text/csv; charset=utf-8");
    expect((await raw("/index.html?v=2#x")).status).toBe(200);
  });

  it("sends the content types browsers need, application/wasm included", async () => {
    expect((await raw("/k.wasm")).type).toBe("application/wasm");
    expect((await raw("/app.js")).type).toBe("text/javascript; charset=utf-8");
    expect(contentType("styles.css")).toBe("text/css; charset=utf-8");
    expect(contentType("app.js.map")).toBe("application/json; charset=utf-8");
    expect(contentType("README")).toBe("application/octet-stream");
    expect(contentType("X.WASM")).toBe("application/wasm");
  });

  it("never serves a file outside its root", async () => {
    for (const path of [
      "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt",
      "/../web-secret/key.txt", "/..%5csecret.txt", "/%5c..%5csecret.txt", "/index.html%00.txt", "/%E0%A4%A", "/link.txt",
    ]) {
      const res = await raw(path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain(SECRET);
    }
    expect(resolveRequestPath("/srv/web", "/../x")).toBeNull();
    expect(resolveRequestPath("/srv/web", "/a/b")).toBe("/srv/web/a/b");
  });

  it("answers 404 for missing files, 405 for other methods, and HEAD without a body", async () => {
    expect((await raw("/nope.js")).status).toBe(404);
    const post = await raw("/", "POST");
    expect(post.status).toBe(405);
    const head = await raw("/app.js", "HEAD");
    expect(head).toMatchObject({ status: 200, body: "", length: "14" });
  });
});

async function nt(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), progress: () => {}, cwd: base });
  return { code, out, err };
}

describe("nt web", () => {
  it("is listed in nt --help and explains its options", async () => {
    expect((await nt("--help")).out).toMatch(/\n {2}web +serve the in-browser backtesting app/);
    const help = await nt("web", "--help");
    expect(help.out).toContain("Usage: nt web [--port N] [--host H]");
  });

  it("refuses a bad port, a folder without the build, and a port in use", async () => {
    const bad = await nt("web", "--port", "70000");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--port expects an integer in 0..65535, got "70000"');
    const missing = await nt("web", "--port", "0", "--dir", "nowhere");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("index.html is missing; build the app with `npm run build:web` first");
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
    const port = (taken.address() as { port: number }).port;
    const busy = await nt("web", "--port", String(port), "--dir", site);
    taken.close();
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`port ${port} on 127.0.0.1 is already in use; pick another with --port`);
  });

  it("serves a folder as a process, tells the URL, and stops on Ctrl-C", async () => {
    const child = spawn(process.execPath, ["scripts/run-ts.mjs", "runtimes/node/cli/index.ts", "web", "--port", "0", "--dir", site], { cwd: root });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (out += t));
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    const url = await new Promise<string>((ok, fail) => {
      const timer = setInterval(() => {
        const m = /Open (http:\/\/127\.0\.0\.1:\d+\/) in your browser/.exec(out);
        if (m) {
          clearInterval(timer);
          ok(m[1]);
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(timer);
        fail(new Error(`nt web exited (${code}) before serving:\n${out}`));
      });
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<!doctype html><title>home</title>");
    expect((await fetch(`${url}k.wasm`)).headers.get("content-type")).toBe("application/wasm");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(out).toContain("Stopped.");
  }, 60_000);
});
