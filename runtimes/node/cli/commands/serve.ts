import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configEnvVars, loadAppConfig } from "../../../../src/config/app-config.ts";
import { startNodeServer } from "../../server.ts";
import { UsageError, type Command } from "../command.ts";

const usage = `Usage: nt serve [--port N] [--host H] [--config FILE.toml]

Serves the HTTP API (indicators, backtests, risk, optimization, paper sessions
over WebSockets; the routes are described at /openapi.json) until interrupted.

  --port N            port to listen on (default 8787; 0 picks a free one)
  --host H            interface to listen on (default 127.0.0.1: this machine only)
  --config FILE.toml  settings file: [server] host, port, trust_proxy;
                      [auth] token, public_routes; [auth.keys.<id>] scopes, sha256
                      or secret; [cors] origins; [limits] body, rate, burst,
                      output_values, jobs, jobs_memory, result_ttl, sessions;
                      [compute] workers, queue, timeout

Environment (overrides the file; flags override both): ${configEnvVars.join(", ")}.

API keys (Authorization: Bearer <secret>), kept only as SHA-256 hashes:
  NT_API_KEYS="alice:read,backtest:<secret> ops:admin:sha256:<64 hex digits>"
  scopes: read (your jobs and sessions), backtest (jobs; compute routes that
  are not public), trade (paper sessions), admin (everything, everyone's).
  NT_API_TOKEN=<secret> is one more key, "token", with the admin scope.
  Jobs and sessions always need a key and belong to it; /indicators, /risk,
  /optimize and /backtest are public unless NT_PUBLIC_ROUTES lists fewer
  ("none": no public compute route).
Jobs may hold NT_JOBS_MEMORY bytes in all (default "256mb"); finished jobs and
ended sessions are forgotten after NT_RESULT_TTL (default "1h").

Heavy requests (/indicators, /risk, /optimize, /backtest, /forecast) are parsed, computed
and serialized on worker threads, so the server keeps answering meanwhile:
  workers  (NT_COMPUTE_WORKERS)  threads; default "auto": one per core but one,
                                 at least one; 0 computes on the serving thread
  queue    (NT_COMPUTE_QUEUE)    requests that may wait for a busy worker
                                 (default 32); beyond them: 503 and Retry-After
  timeout  (NT_COMPUTE_TIMEOUT)  time budget of one request, waiting included
                                 (default "30s"); past it the worker is stopped
                                 and replaced, and the request gets 504`;

export const serveCommand: Command = {
  name: "serve",
  summary: "serve the HTTP and WebSocket API",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { port: { type: "string" }, host: { type: "string" }, config: { type: "string" } },
    });
    let port: number | undefined;
    if (values.port !== undefined) {
      if (!/^\d+$/.test(values.port)) throw new UsageError(`--port expects a number, got "${values.port}"`);
      port = Number(values.port);
    }
    const file = values.config === undefined ? undefined : { name: values.config, text: readFileSync(resolve(io.cwd, values.config), "utf8") };
    const config = loadAppConfig({ env: process.env, file, overrides: { port, host: values.host } });
    const server = await startNodeServer(config);
    io.err(`nt serve: listening on ${server.url} (API description at ${server.url}/openapi.json)\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void server.close().then(done);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  },
};
