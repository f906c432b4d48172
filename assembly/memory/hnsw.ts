// HNSW (Malkov and Yashunin 2016, as hnswlib implements it) over float32
// vectors in one arena. The host lays every region out and writes their
// addresses into a context block of i32 words (src/memory/layout.ts names
// the words); the kernel allocates nothing. The TypeScript twin,
// src/memory/hnsw-twin.ts, follows this file line by line: same float32
// rounding, same summation order, same heap, so both build the same graph.
// (The twin leaves out touch(), which changes timing, not results.)

// Context words (byte offset = 4 * word); keep in step with src/memory/layout.ts.
const STRIDE = 0; // floats per stored vector, a multiple of 8 (zero padded)
const METRIC = 1; // 0: squared L2; 1: 1 - dot (inner product, cosine on unit vectors)
const M = 2; // most links per node on the upper levels
const M0 = 3; // most links per node on level 0
const COUNT = 4; // nodes stored, deleted ones included
const ENTRY = 5; // the entry node, -1 when empty
const MAX_LEVEL = 6;
const EF_CONSTRUCTION = 7;
const VECTORS = 8; // node 0's vector; node i's is NODE_BYTES further per i
const LINKS0 = 9; // node 0's level-0 list (count, then M0 ids); node i's is NODE_BYTES further per i
const UPPER = 10; // per node: first word of its upper-level lists in POOL, -1 without
const POOL = 11; // per upper level of a node: count, then M ids
const FLAGS = 12; // per node, u8: 1 = deleted
const MASK = 13; // per node, u8: nonzero = the filter allows it
const VISITED = 14; // per node, u16: the epoch it was last visited in
const EPOCH = 15;
const HEAP_A = 16; // candidates, (-distance, id) pairs; as many as nodes
const HEAP_B = 17; // results, (distance, id) pairs
const SCRATCH = 18; // sorted (distance, id) pairs
const OUT = 19; // the answer, (distance, id) pairs nearest first
const QUERY = 20; // the query vector, STRIDE floats
const BATCH = 21; // M0 node ids
const NODE_BYTES = 22; // per node: its level-0 list, then its vector (one block, as hnswlib keeps them)

let ctx: usize = 0;
let stride: usize = 0; // bytes per vector
let nodeBytes: usize = 0;
let metric: i32 = 0;
let vectors: usize = 0;
let flags: usize = 0;
let mask: usize = 0;
let visited: usize = 0;
let epoch: u16 = 0;
let links0: usize = 0;
let upper: usize = 0;
let pool: usize = 0;
let upperWords: i32 = 0; // per level: 1 + M

// @ts-ignore: decorator
@inline function word(i: i32): i32 {
  return load<i32>(ctx + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function setWord(i: i32, v: i32): void {
  store<i32>(ctx + (<usize>i << 2), v);
}

function bind(context: usize): void {
  ctx = context;
  stride = <usize>word(STRIDE) << 2;
  nodeBytes = <usize>word(NODE_BYTES);
  metric = word(METRIC);
  vectors = <usize>word(VECTORS);
  flags = <usize>word(FLAGS);
  mask = <usize>word(MASK);
  visited = <usize>word(VISITED);
  epoch = <u16>word(EPOCH);
  links0 = <usize>word(LINKS0);
  upper = <usize>word(UPPER);
  pool = <usize>word(POOL);
  upperWords = 1 + word(M);
}

/** The first free byte after this module's static data: where the host may lay out its regions. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

// @ts-ignore: decorator
@inline function vec(node: i32): usize {
  return vectors + <usize>node * nodeBytes;
}

/**
 * Distance between the vectors at a and b. Two f32x4 accumulators over each
 * block of 8 floats, added lane by lane, then (l0 + l1) + (l2 + l3).
 */
// @ts-ignore: decorator
@inline function distance(a: usize, b: usize): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  if (metric == 0) {
    for (let off: usize = 0; off < stride; off += 32) {
      const d0 = f32x4.sub(v128.load(a + off), v128.load(b + off));
      const d1 = f32x4.sub(v128.load(a + off, 16), v128.load(b + off, 16));
      s0 = f32x4.add(s0, f32x4.mul(d0, d0));
      s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    }
  } else {
    for (let off: usize = 0; off < stride; off += 32) {
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a + off), v128.load(b + off)));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
    }
  }
  const s = f32x4.add(s0, s1);
  const total: f32 = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  return metric == 0 ? total : <f32>1 - total;
}

let touched: f32 = 0;

/**
 * Reads one float from each 64-byte line of a vector, so that its cache
 * misses are under way before its distance is computed (WebAssembly has no
 * prefetch instruction; hnswlib prefetches here).
 */
// @ts-ignore: decorator
@inline function touch(v: usize): void {
  let s: f32 = 0;
  for (let off: usize = 0; off < stride; off += 64) s += load<f32>(v + off);
  touched += s;
}

/** The link list of a node on a level: a count, then the ids. */
// @ts-ignore: decorator
@inline function links(node: i32, level: i32): usize {
  if (level == 0) return links0 + <usize>node * nodeBytes;
  const first = load<i32>(upper + (<usize>node << 2)) + (level - 1) * upperWords;
  return pool + (<usize>first << 2);
}

