import { allocate, type TypedArray } from "../dtype.js";
import type { Dict } from "../spaces/dict.js";
import type { Space, SpaceValue } from "../spaces/space.js";
import type { Tuple } from "../spaces/tuple.js";

/** A zeroed batch of n values of `space`, laid out as `space.batch(n)` values are. */
export function createBatch(space: Space, n: number): SpaceValue {
  switch (space.kind) {
    case "dict": {
      const out: Record<string, SpaceValue> = {};
      for (const [k, s] of (space as Dict).spaces) out[k] = createBatch(s, n);
      return out;
    }
    case "tuple":
      return (space as Tuple).spaces.map((s) => createBatch(s, n));
    case "text":
      return new Array<string>(n).fill("");
    default:
      return allocate(space.dtype!, n * elementCount(space));
  }
}

/** Writes `value` as item i of `batch` (made by createBatch for the same space). */
export function writeBatchItem(
  space: Space,
  batch: SpaceValue,
  i: number,
  value: SpaceValue,
): void {
  switch (space.kind) {
    case "dict": {
      const b = batch as Record<string, SpaceValue>;
      const v = value as Record<string, SpaceValue>;
      for (const [k, s] of (space as Dict).spaces) writeBatchItem(s, b[k]!, i, v[k]!);
      return;
    }
    case "tuple": {
      const b = batch as SpaceValue[];
      const v = value as SpaceValue[];
      (space as Tuple).spaces.forEach((s, j) => {
        writeBatchItem(s, b[j]!, i, v[j]!);
      });
      return;
    }
    case "text":
      (batch as string[])[i] = value as string;
      return;
    case "discrete":
      setNumber(batch as TypedArray, i, value as number);
      return;
    default: {
      const b = batch as TypedArray;
      const v = value as TypedArray;
      const size = v.length;
      if (
        b instanceof BigInt64Array ||
        b instanceof BigUint64Array ||
        v instanceof BigInt64Array ||
        v instanceof BigUint64Array
      ) {
        for (let j = 0; j < size; j++) setNumber(b, i * size + j, Number(v[j]));
      } else {
        (b as Float64Array).set(v as Float64Array, i * size);
      }
    }
  }
}

/** Item i of a batch of `space` values (views, not copies, for tensors). */
export function batchItem(space: Space, batch: SpaceValue, i: number): SpaceValue {
  switch (space.kind) {
    case "dict": {
      const out: Record<string, SpaceValue> = {};
      const b = batch as Record<string, SpaceValue>;
      for (const [k, s] of (space as Dict).spaces) out[k] = batchItem(s, b[k]!, i);
      return out;
    }
    case "tuple":
      return (space as Tuple).spaces.map((s, j) => batchItem(s, (batch as SpaceValue[])[j]!, i));
    case "text":
      return (batch as string[])[i]!;
    case "discrete":
      return Number((batch as TypedArray)[i]);
    default: {
      const size = elementCount(space);
      return (batch as TypedArray).subarray(i * size, (i + 1) * size);
    }
  }
}

function elementCount(space: Space): number {
  let n = 1;
  for (const d of space.shape ?? []) n *= d;
  return n;
}

function setNumber(arr: TypedArray, i: number, v: number): void {
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) arr[i] = BigInt(v);
  else arr[i] = v;
}
