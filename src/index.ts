// The library's public entry: the engine's API for any JavaScript host. It
// imports no runtime (test/neutral-build.test.ts bundles it with esbuild
// --platform=neutral); the host passes in what it has (wasm bytes, data, clock).

// Domain model: bars, orders, fills, positions, signals, money, typed errors.
export * from "./core/index.ts";

// Market data.
export * from "./data/csv.ts";
export * from "./data/csv-write.ts";
export * from "./data/synthetic.ts";

// Indicators: batch twins, streaming forms, the "sma:20,rsi:14" list syntax.
export * from "./features/indicators.ts";
export * from "./features/spec.ts";
export * from "./features/sma.ts";
export * from "./features/ema.ts";
export * from "./features/wma.ts";
export * from "./features/rsi.ts";
export * from "./features/macd.ts";
export * from "./features/bbands.ts";
export * from "./features/atr.ts";
export * from "./features/adx.ts";
export * from "./features/stoch.ts";
export * from "./features/obv.ts";
export * from "./features/vwap.ts";
export * from "./features/cci.ts";
export * from "./features/willr.ts";
export * from "./features/roc.ts";

// WebAssembly kernels (bytes in, typed wrappers out).
export * from "./kernels/module.ts";
export * from "./kernels/indicators.ts";
export * from "./kernels/risk.ts";
export * from "./kernels/solver.ts";

// Strategies and backtesting.
export * from "./strategies/index.ts";
export * from "./backtest/engine.ts";
export * from "./backtest/job.ts";
export * from "./backtest/types.ts";

// Research: sweeps, walk-forward, overfitting guards, the vectorized fast path.
export * from "./research/index.ts";
export * from "./kernels/research.ts";

// Portfolio accounting, estimation, optimization and rebalancing.
export * from "./portfolio/portfolio.ts";
export * from "./portfolio/trades.ts";
export * from "./portfolio/estimate.ts";
export * from "./portfolio/optimize.ts";
export * from "./portfolio/rebalance.ts";

// Risk statistics and limits.
export * from "./risk/stats.ts";
export * from "./risk/report.ts";
export * from "./data/returns-csv.ts";
export * from "./risk/pretrade.ts";
export * from "./risk/limits.ts";
export * from "./risk/sizing.ts";

// Linear solvers.
export * from "./solver/types.ts";
export * from "./solver/solver.ts";
export * from "./solver/qp.ts";

// Reports as text and self-contained HTML.
export * from "./report/text.ts";
export * from "./report/html.ts";

// Market data: one interface over Alpaca, Polygon, replayed files and the
// synthetic generator; bar aggregation; the event bus (bounded queues).
export * from "./data/parquet.ts";
export * from "./feeds/market-data.ts";
export * from "./feeds/timeframe.ts";
export * from "./feeds/aggregator.ts";
export * from "./feeds/aggregated-feed.ts";
export * from "./feeds/stream.ts";
export * from "./feeds/bus.ts";
export * from "./feeds/replay.ts";
export * from "./feeds/alpaca-data.ts";
export * from "./feeds/polygon.ts";
export * from "./feeds/from-config.ts";

// Talking to remote services: timers, retries, the circuit breaker, HTTP, a reconnecting WebSocket.
export * from "./net/timers.ts";
export * from "./net/errors.ts";
export * from "./net/retry.ts";
export * from "./net/breaker.ts";
export * from "./net/http.ts";
export * from "./net/websocket.ts";

// Brokers.
export * from "./brokers/alpaca/broker.ts";
export * from "./brokers/alpaca/from-config.ts";

// Vector memory: the HNSW index (TypeScript twin or build/memory.wasm), its
// files, situation vectors and the agent's collections over them.
export * from "./memory/params.ts";
export * from "./memory/vector-index.ts";
export * from "./memory/file-format.ts";
export * from "./memory/hnsw-twin.ts";
export type { HnswBackend, HnswEngine } from "./memory/layout.ts";
export * from "./kernels/memory.ts";
export * from "./memory/situation.ts";
export * from "./memory/collections.ts";

// Configuration and the HTTP API.
export * from "./config/app-config.ts";
export * from "./config/toml.ts";
export * from "./api/index.ts";
