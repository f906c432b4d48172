// The page: data in, a strategy and its parameters, a backtest in a Web
// Worker with progress and cancel, the results drawn, and parameter sweeps
// across a pool of workers. Everything runs in this tab.
import { Backtest } from "../../src/backtest/engine.ts";
import { CONFIG_SETTINGS, type ConfigSettingName } from "../../src/backtest/config.ts";
import { strategyAndConfig, type SizingSpec } from "../../src/backtest/job.ts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { AnalyzedReport } from "../../src/report/analysis.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { EngineError } from "../../src/core/errors.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { getStrategy, strategies } from "../../src/strategies/index.ts";
import { settingFromText, type SettingSpec } from "../../src/core/settings.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS, type LimitSettingName, type RiskLimits } from "../../src/risk/limits.ts";
import { SIZING_SETTINGS } from "../../src/risk/sizing.ts";
import { paramsFromText, resolveParams } from "../../src/strategies/params.ts";
import type { StrategyDefinition, StrategyParams } from "../../src/strategies/strategy.ts";
import { EquityChart, linkTimeScales, PriceChart } from "./charts.ts";
import { byId, download, h } from "./dom.ts";
import { FieldSet, fieldFromSetting, fieldsFromParams, type FieldSpec, type RawValue } from "./form.ts";
import { fmtInt, fmtMs, fmtTime } from "./format.ts";
import { overlaysFor } from "./overlays.ts";
import type { FromWorker, OverlaySpec, PlainConfig, PlainError, PlainRequest, ToWorker } from "./protocol.ts";
import {
  renderBenchmark, renderDrawdowns, renderMonthly, renderRejections, renderResized, renderStats, renderTrades, renderTradeStats, reportFileStem, tradesCsv,
} from "./results.ts";
import { cellOf, defaultRange, gridValues, METRICS, renderHeatmap, MAX_STEPS, type Axis, type CellResult, type MetricKey } from "./sweep.ts";
import { SweepCancelled } from "../../src/research/executor.ts";
import { WorkerPoolExecutor, type FromSweepWorker } from "../../src/research/pool.ts";
import { runSweep as runEngineSweep } from "../../src/research/sweep.ts";

const WORKER_URL = new URL("worker.js", document.baseURI).href;
const newWorker = () => new Worker(WORKER_URL, { name: "engine" });

const configSetting = (name: ConfigSettingName) => CONFIG_SETTINGS.find((s) => s.name === name)!;
const limitSetting = (name: LimitSettingName) => LIMIT_SETTINGS.find((s) => s.name === name)!;
const sizingSetting = (method: SizingSpec["method"], name: string): SettingSpec => SIZING_SETTINGS[method].find((s) => s.name === name)!;

/** The run settings, from the engine's declarations (src/backtest/config.ts): ranges, defaults and what may be blank. */
const SETTINGS: readonly FieldSpec[] = [
  fieldFromSetting(configSetting("initialCash"), "config.initialCash", "Initial cash", "starting cash"),
  fieldFromSetting(configSetting("slippageBps"), "config.slippageBps", "Slippage (bps)", "adverse move on market and stop fills, in basis points"),
  fieldFromSetting(configSetting("commissionPerShare"), "config.commissionPerShare", "Commission per share", "per share or unit filled"),
  fieldFromSetting(configSetting("commissionPerOrder"), "config.commissionPerOrder", "Commission per order", "per filled order"),
  fieldFromSetting(configSetting("positionFraction"), "config.positionFraction", "Position size", "fraction of equity a new position takes, (0, 1]"),
  fieldFromSetting(configSetting("stopLossPct"), "config.stopLossPct", "Stop loss", "protective stop this fraction from entry, e.g. 0.05; blank for none"),
  fieldFromSetting(configSetting("takeProfitPct"), "config.takeProfitPct", "Take profit", "take-profit limit this fraction from entry, e.g. 0.1; blank for none"),
];

