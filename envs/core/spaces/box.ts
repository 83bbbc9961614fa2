import {
  allocate,
  asNumbers,
  DTYPES,
  type DtypeName,
  shapeSize,
  type TypedArray,
} from "../dtype.js";
import type { Rng } from "../rng.js";
import { formatIndex, formatShape, type Space, type Violation } from "./space.js";
import { checkTensor } from "./tensor-check.js";

/** Bounds given as one number for every element or one per element. */
export type Bounds = number | ArrayLike<number>;

/** gymnasium.spaces.Box: a tensor with per-element bounds (±Infinity allowed for floats). */
export class Box implements Space<TypedArray> {
  readonly kind = "box";
  readonly shape: readonly number[];
  readonly dtype: DtypeName;
  /** Lower bounds, one per element, rounded to the dtype. */
  readonly low: Float64Array;
  /** Upper bounds, one per element, rounded to the dtype. */
  readonly high: Float64Array;
  readonly size: number;

  constructor(low: Bounds, high: Bounds, shape: readonly number[], dtype: DtypeName = "float32") {
    if (dtype === "bool") throw new TypeError("Box does not take dtype bool; use MultiBinary");
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0)
        throw new TypeError(`Box shape ${formatShape(shape)} is not valid`);
    }
    this.shape = [...shape];
    this.dtype = dtype;
    this.size = shapeSize(shape);
    this.low = fillBounds(low, this.size, dtype, "low");
    this.high = fillBounds(high, this.size, dtype, "high");
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i]! <= this.high[i]!)) {
        throw new TypeError(
          `Box low${formatIndex(i, shape)} = ${this.low[i]} exceeds high = ${this.high[i]}`,
        );
      }
    }
  }

  check(x: unknown, path: string): Violation | undefined {
    const bad = checkTensor(x, this.dtype, this.shape, path);
    if (bad) return bad;
    const v = asNumbers(x as TypedArray);
    const { low, high } = this;
    for (let i = 0; i < this.size; i++) {
      const e = v[i]!;
      // Written so that NaN fails both comparisons.
      if (!(e >= low[i]!) || !(e <= high[i]!)) {
        return {
          path: `${path}${formatIndex(i, this.shape)}`,
          reason: Number.isNaN(e)
            ? "is NaN"
            : `= ${e} is outside the bounds [${low[i]}, ${high[i]}]`,
        };
      }
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  /** Gymnasium's Box.sample: uniform when bounded, normal/exponential on unbounded sides. */
  sample(rng: Rng): TypedArray {
    const out = allocate(this.dtype, this.size);
    const isFloat = DTYPES[this.dtype].kind === "f";
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = isFloat ? this.high[i]! : this.high[i]! + 1;
      const loInf = !Number.isFinite(lo);
      const hiInf = !Number.isFinite(hi);
      let v: number;
      if (loInf && hiInf) v = rng.normal();
      else if (loInf) v = hi + Math.log(1 - rng.random());
      else if (hiInf) v = lo - Math.log(1 - rng.random());
      else v = rng.uniform(lo, hi);
      if (!isFloat) v = Math.min(Math.floor(v), this.high[i]!);
      setElement(out, i, v);
    }
    return out;
  }

  batch(n: number): Box {
    return new Box(tile(this.low, n), tile(this.high, n), [n, ...this.shape], this.dtype);
  }

  /** True when every element has finite bounds on both sides. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++) {
      if (!Number.isFinite(this.low[i]!) || !Number.isFinite(this.high[i]!)) return false;
    }
    return true;
  }

  toString(): string {
    const uniform = (a: Float64Array) => a.every((v) => v === a[0]);
    const num = (v: number) => pyNumber(v, this.dtype);
    const fmt = (a: Float64Array) =>
      uniform(a) && a.length > 0 ? num(a[0]!) : `[${Array.from(a, num).join(" ")}]`;
    return `Box(${fmt(this.low)}, ${fmt(this.high)}, ${formatShape(this.shape)}, ${this.dtype})`;
  }
}

function fillBounds(b: Bounds, size: number, dtype: DtypeName, name: string): Float64Array {
  const out = new Float64Array(size);
  if (typeof b === "number") out.fill(b);
  else {
    if (b.length !== size)
      throw new TypeError(`Box ${name} has ${b.length} elements, shape needs ${size}`);
    for (let i = 0; i < size; i++) out[i] = b[i]!;
  }
  if (dtype === "float32") for (let i = 0; i < size; i++) out[i] = Math.fround(out[i]!);
  return out;
}

function tile(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(a.length * n);
  for (let k = 0; k < n; k++) out.set(a, k * a.length);
  return out;
}

function setElement(out: TypedArray, i: number, v: number): void {
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
  else out[i] = v;
}

/** Formats a bound as numpy prints a scalar of `dtype`: 0 for ints, 0.0 and 4.8 (not 4.800000190734863) for floats. */
function pyNumber(v: number, dtype: DtypeName): string {
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (DTYPES[dtype].kind !== "f") return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (Number.isInteger(v)) return v.toFixed(1);
  if (dtype === "float32") {
    // The fewest digits that read back as the same float32, as numpy prints float32.
    for (let p = 1; p < 9; p++) {
      const s = String(Number(v.toPrecision(p)));
      if (Math.fround(Number(s)) === v) return s;
    }
  }
  return String(v);
}
