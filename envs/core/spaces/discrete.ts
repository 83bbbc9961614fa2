import type { Rng } from "../rng.js";
import { MultiDiscrete } from "./multi-discrete.js";
import type { Space, Violation } from "./space.js";
import { describe } from "./tensor-check.js";

/** gymnasium.spaces.Discrete: the integers start .. start + n - 1 (int64). */
export class Discrete implements Space<number> {
  readonly kind = "discrete";
  readonly shape: readonly number[] = [];
  readonly dtype = "int64";

  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new TypeError(`Discrete n must be a positive integer, got ${n}`);
    if (!Number.isSafeInteger(start))
      throw new TypeError(`Discrete start must be an integer, got ${start}`);
  }

  check(x: unknown, path: string): Violation | undefined {
    if (typeof x !== "number" || !Number.isInteger(x)) {
      return {
        path,
        reason: `expected an integer in [${this.start}, ${this.start + this.n - 1}], got ${describe(x)}`,
      };
    }
    if (x < this.start || x >= this.start + this.n) {
      return { path, reason: `= ${x} is outside [${this.start}, ${this.start + this.n - 1}]` };
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): number {
    return this.start + rng.integers(0, this.n);
  }

  batch(n: number): MultiDiscrete {
    return new MultiDiscrete(new Array(n).fill(this.n), "int64", new Array(n).fill(this.start), [
      n,
    ]);
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
