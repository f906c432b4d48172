import { requireAlpacaCredentials, type AppConfig } from "../../config/app-config.ts";
import type { FeedDeps } from "../../feeds/from-config.ts";
import { AlpacaBroker } from "./broker.ts";

/** The Alpaca broker with the keys and trading endpoint of AppConfig (paper unless set to live). */
export function alpacaBroker(config: AppConfig, deps: FeedDeps & { readonly onError?: (error: Error) => void }): AlpacaBroker {
  return new AlpacaBroker({ credentials: requireAlpacaCredentials(config), tradingUrl: config.alpaca.tradingUrl, ...deps });
}
