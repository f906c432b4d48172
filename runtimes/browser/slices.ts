// The worker's yield between slices of engine work (the slicing itself is
// the one runner, src/execution/runner.ts).

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
