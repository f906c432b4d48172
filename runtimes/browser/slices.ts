// Runs a steppable engine in short time slices so the thread it is on stays
// responsive: between slices it reports progress and yields to the event
// loop, where a cancel message can arrive; a cancelled run stops there.

/** What stepInSlices drives: the engine's Backtest has this shape. */
export interface Steppable {
  readonly done: boolean;
  step(): void;
}

export interface SliceOptions {
  /** Longest stretch of stepping before a yield, in ms. */
  readonly sliceMs: number;
  readonly now: () => number;
  /** Lets queued messages (a cancel) run. */
  readonly yieldNow: () => Promise<void>;
  readonly cancelled: () => boolean;
  /** After each slice, with the number of steps taken so far. */
  readonly onProgress: (done: number) => void;
}

/** Steps bars between clock checks: cheap enough to keep slices close to sliceMs. */
const STEPS_PER_CHECK = 32;

/**
 * Steps `engine` to its end. Returns the milliseconds spent stepping (yields
 * excluded), or null when cancelled() turned true at a yield.
 */
export async function stepInSlices(engine: Steppable, opts: SliceOptions): Promise<number | null> {
  let busy = 0;
  let done = 0;
  if (opts.cancelled()) return null;
  while (!engine.done) {
    const start = opts.now();
    const until = start + opts.sliceMs;
    do {
      for (let k = 0; k < STEPS_PER_CHECK && !engine.done; k++) {
        engine.step();
        done++;
      }
    } while (!engine.done && opts.now() < until);
    busy += opts.now() - start;
    opts.onProgress(done);
    if (engine.done) break;
    await opts.yieldNow();
    if (opts.cancelled()) return null;
  }
  return busy;
}

/**
 * A zero-delay yield through a MessageChannel: unlike nested setTimeout it is
 * not clamped to 4 ms, yet messages already queued for the thread run first.
 */
export function messageChannelYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
