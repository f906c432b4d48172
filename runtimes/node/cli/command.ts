import { EngineError } from "../../../src/core/errors.ts";
import { settingFromText, type SettingSpec } from "../../../src/core/settings.ts";

/** One `nt` sub-command: parses its own arguments, does its I/O, returns an exit code. */
export interface Command {
  readonly name: string;
  /** One line for `nt --help`. */
  readonly summary: string;
  /** Full usage text for `nt <name> --help`. */
  readonly usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Where a command writes; tests capture it instead of the process streams. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress on long runs (stderr, only on a terminal). */
  progress(done: number, total: number, label: string): void;
  readonly cwd: string;
}

/** An error in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * A flag's text as a setting's value, read by the rules every front end uses
 * for typed text (settingFromText); a bad value is a usage error naming the flag.
 */
export function flagSetting(spec: SettingSpec, text: string, flag: string): number | boolean {
  return asUsageError(() => settingFromText(spec, text, flag));
}

/** Runs a reading of argv; an engine error there (a bad flag value) becomes a usage error. */
export function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof EngineError) throw new UsageError(e.message);
    throw e;
  }
}
