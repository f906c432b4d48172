// The page: data in (read and parsed in a Web Worker), a strategy and its
// parameters (or several strategies combined, and the memory filter), the
// files a strategy needs besides the bars (a second series, holdings, news:
// inputs.ts, read in that worker), a
// backtest in that worker with progress and cancel, the results drawn, and
// parameter sweeps across a pool of workers. Everything runs in
// this tab; the page's own thread only draws (points decimated to the charts'
// width by the worker, a page of rows at a time), a step a frame.
import { Backtest } from "../../src/backtest/engine.ts";
import { CONFIG_SETTINGS } from "../../src/backtest/config.ts";
import { strategyAndConfig, type SizingSpec } from "../../src/backtest/job.ts";
import { checkBacktestRequest } from "../../src/backtest/request.ts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { EngineError } from "../../src/core/errors.ts";
import { getStrategy, strategies } from "../../src/strategies/index.ts";
import { settingFromText } from "../../src/core/settings.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS, type RiskLimits } from "../../src/risk/limits.ts";
import { SIZING_SETTINGS } from "../../src/risk/sizing.ts";
import { paramsFromText } from "../../src/strategies/params.ts";
import type { StrategyDefinition, StrategyParams } from "../../src/strategies/strategy.ts";
import { BarView, EquityChart, PriceChart } from "./charts.ts";
import { barStep, choosePredictor, fetchWeights, pageForecast, type Chosen } from "./forecast.ts";
import type { ModelKind } from "../../src/neural/model.ts";
import type { TrainedModel } from "../../src/neural/weights.ts";
import { byId, download, h } from "./dom.ts";
import { FieldSet, fieldsFromParams, fieldsFromSettings, type FieldSpec, type RawValue } from "./form.ts";
import { fmtInt, fmtMs, fmtPrice, fmtTime, paramLabel } from "./format.ts";
import { otherSeriesOverlays, overlaysForRun } from "./overlays.ts";
import { inputOfError, inputsFor, type InputKey, type InputSpec } from "./inputs.ts";
import { exportName } from "./exports.ts";
import type {
  ExportFormat, FromWorker, InputLoaded, LoadSource, OverlaySpec, PageReport, PlainConfig, PlainError, PlainRequest, ToWorker,
} from "./protocol.ts";
import {
  renderBenchmark, renderDrawdowns, renderDropped, renderMonthly, renderRejections, renderResized, renderStats, renderTrades, renderTradeStats,
} from "./results.ts";
import { isCombined, MEMORY_FIELDS, SignalForm, strategyField, type Choice } from "./signals-form.ts";
import type { CombineSpec } from "../../src/signals/spec.ts";
import {
  axisOptions, cellOf, defaultRange, gridValues, METRICS, renderHeatmap, revealBest, MAX_STEPS, type Axis, type AxisOption, type CellResult, type MetricKey,
} from "./sweep.ts";
import { SweepCancelled } from "../../src/research/executor.ts";
import { WorkerPoolExecutor, type FromSweepWorker } from "../../src/research/pool.ts";
import { runSweep as runEngineSweep } from "../../src/research/sweep.ts";

const WORKER_URL = new URL("worker.js", document.baseURI).href;
const newWorker = () => new Worker(WORKER_URL, { name: "engine" });

/** The run settings, risk limits and each sizing method's options, generated from the engine's declarations. */
const SETTINGS = fieldsFromSettings(CONFIG_SETTINGS, "config");
const LIMITS = [...fieldsFromSettings(LIMIT_SETTINGS, "limits"), ...fieldsFromSettings(ORDER_RATE_SETTINGS, "limits", "maxOrderRate")];
type SizingMethod = keyof typeof SIZING_SETTINGS;
const SIZING = Object.fromEntries(Object.entries(SIZING_SETTINGS).map(([method, specs]) => [method, fieldsFromSettings(specs, "sizing")])) as Record<SizingMethod, FieldSpec[]>;

// ---- elements -------------------------------------------------------------

const el = {
  fileInput: byId<HTMLInputElement>("file-input"),
  dropzone: byId("dropzone"),
  useBundled: byId<HTMLButtonElement>("use-bundled"),
  dataStatus: byId("data-status"),
  dataProgress: byId<HTMLProgressElement>("data-progress"),
  dataCancel: byId<HTMLButtonElement>("data-cancel"),
  dataError: byId("data-error"),
  runForm: byId<HTMLFormElement>("run-form"),
  strategy: byId<HTMLSelectElement>("strategy"),
  strategyDesc: byId("strategy-desc"),
  inputBox: byId<HTMLFieldSetElement>("input-box"),
  inputFields: byId("input-fields"),
  tradesSymbol: byId("trades-symbol-h"),
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
  exportHtml: byId<HTMLButtonElement>("export-html"),
  resultTitle: byId("result-title"),
  resultTiming: byId("result-timing"),
  stats: byId("stats"),
  trades: byId<HTMLTableElement>("trades"),
  tradesPager: byId("trades-pager"),
  rejections: byId<HTMLTableElement>("rejections"),
  rejectionsPager: byId("rejections-pager"),
  rejectionsNote: byId("rejections-note"),
  dropped: byId<HTMLTableElement>("dropped"),
  droppedPager: byId("dropped-pager"),
  droppedNote: byId("dropped-note"),
  benchStats: byId("bench-stats"),
  benchNote: byId("bench-note"),
  tradeStats: byId("trade-stats"),
  monthly: byId<HTMLTableElement>("monthly"),
  monthlyLegend: byId("monthly-legend"),
  drawdowns: byId<HTMLTableElement>("drawdowns"),
  resized: byId<HTMLTableElement>("resized"),
  resizedPager: byId("resized-pager"),
  resizedNote: byId("resized-note"),
  sizingMethod: byId<HTMLSelectElement>("sizing-method"),
  tradesNote: byId("trades-note"),
  heatmap: byId<HTMLTableElement>("heatmap"),
  heatSummary: byId("heat-summary"),
  heatLegend: byId("heat-legend"),
  heatPanel: byId("heat-panel"),
  kernels: byId("kernels"),
};

