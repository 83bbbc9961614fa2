import { allocate, isTypedArray, shapeSize, type TypedArray } from "../envs/core/dtype.js";
import type { Dict } from "../envs/core/spaces/dict.js";
import type { Space } from "../envs/core/spaces/space.js";
import type { Tuple } from "../envs/core/spaces/tuple.js";
import { encodeTensor } from "../proto/codec/tensor-codec.js";
import type { Value } from "../proto/gen/ts/gymrpc/v1/tensor.js";

/** An action as a client may give it: typed arrays keep their dtype; plain numbers take the space's. */
export type ActionInput =
  | number
  | string
  | TypedArray
  | ArrayLike<number>
  | readonly ActionInput[]
  | { readonly [key: string]: ActionInput };

/**
 * The wire form of an action, as given: the server, not the client, decides
 * whether it is in the action space, so bad actions get the server's error.
 */
export function encodeAction(space: Space, action: ActionInput): Value {
  switch (space.kind) {
    case "dict": {
      const a = action as Record<string, ActionInput>;
      return {
        kind: {
          $case: "dict",
          value: {
            entries: Object.keys(a).map((key) => ({
              key,
              value: encodeSub((space as Dict).spaces.get(key), a[key]!),
            })),
          },
        },
      };
    }
    case "tuple": {
      const a = action as readonly ActionInput[];
      const spaces = (space as Tuple).spaces;
      return {
        kind: { $case: "tuple", value: { items: a.map((x, i) => encodeSub(spaces[i], x)) } },
      };
    }
    case "text":
      return { kind: { $case: "text", value: String(action) } };
    default:
      return { kind: { $case: "tensor", value: encodeNumeric(space, action) } };
  }
}

function encodeSub(space: Space | undefined, action: ActionInput): Value {
  if (space) return encodeAction(space, action);
  // A key or item the space lacks: send it anyway so the server names it.
  if (typeof action === "string") return { kind: { $case: "text", value: action } };
  return { kind: { $case: "tensor", value: encodeTensor(Float64Array.of(Number(action)), []) } };
}

function encodeNumeric(space: Space, action: ActionInput) {
  const shape = space.shape ?? [];
  if (typeof action === "number") {
    // Integers travel as int64, anything else as float64 for the server to judge.
    return Number.isInteger(action)
      ? encodeTensor(BigInt64Array.of(BigInt(action)), [])
      : encodeTensor(Float64Array.of(action), []);
  }
  if (isTypedArray(action)) {
    return encodeTensor(action, action.length === shapeSize(shape) ? shape : [action.length]);
  }
  const arr = Array.from(action as ArrayLike<number>, Number);
  const out = allocate(space.dtype ?? "float64", arr.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  arr.forEach((v, i) => {
    (out as Float64Array)[i] = big ? (BigInt(Math.trunc(v)) as never) : v;
  });
  return encodeTensor(out, arr.length === shapeSize(shape) ? shape : [arr.length]);
}