/** Risk limits (src/risk/limits.ts), the order rate as a count and a window in days; blank is off. */
const LIMITS: readonly FieldSpec[] = [
  fieldFromSetting(limitSetting("maxDrawdown"), "limits.maxDrawdown", "Max drawdown", "halt new exposure after equity falls this fraction below its peak, e.g. 0.1"),
  fieldFromSetting(limitSetting("maxDailyLoss"), "limits.maxDailyLoss", "Max daily loss", "halt new exposure for the day after losing this fraction, e.g. 0.02"),
  fieldFromSetting(limitSetting("maxGrossExposure"), "limits.maxGrossExposure", "Max gross exposure", "sum of |position values| / equity, e.g. 1 = unlevered"),
  fieldFromSetting(limitSetting("maxNetExposure"), "limits.maxNetExposure", "Max net exposure", "|sum of position values| / equity"),
  fieldFromSetting(limitSetting("maxPositionQuantity"), "limits.maxPositionQuantity", "Max position (quantity)", "largest quantity held in one symbol"),
  fieldFromSetting(limitSetting("maxPositionNotional"), "limits.maxPositionNotional", "Max position (value)", "largest position value in one symbol"),
  fieldFromSetting({ ...ORDER_RATE_SETTINGS[0], name: "maxOrderCount", required: false }, "limits.maxOrderRate.count", "Max orders",
    "at most this many orders in any window of the days below"),
  fieldFromSetting({ ...ORDER_RATE_SETTINGS[1], name: "maxOrderDays" }, "limits.maxOrderRate.windowMs", "Order window (days)", "the window for max orders, in days"),
];

/** The fields of each sizing method (src/risk/sizing.ts); a required one starts from a typical value. */
const SIZING: Record<SizingSpec["method"], readonly FieldSpec[]> = {
  fixed: [],
  volTarget: [
    fieldFromSetting(sizingSetting("volTarget", "target"), "sizing.target", "Target volatility", "annualized volatility a position should carry, e.g. 0.15", 0.15),
    fieldFromSetting(sizingSetting("volTarget", "lookback"), "sizing.lookback", "Lookback (bars)", "bars of returns to estimate volatility from"),
    fieldFromSetting(sizingSetting("volTarget", "max"), "sizing.max", "Largest fraction", "cap on the fraction of equity; 1 is never levered"),
  ],
  kelly: [
    fieldFromSetting(sizingSetting("kelly", "scale"), "sizing.scale", "Kelly scale", "share of the full Kelly fraction, e.g. 0.5 = half Kelly"),
    fieldFromSetting(sizingSetting("kelly", "lookback"), "sizing.lookback", "Lookback (bars)", "bars of returns to estimate the edge from"),
    fieldFromSetting(sizingSetting("kelly", "max"), "sizing.max", "Largest fraction", "cap on the fraction of equity; 1 is never levered"),
  ],
};

// ---- elements -------------------------------------------------------------

const el = {
  fileInput: byId<HTMLInputElement>("file-input"),
  dropzone: byId("dropzone"),
  useBundled: byId<HTMLButtonElement>("use-bundled"),
  dataStatus: byId("data-status"),
  dataError: byId("data-error"),
  runForm: byId<HTMLFormElement>("run-form"),
  strategy: byId<HTMLSelectElement>("strategy"),
  strategyDesc: byId("strategy-desc"),
  run: byId<HTMLButtonElement>("run"),
  cancel: byId<HTMLButtonElement>("cancel"),
  runProgress: byId<HTMLProgressElement>("run-progress"),
  runStatus: byId("run-status"),
  formError: byId("form-error"),
  sweepForm: byId<HTMLFormElement>("sweep-form"),
  sweepAxes: byId("sweep-axes"),
  sweepMetric: byId<HTMLSelectElement>("sweep-metric"),
  sweepRun: byId<HTMLButtonElement>("sweep-run"),
  sweepCancel: byId<HTMLButtonElement>("sweep-cancel"),
  sweepProgress: byId<HTMLProgressElement>("sweep-progress"),
  sweepStatus: byId("sweep-status"),
  sweepError: byId("sweep-error"),
  poolSize: byId("pool-size"),
  results: byId("results"),
  exportJson: byId<HTMLButtonElement>("export-json"),
  exportCsv: byId<HTMLButtonElement>("export-csv"),
  resultTitle: byId("result-title"),
  resultTiming: byId("result-timing"),
  stats: byId("stats"),
  trades: byId<HTMLTableElement>("trades"),
  rejections: byId<HTMLTableElement>("rejections"),
  rejectionsNote: byId("rejections-note"),
  benchStats: byId("bench-stats"),
  benchNote: byId("bench-note"),
  tradeStats: byId("trade-stats"),
  monthly: byId<HTMLTableElement>("monthly"),
  monthlyLegend: byId("monthly-legend"),
  drawdowns: byId<HTMLTableElement>("drawdowns"),
  resized: byId<HTMLTableElement>("resized"),
  resizedNote: byId("resized-note"),
  sizingMethod: byId<HTMLSelectElement>("sizing-method"),
  tradesNote: byId("trades-note"),
  heatmap: byId<HTMLTableElement>("heatmap"),
  heatSummary: byId("heat-summary"),
  heatPanel: byId("heat-panel"),
  kernels: byId("kernels"),
};

