/**
 * Active connections in struct-of-arrays slots, ordered by departure in a
 * binary min-heap keyed by (departAt, id): ids grow with set-up order, so
 * equal departure times leave in the order they arrived. Slots are reused,
 * so a steady state allocates nothing.
 */
export class ConnectionQueue {
  id = new Float64Array(0);
  departAt = new Float64Array(0);
  src = new Int32Array(0);
  dst = new Int32Array(0);
  /** Index of the request's bandwidth. */
  bw = new Int32Array(0);
  /** Global path index (see PathTable). */
  path = new Int32Array(0);
  start = new Int32Array(0);
  slots = new Int32Array(0);
  private heap = new Int32Array(0);
  private freeList = new Int32Array(0);
  private freeTop = 0;
  private capacity = 0;
  private n = 0;

  constructor(initial = 256) {
    this.grow(initial);
  }

  /** Connections in the queue. */
  get size(): number {
    return this.n;
  }

  /** Empties the queue. */
  clear(): void {
    this.n = 0;
    this.freeTop = 0;
    for (let s = this.capacity - 1; s >= 0; s--) this.freeList[this.freeTop++] = s;
  }

  /** Adds a connection and returns its slot. */
  add(
    id: number,
    departAt: number,
    src: number,
    dst: number,
    bw: number,
    path: number,
    start: number,
    slots: number,
  ): number {
    if (this.freeTop === 0) this.grow(this.capacity * 2);
    const s = this.freeList[--this.freeTop]!;
    this.id[s] = id;
    this.departAt[s] = departAt;
    this.src[s] = src;
    this.dst[s] = dst;
    this.bw[s] = bw;
    this.path[s] = path;
    this.start[s] = start;
    this.slots[s] = slots;
    let i = this.n++;
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(s, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = s;
    return s;
  }

  /** Departure time of the first connection to leave (Infinity when empty). */
  nextDeparture(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.departAt[this.heap[0]!]!;
  }

  /** Removes the first connection to leave and returns its slot (valid until the next add). */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.n]!;
    if (this.n > 0) this.siftDown(0, last);
    this.freeList[this.freeTop++] = top;
    return top;
  }

  /** Slots of the queued connections (heap order). */
  slotsInQueue(): Int32Array {
    return this.heap.subarray(0, this.n);
  }

  /** Removes the connections whose slots `drop` marks with 1, keeping the others' order. */
  removeWhere(drop: Uint8Array): void {
    const h = this.heap;
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      const s = h[i]!;
      if (drop[s] === 1) this.freeList[this.freeTop++] = s;
      else h[kept++] = s;
    }
    this.n = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i, h[i]!);
  }

  // Whether slot a leaves before slot b.
  private before(a: number, b: number): boolean {
    const da = this.departAt[a]!;
    const db = this.departAt[b]!;
    return da < db || (da === db && this.id[a]! < this.id[b]!);
  }

  private siftDown(from: number, s: number): void {
    const h = this.heap;
    const n = this.n;
    let i = from;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(h[c + 1]!, h[c]!)) c++;
      if (!this.before(h[c]!, s)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = s;
  }

  private grow(capacity: number): void {
    const old = this.capacity;
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    const i32 = (n: number) => new Int32Array(n);
    this.id = copy(this.id, f64);
    this.departAt = copy(this.departAt, f64);
    this.src = copy(this.src, i32);
    this.dst = copy(this.dst, i32);
    this.bw = copy(this.bw, i32);
    this.path = copy(this.path, i32);
    this.start = copy(this.start, i32);
    this.slots = copy(this.slots, i32);
    this.heap = copy(this.heap, i32);
    const free = new Int32Array(capacity);
    free.set(this.freeList.subarray(0, this.freeTop));
    // New slots are handed out lowest first.
    for (let s = capacity - 1; s >= old; s--) free[this.freeTop++] = s;
    this.freeList = free;
    this.capacity = capacity;
  }
}
