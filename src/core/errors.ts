/**
 * Typed errors. Each names what is wrong and where (file, row, field), so a
 * user knows what to fix; `code` is stable and machine-readable (the API maps
 * it to a status).
 */
export interface ErrorLocation {
  /** The field, parameter or column at fault. */
  field?: string;
  /** 1-based data row (header excluded) for tabular input. */
  row?: number;
  /** The file or source the input came from. */
  source?: string;
}

export abstract class EngineError extends Error {
  abstract readonly code: string;
  readonly field?: string;
  readonly row?: number;
  readonly source?: string;

  constructor(message: string, where: ErrorLocation = {}) {
    super(describe(message, where));
    this.name = new.target.name;
    this.field = where.field;
    this.row = where.row;
    this.source = where.source;
  }
}

function describe(message: string, { source, row }: ErrorLocation): string {
  const at = [source, row === undefined ? undefined : `row ${row}`].filter(Boolean).join(", ");
  return at ? `${at}: ${message}` : message;
}

/** Malformed or inconsistent market data. */
export class MarketDataError extends EngineError { readonly code = "market_data"; }
/** A strategy failed or was configured wrongly. */
export class StrategyError extends EngineError { readonly code = "strategy"; }
/** An order could not be created, routed or filled. */
export class ExecutionError extends EngineError { readonly code = "execution"; }
/** A pre-trade risk limit denied an order. */
export class RiskLimitError extends EngineError { readonly code = "risk_limit"; }
/** Invalid configuration or parameters. */
export class ConfigError extends EngineError { readonly code = "config"; }
/** A circuit breaker is open: new orders are halted until it is reset. */
export class CircuitOpenError extends EngineError { readonly code = "circuit_open"; }

/** The most characters of a bad value any message repeats. */
export const MAX_SHOWN_CHARS = 60;

/**
 * A bad value as every error message shows it, never longer than about
 * MAX_SHOWN_CHARS: a string quoted (cut with an ellipsis and its total
 * length when longer), a number or boolean as written, an array or object by
 * its kind only. It never recurses, so a deeply nested value cannot overflow
 * the stack while an error is being described.
 */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return quoted(value);
  return String(value);
}

function quoted(text: string): string {
  let out = "";
  for (const ch of text) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (out.length + escaped.length > MAX_SHOWN_CHARS) return `"${out}…" (${text.length} characters)`;
    out += escaped;
  }
  return `"${out}"`;
}

/** An object key as a step of a field path (`returns.<key>`): cut like shown() when long. */
export function shownKey(key: string): string {
  return key.length <= MAX_SHOWN_CHARS ? key : `${key.slice(0, MAX_SHOWN_CHARS)}…`;
}

/** Every value finite (model parameters such as weights, means, covariances). */
export function checkAllFinite(field: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ConfigError(`${field}[${i}] must be finite, got ${values[i]}`, { field });
  }
}
