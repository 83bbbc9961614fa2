import {
  allocate,
  asNumbers,
  DTYPES,
  type DtypeName,
  isTypedArray,
  type TypedArray,
} from "../../envs/core/dtype.js";
import type { Info, InfoValue } from "../../envs/core/env.js";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import type { Dict } from "../../envs/core/spaces/dict.js";
import { formatShape, type Space, type SpaceValue } from "../../envs/core/spaces/space.js";
import { dtypeOf } from "../../envs/core/spaces/tensor-check.js";
import type { Tuple } from "../../envs/core/spaces/tuple.js";
import type { DictValue, Value } from "../gen/ts/gymrpc/v1/tensor.js";
import { decodeTensor, encodeTensor } from "./tensor-codec.js";

/** The wire form of a value of `space` (tensors share the value's memory until serialized). */
export function encodeValue(space: Space, value: SpaceValue): Value {
  switch (space.kind) {
    case "dict": {
      const v = value as Record<string, SpaceValue>;
      return {
        kind: {
          $case: "dict",
          value: {
            entries: [...(space as Dict).spaces].map(([key, s]) => ({
              key,
              value: encodeValue(s, v[key]!),
            })),
          },
        },
      };
    }
    case "tuple": {
      const v = value as readonly SpaceValue[];
      return {
        kind: {
          $case: "tuple",
          value: { items: (space as Tuple).spaces.map((s, i) => encodeValue(s, v[i]!)) },
        },
      };
    }
    case "text":
      return { kind: { $case: "text", value: value as string } };
    case "discrete":
      return {
        kind: {
          $case: "tensor",
          value: encodeTensor(BigInt64Array.of(BigInt(value as number)), []),
        },
      };
    default:
      return {
        kind: {
          $case: "tensor",
          value: encodeTensor(asDtype(value as TypedArray, space.dtype!), space.shape!),
        },
      };
  }
}

/**
 * The value a wire message holds, shaped by `space`. Structure and shape are
 * checked here (errors name `path`); dtype and bounds are the space's check.
 */
export function decodeValue(space: Space, w: Value | undefined, path: string): SpaceValue {
  const kind = w?.kind;
  switch (space.kind) {
    case "dict": {
      if (kind?.$case !== "dict") throw mismatch(path, "a dict", kind?.$case);
      const byKey = new Map(kind.value.entries.map((e) => [e.key, e.value]));
      const out: Record<string, SpaceValue> = {};
      for (const key of byKey.keys()) {
        if (!(space as Dict).spaces.has(key))
          throw new InvalidArgumentError(`${path}.${key}`, "is not a key of the space");
      }
      for (const [key, s] of (space as Dict).spaces) {
        if (!byKey.has(key)) throw new InvalidArgumentError(`${path}.${key}`, "is missing");
        out[key] = decodeValue(s, byKey.get(key), `${path}.${key}`);
      }
      return out;
    }
    case "tuple": {
      const spaces = (space as Tuple).spaces;
      if (kind?.$case !== "tuple") throw mismatch(path, "a tuple", kind?.$case);
      if (kind.value.items.length !== spaces.length) {
        throw new InvalidArgumentError(
          path,
          `expected ${spaces.length} items, got ${kind.value.items.length}`,
        );
      }
      return spaces.map((s, i) => decodeValue(s, kind.value.items[i], `${path}[${i}]`));
    }
    case "text":
      if (kind?.$case !== "text") throw mismatch(path, "text", kind?.$case);
      return kind.value;
    default: {
      if (kind?.$case !== "tensor") throw mismatch(path, "a tensor", kind?.$case);
      const t = decodeTensor(kind.value, path);
      const shape = space.shape!;
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new InvalidArgumentError(
          path,
          `expected shape ${formatShape(shape)}, got ${formatShape(t.shape)}`,
        );
      }
      if (space.kind !== "discrete") return t.data;
      if (DTYPES[t.dtype].kind === "f") {
        throw new InvalidArgumentError(path, `dtype ${t.dtype} cannot be safely cast to int64`);
      }
      return asNumbers(t.data)[0]!;
    }
  }
}

function mismatch(path: string, expected: string, got: string | undefined): InvalidArgumentError {
  return new InvalidArgumentError(path, `expected ${expected}, got ${got ?? "an empty value"}`);
}

/** `arr` as `dtype`, converting only when the element types differ (bool travels as uint8 bytes). */
function asDtype(arr: TypedArray, dtype: DtypeName): TypedArray {
  const own = dtypeOf(arr);
  if (own === dtype || (dtype === "bool" && own === "uint8")) return arr;
  const out = allocate(dtype, arr.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const src = asNumbers(arr);
  for (let i = 0; i < arr.length; i++)
    (out as Float64Array)[i] = big ? (BigInt(src[i]!) as never) : src[i]!;
  return out;
}

/**
 * The wire form of an info dict: numbers as float64 scalars, booleans as bool
 * scalars. With `batch` (a vectorized session's num_envs) arrays holding a
 * multiple of batch elements are shaped (batch, rest), as Gymnasium stacks them.
 */
export function encodeInfo(info: Info, batch = 0): DictValue {
  return {
    entries: Object.entries(info).map(([key, v]) => ({ key, value: encodeInfoValue(v, batch) })),
  };
}

function encodeInfoValue(v: InfoValue, batch = 0): Value {
  if (typeof v === "number")
    return { kind: { $case: "tensor", value: encodeTensor(Float64Array.of(v), []) } };
  if (typeof v === "boolean") {
    return { kind: { $case: "tensor", value: encodeTensor(Uint8Array.of(v ? 1 : 0), [], "bool") } };
  }
  if (typeof v === "string") return { kind: { $case: "text", value: v } };
  if (isTypedArray(v)) {
    const rows = batch > 0 && v.length > batch && v.length % batch === 0;
    return {
      kind: {
        $case: "tensor",
        value: encodeTensor(v, rows ? [batch, v.length / batch] : [v.length]),
      },
    };
  }
  if (Array.isArray(v)) {
    return { kind: { $case: "tuple", value: { items: v.map((x) => encodeInfoValue(x)) } } };
  }
  return { kind: { $case: "dict", value: encodeInfo(v as Info, batch) } };
}

/** An info dict from the wire: scalars become numbers or booleans, arrays flat typed arrays. */
export function decodeInfo(d: DictValue | undefined): Info {
  const out: Info = {};
  for (const e of d?.entries ?? []) out[e.key] = decodeInfoValue(e.value, `info.${e.key}`);
  return out;
}

function decodeInfoValue(w: Value | undefined, path: string): InfoValue {
  const kind = w?.kind;
  switch (kind?.$case) {
    case "tensor": {
      const t = decodeTensor(kind.value, path);
      if (t.shape.length > 0) return t.data;
      return t.dtype === "bool" ? t.data[0] === 1 : Number(t.data[0]);
    }
    case "dict":
      return decodeInfo(kind.value);
    case "tuple":
      return kind.value.items.map((item, i) => decodeInfoValue(item, `${path}[${i}]`));
    case "text":
      return kind.value;
    default:
      return "";
  }
}