const paramFields = new FieldSet(byId("param-fields"), "p", "param");
const settingFields = new FieldSet(byId("setting-fields"), "s", "setting");
const sizingFields = new FieldSet(byId("sizing-fields"), "z", "sizing");
const limitFields = new FieldSet(byId("limit-fields"), "l", "limit");
// The strategies that read nothing but the bars are the ones the engine combines (a combination takes no news, holdings or second series).
const signalForm = new SignalForm({
  members: byId("combine-members"), method: byId<HTMLSelectElement>("combine-method"), methodHelp: byId("combine-method-help"),
  settings: byId<HTMLFieldSetElement>("combine-settings"), fields: byId("combine-fields"),
  override: byId<HTMLSelectElement>("combine-override"), overrideHelp: byId("combine-override-help"),
  memoryOn: byId<HTMLInputElement>("memory-on"), memoryHelp: byId("memory-help"),
  memorySettings: byId<HTMLFieldSetElement>("memory-settings"), memoryFields: byId("memory-fields"),
  errors: {
    strategy: byId("combine-members-error"), "combine.method": byId("combine-method-error"),
    "combine.override": byId("combine-override-error"), memory: byId("memory-error"),
  },
}, strategies.filter((s) => s.inputs === undefined), () => showStrategy());
/** Every set of number fields, by the part of the request it fills. */
const fieldSets = {
  settings: settingFields, limits: limitFields, sizing: sizingFields, params: paramFields, combine: signalForm.combine, memory: signalForm.memory,
};
type FieldSetName = keyof typeof fieldSets;
const barView = new BarView((m) => send(m));
const priceChart = new PriceChart(byId("price-chart"), byId("price-legend"), barView);
const equityChart = new EquityChart(byId("equity-chart"), byId("equity-legend"), barView);

// ---- state ----------------------------------------------------------------

/** A strategy input's file(s) as the worker has read them (or is reading them). */
interface InputState {
  readonly inputId: number;
  readonly files: readonly File[];
  status: "reading" | "loaded" | "error";
  loaded?: InputLoaded;
  error?: PlainError;
}

