import { W, type HnswBackend, type HnswEngine } from "./layout.ts";

const fr = Math.fround;

/**
 * The TypeScript twin of assembly/memory/hnsw.ts, step for step: float32
 * arithmetic through Math.fround (a float64 sum, difference or product of
 * two float32 values rounds to the float32 result exactly), the same lanes
 * and summation order, the same heap and the same neighbour heuristic, so it
 * builds the same graph and returns the same answers as the kernel. The
 * kernel's documentation applies here; the memory is an ArrayBuffer.
 */
class TwinEngine implements HnswEngine {
  readonly base = 0;
  private memory = new ArrayBuffer(0);
  private i32 = new Int32Array(0);
  private u16 = new Uint16Array(0);
  private f32 = new Float32Array(0);
  private u8 = new Uint8Array(0);
  // The context, read by bind() at each entry point (addresses are element indexes here: byte address >> 2, >> 1 for visited).
  private ctx = 0;
  private stride = 0;
  private metric = 0;
  private vectors = 0;
  private nodeWords = 0;
  private flags = 0;
  private mask = 0;
  private visited = 0;
  private epoch = 0;

  buffer(): ArrayBuffer {
    return this.memory;
  }

  grow(bytes: number): void {
    if (bytes <= this.memory.byteLength) return;
    const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
    new Uint8Array(next).set(new Uint8Array(this.memory));
    this.memory = next;
    this.i32 = new Int32Array(next);
    this.u16 = new Uint16Array(next);
    this.f32 = new Float32Array(next);
    this.u8 = new Uint8Array(next);
  }

  private word(i: number): number {
    return this.i32[(this.ctx >> 2) + i];
  }

  private setWord(i: number, v: number): void {
    this.i32[(this.ctx >> 2) + i] = v;
  }

  private bind(context: number): void {
    this.ctx = context;
    this.stride = this.word(W.STRIDE);
    this.metric = this.word(W.METRIC);
    this.vectors = this.word(W.VECTORS) >> 2;
    this.nodeWords = this.word(W.NODE_BYTES) >> 2;
    this.flags = this.word(W.FLAGS);
    this.mask = this.word(W.MASK);
    this.visited = this.word(W.VISITED) >> 1;
    this.epoch = this.word(W.EPOCH) & 0xffff;
  }

  /** Float index of a node's vector. */
  private vec(node: number): number {
    return this.vectors + node * this.nodeWords;
  }

  /** Distance between the vectors at float indexes a and b: lanes 0-3 and 4-7 of each block of 8, as two f32x4. */
  private distance(a: number, b: number): number {
    const f = this.f32;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    if (this.metric === 0) {
      for (let i = 0; i < this.stride; i += 8) {
        const d0 = fr(f[a + i] - f[b + i]), d1 = fr(f[a + i + 1] - f[b + i + 1]);
        const d2 = fr(f[a + i + 2] - f[b + i + 2]), d3 = fr(f[a + i + 3] - f[b + i + 3]);
        const e0 = fr(f[a + i + 4] - f[b + i + 4]), e1 = fr(f[a + i + 5] - f[b + i + 5]);
        const e2 = fr(f[a + i + 6] - f[b + i + 6]), e3 = fr(f[a + i + 7] - f[b + i + 7]);
        a0 = fr(a0 + fr(d0 * d0)); a1 = fr(a1 + fr(d1 * d1)); a2 = fr(a2 + fr(d2 * d2)); a3 = fr(a3 + fr(d3 * d3));
        b0 = fr(b0 + fr(e0 * e0)); b1 = fr(b1 + fr(e1 * e1)); b2 = fr(b2 + fr(e2 * e2)); b3 = fr(b3 + fr(e3 * e3));
      }
    } else {
      for (let i = 0; i < this.stride; i += 8) {
        a0 = fr(a0 + fr(f[a + i] * f[b + i])); a1 = fr(a1 + fr(f[a + i + 1] * f[b + i + 1]));
        a2 = fr(a2 + fr(f[a + i + 2] * f[b + i + 2])); a3 = fr(a3 + fr(f[a + i + 3] * f[b + i + 3]));
        b0 = fr(b0 + fr(f[a + i + 4] * f[b + i + 4])); b1 = fr(b1 + fr(f[a + i + 5] * f[b + i + 5]));
        b2 = fr(b2 + fr(f[a + i + 6] * f[b + i + 6])); b3 = fr(b3 + fr(f[a + i + 7] * f[b + i + 7]));
      }
    }
    const total = fr(fr(fr(a0 + b0) + fr(a1 + b1)) + fr(fr(a2 + b2) + fr(a3 + b3)));
    return this.metric === 0 ? total : fr(1 - total);
  }

