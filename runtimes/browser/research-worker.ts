// The sweeps' Web Worker: runs chunks of a sweep for the runtime-neutral pool
// (src/research/pool.ts), as the Node worker threads do. The vectorized
// path runs on research.wasm fetched next to this script; where WebAssembly
// cannot load, on its TypeScript twin (the same results, slower).
import { WasmVectorKernels } from "../../src/kernels/research.ts";
import { serveSweeps, type FromSweepWorker, type ToSweepWorker } from "../../src/research/pool.ts";
import type { VectorKernels } from "../../src/research/vector/kernels.ts";
import { tsVectorKernels } from "../../src/research/vector/twin.ts";

interface WorkerScope {
  readonly location: { readonly href: string };
  onmessage: ((e: MessageEvent<ToSweepWorker>) => void) | null;
  postMessage(message: FromSweepWorker, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

async function kernels(): Promise<VectorKernels> {
  const url = new URL("research.wasm", scope.location.href);
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
    return await WasmVectorKernels.load(await res.arrayBuffer());
  } catch {
    return tsVectorKernels;
  }
}

serveSweeps({ onMessage: (listener) => (scope.onmessage = (e) => listener(e.data)), post: (m, transfer) => scope.postMessage(m, transfer) }, kernels());
