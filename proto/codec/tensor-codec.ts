import { DTYPES, type DtypeName, shapeSize, type TypedArray } from "../../envs/core/dtype.js";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import { formatShape } from "../../envs/core/spaces/space.js";
import { dtypeOf } from "../../envs/core/spaces/tensor-check.js";
import { Dtype, type Tensor } from "../gen/ts/gymrpc/v1/tensor.js";

const TO_WIRE: Readonly<Record<DtypeName, Dtype>> = {
  float32: Dtype.DTYPE_FLOAT32,
  float64: Dtype.DTYPE_FLOAT64,
  int8: Dtype.DTYPE_INT8,
  int16: Dtype.DTYPE_INT16,
  int32: Dtype.DTYPE_INT32,
  int64: Dtype.DTYPE_INT64,
  uint8: Dtype.DTYPE_UINT8,
  uint16: Dtype.DTYPE_UINT16,
  uint32: Dtype.DTYPE_UINT32,
  uint64: Dtype.DTYPE_UINT64,
  bool: Dtype.DTYPE_BOOL,
};

const FROM_WIRE = new Map<Dtype, DtypeName>(
  Object.entries(TO_WIRE).map(([k, v]) => [v, k as DtypeName]),
);

/** The wire enum of a dtype. */
export function dtypeToWire(dtype: DtypeName): Dtype {
  return TO_WIRE[dtype];
}

/** The dtype of a wire enum, or InvalidArgumentError naming `field`. */
export function dtypeFromWire(dtype: Dtype, field: string): DtypeName {
  const name = FROM_WIRE.get(dtype);
  if (!name)
    throw new InvalidArgumentError(`${field}.dtype`, `unknown or unspecified dtype ${dtype}`);
  return name;
}

// Buffers are little-endian on the wire; every platform Node runs on here is too.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
if (!LITTLE_ENDIAN) throw new Error("gymrpc needs a little-endian platform");

/**
 * A tensor message over the bytes of `data` (no copy: the encoder copies them
 * when the message is serialized). `dtype` defaults to the array's own.
 */
export function encodeTensor(
  data: TypedArray,
  shape: readonly number[],
  dtype?: DtypeName,
): Tensor {
  const name = dtype ?? dtypeOf(data);
  if (DTYPES[name].itemSize !== data.BYTES_PER_ELEMENT) {
    throw new TypeError(`cannot encode a ${dtypeOf(data)} array as ${name}`);
  }
  return {
    dtype: TO_WIRE[name],
    shape: shape as number[],
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** A decoded tensor: dtype, shape and a typed array over its elements. */
export interface DecodedTensor {
  readonly dtype: DtypeName;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/**
 * Views a tensor's bytes as a typed array. Decoded `bytes` may be an
 * unaligned slice of the message buffer, in which case they are copied.
 */
export function decodeTensor(t: Tensor, field: string): DecodedTensor {
  const dtype = dtypeFromWire(t.dtype, field);
  const info = DTYPES[dtype];
  const count = shapeSize(t.shape);
  if (t.data.byteLength !== count * info.itemSize) {
    throw new InvalidArgumentError(
      `${field}.data`,
      `has ${t.data.byteLength} bytes; shape ${formatShape(t.shape)} of ${dtype} needs ${count * info.itemSize}`,
    );
  }
  let bytes: Uint8Array = t.data;
  if (bytes.byteOffset % info.itemSize !== 0) bytes = new Uint8Array(bytes);
  return { dtype, shape: t.shape, data: new info.ctor(bytes.buffer, bytes.byteOffset, count) };
}
