import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { configEnvVars, loadAppConfig } from "../../../../src/config/app-config.ts";
import { LOCAL_USER } from "../../../../src/mcp/engine.ts";
import { TOOLS } from "../../../../src/mcp/tools.ts";
import { startNodeEngine } from "../../server.ts";
import type { Command } from "../command.ts";

const usage = `Usage: nt mcp [--config FILE.toml]

Serves the engine as Model Context Protocol tools over stdio (JSON-RPC on
stdin and stdout, logs on stderr) until stdin closes or the process is
interrupted. The tools:
${TOOLS.map((t) => `  ${t.name.padEnd(22)} ${t.operation}`).join("\n")}
Each takes the request body of the API operation beside it, checked by the
same rules with the same messages; its result is that operation's answer.
search_memory is offered when NT_MEMORY_INDEX (or [memory] index) names a
vector index file (nt memory import).

Over stdio the local user is trusted: every tool, no API key, and every
paper session is visible. \`nt serve\` offers the same tools to API keys at
POST /mcp (streamable HTTP).

An MCP client starts it as: { "command": "npx", "args": ["nt", "mcp"] }

  --config FILE.toml  settings file, as for nt serve ([limits], [sessions] dir,
                      [compute] workers, queue, timeout)

Environment (overrides the file): ${configEnvVars.join(", ")}.
Paper sessions journal to NT_SESSIONS_DIR when it is set and resume from there
on the next start; without it they end with the process.`;

export const mcpCommand: Command = {
  name: "mcp",
  summary: "serve the engine as MCP tools over stdio",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: "string" } } });
    const file = values.config === undefined ? undefined : { name: values.config, text: readFileSync(resolve(io.cwd, values.config), "utf8") };
    const config = loadAppConfig({ env: process.env, file });
    const node = await startNodeEngine(config);
    const server = node.engine.mcp.server(LOCAL_USER);
    await server.connect(new StdioServerTransport());
    io.err(`nt mcp: serving ${node.engine.mcp.tools().length} tools on stdio\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        process.stdin.off("end", stop);
        done();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      // The client closing its end of the pipe is how an MCP client ends a stdio server.
      process.stdin.on("end", stop);
    });
    await server.close();
    await node.close();
    return 0;
  },
};
