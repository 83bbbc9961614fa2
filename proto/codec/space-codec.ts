import { allocate, isDtypeName } from "../../envs/core/dtype.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";
import type { Space } from "../../envs/core/spaces/space.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import type { Space as WireSpace } from "../gen/ts/gymrpc/v1/space.js";
import { decodeTensor, dtypeFromWire, dtypeToWire, encodeTensor } from "./tensor-codec.js";

/** The wire form of a space. */
export function encodeSpace(space: Space): WireSpace {
  if (space instanceof Box) {
    const low = allocate(space.dtype, space.size);
    const high = allocate(space.dtype, space.size);
    fillFrom(low, space.low);
    fillFrom(high, space.high);
    return {
      kind: {
        $case: "box",
        value: {
          dtype: dtypeToWire(space.dtype),
          shape: [...space.shape],
          low: encodeTensor(low, space.shape),
          high: encodeTensor(high, space.shape),
        },
      },
    };
  }
  if (space instanceof Discrete)
    return { kind: { $case: "discrete", value: { n: space.n, start: space.start } } };
  if (space instanceof MultiDiscrete) {
    const nvec = allocate(space.dtype, space.nvec.length);
    const start = allocate(space.dtype, space.nvec.length);
    fillFrom(nvec, space.nvec);
    fillFrom(start, space.start);
    return {
      kind: {
        $case: "multiDiscrete",
        value: { nvec: encodeTensor(nvec, space.shape), start: encodeTensor(start, space.shape) },
      },
    };
  }
  if (space instanceof MultiBinary)
    return { kind: { $case: "multiBinary", value: { shape: [...space.shape] } } };
  if (space instanceof Dict) {
    return {
      kind: {
        $case: "dict",
        value: { entries: [...space.spaces].map(([key, s]) => ({ key, space: encodeSpace(s) })) },
      },
    };
  }
  if (space instanceof Tuple)
    return { kind: { $case: "tuple", value: { spaces: space.spaces.map(encodeSpace) } } };
  if (space instanceof Text) {
    return {
      kind: {
        $case: "text",
        value: { minLength: space.minLength, maxLength: space.maxLength, charset: space.charset },
      },
    };
  }
  throw new TypeError(`cannot encode space ${String(space)}`);
}

/** The space a wire message describes. */
export function decodeSpace(w: WireSpace | undefined, field = "space"): Space {
  const kind = w?.kind;
  switch (kind?.$case) {
    case "box": {
      const b = kind.value;
      const dtype = dtypeFromWire(b.dtype, field);
      const low = b.low ? Array.from(decodeTensor(b.low, `${field}.low`).data, Number) : [];
      const high = b.high ? Array.from(decodeTensor(b.high, `${field}.high`).data, Number) : [];
      return new Box(low, high, b.shape, dtype);
    }
    case "discrete":
      return new Discrete(kind.value.n, kind.value.start);
    case "multiDiscrete": {
      const { nvec, start } = kind.value;
      if (!nvec) throw new TypeError(`${field}: MultiDiscrete without nvec`);
      const n = decodeTensor(nvec, `${field}.nvec`);
      const s = start ? Array.from(decodeTensor(start, `${field}.start`).data, Number) : undefined;
      const dtype = isDtypeName(n.dtype) ? n.dtype : "int64";
      return new MultiDiscrete(Array.from(n.data, Number), dtype, s, n.shape);
    }
    case "multiBinary":
      return new MultiBinary(kind.value.shape);
    case "dict":
      return Dict.of(
        kind.value.entries.map((e) => [e.key, decodeSpace(e.space, `${field}.${e.key}`)] as const),
      );
    case "tuple":
      return new Tuple(kind.value.spaces.map((s, i) => decodeSpace(s, `${field}[${i}]`)));
    case "text":
      return new Text(kind.value.maxLength, kind.value.minLength, kind.value.charset);
    default:
      throw new TypeError(`${field}: unknown space kind`);
  }
}

function fillFrom(out: ReturnType<typeof allocate>, src: Float64Array): void {
  for (let i = 0; i < src.length; i++) {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(src[i]!);
    else out[i] = src[i]!;
  }
}