const paramFields = new FieldSet(byId("param-fields"), "p", "param");
const settingFields = new FieldSet(byId("setting-fields"), "s", "setting");
const sizingFields = new FieldSet(byId("sizing-fields"), "z", "sizing");
const limitFields = new FieldSet(byId("limit-fields"), "l", "limit");
const priceChart = new PriceChart(byId("price-chart"), byId("price-legend"));
const equityChart = new EquityChart(byId("equity-chart"), byId("equity-legend"));
linkTimeScales(priceChart.chart, equityChart.chart, () => equityChart.hasData);

// ---- state ----------------------------------------------------------------

interface Running {
  readonly jobId: number;
  readonly t0: number;
  readonly overlays: readonly OverlaySpec[];
  cancelTimer?: ReturnType<typeof setTimeout>;
}

const state = {
  series: null as BarSeries | null,
  seriesLabel: "",
  seriesId: 0,
  /** The series id the engine worker holds. */
  workerSeriesId: -1,
  nextJob: 1,
  running: null as Running | null,
  report: null as AnalyzedReport | null,
  runs: 0,
  sweep: null as null | {
    strategy: string; base: StrategyParams; x: Axis; y: Axis; cells: (CellResult | undefined)[]; running: boolean;
  },
};

const poolSize = Math.max(1, Math.min(16, navigator.hardwareConcurrency || 2));
el.poolSize.textContent = String(poolSize);
const RESEARCH_WORKER_URL = new URL("research-worker.js", document.baseURI).href;
// The engine's sweep on Web Workers: the same pool the Node threads use (src/research/pool.ts).
const pool = new WorkerPoolExecutor({
  size: poolSize,
  spawn: (onMessage, onExit) => {
    const w = new Worker(RESEARCH_WORKER_URL, { name: "sweep" });
    w.onmessage = (e: MessageEvent<FromSweepWorker>) => onMessage(e.data);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onExit(new Error(e.message || "the worker failed"));
    };
    return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
  },
});
let sweepAbort: AbortController | null = null;

// ---- the engine worker ----------------------------------------------------

let worker = startWorker();

function startWorker(): Worker {
  const w = newWorker();
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorkerMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    if (state.running) finishRun(`The engine worker failed: ${e.message || "unknown error"}`, true);
  };
  w.postMessage({ type: "init" } satisfies ToWorker);
  state.workerSeriesId = -1;
  return w;
}

function send(message: ToWorker): void {
  worker.postMessage(message);
}

function onWorkerMessage(m: FromWorker): void {
  switch (m.type) {
    case "ready":
      el.kernels.textContent = m.kernels === "wasm" ? "Indicator kernels: WebAssembly" : `Indicator kernels: TypeScript (${m.detail ?? "no WebAssembly"})`;
      el.kernels.dataset.kernels = m.kernels;
      return;
    case "progress":
      if (state.running?.jobId !== m.jobId) return;
      el.runProgress.value = m.total > 0 ? m.done / m.total : 1;
      el.runStatus.textContent = `Running… ${Math.floor((m.done / m.total) * 100)}% (${fmtInt(m.done)} of ${fmtInt(m.total)} bars)`;
      el.runStatus.dataset.done = String(m.done);
      return;
    case "result":
      if (state.running?.jobId !== m.jobId) return;
      void showResult(m);
      return;
    case "cancelled":
      if (state.running?.jobId !== m.jobId) return;
      finishRun(`Cancelled after ${el.runStatus.dataset.done ?? 0} bars.`, false, "cancelled");
      return;
    case "error":
      if (state.running?.jobId !== m.jobId) return;
      showEngineError(m.error);
      finishRun("The backtest stopped with an error.", true);
      return;
  }
}

// ---- data -----------------------------------------------------------------

async function loadBundled(): Promise<void> {
  setDataStatus("Loading the bundled S&P 500…");
  try {
    const res = await fetch("sp500.csv");
    if (!res.ok) throw new Error(`sp500.csv: HTTP ${res.status}`);
    const text = await res.text();
    setSeries(parseBarsCsv(text, { source: "sp500.csv", symbol: "SPX" }), "bundled S&P 500 (sp500.csv)");
  } catch (e) {
    showDataError(e, "sp500.csv");
  }
}

async function loadFile(file: File): Promise<void> {
  setDataStatus(`Reading ${file.name}…`);
  try {
    const text = await file.text();
    setSeries(parseBarsCsv(text, { source: file.name }), file.name);
  } catch (e) {
    showDataError(e, file.name);
  }
}

function setDataStatus(text: string): void {
  el.dataStatus.textContent = text;
}

