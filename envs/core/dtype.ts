/** Element types of tensors and spaces, named as numpy names them. */
export type DtypeName =
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bool";

/** Any typed array a tensor can be held in (bool uses Uint8Array). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** Static facts about one dtype. */
export interface DtypeInfo {
  readonly name: DtypeName;
  readonly itemSize: number;
  /** f: float, i: signed int, u: unsigned int, b: bool (numpy's kind codes). */
  readonly kind: "f" | "i" | "u" | "b";
  readonly ctor: TypedArrayCtor;
  /** Smallest and largest representable values (integers only; ±Infinity for floats). */
  readonly min: number;
  readonly max: number;
}

const info = (
  name: DtypeName,
  kind: DtypeInfo["kind"],
  ctor: TypedArrayCtor,
  min: number,
  max: number,
): DtypeInfo => ({ name, kind, ctor, itemSize: ctor.BYTES_PER_ELEMENT, min, max });

/** Every dtype with its facts. */
export const DTYPES: Readonly<Record<DtypeName, DtypeInfo>> = {
  float32: info("float32", "f", Float32Array, -Infinity, Infinity),
  float64: info("float64", "f", Float64Array, -Infinity, Infinity),
  int8: info("int8", "i", Int8Array, -128, 127),
  int16: info("int16", "i", Int16Array, -32768, 32767),
  int32: info("int32", "i", Int32Array, -2147483648, 2147483647),
  int64: info("int64", "i", BigInt64Array, -(2 ** 63), 2 ** 63 - 1),
  uint8: info("uint8", "u", Uint8Array, 0, 255),
  uint16: info("uint16", "u", Uint16Array, 0, 65535),
  uint32: info("uint32", "u", Uint32Array, 0, 4294967295),
  uint64: info("uint64", "u", BigUint64Array, 0, 2 ** 64 - 1),
  bool: info("bool", "b", Uint8Array, 0, 1),
};

/** True when `x` names a dtype. */
export function isDtypeName(x: string): x is DtypeName {
  return Object.hasOwn(DTYPES, x);
}

/** A zero-filled typed array of `length` elements of `dtype`. */
export function allocate(dtype: DtypeName, length: number): TypedArray {
  return new DTYPES[dtype].ctor(length);
}

/** True for typed arrays (and not DataView). */
export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/**
 * numpy's `can_cast(from, to, "safe")`: every value of `from` is representable
 * in `to` (exactly, except numpy's int64/uint64 -> float64).
 */
export function canCastSafely(from: DtypeName, to: DtypeName): boolean {
  if (from === to) return true;
  const a = DTYPES[from];
  const b = DTYPES[to];
  if (a.kind === "b") return true;
  if (b.kind === "b") return false;
  if (b.kind === "f") {
    if (a.kind === "f") return b.itemSize > a.itemSize;
    // numpy: int8/16 -> float32; every integer -> float64 (int64/uint64 too, though not exact above 2^53).
    return b.itemSize === 8 || a.itemSize <= 2;
  }
  if (a.kind === "f") return false;
  if (a.kind === b.kind) return b.itemSize > a.itemSize;
  // Unsigned into signed needs a wider type; signed never fits unsigned.
  return a.kind === "u" && b.kind === "i" && b.itemSize > a.itemSize;
}

/** Reads element i of any typed array as a number (int64 values beyond 2^53 lose precision). */
export function elementAt(arr: TypedArray, i: number): number {
  return Number(arr[i]);
}

/**
 * The elements as numbers: the array itself unless it holds 64-bit integers,
 * which are converted once here so hot loops never touch BigInt.
 */
export function asNumbers(arr: TypedArray): ArrayLike<number> {
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) {
    const out = new Float64Array(arr.length);
    // Read the low and high 32-bit halves instead of allocating a BigInt per element.
    const halves = new Int32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    const signed = arr instanceof BigInt64Array;
    for (let i = 0; i < arr.length; i++) {
      const lo = halves[2 * i]! >>> 0;
      const hi = halves[2 * i + 1]!;
      out[i] = (signed ? hi : hi >>> 0) * 4294967296 + lo;
    }
    return out;
  }
  return arr as ArrayLike<number>;
}

/** Product of a shape's dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Writes integer `v` as element k of a 64-bit integer array viewed as 32-bit halves
 * (little-endian): no BigInt per element on hot paths.
 */
export function setInt64Halves(halves: Int32Array, k: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  halves[2 * k] = v - hi * 4294967296;
  halves[2 * k + 1] = hi;
}
