import {
  canCastSafely,
  type DtypeName,
  isTypedArray,
  shapeSize,
  type TypedArray,
} from "../dtype.js";
import { formatShape, type Violation } from "./space.js";

/** Names the typed array's dtype (Uint8Array is taken as uint8, which also serves bool). */
export function dtypeOf(arr: TypedArray): DtypeName {
  if (arr instanceof Float32Array) return "float32";
  if (arr instanceof Float64Array) return "float64";
  if (arr instanceof Int8Array) return "int8";
  if (arr instanceof Int16Array) return "int16";
  if (arr instanceof Int32Array) return "int32";
  if (arr instanceof BigInt64Array) return "int64";
  if (arr instanceof Uint16Array) return "uint16";
  if (arr instanceof Uint32Array) return "uint32";
  if (arr instanceof BigUint64Array) return "uint64";
  return "uint8";
}

/**
 * Checks that `x` is a typed array holding `shape` elements whose dtype casts
 * safely to `dtype` (Uint8Array is accepted for bool spaces).
 */
export function checkTensor(
  x: unknown,
  dtype: DtypeName,
  shape: readonly number[],
  path: string,
): Violation | undefined {
  if (!isTypedArray(x)) {
    return {
      path,
      reason: `expected a ${dtype} array of shape ${formatShape(shape)}, got ${describe(x)}`,
    };
  }
  const from = dtypeOf(x);
  const ok = dtype === "bool" ? from === "uint8" : canCastSafely(from, dtype);
  if (!ok) return { path, reason: `dtype ${from} cannot be safely cast to ${dtype}` };
  const size = shapeSize(shape);
  if (x.length !== size) {
    return {
      path,
      reason: `expected shape ${formatShape(shape)} (${size} elements), got ${x.length} elements`,
    };
  }
  return undefined;
}

/** A short description of any JS value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (isTypedArray(x)) return `a ${dtypeOf(x)} array of ${x.length} elements`;
  if (Array.isArray(x)) return `an array of ${x.length} elements`;
  if (typeof x === "number") return `the number ${x}`;
  if (typeof x === "string") return `the string ${JSON.stringify(x.slice(0, 40))}`;
  return typeof x;
}