interface Running {
  readonly jobId: number;
  readonly t0: number;
  readonly overlays: readonly OverlaySpec[];
  /** How many series the run takes: the loaded one and the others chosen (a pair's second leg, mirror's). */
  readonly series: number;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

const state = {
  series: null as BarSeries | null,
  seriesLabel: "",
  seriesId: 0,
  /** Decimals every price is shown with: the data's tick (format.ts's priceDecimals). */
  priceDecimals: 2,
  nextSeriesId: 1,
  /** The load under way in the worker, if any. */
  loading: null as null | { loadId: number; seriesId: number; name: string; label: string },
  nextLoad: 1,
  nextJob: 1,
  /** The strategies' input files by kind, kept while other strategies are chosen. */
  inputs: new Map<InputKey, InputState>(),
  nextInput: 1,
  running: null as Running | null,
  /** The run shown, and its job id (the worker builds its exports). */
  report: null as PageReport | null,
  shownJob: 0,
  runs: 0,
  sweep: null as null | {
    /** The strategies swept and the combination's settings (none for one strategy alone), to load a cell's run on the form. */
    choice: Choice; combine: CombineSpec | undefined;
    base: StrategyParams; x: Axis; y: Axis; cells: (CellResult | undefined)[]; running: boolean;
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
  // A worker started again (after a run that would not stop) needs the data back to draw and run, and the inputs' files:
  // each input is being read again, not ready for a run, until this worker says what it made of them.
  if (state.series) w.postMessage({ type: "series", seriesId: state.seriesId, series: state.series } satisfies ToWorker);
  for (const [key, input] of state.inputs) {
    w.postMessage({ type: "input", inputId: input.inputId, key, files: input.files } satisfies ToWorker);
    input.status = "reading";
    input.loaded = input.error = undefined;
    showInputStatus(key);
  }
  if (state.inputs.size > 0) validate();
  if (state.loading) loadStopped(`Reading ${state.loading.name} stopped: the engine worker was restarted.`);
  return w;
}

function send(message: ToWorker): void {
  worker.postMessage(message);
}

function onWorkerMessage(m: FromWorker): void {
  switch (m.type) {
    case "load-progress":
      if (state.loading?.loadId !== m.loadId) return;
      showLoadProgress(m.bytes, m.total);
      return;
    case "loaded":
      if (state.loading?.loadId !== m.loadId) return;
      setSeries(m.series, m.seriesId, m.priceDecimals, state.loading.label);
      return;
    case "load-error":
      if (state.loading?.loadId !== m.loadId) return;
      showDataError(m.error, state.loading.name);
      return;
    case "load-cancelled":
      if (state.loading?.loadId !== m.loadId) return;
      loadStopped(`Reading ${state.loading.name} was cancelled.`);
      return;
    case "input-loaded":
    case "input-error": {
      const input = state.inputs.get(m.key);
      if (input?.inputId !== m.inputId) return;
      input.status = m.type === "input-loaded" ? "loaded" : "error";
      input.loaded = m.type === "input-loaded" ? m.loaded : undefined;
      input.error = m.type === "input-error" ? m.error : undefined;
      showInputStatus(m.key);
      validate();
      return;
    }
    case "drawn":
      void barView.apply(m);
      return;
    case "exported":
      if (m.jobId === state.shownJob && state.report) download(exportName(state.report.strategy, m.format), m.file);
      return;
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
    case "analysing":
      if (state.running?.jobId !== m.jobId) return;
      el.runStatus.textContent = "Computing the report (benchmark, drawdowns, rolling figures)…";
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
      if (state.running?.jobId === m.jobId) {
        showEngineError(m.error);
        finishRun("The backtest stopped with an error.", true);
      } else if (m.jobId === state.shownJob) {
        // An export that failed.
        showEngineError(m.error);
      }
      return;
  }
}

// ---- data -----------------------------------------------------------------

function loadBundled(): void {
  startLoad({ url: "sp500.csv", name: "sp500.csv", symbol: "SPX" }, "bundled S&P 500 (sp500.csv)");
}

function loadFile(file: File): void {
  startLoad({ file, name: file.name }, file.name);
}

/** Reads and parses `source` in the engine worker; the data loaded so far stays until the new data is ready. */
function startLoad(source: LoadSource, label: string): void {
  if (state.loading) send({ type: "cancel-load", loadId: state.loading.loadId });
  const loading = { loadId: state.nextLoad++, seriesId: state.nextSeriesId++, name: source.name, label };
  state.loading = loading;
  el.dataCancel.disabled = false;
  el.dataProgress.value = 0;
  el.dataStatus.dataset.state = "loading";
  delete el.dataStatus.dataset.loadBytes;
  setDataStatus(`Reading ${source.name}…`);
  send({ type: "load", loadId: loading.loadId, seriesId: loading.seriesId, source });
}

function showLoadProgress(bytes: number, total: number): void {
  const name = state.loading!.name;
  el.dataProgress.value = total > 0 ? Math.min(1, bytes / total) : 0;
  el.dataStatus.dataset.loadBytes = String(bytes);
  setDataStatus(total > 0
    ? `Reading ${name}… ${Math.floor((bytes / total) * 100)}% (${fmtMb(bytes)} of ${fmtMb(total)})`
    : `Reading ${name}… ${fmtMb(bytes)}`);
}

const fmtMb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function cancelLoad(): void {
  if (!state.loading) return;
  el.dataCancel.disabled = true;
  setDataStatus(`Cancelling the reading of ${state.loading.name}…`);
  send({ type: "cancel-load", loadId: state.loading.loadId });
}

/** The load ended without data: the data loaded before stays. */
function loadStopped(message: string): void {
  endLoad("cancelled");
  setDataStatus(`${message} ${state.series ? `Still using ${describeSeries(state.series, state.seriesLabel)}.` : "No data is loaded."}`);
}

function endLoad(dataState: string): void {
  state.loading = null;
  el.dataCancel.disabled = true;
  el.dataProgress.value = 0;
  el.dataStatus.dataset.state = dataState;
}

function setDataStatus(text: string): void {
  el.dataStatus.textContent = text;
}

function setSeries(series: BarSeries, seriesId: number, priceDecimals: number, label: string): void {
  endLoad("loaded");
  if (state.running) cancelRun();
  if (state.sweep?.running) cancelSweep();
  state.series = series;
  state.seriesLabel = label;
  state.seriesId = seriesId;
  state.priceDecimals = priceDecimals;
  el.dataProgress.value = 1;
  el.dataError.hidden = true;
  el.dataError.replaceChildren();
  el.dataStatus.textContent = describeSeries(series, label);
  el.dataStatus.dataset.bars = String(series.close.length);
  el.dataStatus.dataset.symbol = series.symbol;
  el.dataStatus.dataset.seriesId = String(seriesId);
  clearResults();
  priceChart.setSeries(series.symbol, priceDecimals);
  forecastEl.run.disabled = false;
  setForecastStatus("", "idle");
  void barView.setSeries(seriesId, series.close.length);
  state.sweep = null;
  el.heatmap.replaceChildren();
  el.heatLegend.replaceChildren();
  el.heatSummary.textContent = "Run a sweep (step 3) to fill this map.";
  validate();
}

function showDataError(err: PlainError, fileName: string): void {
  endLoad("error");
  const where = [err.row !== undefined ? `row ${err.row}` : "", err.field ? `column “${err.field}”` : ""].filter(Boolean).join(", ");
  el.dataError.replaceChildren(
    h("strong", {}, `Could not load ${fileName}`),
    where ? h("span", { className: "where", "data-testid": "data-error-where" }, ` (${where})`) : "",
    h("p", { "data-testid": "data-error-message" }, err.message),
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
  if (file) loadFile(file);
  el.fileInput.value = "";
});
el.useBundled.addEventListener("click", loadBundled);
el.dataCancel.addEventListener("click", cancelLoad);
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
  if (file) loadFile(file);
});
// A file dropped anywhere else must not navigate away from the page.
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => e.preventDefault());

// ---- strategy form and validation -----------------------------------------

// Every strategy runs here: one that needs more than the loaded bars (a pair's second leg, a holdings file, news) gets file inputs for them below it.
for (const s of strategies) {
  el.strategy.append(h("option", { value: s.name, title: s.inputs && `needs ${s.inputs.why}: choose the files below it` }, s.name));
}

