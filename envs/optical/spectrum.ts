/** Per-path spectrum figures the observation reports. */
export interface PathSpectrum {
  /** Fewest free slots on any link of the path. */
  readonly minResidual: number;
  /** 1 - largest common free block / common free slots (0 when nothing is free). */
  readonly frag: number;
}

// Index of the lowest set bit of a non-zero 32-bit word.
const ctz = (x: number): number => 31 - Math.clz32(x & -x);

/**
 * Spectrum occupancy of every link: `slots` slots per link. Occupancy is kept
 * as bit words (bit set = slot used), so the common free spectrum of a path is
 * one OR per word and first fit walks runs of free bits instead of slots.
 */
export class SpectrumGrid {
  /** 32-bit words per link. */
  readonly words: number;
  private readonly bits: Int32Array;
  private readonly free: Int32Array;
  /** Free bits of the last word (slots past `slots` count as used). */
  private readonly lastMask: number;
  /** Common free words of the path being scanned (reused: no allocation per query). */
  private readonly common: Int32Array;
  /** Common free slots and largest common free block found by the last `scan` with full = true. */
  private total = 0;
  private largest = 0;

  constructor(
    readonly numLinks: number,
    readonly slots: number,
  ) {
    this.words = Math.ceil(slots / 32);
    this.bits = new Int32Array(numLinks * this.words);
    this.free = new Int32Array(numLinks).fill(slots);
    this.common = new Int32Array(this.words);
    const rem = slots % 32;
    this.lastMask = rem === 0 ? -1 : (1 << rem) - 1;
  }

  /** Frees every slot. */
  clear(): void {
    this.bits.fill(0);
    this.free.fill(this.slots);
  }

  /** Whether slot `s` of a link is used. */
  isUsed(link: number, s: number): boolean {
    return ((this.bits[link * this.words + (s >>> 5)]! >>> (s & 31)) & 1) === 1;
  }

  /** Free slots on a link. */
  freeSlots(link: number): number {
    return this.free[link]!;
  }

  /** Fewest free slots on links[from..to) (`slots` for no link). */
  minFree(links: ArrayLike<number>, from: number, to: number): number {
    let m = this.slots;
    for (let i = from; i < to; i++) {
      const f = this.free[links[i]!]!;
      if (f < m) m = f;
    }
    return m;
  }

  /** First-fit: the lowest start slot of `n` contiguous slots free on every link, or -1. */
  firstFit(links: ArrayLike<number>, n: number): number {
    return this.firstFitRange(links, 0, links.length, n);
  }

  /** First fit on links[from..to); the common free words are built only as far as the block found. */
  firstFitRange(links: ArrayLike<number>, from: number, to: number, n: number): number {
    if (n <= 0 || to <= from || n > this.slots) return -1;
    const W = this.words;
    const bits = this.bits;
    let run = 0;
    let runStart = 0;
    for (let w = 0; w < W; w++) {
      let u = 0;
      for (let i = from; i < to; i++) u |= bits[links[i]! * W + w]!;
      const word = w === W - 1 ? ~u & this.lastMask : ~u;
      if (word === -1) {
        if (run === 0) runStart = w << 5;
        run += 32;
        if (run >= n) return runStart;
        continue;
      }
      let pos = 0;
      while (pos < 32) {
        const rest = word >>> pos;
        if (rest === 0) {
          run = 0;
          break;
        }
        const skip = ctz(rest);
        if (skip > 0) {
          run = 0;
          pos += skip;
        }
        const inv = ~(word >>> pos);
        const ones = inv === 0 ? 32 : ctz(inv);
        if (run === 0) runStart = (w << 5) + pos;
        run += ones;
        if (run >= n) return runStart;
        pos += ones;
      }
    }
    return -1;
  }

  /**
   * First fit on links[from..to) for `n` slots, and the common free slots and
   * largest common free block (read with `lastTotal` / `lastLargest`), in one pass.
   */
  survey(links: ArrayLike<number>, from: number, to: number, n: number): number {
    this.intersect(links, from, to);
    return this.scan(n <= 0 || to <= from ? this.slots + 1 : n, true);
  }

