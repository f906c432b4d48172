// The one function every edge entry shares (index.ts, worker.ts, vercel.ts):
// the app built from the kernels the entry imported and the platform's
// environment. Only how the kernels arrive and where the environment and the
// client's address come from differ per platform. The sample series and the
// forecasting weights are part of every build (esbuild's text and binary loaders).
import sp500Csv from "../../data/sp500.csv";
import lstm from "../../models/lstm.safetensors";
import nhits from "../../models/nhits.safetensors";
import transformer from "../../models/transformer.safetensors";
import { createApp, loadKernels, type EngineApp, type KernelSources } from "../../src/api/index.ts";
import { errorResponse } from "../../src/api/errors.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { EDGE_DEFAULTS } from "./defaults.ts";

export type EdgeFetch = (request: Request, env?: Readonly<Record<string, unknown>>, clientAddress?: string) => Promise<Response>;

/**
 * A fetch handler over the app. Instantiating WebAssembly is async and some
 * platforms forbid it at module load, so the app is built on the first
 * request, configured from that request's environment (its string values).
 */
export function edgeFetch(kernels: KernelSources): EdgeFetch {
  let engine: Promise<EngineApp> | undefined;
  const start = (env: Readonly<Record<string, unknown>>) => (engine ??= loadKernels(kernels).then((loaded) =>
    createApp({
      config: loadAppConfig({ env: { ...EDGE_DEFAULTS, ...stringValues(env) } }),
      kernels: loaded,
      samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500 index, daily, 2000-2020", load: () => sp500Csv }],
      models: { nhits: () => nhits, lstm: () => lstm, transformer: () => transformer },
      app: __APP_INFO__,
      // Each request may reach a fresh isolate: jobs and paper sessions would vanish between requests.
      stateful: false,
    }),
  ).catch((e) => {
    engine = undefined;
    throw e;
  }));

  return async (request, env = {}, clientAddress) => {
    let app: EngineApp;
    try {
      app = await start(env);
    } catch (e) {
      console.error("nt edge: start-up failed", e);
      return errorResponse(500, "startup_failed", `the API could not start: ${(e as Error).message}`);
    }
    return app.fetch(request, { clientAddress });
  };
}

/**
 * The settings among the platform's bindings: non-empty strings (other kinds,
 * such as KV namespaces, are not settings; an empty one keeps the edge default).
 */
function stringValues(env: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""));
}