function currentDef(): StrategyDefinition {
  return getStrategy(el.strategy.value);
}

/** The choice whose parameter fields are on the form (their names are prefixed by strategy when it is a combination). */
let shownChoice: Choice | null = null;

function showStrategy(): void {
  const def = currentDef();
  el.strategyDesc.textContent = def.description;
  signalForm.setPrimary(def.name);
  const choice = signalForm.choice();
  renderParams(choice);
  renderInputs(inputsFor(choice.names.map((name) => getStrategy(name))));
  renderSweepAxes(choice);
  validate();
}

// ---- a strategy's inputs --------------------------------------------------

/** The file inputs on the form now, generated from the chosen strategies' declared inputs. */
let shownInputs: readonly InputSpec[] = [];
const inputElements = new Map<InputKey, { input: HTMLInputElement; status: HTMLElement; error: HTMLElement }>();

/** Draws the file inputs `specs` (none: the box is hidden); a file read before for the same input stays chosen. */
function renderInputs(specs: readonly InputSpec[]): void {
  const same = specs.length === shownInputs.length && specs.every((s, i) => s.key === shownInputs[i].key && s.help === shownInputs[i].help);
  shownInputs = specs;
  if (same) return;
  inputElements.clear();
  el.inputBox.hidden = specs.length === 0;
  el.inputFields.replaceChildren(...specs.map((spec) => {
    const id = `input-${spec.key}`;
    const input = h("input", {
      id, type: "file", accept: spec.accept, multiple: spec.multiple, "data-testid": id,
      "aria-describedby": `${id}-status ${id}-help ${id}-error`,
    });
    const status = h("p", { className: "input-status status", id: `${id}-status`, "data-testid": `${id}-status`, "aria-live": "polite" });
    const error = h("p", { className: "field-error", id: `${id}-error`, "data-testid": `error-${id}` });
    input.addEventListener("change", () => chooseInput(spec.key, [...(input.files ?? [])]));
    inputElements.set(spec.key, { input, status, error });
    return h("div", { className: "field", "data-field": id },
      h("label", { for: id }, spec.label), input, status, h("p", { className: "field-help", id: `${id}-help` }, spec.help), error);
  }));
  for (const spec of specs) showInputStatus(spec.key);
}

/** Sends the chosen file(s) to the worker to read; no files forgets the input. */
function chooseInput(key: InputKey, files: readonly File[]): void {
  if (files.length === 0) {
    state.inputs.delete(key);
  } else {
    state.inputs.set(key, { inputId: state.nextInput++, files, status: "reading" });
  }
  send({ type: "input", inputId: files.length === 0 ? state.nextInput++ : state.inputs.get(key)!.inputId, key, files });
  showInputStatus(key);
  validate();
}

function showInputStatus(key: InputKey): void {
  const els = inputElements.get(key);
  if (!els) return;
  const input = state.inputs.get(key);
  const names = input ? input.files.map((f) => f.name).join(", ") : "";
  els.status.textContent = !input ? "" : input.status === "reading" ? `Reading ${names}…` : input.status === "loaded" ? `${names}: ${input.loaded!.summary}` : "";
  els.status.dataset.state = input?.status ?? "none";
}

/**
 * What the page itself says about an input (none chosen, still being read,
 * refused by the worker with the engine's message), or undefined when it is
 * ready for the engine's request check. A book strategy that takes any
 * number of series (mirror) may be given none here: its holdings say which it needs.
 */
function inputProblem(spec: InputSpec): string | undefined {
  const input = state.inputs.get(spec.key);
  if (!input) {
    const def = getStrategy(spec.strategy);
    const optional = spec.key === "series" && def.inputs?.series === undefined;
    return optional ? undefined : `No file chosen: ${spec.strategy} needs ${spec.why}`;
  }
  if (input.status === "reading") return `Reading ${input.files.map((f) => f.name).join(", ")}…`;
  if (input.status === "error") return input.error!.message;
  return undefined;
}

/** The loaded result of a shown input, if it is ready. */
function inputLoaded(key: InputKey): InputState | undefined {
  const input = state.inputs.get(key);
  return shownInputs.some((s) => s.key === key) && input?.status === "loaded" ? input : undefined;
}

/** The strategy and parameter name of a parameter field of `choice`: "fast", or a combination's "momentum.fast". */
function paramOf(choice: Choice, field: string): [string, string] {
  if (!isCombined(choice)) return [choice.names[0], field];
  const dot = field.indexOf(".");
  return [field.slice(0, dot), field.slice(dot + 1)];
}

/**
 * The parameter fields of `choice`: the strategy's own, or each combined
 * strategy's under its name (sent prefixed, momentum.fast). What was typed
 * for a strategy still in the choice stays.
 */
function renderParams(choice: Choice): void {
  const before = shownChoice;
  if (before && isCombined(before) === isCombined(choice) && strategyField(before) === strategyField(choice)) return;
  const typed = new Map<string, RawValue>();
  if (before) for (const [name, value] of Object.entries(paramFields.values())) typed.set(paramOf(before, name).join("."), value);
  shownChoice = choice;
  paramFields.render(isCombined(choice)
    ? choice.names.flatMap((name) => fieldsFromParams(getStrategy(name).params, name))
    : fieldsFromParams(getStrategy(choice.names[0]).params));
  for (const f of paramFields.fields) {
    const value = typed.get(paramOf(choice, f.name).join("."));
    if (value !== undefined) paramFields.setValue(f.name, value);
  }
}

