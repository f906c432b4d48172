import type { CliIO, Command } from "./command.ts";
import { UsageError } from "./command.ts";
import { EngineError } from "../../../src/core/errors.ts";
import { backtestCommand } from "./commands/backtest.ts";
import { forecastCommand } from "./commands/forecast.ts";
import { indicatorsCommand } from "./commands/indicators.ts";
import { mcpCommand } from "./commands/mcp.ts";
import { memoryCommand } from "./commands/memory.ts";
import { newsCommand } from "./commands/news.ts";
import { optimizeCommand } from "./commands/optimize.ts";
import { riskCommand } from "./commands/risk.ts";
import { serveCommand } from "./commands/serve.ts";
import { tradeCommand } from "./commands/trade.ts";
import { webCommand } from "./commands/web.ts";
import { sweepCommand } from "./commands/sweep.ts";
import { workerCommand } from "./commands/worker.ts";

export const commands: readonly Command[] = [
  backtestCommand, forecastCommand, indicatorsCommand, mcpCommand, memoryCommand, newsCommand, optimizeCommand, riskCommand, serveCommand,
  sweepCommand, tradeCommand, webCommand, workerCommand,
];

const help = (list: readonly Command[]) =>
  ["Usage: nt <command> [options]", "", "Commands:", ...list.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`), "",
    "Run `nt <command> --help` for a command's options."].join("\n");

/**
 * Runs `nt` with argv (without node and script); every failure becomes a
 * message and an exit code: 2 for a usage error, 1 for bad input or a file
 * that cannot be read, 70 for anything unexpected (a bug, or out of memory).
 */
export async function main(argv: string[], io: CliIO, available: readonly Command[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    io.out(help(available) + "\n");
    return name ? 0 : 2;
  }
  const command = available.find((c) => c.name === name);
  if (!command) {
    io.err(`nt: unknown command "${name}"\n\n${help(available)}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      io.err(`nt ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof EngineError) {
      io.err(`nt ${name}: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === "string" && typeof err.syscall === "string") {
      // A system error (ENOENT, EACCES, EISDIR, EMFILE ...): Node's message names the call and the path.
      io.err(`nt ${name}: ${err.message}\n`);
      return 1;
    }
    // Anything else is a fault of ours or of the machine (out of memory, say): one line, the stack only on request.
    const detail = process.env.NT_DEBUG ? `\n${(e as Error)?.stack ?? String(e)}` : " (set NT_DEBUG=1 for the stack trace)";
    io.err(`nt ${name}: unexpected error: ${(e as Error)?.message ?? String(e)}${detail}\n`);
    return 70;
  }
}
