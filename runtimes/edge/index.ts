// The edge adapter: a module exporting `fetch`, with no Node or Deno API.
// esbuild embeds the kernels (--loader:.wasm=binary) and the sample series
// (--loader:.csv=text), so it needs no file system; see runtimes/edge/build.mjs.
import indicatorsWasm from "../../build/indicators.wasm";
import riskWasm from "../../build/risk.wasm";
import solverWasm from "../../build/solver.wasm";
import sp500Csv from "../../data/sp500.csv";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { errorResponse } from "../../src/api/errors.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";

let engine: Promise<EngineApp> | undefined;

/**
 * Compiling WebAssembly is async and some edge runtimes forbid it at module
 * load, so the app is built on the first request, with the configuration
 * from that request's environment bindings (plain string values).
 */
function start(env: Record<string, unknown>): Promise<EngineApp> {
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
  return (engine ??= loadKernels({ indicators: indicatorsWasm, risk: riskWasm, solver: solverWasm }).then((kernels) =>
    createApp({
      config: loadAppConfig({ env: vars }),
      kernels,
      samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500 index, daily, 2000-2020", load: () => sp500Csv }],
      app: __APP_INFO__,
    }),
  ).catch((e) => {
    engine = undefined;
    throw e;
  }));
}

export async function fetch(request: Request, env: Record<string, unknown> = {}): Promise<Response> {
  let app: EngineApp;
  try {
    app = await start(env);
  } catch (e) {
    console.error("nt edge: start-up failed", e);
    return errorResponse(500, "startup_failed", `the API could not start: ${(e as Error).message}`);
  }
  return app.fetch(request, {});
}

export default { fetch };