el.strategy.addEventListener("change", showStrategy);
settingFields.render(SETTINGS);
limitFields.render(LIMITS);
el.sizingMethod.append(h("option", { value: "" }, "None: the position fraction above"),
  ...Object.keys(SIZING).map((method) => h("option", { value: method }, paramLabel(method))));
sizingFields.render([]);
el.sizingMethod.addEventListener("change", () => {
  const method = el.sizingMethod.value as SizingMethod | "";
  sizingFields.render(method === "" ? [] : SIZING[method]);
  validate();
});
for (const fields of [paramFields, settingFields, sizingFields, limitFields, signalForm]) fields.onInput(() => validate());

interface Valid {
  readonly request: PlainRequest;
  /** The parameters with every default filled in (a combination's prefixed by strategy). */
  readonly params: StrategyParams;
}

/**
 * Checks the form with the engine's own rules: each parameter's text on its
 * own (paramsFromText, as the CLI reads --param), each setting's
 * (settingFromText, as the CLI reads its flags), then the whole request
 * (the engine's request check, and building its strategy: a combination's
 * members, the memory filter). Errors go next to their field.
 */
function validate(): Valid | null {
  const choice = signalForm.choice();
  const errors = Object.fromEntries(Object.keys(fieldSets).map((k) => [k, new Map<string, string>()])) as Record<FieldSetName, Map<string, string>>;
  const controlErrors = new Map<NonNullable<ReturnType<SignalForm["control"]>>, string>();
  let formError = "";
  const raw = paramFields.values();
  const params: Record<string, number | boolean> = {};
  for (const f of paramFields.fields) {
    const [strategy, name] = paramOf(choice, f.name);
    const def = getStrategy(strategy);
    try {
      params[f.name] = paramsFromText(def.name, def.params.filter((p) => p.name === name), { [name]: raw[f.name] }, () => f.path)[name]!;
    } catch (e) {
      errors.params.set(f.name, messageOf(e));
    }
  }
  const config = readNumbers(SETTINGS, settingFields.values(), errors.settings) as PlainConfig;
  const limits = readNumbers(LIMITS, limitFields.values(), errors.limits) as RiskLimits;
  const method = el.sizingMethod.value as SizingMethod | "";
  const sizing = method === "" ? undefined : { method, ...readNumbers(sizingFields.fields, sizingFields.values(), errors.sizing) } as SizingSpec;
  const combine = signalForm.combineSpec((set) => readNumbers(set.fields, set.values(), errors.combine));
  const memory = signalForm.memoryOn ? readNumbers(MEMORY_FIELDS, signalForm.memory.values(), errors.memory) : undefined;
  // The inputs' parts of the request, as the worker read them: the holdings file's text and the news' articles (an API body's fields).
  const inputErrors = new Map<InputKey, string>();
  for (const spec of shownInputs) {
    const problem = inputProblem(spec);
    if (problem !== undefined) inputErrors.set(spec.key, problem);
  }
  const holdings = inputLoaded("holdings")?.loaded;
  const news = inputLoaded("news")?.loaded?.news;
  const others = inputLoaded("series")?.loaded?.symbols ?? [];
  const request: PlainRequest = {
    strategy: strategyField(choice), params, combine, memory, config, limits, sizing,
    ...(holdings?.holdings === undefined ? {} : { holdings: holdings.holdings }), ...(news === undefined ? {} : { news }),
  };
  // The request as the page checks it on every keystroke: the files' contents were checked by the worker as it read them (and
  // are again as the run starts), so here a loaded input stands in by its place only (news by no articles, holdings by their
  // symbols' first rows), and no check does work that grows with a file.
  const checkable: PlainRequest = { ...request, ...(holdings ? { holdings: "" } : {}), ...(news ? { news: [] } : {}) };
  let checked: StrategyParams | null = null;
  if (Object.values(errors).every((m) => m.size === 0)) {
    try {
      checked = checkBacktestRequest(checkable).params as StrategyParams;
      // As the run builds it: over the loaded series and the others chosen (a book strategy is built for their symbols).
      const symbols = state.series ? [state.series.symbol, ...others] : undefined;
      const [strategy, cfg] = strategyAndConfig(checkable, symbols, { holdings: holdings?.holdingsFirsts });
      // The engine's own check of the settings against the data; the bars themselves were checked on loading, so their first does
      // (the others' first bars stand in as the loaded series' first, named as they are: the run checks they share its bar times).
      if (state.series) {
        const first = firstBar(state.series);
        new Backtest([first, ...others.map((symbol) => ({ ...first, symbol }))], strategy, cfg);
      }
    } catch (e) {
      const message = messageOf(e);
      const field = (e as EngineError).field;
      const target = fieldFor(field);
      const control = field === undefined ? null : signalForm.control(field);
      const input = inputOfError(e as EngineError);
      if (target) errors[target.set].set(target.name, message);
      else if (control) controlErrors.set(control, message);
      // An input the page already has something to say about (none chosen yet) keeps its own message.
      else if (input && shownInputs.some((s) => s.key === input)) inputErrors.set(input, inputErrors.get(input) ?? message);
      else formError = message;
    }
  }
  showInputErrors(inputErrors);
  for (const [name, fields] of Object.entries(fieldSets)) fields.showErrors(errors[name as FieldSetName]);
  signalForm.showErrors(controlErrors);
  if ([errors.settings, errors.limits, errors.sizing].some((m) => m.size > 0)) byId<HTMLDetailsElement>("settings").open = true;
  if (errors.combine.size > 0 || [...controlErrors.keys()].some((c) => c !== "memory")) byId<HTMLDetailsElement>("combine-box").open = true;
  if (errors.memory.size > 0 || controlErrors.has("memory")) byId<HTMLDetailsElement>("memory-box").open = true;
  el.formError.textContent = formError;
  el.formError.hidden = formError === "";
  if (checked === null || Object.values(errors).some((m) => m.size > 0) || controlErrors.size > 0 || inputErrors.size > 0 || formError) return null;
  return { request: { ...request, params: checked }, params: checked };
}

