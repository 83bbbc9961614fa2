import { asNumbers, DTYPES, isTypedArray, shapeSize, type TypedArray } from "../dtype.js";
import type { Rng } from "../rng.js";
import { Box } from "./box.js";
import { formatIndex, formatShape, type Space, type Violation } from "./space.js";
import { checkTensor, dtypeOf } from "./tensor-check.js";

/** gymnasium.spaces.MultiBinary: int8 zeros and ones. */
export class MultiBinary implements Space<TypedArray> {
  readonly kind = "multi_binary";
  readonly dtype = "int8";
  readonly shape: readonly number[];
  readonly size: number;

  constructor(shape: number | readonly number[]) {
    this.shape = typeof shape === "number" ? [shape] : [...shape];
    this.size = shapeSize(this.shape);
  }

  check(x: unknown, path: string): Violation | undefined {
    // Like Gymnasium, any integer dtype holding only zeros and ones is accepted.
    const own = isTypedArray(x) && DTYPES[dtypeOf(x)].kind !== "f" ? dtypeOf(x) : "int8";
    const bad = checkTensor(x, own, this.shape, path);
    if (bad) return bad;
    const v = asNumbers(x as TypedArray);
    for (let i = 0; i < this.size; i++) {
      if (v[i] !== 0 && v[i] !== 1)
        return { path: `${path}${formatIndex(i, this.shape)}`, reason: `= ${v[i]} is not 0 or 1` };
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): Int8Array {
    const out = new Int8Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = rng.integers(0, 2);
    return out;
  }

  /** Gymnasium batches MultiBinary as an int8 Box of zeros and ones. */
  batch(n: number): Box {
    return new Box(0, 1, [n, ...this.shape], "int8");
  }

  toString(): string {
    return `MultiBinary(${this.shape.length === 1 ? this.shape[0] : formatShape(this.shape)})`;
  }
}