  /** Int index of a node's link list on a level: a count, then the ids. */
  private links(node: number, level: number): number {
    if (level === 0) return (this.word(W.LINKS0) >> 2) + node * this.nodeWords;
    const first = this.i32[(this.word(W.UPPER) >> 2) + node] + (level - 1) * (1 + this.word(W.M));
    return (this.word(W.POOL) >> 2) + first;
  }

  private accepted(node: number, useMask: boolean): boolean {
    return this.u8[this.flags + node] === 0 && (!useMask || this.u8[this.mask + node] !== 0);
  }

  private newEpoch(): void {
    this.epoch = (this.epoch + 1) & 0xffff;
    if (this.epoch === 0) {
      this.u16.fill(0, this.visited, this.visited + this.word(W.COUNT));
      this.epoch = 1;
    }
    this.setWord(W.EPOCH, this.epoch);
  }

  private seen(node: number): boolean {
    const p = this.visited + node;
    if (this.u16[p] === this.epoch) return true;
    this.u16[p] = this.epoch;
    return false;
  }

  // Heaps at byte address h: pair i is f32[(h >> 2) + 2i] (key), i32[(h >> 2) + 2i + 1] (id).

  private hkey(h: number, i: number): number {
    return this.f32[(h >> 2) + 2 * i];
  }

  private hid(h: number, i: number): number {
    return this.i32[(h >> 2) + 2 * i + 1];
  }

  private hset(h: number, i: number, key: number, id: number): void {
    this.f32[(h >> 2) + 2 * i] = key;
    this.i32[(h >> 2) + 2 * i + 1] = id;
  }