function setSeries(series: BarSeries, label: string): void {
  if (state.running) cancelRun();
  if (state.sweep?.running) cancelSweep();
  state.series = series;
  state.seriesLabel = label;
  state.seriesId++;
  el.dataError.hidden = true;
  el.dataError.replaceChildren();
  el.dataStatus.textContent = describeSeries(series, label);
  el.dataStatus.dataset.bars = String(series.close.length);
  el.dataStatus.dataset.symbol = series.symbol;
  el.dataStatus.dataset.seriesId = String(state.seriesId);
  priceChart.setBars(series);
  clearResults();
  state.sweep = null;
  el.heatmap.replaceChildren();
  el.heatSummary.textContent = "Run a sweep (step 3) to fill this map.";
  validate();
}

function showDataError(e: unknown, fileName: string): void {
  const err = e as { message?: string; row?: number; field?: string };
  const where = [err.row !== undefined ? `row ${err.row}` : "", err.field ? `column “${err.field}”` : ""].filter(Boolean).join(", ");
  el.dataError.replaceChildren(
    h("strong", {}, `Could not load ${fileName}`),
    where ? h("span", { className: "where", "data-testid": "data-error-where" }, ` (${where})`) : "",
    h("p", { "data-testid": "data-error-message" }, err.message ?? String(e)),
    h("p", { className: "field-help" }, state.series ? `Still using ${state.series.symbol} from ${state.seriesLabel}.` : "No data is loaded."),
  );
  if (err.row !== undefined) el.dataError.dataset.row = String(err.row);
  else delete el.dataError.dataset.row;
  el.dataError.hidden = false;
  if (!state.series) setDataStatus("No data loaded.");
  else setDataStatus(describeSeries(state.series, state.seriesLabel));
}

function describeSeries(series: BarSeries, label: string): string {
  const n = series.close.length;
  return `${series.symbol} · ${fmtInt(n)} bars · ${fmtTime(series.time[0])} → ${fmtTime(series.time[n - 1])} · from ${label}`;
}

