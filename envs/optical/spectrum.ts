/** Per-path spectrum figures the observation reports. */
export interface PathSpectrum {
  /** Fewest free slots on any link of the path. */
  readonly minResidual: number;
  /** 1 - largest common free block / common free slots (0 when nothing is free). */
  readonly frag: number;
}

/** Spectrum occupancy of every link: `slots` slots per link, 0 free, otherwise the connection id. */
export class SpectrumGrid {
  readonly used: Int32Array;
  private readonly free: Int32Array;

  constructor(
    readonly numLinks: number,
    readonly slots: number,
  ) {
    this.used = new Int32Array(numLinks * slots);
    this.free = new Int32Array(numLinks).fill(slots);
  }

  /** Frees every slot. */
  clear(): void {
    this.used.fill(0);
    this.free.fill(this.slots);
  }

  /** Free slots on a link. */
  freeSlots(link: number): number {
    return this.free[link]!;
  }

  /** Whether slot `s` is free on every link of `links`. */
  private commonFree(links: readonly number[], s: number): boolean {
    for (const l of links) if (this.used[l * this.slots + s] !== 0) return false;
    return true;
  }

  /** First-fit: the lowest start slot of `n` contiguous slots free on every link, or -1. */
  firstFit(links: readonly number[], n: number): number {
    if (n <= 0 || links.length === 0) return -1;
    let run = 0;
    for (let s = 0; s < this.slots; s++) {
      run = this.commonFree(links, s) ? run + 1 : 0;
      if (run === n) return s - n + 1;
    }
    return -1;
  }

  /** Marks slots [start, start + n) on `links` as used by connection `id` (> 0). */
  allocate(links: readonly number[], start: number, n: number, id: number): void {
    for (const l of links) {
      const base = l * this.slots;
      for (let s = start; s < start + n; s++) this.used[base + s] = id;
      this.free[l] = this.free[l]! - n;
    }
  }

  /** Frees slots [start, start + n) on `links`. */
  release(links: readonly number[], start: number, n: number): void {
    for (const l of links) {
      const base = l * this.slots;
      for (let s = start; s < start + n; s++) this.used[base + s] = 0;
      this.free[l] = this.free[l]! + n;
    }
  }

  /** Residual slots and fragmentation of a path's common free spectrum. */
  pathSpectrum(links: readonly number[]): PathSpectrum {
    let minResidual = this.slots;
    for (const l of links) minResidual = Math.min(minResidual, this.free[l]!);
    let total = 0;
    let largest = 0;
    let run = 0;
    for (let s = 0; s < this.slots; s++) {
      if (this.commonFree(links, s)) {
        total++;
        run++;
        if (run > largest) largest = run;
      } else run = 0;
    }
    return { minResidual, frag: total === 0 ? 0 : 1 - largest / total };
  }
}