  private heapPush(h: number, size: number, key: number, id: number): number {
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = this.hkey(h, parent);
      if (!(key > pk)) break;
      this.hset(h, i, pk, this.hid(h, parent));
      i = parent;
    }
    this.hset(h, i, key, id);
    return size + 1;
  }

  private heapPop(h: number, size: number): number {
    const last = size - 1;
    const key = this.hkey(h, last);
    const id = this.hid(h, last);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.hkey(h, r) > this.hkey(h, l) ? r : l;
      if (!(this.hkey(h, c) > key)) break;
      this.hset(h, i, this.hkey(h, c), this.hid(h, c));
      i = c;
    }
    if (last > 0) this.hset(h, i, key, id);
    return last;
  }

  private drainSorted(h: number, size: number, dst: number): number {
    let n = size;
    for (let i = size - 1; i >= 0; i--) {
      this.hset(dst, i, this.hkey(h, 0), this.hid(h, 0));
      n = this.heapPop(h, n);
    }
    return size;
  }

  private greedy(q: number, ep: number, level: number): number {
    let cur = ep;
    let best = this.distance(q, this.vec(cur));
    let changed = true;
    while (changed) {
      changed = false;
      const list = this.links(cur, level);
      const n = this.i32[list];
      for (let j = 1; j <= n; j++) {
        const e = this.i32[list + j];
        const d = this.distance(q, this.vec(e));
        if (d < best) {
          best = d;
          cur = e;
          changed = true;
        }
      }
    }
    return cur;
  }

  private searchLayer(q: number, ep: number, ef: number, level: number, useMask: boolean): number {
    const ha = this.word(W.HEAP_A);
    const hb = this.word(W.HEAP_B);
    this.newEpoch();
    this.seen(ep);
    const d0 = this.distance(q, this.vec(ep));
    let sizeA = this.heapPush(ha, 0, -d0, ep);
    let sizeB = 0;
    let bound = Infinity;
    if (this.accepted(ep, useMask)) {
      sizeB = this.heapPush(hb, 0, d0, ep);
      bound = d0;
    }
    while (sizeA > 0) {
      const cd = -this.hkey(ha, 0);
      if (cd > bound && sizeB === ef) break;
      const c = this.hid(ha, 0);
      sizeA = this.heapPop(ha, sizeA);
      const list = this.links(c, level);
      const n = this.i32[list];
      for (let j = 1; j <= n; j++) {
        const e = this.i32[list + j];
        if (this.seen(e)) continue;
        const d = this.distance(q, this.vec(e));
        if (sizeB < ef || d < bound) {
          sizeA = this.heapPush(ha, sizeA, -d, e);
          if (this.accepted(e, useMask)) {
            sizeB = this.heapPush(hb, sizeB, d, e);
            if (sizeB > ef) sizeB = this.heapPop(hb, sizeB);
            bound = this.hkey(hb, 0);
          }
        }
      }
    }
    return sizeB;
  }

  /** dst: int index of a link list. */
  private selectNeighbors(cand: number, n: number, m: number, dst: number): void {
    let kept = 0;
    for (let i = 0; i < n && kept < m; i++) {
      const c = this.hid(cand, i);
      let good = true;
      if (n >= m) {
        const dc = this.hkey(cand, i);
        for (let j = 1; j <= kept; j++) {
          if (this.distance(this.vec(c), this.vec(this.i32[dst + j])) < dc) {
            good = false;
            break;
          }
        }
      }
      if (good) {
        kept++;
        this.i32[dst + kept] = c;
      }
    }
    this.i32[dst] = kept;
  }

  private connect(nb: number, node: number, level: number): void {
    const list = this.links(nb, level);
    const cap = level === 0 ? this.word(W.M0) : this.word(W.M);
    const n = this.i32[list];
    if (n < cap) {
      this.i32[list + n + 1] = node;
      this.i32[list] = n + 1;
      return;
    }
    const scratch = this.word(W.SCRATCH);
    const base = this.vec(nb);
    for (let j = 0; j < n; j++) {
      const e = this.i32[list + j + 1];
      this.hset(scratch, j, this.distance(base, this.vec(e)), e);
    }
    this.hset(scratch, n, this.distance(base, this.vec(node)), node);
    for (let i = 1; i <= n; i++) {
      const key = this.hkey(scratch, i);
      const id = this.hid(scratch, i);
      let j = i - 1;
      while (j >= 0 && this.hkey(scratch, j) > key) {
        this.hset(scratch, j + 1, this.hkey(scratch, j), this.hid(scratch, j));
        j--;
      }
      this.hset(scratch, j + 1, key, id);
    }
    this.selectNeighbors(scratch, n + 1, cap, list);
  }

  insert(context: number, node: number, level: number): void {
    this.bind(context);
    const entry = this.word(W.ENTRY);
    if (entry < 0) {
      this.setWord(W.ENTRY, node);
      this.setWord(W.MAX_LEVEL, level);
      return;
    }
    const q = this.vec(node);
    const maxLevel = this.word(W.MAX_LEVEL);
    const ef = this.word(W.EF_CONSTRUCTION);
    const m = this.word(W.M);
    const scratch = this.word(W.SCRATCH);
    let ep = entry;
    for (let l = maxLevel; l > level; l--) ep = this.greedy(q, ep, l);
    for (let l = Math.min(level, maxLevel); l >= 0; l--) {
      const n = this.drainSorted(this.word(W.HEAP_B), this.searchLayer(q, ep, ef, l, false), scratch);
      if (n === 0) continue;
      const next = this.hid(scratch, 0);
      const list = this.links(node, l);
      this.selectNeighbors(scratch, n, m, list);
      const kept = this.i32[list];
      for (let j = 1; j <= kept; j++) this.connect(this.i32[list + j], node, l);
      ep = next;
    }
    if (level > maxLevel) {
      this.setWord(W.ENTRY, node);
      this.setWord(W.MAX_LEVEL, level);
    }
  }

  search(context: number, k: number, ef: number, useMask: boolean): number {
    this.bind(context);
    const entry = this.word(W.ENTRY);
    if (entry < 0 || k <= 0) return 0;
    const q = this.word(W.QUERY) >> 2;
    const hb = this.word(W.HEAP_B);
    let ep = entry;
    for (let l = this.word(W.MAX_LEVEL); l > 0; l--) ep = this.greedy(q, ep, l);
    let size = this.searchLayer(q, ep, Math.max(ef, k), 0, useMask);
    while (size > k) size = this.heapPop(hb, size);
    return this.drainSorted(hb, size, this.word(W.OUT));
  }

  exact(context: number, k: number, useMask: boolean): number {
    this.bind(context);
    if (k <= 0) return 0;
    const q = this.word(W.QUERY) >> 2;
    const hb = this.word(W.HEAP_B);
    const count = this.word(W.COUNT);
    let size = 0;
    for (let node = 0; node < count; node++) {
      if (!this.accepted(node, useMask)) continue;
      const d = this.distance(q, this.vec(node));
      if (size < k) {
        size = this.heapPush(hb, size, d, node);
      } else if (d < this.hkey(hb, 0)) {
        size = this.heapPop(hb, size);
        size = this.heapPush(hb, size, d, node);
      }
    }
    return this.drainSorted(hb, size, this.word(W.OUT));
  }
}

/** The TypeScript twin as a backend: the reference in tests, and the fallback where WebAssembly is missing. */
export const tsHnsw: HnswBackend = { name: "typescript", create: () => new TwinEngine() };
