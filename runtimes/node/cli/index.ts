import { main } from "./main.ts";
import { processIO } from "./io.ts";

process.exitCode = await main(process.argv.slice(2), processIO());