/** Shows each input's error next to it (the rest cleared), the input marked invalid. */
function showInputErrors(errors: ReadonlyMap<InputKey, string>): void {
  for (const [key, els] of inputElements) {
    const message = errors.get(key);
    els.error.textContent = message ?? "";
    if (message !== undefined) els.input.setAttribute("aria-invalid", "true");
    else els.input.removeAttribute("aria-invalid");
  }
}

function firstBar(s: BarSeries): BarSeries {
  const head = (a: Float64Array) => a.subarray(0, 1);
  return { symbol: s.symbol, time: head(s.time), open: head(s.open), high: head(s.high), low: head(s.low), close: head(s.close), volume: head(s.volume) };
}

/**
 * The form field an engine error names: its field is a request path
 * (config.initialCash, combine.weights.momentum), as each field's path is,
 * or the end of one (a risk check names maxOrderRate.windowMs, inside limits).
 */
function fieldFor(field: string | undefined): { set: FieldSetName; name: string } | null {
  if (!field) return null;
  for (const [set, fields] of Object.entries(fieldSets) as [FieldSetName, FieldSet][]) {
    const spec = fields.fields.find((f) => f.path === field || f.path.endsWith(`.${field}`));
    if (spec) return { set, name: spec.name };
  }
  return null;
}

function messageOf(e: unknown): string {
  if (e instanceof EngineError) return e.message;
  throw e;
}

/**
 * Number fields' values as their part of the request, read by the engine's
 * rules for typed text (settingFromText): blank optional ones are left out,
 * dotted names nest (maxOrderRate.count), a field typed in days is sent in ms.
 */
function readNumbers(specs: readonly FieldSpec[], raw: Record<string, RawValue>, errors: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    const text = String(raw[s.name]);
    if (text === "") {
      if (!s.optional) errors.set(s.name, `${s.label}: enter a number`);
      continue;
    }
    try {
      const value = (settingFromText(s.setting, text, s.path) as number) * (s.scale ?? 1);
      const keys = s.name.split(".");
      let at = out;
      for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
      at[keys[keys.length - 1]] = value;
    } catch (e) {
      errors.set(s.name, messageOf(e));
    }
  }
  return out;
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
  const jobId = state.nextJob++;
  const others = inputLoaded("series");
  const overlays = [
    ...overlaysForRun(valid.request.strategy, valid.params, valid.request.combine !== undefined),
    ...otherSeriesOverlays(others?.loaded?.symbols ?? []),
  ];
  state.running = { jobId, t0, overlays, series: 1 + (others?.loaded?.symbols?.length ?? 0) };
  el.run.disabled = true;
  el.cancel.disabled = false;
  el.runProgress.value = 0;
  el.runStatus.textContent = "Running…";
  el.runStatus.dataset.state = "running";
  delete el.runStatus.dataset.done;
  send({ type: "backtest", jobId, seriesId: state.seriesId, extraSeries: others?.inputId, request: valid.request, overlays });
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
  const control = err.field === undefined ? null : signalForm.control(err.field);
  const input = inputOfError(err);
  if (input && inputElements.has(input)) {
    // An error about an input (the other series' bar times, a holdings row) goes next to it.
    showInputErrors(new Map([[input, err.message]]));
  } else if (target) {
    fieldSets[target.set].showErrors(new Map([[target.name, err.message]]));
  } else if (control) {
    signalForm.showErrors(new Map([[control, err.message]]));
  } else {
    el.formError.textContent = err.message;
    el.formError.hidden = false;
  }
}

/**
 * Draws a run's results in steps, each painted in its own frame, so no one
 * task lays out and paints the whole report (a long run has a long monthly
 * table and big charts). A new run or new data stops the drawing of this one.
 */
