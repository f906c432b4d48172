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