el.fileInput.addEventListener("change", () => {
  const file = el.fileInput.files?.[0];
  if (file) void loadFile(file);
  el.fileInput.value = "";
});
el.useBundled.addEventListener("click", () => void loadBundled());
for (const type of ["dragenter", "dragover"] as const) {
  el.dropzone.addEventListener(type, (e) => {
    e.preventDefault();
    el.dropzone.classList.add("over");
  });
}
el.dropzone.addEventListener("dragleave", () => el.dropzone.classList.remove("over"));
el.dropzone.addEventListener("drop", (e) => {
  e.preventDefault();
  el.dropzone.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
// A file dropped anywhere else must not navigate away from the page.
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => e.preventDefault());

// ---- strategy form and validation -----------------------------------------

// The page has no way yet to give a strategy what its inputs declare (news): such a strategy is shown, disabled, with its need.
for (const s of strategies) {
  el.strategy.append(h("option", { value: s.name, disabled: s.inputs !== undefined, title: s.inputs && `needs ${s.inputs.why}: run it with nt backtest or the API` },
    s.inputs ? `${s.name} (needs ${s.inputs.why}; nt backtest or the API)` : s.name));
}

function currentDef(): StrategyDefinition {
  return getStrategy(el.strategy.value);
}

function showStrategy(): void {
  const def = currentDef();
  el.strategyDesc.textContent = def.description;
  paramFields.render(fieldsFromParams(def.params));
  renderSweepAxes(def);
  validate();
}

el.strategy.addEventListener("change", showStrategy);
settingFields.render(SETTINGS);
limitFields.render(LIMITS);
sizingFields.render(SIZING.fixed);
el.sizingMethod.addEventListener("change", () => {
  sizingFields.render(SIZING[el.sizingMethod.value as SizingSpec["method"]]);
  validate();
});
paramFields.onInput(() => validate());
settingFields.onInput(() => validate());
sizingFields.onInput(() => validate());
limitFields.onInput(() => validate());

interface Valid {
  readonly request: PlainRequest;
  readonly params: StrategyParams;
}

/**
 * Checks the form with the engine's own rules: each parameter's text on its
 * own (paramsFromText, as the CLI reads --param), then together (the
 * strategy's factory), then the whole request (the engine's request check).
 * Errors go next to their field.
 */
function validate(): Valid | null {
  const def = currentDef();
  const raw = paramFields.values();
  const paramErrors = new Map<string, string>();
  const settingErrors = new Map<string, string>();
  let formError = "";
  for (const spec of def.params) {
    try {
      paramsFromText(def.name, [spec], { [spec.name]: raw[spec.name] });
    } catch (e) {
      paramErrors.set(spec.name, messageOf(e));
    }
  }
  let params: StrategyParams = {};
  if (paramErrors.size === 0) {
    try {
      params = resolveParams(def.name, def.params, paramsFromText(def.name, def.params, raw));
      def.create(params);
    } catch (e) {
      const target = fieldFor((e as EngineError).field);
      paramErrors.set(target?.set === "params" ? target.name : def.params[0].name, messageOf(e));
    }
  }
  const config = readNumbers(SETTINGS, settingFields.values(), settingErrors) as PlainConfig;
  const limitErrors = new Map<string, string>();
  const limits = readLimits(limitErrors);
  const sizingErrors = new Map<string, string>();
  const method = el.sizingMethod.value as SizingSpec["method"];
  const sizing = method === "fixed" ? undefined : { method, ...readNumbers(sizingFields.fields, sizingFields.values(), sizingErrors) } as SizingSpec;
  const errorSets = [settingErrors, limitErrors, sizingErrors];
  if (paramErrors.size === 0 && errorSets.every((m) => m.size === 0)) {
    try {
      const [strategy, cfg] = strategyAndConfig({ strategy: def.name, params, config, limits, sizing });
      if (state.series) new Backtest(state.series, strategy, cfg);
    } catch (e) {
      const message = messageOf(e);
      const target = fieldFor((e as EngineError).field);
      if (target) ({ settings: settingErrors, limits: limitErrors, sizing: sizingErrors, params: paramErrors })[target.set].set(target.name, message);
      else formError = message;
    }
  }
  paramFields.showErrors(paramErrors);
  settingFields.showErrors(settingErrors);
  limitFields.showErrors(limitErrors);
  sizingFields.showErrors(sizingErrors);
  if (errorSets.some((m) => m.size > 0)) byId<HTMLDetailsElement>("settings").open = true;
  el.formError.textContent = formError;
  el.formError.hidden = formError === "";
  if (paramErrors.size > 0 || errorSets.some((m) => m.size > 0) || formError) return null;
  return { request: { strategy: def.name, params, config, limits, sizing }, params };
}

/** The form field an engine error names: its field is a request path (config.initialCash), as each field's path is. */
function fieldFor(field: string | undefined): { set: "settings" | "limits" | "sizing" | "params"; name: string } | null {
  if (!field) return null;
  const sets = { settings: settingFields, limits: limitFields, sizing: sizingFields, params: paramFields };
  for (const [set, fields] of Object.entries(sets) as [keyof typeof sets, FieldSet][]) {
    const spec = fields.fields.find((f) => f.path === field);
    if (spec) return { set, name: spec.name };
  }
  return null;
}

/** The limits typed in, as RiskLimits (blank ones left out); the order rate needs both of its fields. */
function readLimits(errors: Map<string, string>): RiskLimits {
  const v = readNumbers(LIMITS, limitFields.values(), errors);
  const { maxOrderCount: count, maxOrderDays: days, ...rest } = v;
  const limits: RiskLimits = Object.fromEntries(Object.entries(rest).filter(([, x]) => x !== undefined));
  if ((count === undefined) !== (days === undefined)) {
    if (count === undefined) errors.set("maxOrderCount", "Max orders: enter a number, or clear the order window");
    else errors.set("maxOrderDays", "Order window: enter a number of days, or clear max orders");
  } else if (count !== undefined && days !== undefined) {
    limits.maxOrderRate = { count, windowMs: days * 86_400_000 };
  }
  return limits;
}

function messageOf(e: unknown): string {
  if (e instanceof EngineError) return e.message;
  throw e;
}

/** Number fields' values, read by the engine's rules for typed text (settingFromText); blank optional ones are undefined. */
function readNumbers(specs: readonly FieldSpec[], raw: Record<string, RawValue>, errors: Map<string, string>): Record<string, number | undefined> {
  const config: Record<string, number | undefined> = {};
  for (const s of specs) {
    const text = String(raw[s.name]);
    config[s.name] = undefined;
    if (text === "") {
      if (!s.optional) errors.set(s.name, `${s.label}: enter a number`);
      continue;
    }
    try {
      config[s.name] = settingFromText(s.setting, text, s.path) as number;
    } catch (e) {
      errors.set(s.name, messageOf(e));
    }
  }
  return config;
}

function focusFirstInvalid(): void {
  const first = document.querySelector<HTMLElement>("[aria-invalid=true]");
  first?.focus();
}

// ---- running a backtest ---------------------------------------------------

el.runForm.addEventListener("submit", (e) => {
  e.preventDefault();
  startRun(performance.now());
});

function startRun(t0: number): void {
  if (state.running) return;
  if (!state.series) {
    el.runStatus.textContent = "Load data first (step 1).";
    return;
  }
  const valid = validate();
  if (!valid) {
    el.runStatus.textContent = "Fix the highlighted fields first.";
    focusFirstInvalid();
    return;
  }
  if (state.workerSeriesId !== state.seriesId) {
    send({ type: "series", seriesId: state.seriesId, series: state.series });
    state.workerSeriesId = state.seriesId;
  }
  const jobId = state.nextJob++;
  const overlays = overlaysFor(valid.request.strategy, valid.params);
  state.running = { jobId, t0, overlays };
  el.run.disabled = true;
  el.cancel.disabled = false;
  el.runProgress.value = 0;
  el.runStatus.textContent = "Running…";
  el.runStatus.dataset.state = "running";
  delete el.runStatus.dataset.done;
  send({ type: "backtest", jobId, seriesId: state.seriesId, request: valid.request, overlays });
}

function cancelRun(): void {
  const running = state.running;
  if (!running) return;
  el.cancel.disabled = true;
  el.runStatus.textContent = "Cancelling…";
  send({ type: "cancel", jobId: running.jobId });
  // The worker stops between slices; one stuck in a long slice is stopped outright.
  running.cancelTimer = setTimeout(() => {
    if (state.running !== running) return;
    worker.terminate();
    worker = startWorker();
    finishRun("Cancelled (the worker was stopped).", false, "cancelled");
  }, 2000);
}

el.cancel.addEventListener("click", cancelRun);

function finishRun(message: string, isError: boolean, runState = isError ? "error" : "done"): void {
  if (state.running?.cancelTimer) clearTimeout(state.running.cancelTimer);
  state.running = null;
  el.run.disabled = false;
  el.cancel.disabled = true;
  el.runStatus.textContent = message;
  el.runStatus.dataset.state = runState;
  if (isError) el.runProgress.value = 0;
}

function showEngineError(err: PlainError): void {
  const target = fieldFor(err.field);
  if (target) {
    const sets = { settings: settingFields, limits: limitFields, sizing: sizingFields, params: paramFields };
    sets[target.set].showErrors(new Map([[target.name, err.message]]));
  } else {
    el.formError.textContent = err.message;
    el.formError.hidden = false;
  }
}

async function showResult(m: Extract<FromWorker, { type: "result" }>): Promise<void> {
  const running = state.running!;
  const { report } = m;
  state.report = report;
  renderStats(el.stats, report);
  const params = Object.entries(report.strategy.params).map(([k, v]) => `${k}=${v}`).join(", ");
  el.resultTitle.textContent = `${report.symbol} · ${report.strategy.name} (${params}) · ${fmtTime(report.start)} → ${fmtTime(report.end)}`;
  renderTrades(el.trades, el.tradesNote, report.trades, focusTrade);
  renderRejections(el.rejections, el.rejectionsNote, report.rejections);
  renderResized(el.resized, el.resizedNote, report.resized);
  const a = report.analysis;
  renderBenchmark(el.benchStats, el.benchNote, a);
  renderTradeStats(el.tradeStats, a);
  renderMonthly(el.monthly, el.monthlyLegend, a);
  renderDrawdowns(el.drawdowns, a);
  priceChart.setOverlays(running.overlays, m.overlays);
  priceChart.setTrades(report.trades);
  const benchmark = a.benchmark && { name: a.benchmark.name, ...a.benchmark.curve };
  equityChart.setCurve(report.equity.time, report.equity.equity, report.equity.drawdown, { benchmark, rolling: a.rolling });
  byId("equity-empty").hidden = true;
  equityChart.chart.timeScale().fitContent();
  priceChart.fit();
  el.exportJson.disabled = false;
  el.exportCsv.disabled = false;
  el.runProgress.value = 1;
  await afterPaint();
  const ms = performance.now() - running.t0;
  state.runs++;
  el.resultTiming.textContent =
    `Click to results: ${fmtMs(ms)} (engine ${fmtMs(m.engineMs)} for ${fmtInt(report.bars)} bars, ` +
    `${m.kernels === "wasm" ? "WebAssembly" : "TypeScript"} indicator overlays ${fmtMs(m.overlayMs)}).`;
  el.resultTiming.dataset.clickToResultsMs = String(ms);
  el.resultTiming.dataset.engineMs = String(m.engineMs);
  el.resultTiming.dataset.overlayMs = String(m.overlayMs);
  el.resultTiming.dataset.kernels = m.kernels;
  el.results.dataset.runs = String(state.runs);
  finishRun(`Done: ${fmtInt(report.bars)} bars, ${fmtInt(report.trades.length)} trades, in ${fmtMs(ms)}.`, false);
}

/** Resolves once the frame holding the latest DOM and chart updates has been painted. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  }));
}

function focusTrade(t: TradeRecord): void {
  priceChart.focus(t.entryTime, t.exitTime);
  byId("price-h").scrollIntoView({ behavior: "smooth", block: "start" });
}

function clearResults(): void {
  state.report = null;
  el.stats.replaceChildren();
  el.resultTitle.textContent = "Run a backtest to see its results here.";
  el.resultTiming.textContent = "";
  el.trades.tBodies[0].replaceChildren();
  el.tradesNote.textContent = "Run a backtest to list its trades.";
  el.rejections.tBodies[0].replaceChildren();
  el.rejectionsNote.textContent = "Run a backtest to list the orders its pre-trade checks denied.";
  el.resized.tBodies[0].replaceChildren();
  el.resizedNote.textContent = "Run a backtest to list the buys cash at the fill paid only in part.";
  el.benchStats.replaceChildren();
  el.benchNote.textContent = "Run a backtest to compare it with buying and holding the series.";
  el.tradeStats.replaceChildren();
  el.monthly.tHead!.replaceChildren();
  el.monthly.tBodies[0].replaceChildren();
  el.monthlyLegend.replaceChildren();
  el.drawdowns.tBodies[0].replaceChildren();
  equityChart.clear();
  byId("equity-empty").hidden = false;
  el.exportJson.disabled = true;
  el.exportCsv.disabled = true;
}

el.exportJson.addEventListener("click", () => {
  if (state.report) download(`${reportFileStem(state.report)}.json`, JSON.stringify(state.report), "application/json");
});
el.exportCsv.addEventListener("click", () => {
  if (state.report) download(`${reportFileStem(state.report)}-trades.csv`, tradesCsv(state.report.trades), "text/csv");
});

// ---- parameter sweep ------------------------------------------------------

interface AxisInputs {
  readonly param: HTMLSelectElement;
  readonly from: HTMLInputElement;
  readonly to: HTMLInputElement;
  readonly steps: HTMLInputElement;
}
let axes: { x: AxisInputs; y: AxisInputs } | null = null;

for (const [key, m] of Object.entries(METRICS)) el.sweepMetric.append(h("option", { value: key }, m.label));
el.sweepMetric.addEventListener("change", () => drawHeatmap());

function renderSweepAxes(def: StrategyDefinition): void {
  const numeric = def.params.filter((p) => p.type !== "boolean");
  if (numeric.length < 2) {
    el.sweepAxes.replaceChildren(h("p", { className: "field-help" }, `${def.name} has fewer than two numeric parameters to sweep.`));
    axes = null;
    el.sweepRun.disabled = true;
    return;
  }
  el.sweepRun.disabled = state.sweep?.running === true;
  const make = (axis: "x" | "y", title: string, initial: number): [HTMLElement, AxisInputs] => {
    const id = (part: string) => `sweep-${axis}-${part}`;
    const param = h("select", { id: id("param"), "data-testid": id("param") });
    for (const p of numeric) param.append(h("option", { value: p.name }, p.name));
    param.value = numeric[initial].name;
    const num = (part: string, label: string, attrs: Record<string, string | number> = {}) => {
      const input = h("input", { id: id(part), type: "number", step: "any", "data-testid": id(part), ...attrs });
      return [h("label", { for: id(part) }, label), input] as const;
    };
    const [fromLabel, from] = num("from", "From");
    const [toLabel, to] = num("to", "To");
    const [stepsLabel, steps] = num("steps", "Steps", { min: 1, max: MAX_STEPS, step: 1, value: 10 });
    const inputs = { param, from, to, steps };
    const setRange = () => {
      const spec = def.params.find((p) => p.name === param.value)!;
      const [lo, hi] = defaultRange(spec);
      from.value = String(lo);
      to.value = String(hi);
      from.step = to.step = spec.type === "integer" ? "1" : "any";
    };
    param.addEventListener("change", setRange);
    setRange();
    const box = h("fieldset", { className: "axis" },
      h("legend", {}, title),
      h("div", { className: "axis-grid" },
        h("div", { className: "axis-param" }, h("label", { for: id("param") }, "Parameter"), param),
        h("div", {}, fromLabel, from), h("div", {}, toLabel, to), h("div", {}, stepsLabel, steps)));
    return [box, inputs];
  };
  const [xBox, x] = make("x", "Columns (X)", 0);
  const [yBox, y] = make("y", "Rows (Y)", 1);
  axes = { x, y };
  el.sweepAxes.replaceChildren(xBox, yBox);
}

function readAxis(def: StrategyDefinition, inputs: AxisInputs): Axis {
  const spec = def.params.find((p) => p.name === inputs.param.value)!;
  return { param: spec.name, values: gridValues(spec, Number(inputs.from.value), Number(inputs.to.value), Number(inputs.steps.value)) };
}

function showSweepError(message: string): void {
  el.sweepError.textContent = message;
  el.sweepError.hidden = message === "";
}

el.sweepForm.addEventListener("submit", (e) => {
  e.preventDefault();
  void runSweep();
});
el.sweepCancel.addEventListener("click", () => cancelSweep());

async function runSweep(): Promise<void> {
  if (state.sweep?.running || !axes) return;
  showSweepError("");
  if (!state.series) return showSweepError("Load data first (step 1).");
  const valid = validate();
  if (!valid) {
    focusFirstInvalid();
    return showSweepError("Fix the highlighted strategy fields first: the sweep starts from them.");
  }
  const def = currentDef();
  let x: Axis, y: Axis;
  try {
    x = readAxis(def, axes.x);
    y = readAxis(def, axes.y);
  } catch (e) {
    return showSweepError((e as Error).message);
  }
  if (x.param === y.param) return showSweepError("Choose two different parameters for the rows and the columns.");
  const base = valid.params;
  const total = x.values.length * y.values.length;
  const sweep = { strategy: def.name, base, x, y, cells: new Array<CellResult | undefined>(total).fill(undefined), running: true };
  state.sweep = sweep;
  el.sweepRun.disabled = true;
  el.sweepCancel.disabled = false;
  el.sweepProgress.value = 0;
  el.sweepStatus.dataset.state = "running";
  const size = Math.min(poolSize, total);
  el.sweepStatus.textContent = `Running ${total} backtests on ${size} workers…`;
  drawHeatmap();
  el.heatPanel.scrollIntoView({ behavior: "smooth", block: "start" });
  const t0 = performance.now();
  let done = 0;
  let drawPending = false;
  const abort = (sweepAbort = new AbortController());
  let completed = true;
  try {
    // Rows (y) outer, columns (x) inner: row id y * columns + x is the heat map's cell index.
    await runEngineSweep({
      base: { ...valid.request, params: base },
      space: { grid: [{ key: y.param, values: y.values }, { key: x.param, values: x.values }] },
    }, [state.series], pool, {
      signal: abort.signal,
      onRows: (rows) => {
        if (state.sweep !== sweep) return;
        for (const row of rows) sweep.cells[row.id] = cellOf(row);
        done += rows.length;
        el.sweepProgress.value = done / total;
        el.sweepStatus.textContent = `Running… ${done} of ${total} backtests on ${size} workers`;
        if (!drawPending) {
          drawPending = true;
          requestAnimationFrame(() => {
            drawPending = false;
            if (state.sweep === sweep) drawHeatmap();
          });
        }
      },
    });
  } catch (e) {
    if (!(e instanceof SweepCancelled)) throw e;
    completed = false;
  }
  sweep.running = false;
  el.sweepRun.disabled = axes === null;
  el.sweepCancel.disabled = true;
  if (state.sweep !== sweep) {
    el.sweepStatus.textContent = "The sweep stopped: other data was loaded.";
    el.sweepStatus.dataset.state = "cancelled";
    el.sweepProgress.value = 0;
    return;
  }
  drawHeatmap();
  const ms = performance.now() - t0;
  const failed = sweep.cells.filter((c) => c && "error" in c).length;
  el.sweepStatus.textContent = completed
    ? `${total} backtests in ${fmtMs(ms)} on ${size} workers${failed ? `; ${failed} parameter sets were invalid (×)` : ""}.`
    : `Cancelled after ${done} of ${total} backtests.`;
  el.sweepStatus.dataset.state = completed ? "done" : "cancelled";
  el.sweepStatus.dataset.ms = String(ms);
}

function cancelSweep(): void {
  if (!state.sweep?.running) return;
  sweepAbort?.abort();
}

function drawHeatmap(): void {
  const sweep = state.sweep;
  if (!sweep) return;
  const summary = renderHeatmap(el.heatmap, {
    x: sweep.x, y: sweep.y, xLabel: sweep.x.param, yLabel: sweep.y.param, cells: sweep.cells,
    metric: el.sweepMetric.value as Exclude<MetricKey, "trades">,
  }, (xv, yv) => pickCell(sweep, xv, yv));
  el.heatSummary.textContent = summary || "Cells fill in as the backtests finish.";
}

/** Loads a cell's parameters into the form and runs that backtest. */
function pickCell(sweep: NonNullable<typeof state.sweep>, xv: number, yv: number): void {
  if (el.strategy.value !== sweep.strategy) {
    el.strategy.value = sweep.strategy;
    showStrategy();
  }
  for (const [k, v] of Object.entries(sweep.base)) paramFields.setValue(k, v as number | boolean);
  paramFields.setValue(sweep.x.param, xv);
  paramFields.setValue(sweep.y.param, yv);
  byId("strategy-h").scrollIntoView({ behavior: "smooth", block: "start" });
  startRun(performance.now());
}

// ---- start ----------------------------------------------------------------

showStrategy();
void loadBundled();
