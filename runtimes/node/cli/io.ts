import type { CliIO } from "./command.ts";

/** The process's own streams; progress is drawn only on a terminal so pipes and --json stay clean. */
export function processIO(): CliIO {
  let lastDraw = 0;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    progress(done, total, label) {
      if (!process.stderr.isTTY) return;
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      process.stderr.write(`\r${label} ${pct}%${done >= total ? "\n" : ""}`);
    },
    cwd: process.cwd(),
  };
}
