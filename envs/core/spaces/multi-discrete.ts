import { allocate, asNumbers, type DtypeName, shapeSize, type TypedArray } from "../dtype.js";
import type { Rng } from "../rng.js";
import { Box } from "./box.js";
import { formatIndex, type Space, type Violation } from "./space.js";
import { checkTensor } from "./tensor-check.js";

/** gymnasium.spaces.MultiDiscrete: element i in start[i] .. start[i] + nvec[i] - 1. */
export class MultiDiscrete implements Space<TypedArray> {
  readonly kind = "multi_discrete";
  readonly shape: readonly number[];
  readonly nvec: Float64Array;
  readonly start: Float64Array;

  constructor(
    nvec: ArrayLike<number>,
    readonly dtype: DtypeName = "int64",
    start?: ArrayLike<number>,
    shape: readonly number[] = [nvec.length],
  ) {
    if (shapeSize(shape) !== nvec.length)
      throw new TypeError("MultiDiscrete nvec does not match its shape");
    this.shape = [...shape];
    this.nvec = Float64Array.from(nvec);
    this.start = start ? Float64Array.from(start) : new Float64Array(nvec.length);
    if (this.start.length !== this.nvec.length)
      throw new TypeError("MultiDiscrete start does not match nvec");
    for (const v of this.nvec) {
      if (!Number.isSafeInteger(v) || v <= 0)
        throw new TypeError(`MultiDiscrete nvec must be positive integers, got ${v}`);
    }
  }

  check(x: unknown, path: string): Violation | undefined {
    const bad = checkTensor(x, this.dtype, this.shape, path);
    if (bad) return bad;
    const v = asNumbers(x as TypedArray);
    for (let i = 0; i < this.nvec.length; i++) {
      const e = v[i]! - this.start[i]!;
      if (!(e >= 0 && e < this.nvec[i]!) || !Number.isInteger(e)) {
        const lo = this.start[i]!;
        return {
          path: `${path}${formatIndex(i, this.shape)}`,
          reason: `= ${v[i]} is outside [${lo}, ${lo + this.nvec[i]! - 1}]`,
        };
      }
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): TypedArray {
    const out = allocate(this.dtype, this.nvec.length);
    for (let i = 0; i < this.nvec.length; i++) {
      const v = this.start[i]! + rng.integers(0, this.nvec[i]!);
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
      else out[i] = v;
    }
    return out;
  }

  /** Gymnasium's batch_space turns MultiDiscrete into a Box of the same integer bounds. */
  batch(n: number): Box {
    const rep = (a: ArrayLike<number>) => Array.from({ length: n }, () => Array.from(a)).flat();
    const high = this.nvec.map((v, i) => this.start[i]! + v - 1);
    return new Box(rep(this.start), rep(high), [n, ...this.shape], this.dtype);
  }

  toString(): string {
    const nvec = npArray(this.nvec);
    return this.start.some((v) => v !== 0)
      ? `MultiDiscrete(${nvec}, start=${npArray(this.start)})`
      : `MultiDiscrete(${nvec})`;
  }
}

/** A flat integer array as numpy prints it: [ 2 10] (right-aligned to the widest element). */
function npArray(a: Float64Array): string {
  const strs = Array.from(a, String);
  const width = Math.max(...strs.map((s) => s.length));
  return `[${strs.map((s) => s.padStart(width)).join(" ")}]`;
}