async function showResult(m: Extract<FromWorker, { type: "result" }>): Promise<void> {
  const running = state.running!;
  finishRun("Drawing the results…", false, "drawing");
  const { report } = m;
  // A run of several series (a pair, mirror) has no one series to buy and hold, and names each trade's symbol.
  const several = running.series > 1;
  state.report = report;
  state.shownJob = m.jobId;
  const a = report.analysis;
  const steps = [
    () => {
      renderStats(el.stats, report);
      const params = Object.entries(report.strategy.params).map(([k, v]) => `${k}=${v}`).join(", ");
      el.resultTitle.textContent = `${report.symbol} · ${report.strategy.name} (${params}) · ${fmtTime(report.start)} → ${fmtTime(report.end)}`;
      el.exportJson.disabled = el.exportCsv.disabled = el.exportHtml.disabled = false;
      el.runProgress.value = 1;
    },
    // The run's lines and panes first, their points in the frames after: each a frame's worth of canvas work.
    () => priceChart.setRun(m.jobId, running.overlays, report.trades),
    async () => {
      equityChart.setRun(m.jobId);
      await barView.refresh();
      byId("equity-empty").hidden = true;
    },
    () => {
      renderBenchmark(el.benchStats, el.benchNote, a, several);
      renderTradeStats(el.tradeStats, a);
      renderDrawdowns(el.drawdowns, a);
    },
    () => renderMonthly(el.monthly, el.monthlyLegend, a),
    () => {
      el.tradesSymbol.hidden = !several;
      renderTrades(el.trades, el.tradesPager, el.tradesNote, report.trades, state.priceDecimals, focusTrade, several);
      renderRejections(el.rejections, el.rejectionsPager, el.rejectionsNote, report.rejections);
      renderDropped(el.dropped, el.droppedPager, el.droppedNote, report.droppedSignals);
      renderResized(el.resized, el.resizedPager, el.resizedNote, report.resized, state.priceDecimals);
    },
  ];
  for (const step of steps) {
    await step();
    await afterPaint();
    if (state.report !== report) return;
  }
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
  el.runStatus.textContent = `Done: ${fmtInt(report.bars)} bars, ${fmtInt(report.trades.length)} trades, in ${fmtMs(ms)}.`;
  el.runStatus.dataset.state = "done";
  // The results come into view; the controls stay where they are beside them.
  byId("summary-h").scrollIntoView({ behavior: "smooth", block: "start" });
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
  for (const pager of [el.tradesPager, el.rejectionsPager, el.droppedPager, el.resizedPager]) pager.hidden = true;
  el.tradesNote.textContent = "Run a backtest to list its trades.";
  el.rejections.tBodies[0].replaceChildren();
  el.rejectionsNote.textContent = "Run a backtest to list the orders its pre-trade checks denied.";
  el.dropped.tBodies[0].replaceChildren();
  el.droppedNote.textContent = "Run a combination of strategies or the memory filter to list the signals it dropped, with why.";
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
  el.exportJson.disabled = el.exportCsv.disabled = el.exportHtml.disabled = true;
}

function requestExport(format: ExportFormat): void {
  if (state.report) send({ type: "export", jobId: state.shownJob, format });
}

byId<HTMLInputElement>("price-log").addEventListener("change", (e) => priceChart.setLogScale((e.target as HTMLInputElement).checked));
byId<HTMLInputElement>("equity-log").addEventListener("change", (e) => equityChart.setLogScale((e.target as HTMLInputElement).checked));
byId("show-all").addEventListener("click", () => void barView.showAll());

// ---- neural forecast ------------------------------------------------------

const forecastEl = {
  model: byId<HTMLSelectElement>("forecast-model"),
  run: byId<HTMLButtonElement>("forecast-run"),
  status: byId("forecast-status"),
};
/** The backend, chosen on the first forecast: navigator.gpu is passed in here (src/ reaches for no global); ?webgpu=off forces the CPU. */
let chosenBackend: Promise<Chosen> | null = null;
const weightsCache = new Map<ModelKind, Promise<TrainedModel>>();

function setForecastStatus(text: string, forecastState: string): void {
  forecastEl.status.textContent = text;
  forecastEl.status.dataset.state = forecastState;
}

async function runForecast(): Promise<void> {
  const series = state.series;
  if (!series) return;
  const seriesId = state.seriesId;
  const kind = forecastEl.model.value as ModelKind;
  forecastEl.run.disabled = true;
  setForecastStatus(`Forecasting with ${kind}…`, "running");
  for (const key of ["backend", "forecast", "rmse", "z", "tail", "model"]) delete forecastEl.status.dataset[key];
  try {
    const webgpuOff = new URLSearchParams(location.search).get("webgpu") === "off";
    chosenBackend ??= choosePredictor(webgpuOff ? undefined : navigator.gpu, location.href);
    const chosen = await chosenBackend;
    if (!weightsCache.has(kind)) weightsCache.set(kind, fetchWeights(kind, location.href));
    const trained = await (weightsCache.get(kind) as Promise<TrainedModel>).catch((e: unknown) => {
      weightsCache.delete(kind);
      throw e;
    });
    const f = await pageForecast(trained, series.close, chosen);
    if (state.seriesId !== seriesId) return;
    const step = barStep(series.time);
    const last = series.time.length - 1;
    const points = [{ time: series.time[last], value: series.close[last], lower: series.close[last], upper: series.close[last] }];
    f.report.forecast.forEach((value, j) => {
      const half = f.rmse.length > 0 ? f.z * f.rmse[j] : undefined;
      points.push({ time: series.time[last] + (j + 1) * step, value, lower: half === undefined ? NaN : value - half, upper: half === undefined ? NaN : value + half });
    });
    priceChart.setForecast(f.rmse.length > 0 ? points : points.map(({ time, value }) => ({ time, value })));
    const d = forecastEl.status.dataset;
    d.backend = f.report.backend;
    d.model = kind;
    d.forecast = JSON.stringify(f.report.forecast);
    d.rmse = JSON.stringify(f.rmse);
    d.z = String(f.z);
    d.tail = String(f.tail);
    const price = (x: number) => fmtPrice(x, state.priceDecimals);
    const fc = f.report.forecast;
    const band = f.rmse.length > 0
      ? `, band ±${f.z}×RMSE: ±${price(f.z * f.rmse[0])} at step 1 to ±${price(f.z * f.rmse[fc.length - 1])} at step ${fc.length}`
      : " (no band: the series is too short to measure the model's error on its tail)";
    // Why the CPU ran, where it did (no adapter, or neural.wasm did not load): on hover, not in the line.
    forecastEl.status.title = chosen.detail;
    setForecastStatus(`${chosen.label} · ${kind}: next ${fc.length} closes ${price(fc[0])} … ${price(fc[fc.length - 1])}${band}`, "done");
  } catch (e) {
    if (state.seriesId === seriesId) setForecastStatus(`Forecast failed: ${messageOf(e)}`, "error");
  } finally {
    forecastEl.run.disabled = state.series === null;
  }
}

