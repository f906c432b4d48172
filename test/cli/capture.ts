// Runs `nt` in-process with captured output.
import { main } from "../../runtimes/node/cli/main.ts";
import { root } from "../helpers.ts";

export async function nt(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), progress: () => {}, cwd: root });
  return { code, out, err };
}