// @ts-ignore: decorator
@inline function accepted(node: i32, useMask: bool): bool {
  return load<u8>(flags + <usize>node) == 0 && (!useMask || load<u8>(mask + <usize>node) != 0);
}

/** Starts a new visit: every node counts as unvisited again. */
function newEpoch(): void {
  epoch++;
  if (epoch == 0) {
    memory.fill(visited, 0, <usize>word(COUNT) << 1);
    epoch = 1;
  }
  setWord(EPOCH, <i32>epoch);
}

/** Marks a node visited; true when it already was. */
// @ts-ignore: decorator
@inline function seen(node: i32): bool {
  const p = visited + (<usize>node << 1);
  if (load<u16>(p) == epoch) return true;
  store<u16>(p, epoch);
  return false;
}

// Max-heaps of (f32 key, i32 id) pairs, 8 bytes each, the largest key at 0.

// @ts-ignore: decorator
@inline function hkey(h: usize, i: i32): f32 {
  return load<f32>(h + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function hid(h: usize, i: i32): i32 {
  return load<i32>(h + (<usize>i << 3), 4);
}

// @ts-ignore: decorator
@inline function hset(h: usize, i: i32, key: f32, id: i32): void {
  store<f32>(h + (<usize>i << 3), key);
  store<i32>(h + (<usize>i << 3), id, 4);
}

/** Adds (key, id) to a heap of `size` pairs; returns the new size. */
function heapPush(h: usize, size: i32, key: f32, id: i32): i32 {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pk = hkey(h, parent);
    if (!(key > pk)) break;
    hset(h, i, pk, hid(h, parent));
    i = parent;
  }
  hset(h, i, key, id);
  return size + 1;
}

/** Removes the top pair of a heap of `size` pairs; returns the new size. */
function heapPop(h: usize, size: i32): i32 {
  const last = size - 1;
  const key = hkey(h, last);
  const id = hid(h, last);
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= last) break;
    const r = l + 1;
    const c = r < last && hkey(h, r) > hkey(h, l) ? r : l;
    if (!(hkey(h, c) > key)) break;
    hset(h, i, hkey(h, c), hid(h, c));
    i = c;
  }
  if (last > 0) hset(h, i, key, id);
  return last;
}

/** Empties a heap into dst as pairs in ascending key order; returns how many. */
function drainSorted(h: usize, size: i32, dst: usize): i32 {
  let n = size;
  for (let i = size - 1; i >= 0; i--) {
    hset(dst, i, hkey(h, 0), hid(h, 0));
    n = heapPop(h, n);
  }
  return size;
}

/** Greedy descent on one level: moves to a nearer neighbour while there is one. */
function greedy(q: usize, ep: i32, level: i32): i32 {
  let cur = ep;
  let best = distance(q, vec(cur));
  let changed = true;
  while (changed) {
    changed = false;
    const list = links(cur, level);
    const n = load<i32>(list);
    for (let j = 1; j <= n; j++) {
      const e = load<i32>(list + (<usize>j << 2));
      const d = distance(q, vec(e));
      if (d < best) {
        best = d;
        cur = e;
        changed = true;
      }
    }
  }
  return cur;
}

/**
 * Beam search on one level from ep: the ef nearest accepted nodes end in
 * HEAP_B (returns how many). Deleted and filtered-out nodes are walked
 * through but never kept.
 */
function searchLayer(q: usize, ep: i32, ef: i32, level: i32, useMask: bool): i32 {
  const ha = <usize>word(HEAP_A);
  const hb = <usize>word(HEAP_B);
  newEpoch();
  seen(ep);
  const d0 = distance(q, vec(ep));
  let sizeA = heapPush(ha, 0, -d0, ep);
  let sizeB = 0;
  let bound = Infinity as f32;
  if (accepted(ep, useMask)) {
    sizeB = heapPush(hb, 0, d0, ep);
    bound = d0;
  }
  while (sizeA > 0) {
    const cd = -hkey(ha, 0);
    if (cd > bound && sizeB == ef) break;
    const c = hid(ha, 0);
    sizeA = heapPop(ha, sizeA);
    const list = links(c, level);
    const n = load<i32>(list);
    // First the unvisited neighbours, then their distances: the loads of their vectors can then overlap.
    const batch = <usize>word(BATCH);
    let fresh = 0;
    for (let j = 1; j <= n; j++) {
      const e = load<i32>(list + (<usize>j << 2));
      if (seen(e)) continue;
      store<i32>(batch + (<usize>fresh << 2), e);
      touch(vec(e));
      fresh++;
    }
    for (let j = 0; j < fresh; j++) {
      const e = load<i32>(batch + (<usize>j << 2));
      const d = distance(q, vec(e));
      if (sizeB < ef || d < bound) {
        sizeA = heapPush(ha, sizeA, -d, e);
        if (accepted(e, useMask)) {
          sizeB = heapPush(hb, sizeB, d, e);
          if (sizeB > ef) sizeB = heapPop(hb, sizeB);
          bound = hkey(hb, 0);
        }
      }
    }
  }
  return sizeB;
}

