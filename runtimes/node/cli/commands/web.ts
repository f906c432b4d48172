import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../../assets.ts";
import { startStaticServer, type StaticServer } from "../../static-server.ts";
import { UsageError, type CliIO, type Command } from "../command.ts";

const DEFAULT_PORT = 8080;

const usage = `Usage: nt web [--port N] [--host H] [--dir DIR]

Serves the browser app (the engine running entirely in the tab: backtests in a
Web Worker with the WASM kernels, charts, parameter sweeps) as static files.

  --port N     port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H     interface to listen on (default 127.0.0.1, this machine only)
  --dir DIR    folder to serve (default: the engine's dist/web, built by \`npm run build:web\`)

Stop it with Ctrl-C.`;

export const webCommand: Command = {
  name: "web",
  summary: "serve the in-browser backtesting app on http://127.0.0.1:8080/",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { port: { type: "string" }, host: { type: "string" }, dir: { type: "string" } },
    });
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (values.port?.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port expects an integer in 0..65535, got "${values.port}"`);
    }
    const host = values.host ?? "127.0.0.1";
    if (host.trim() === "") throw new UsageError("--host must not be empty");
    const root = values.dir ? resolve(io.cwd, values.dir) : join(packageRoot, "dist", "web");
    if (!existsSync(join(root, "index.html"))) {
      io.err(`nt web: ${join(root, "index.html")} is missing; build the app with \`npm run build:web\` first\n`);
      return 1;
    }
    let server: StaticServer;
    try {
      server = await startStaticServer({ root, port, host });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE") {
        io.err(`nt web: port ${port} on ${host} is already in use; pick another with --port\n`);
        return 1;
      }
      if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND" || err.code === "EACCES") {
        io.err(`nt web: cannot listen on ${host}:${port} (${err.code})\n`);
        return 1;
      }
      throw e;
    }
    io.out(`Serving ${root}\nOpen ${server.url} in your browser (Ctrl-C to stop).\n`);
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
      io.err(`nt web: listening on ${host}, so other machines can reach it; use --host 127.0.0.1 to keep it local\n`);
    }
    await untilStopped(server, io);
    return 0;
  },
};

/** Waits for Ctrl-C (SIGINT) or SIGTERM, then closes the server. */
function untilStopped(server: StaticServer, io: CliIO): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      io.out("Stopped.\n");
      server.close().then(done, done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