forecastEl.run.addEventListener("click", () => void runForecast());

el.exportJson.addEventListener("click", () => requestExport("json"));
el.exportCsv.addEventListener("click", () => requestExport("csv"));
el.exportHtml.addEventListener("click", () => requestExport("html"));

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

/** What the sweep's axes were drawn for: a strategy, or a combination of strategies. */
let axesFor = "";
/** The quantities the axes offer: the strategy's parameters, or a combination's (prefixed) and its settings. */
let axisChoices: AxisOption[] = [];

function renderSweepAxes(choice: Choice): void {
  const combined = isCombined(choice);
  const key = `${strategyField(choice)}${combined ? " (combined)" : ""}`;
  if (key === axesFor) return;
  axesFor = key;
  const def = getStrategy(choice.names[0]);
  axisChoices = axisOptions(choice.names, combined);
  if (axisChoices.length < 2 || def.inputs) {
    el.sweepAxes.replaceChildren(h("p", { className: "field-help", "data-testid": "sweep-unavailable" }, def.inputs
      ? `The sweep runs each parameter set over the loaded series alone, and ${def.name} needs ${def.inputs.why}; run it with its inputs (step 2) one parameter set at a time.`
      : `${def.name} has fewer than two numeric parameters to sweep.`));
    axes = null;
    el.sweepRun.disabled = true;
    return;
  }
  el.sweepRun.disabled = state.sweep?.running === true;
  const make = (axis: "x" | "y", title: string, initial: number): [HTMLElement, AxisInputs] => {
    const id = (part: string) => `sweep-${axis}-${part}`;
    const param = h("select", { id: id("param"), "data-testid": id("param") });
    for (const o of axisChoices) param.append(h("option", { value: o.key }, o.key));
    param.value = axisChoices[initial].key;
    const num = (part: string, label: string, attrs: Record<string, string | number> = {}) => {
      const input = h("input", { id: id(part), type: "number", step: "any", "data-testid": id(part), ...attrs });
      return [h("label", { for: id(part) }, label), input] as const;
    };
    const [fromLabel, from] = num("from", "From");
    const [toLabel, to] = num("to", "To");
    const [stepsLabel, steps] = num("steps", "Steps", { min: 1, max: MAX_STEPS, step: 1, value: 10 });
    const inputs = { param, from, to, steps };
    const setRange = () => {
      const spec = axisOption(param.value).spec;
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
        h("div", { className: "axis-param" }, h("label", { for: id("param") }, combined ? "Parameter or setting" : "Parameter"), param),
        h("div", {}, fromLabel, from), h("div", {}, toLabel, to), h("div", {}, stepsLabel, steps)));
    return [box, inputs];
  };
  const [xBox, x] = make("x", "Columns (X)", 0);
  const [yBox, y] = make("y", "Rows (Y)", 1);
  axes = { x, y };
  el.sweepAxes.replaceChildren(xBox, yBox);
}

function axisOption(key: string): AxisOption {
  return axisChoices.find((o) => o.key === key)!;
}

function readAxis(inputs: AxisInputs): Axis {
  const { key, spec } = axisOption(inputs.param.value);
  return { param: key, values: gridValues(spec, Number(inputs.from.value), Number(inputs.to.value), Number(inputs.steps.value)) };
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
  let x: Axis, y: Axis;
  try {
    x = readAxis(axes.x);
    y = readAxis(axes.y);
  } catch (e) {
    return showSweepError((e as Error).message);
  }
  if (x.param === y.param) return showSweepError("Choose two different parameters for the rows and the columns.");
  const base = valid.params;
  const total = x.values.length * y.values.length;
  const sweep = {
    choice: signalForm.choice(), combine: valid.request.combine, base, x, y, cells: new Array<CellResult | undefined>(total).fill(undefined), running: true,
  };
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
  revealBest(el.heatmap);
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
  const summary = renderHeatmap(el.heatmap, el.heatLegend, {
    x: sweep.x, y: sweep.y, xLabel: sweep.x.param, yLabel: sweep.y.param, cells: sweep.cells,
    metric: el.sweepMetric.value as Exclude<MetricKey, "trades">,
  }, (xv, yv) => pickCell(sweep, xv, yv));
  el.heatSummary.textContent = summary || "Cells fill in as the backtests finish.";
}

/** Loads a cell's parameters (and the combination's settings) into the form and runs that backtest. */
function pickCell(sweep: NonNullable<typeof state.sweep>, xv: number, yv: number): void {
  const now = signalForm.choice();
  if (strategyField(now) !== strategyField(sweep.choice) || now.method !== sweep.choice.method) {
    el.strategy.value = sweep.choice.names[0];
    showStrategy();
    signalForm.setChoice(sweep.choice);
    showStrategy();
  }
  for (const [k, v] of Object.entries(sweep.base)) paramFields.setValue(k, v as number | boolean);
  if (sweep.combine) signalForm.setCombine(sweep.combine);
  for (const [key, v] of [[sweep.x.param, xv], [sweep.y.param, yv]] as const) {
    if (key.startsWith("combine.")) signalForm.combine.setValue(key.slice("combine.".length), v);
    else paramFields.setValue(key, v);
  }
  byId("strategy-h").scrollIntoView({ behavior: "smooth", block: "start" });
  startRun(performance.now());
}

// ---- start ----------------------------------------------------------------

showStrategy();
loadBundled();