/**
 * hnswlib's neighbour heuristic: walks n candidates (pairs sorted by
 * distance to the base node) and keeps one only when it is nearer the base
 * than every one kept so far; at most m. Fewer than m candidates are all
 * kept. Writes the list (count, ids) at dst.
 */
function selectNeighbors(cand: usize, n: i32, m: i32, dst: usize): void {
  let kept = 0;
  for (let i = 0; i < n && kept < m; i++) {
    const c = hid(cand, i);
    let good = true;
    if (n >= m) {
      const dc = hkey(cand, i);
      for (let j = 1; j <= kept; j++) {
        if (distance(vec(c), vec(load<i32>(dst + (<usize>j << 2)))) < dc) {
          good = false;
          break;
        }
      }
    }
    if (good) {
      kept++;
      store<i32>(dst + (<usize>kept << 2), c);
    }
  }
  store<i32>(dst, kept);
}

/** Adds a link from nb to node on a level; a full list is re-chosen by the heuristic. */
function connect(nb: i32, node: i32, level: i32): void {
  const list = links(nb, level);
  const cap = level == 0 ? word(M0) : word(M);
  const n = load<i32>(list);
  if (n < cap) {
    store<i32>(list + (<usize>(n + 1) << 2), node);
    store<i32>(list, n + 1);
    return;
  }
  const scratch = <usize>word(SCRATCH);
  const base = vec(nb);
  for (let j = 0; j < n; j++) {
    const e = load<i32>(list + (<usize>(j + 1) << 2));
    hset(scratch, j, distance(base, vec(e)), e);
  }
  hset(scratch, n, distance(base, vec(node)), node);
  // Insertion sort: stable, and short lists (M0 + 1 pairs).
  for (let i = 1; i <= n; i++) {
    const key = hkey(scratch, i);
    const id = hid(scratch, i);
    let j = i - 1;
    while (j >= 0 && hkey(scratch, j) > key) {
      hset(scratch, j + 1, hkey(scratch, j), hid(scratch, j));
      j--;
    }
    hset(scratch, j + 1, key, id);
  }
  selectNeighbors(scratch, n + 1, cap, list);
}

/**
 * Links a stored node into the graph on levels 0..level. Its vector, its
 * upper-level slot and its empty link lists are already in place (the host
 * writes them).
 */
export function insert(context: usize, node: i32, level: i32): void {
  bind(context);
  const entry = word(ENTRY);
  if (entry < 0) {
    setWord(ENTRY, node);
    setWord(MAX_LEVEL, level);
    return;
  }
  const q = vec(node);
  const maxLevel = word(MAX_LEVEL);
  const ef = word(EF_CONSTRUCTION);
  const m = word(M);
  const scratch = <usize>word(SCRATCH);
  let ep = entry;
  for (let l = maxLevel; l > level; l--) ep = greedy(q, ep, l);
  for (let l = min(level, maxLevel); l >= 0; l--) {
    const n = drainSorted(<usize>word(HEAP_B), searchLayer(q, ep, ef, l, false), scratch);
    if (n == 0) continue;
    const next = hid(scratch, 0);
    const list = links(node, l);
    selectNeighbors(scratch, n, m, list);
    const kept = load<i32>(list);
    for (let j = 1; j <= kept; j++) connect(load<i32>(list + (<usize>j << 2)), node, l);
    ep = next;
  }
  if (level > maxLevel) {
    setWord(ENTRY, node);
    setWord(MAX_LEVEL, level);
  }
}

/**
 * The k nearest accepted nodes to the vector at QUERY, searching level 0
 * with a beam of max(ef, k); writes (distance, id) pairs nearest first at
 * OUT and returns how many.
 */
export function search(context: usize, k: i32, ef: i32, useMask: bool): i32 {
  bind(context);
  const entry = word(ENTRY);
  if (entry < 0 || k <= 0) return 0;
  const q = <usize>word(QUERY);
  const hb = <usize>word(HEAP_B);
  let ep = entry;
  for (let l = word(MAX_LEVEL); l > 0; l--) ep = greedy(q, ep, l);
  let size = searchLayer(q, ep, max(ef, k), 0, useMask);
  while (size > k) size = heapPop(hb, size);
  return drainSorted(hb, size, <usize>word(OUT));
}

/** Brute force: the k nearest accepted nodes to QUERY, written and returned like search. */
export function exact(context: usize, k: i32, useMask: bool): i32 {
  bind(context);
  if (k <= 0) return 0;
  const q = <usize>word(QUERY);
  const hb = <usize>word(HEAP_B);
  const count = word(COUNT);
  let size = 0;
  for (let node = 0; node < count; node++) {
    if (!accepted(node, useMask)) continue;
    const d = distance(q, vec(node));
    if (size < k) {
      size = heapPush(hb, size, d, node);
    } else if (d < hkey(hb, 0)) {
      size = heapPop(hb, size);
      size = heapPush(hb, size, d, node);
    }
  }
  return drainSorted(hb, size, <usize>word(OUT));
}