  /** Common free slots found by the last `survey`. */
  get lastTotal(): number {
    return this.total;
  }

  /** Largest common free block found by the last `survey`. */
  get lastLargest(): number {
    return this.largest;
  }

  /** Marks slots [start, start + n) on `links` as used. */
  allocate(links: ArrayLike<number>, start: number, n: number): void {
    this.allocateRange(links, 0, links.length, start, n);
  }

  /** Marks slots [start, start + n) on links[from..to) as used. */
  allocateRange(
    links: ArrayLike<number>,
    from: number,
    to: number,
    start: number,
    n: number,
  ): void {
    for (let i = from; i < to; i++) {
      const l = links[i]!;
      this.flip(l, start, n, true);
      this.free[l] = this.free[l]! - n;
    }
  }

  /** Frees slots [start, start + n) on `links`. */
  release(links: ArrayLike<number>, start: number, n: number): void {
    this.releaseRange(links, 0, links.length, start, n);
  }

  /** Frees slots [start, start + n) on links[from..to). */
  releaseRange(links: ArrayLike<number>, from: number, to: number, start: number, n: number): void {
    for (let i = from; i < to; i++) {
      const l = links[i]!;
      this.flip(l, start, n, false);
      this.free[l] = this.free[l]! + n;
    }
  }

  /** Residual slots and fragmentation of a path's common free spectrum. */
  pathSpectrum(links: ArrayLike<number>): PathSpectrum {
    this.survey(links, 0, links.length, 0);
    const total = this.total;
    return {
      minResidual: this.minFree(links, 0, links.length),
      frag: total === 0 ? 0 : 1 - this.largest / total,
    };
  }

  // Sets or clears the bits of slots [start, start + n) of a link.
  private flip(link: number, start: number, n: number, on: boolean): void {
    const base = link * this.words;
    let s = start;
    const end = start + n;
    while (s < end) {
      const w = s >>> 5;
      const lo = s & 31;
      const hi = Math.min(32, lo + (end - s));
      const m = hi === 32 ? -1 << lo : ((1 << hi) - 1) & (-1 << lo);
      const i = base + w;
      this.bits[i] = on ? this.bits[i]! | m : this.bits[i]! & ~m;
      s += hi - lo;
    }
  }

  // Common free words of links[from..to) into `common`.
  private intersect(links: ArrayLike<number>, from: number, to: number): void {
    const W = this.words;
    const c = this.common;
    c.fill(0);
    for (let i = from; i < to; i++) {
      const base = links[i]! * W;
      for (let w = 0; w < W; w++) c[w] = c[w]! | this.bits[base + w]!;
    }
    for (let w = 0; w < W; w++) c[w] = ~c[w]!;
    c[W - 1] = c[W - 1]! & this.lastMask;
  }

  // Walks the runs of free bits in `common`: the first start of a run of n, and with `full` the totals.
  private scan(n: number, full: boolean): number {
    const c = this.common;
    let run = 0;
    let runStart = 0;
    let start = -1;
    let total = 0;
    let largest = 0;
    for (let w = 0; w < this.words; w++) {
      const word = c[w]!;
      if (word === 0) {
        if (run > largest) largest = run;
        run = 0;
        continue;
      }
      let pos = 0;
      while (pos < 32) {
        const rest = word >>> pos;
        if (rest === 0) {
          if (run > largest) largest = run;
          run = 0;
          break;
        }
        const skip = ctz(rest);
        if (skip > 0) {
          if (run > largest) largest = run;
          run = 0;
          pos += skip;
        }
        // Free bits from pos up; the zeros `>>>` shifts in stop the count at bit 31.
        const inv = ~(word >>> pos);
        const ones = inv === 0 ? 32 : ctz(inv);
        if (run === 0) runStart = (w << 5) + pos;
        run += ones;
        total += ones;
        if (start < 0 && run >= n) {
          start = runStart;
          if (!full) return start;
        }
        pos += ones;
      }
    }
    if (run > largest) largest = run;
    this.total = total;
    this.largest = largest;
    return start;
  }
}
