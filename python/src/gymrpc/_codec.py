"""Wire codecs: tensors, spaces, values, infos and actions (gymrpc.v1 <-> numpy / gymnasium).

Decoders and encoders are compiled once per space into small closures so the
step hot path does no per-element Python work: tensors are read with
``np.frombuffer`` and written with ``ndarray.tobytes``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from google.protobuf import struct_pb2
from gymnasium import spaces

from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import space_pb2, tensor_pb2

__all__ = [
    "ActionEncoder",
    "ValueDecoder",
    "action_encoder",
    "decode_info",
    "decode_space",
    "decode_tensor",
    "encode_tensor",
    "to_struct",
    "value_decoder",
]

# Wire dtype enum <-> numpy dtype (little-endian, as on the wire).
_WIRE_TO_NP: dict[int, np.dtype[Any]] = {
    tensor_pb2.DTYPE_FLOAT32: np.dtype("<f4"),
    tensor_pb2.DTYPE_FLOAT64: np.dtype("<f8"),
    tensor_pb2.DTYPE_INT8: np.dtype("i1"),
    tensor_pb2.DTYPE_INT16: np.dtype("<i2"),
    tensor_pb2.DTYPE_INT32: np.dtype("<i4"),
    tensor_pb2.DTYPE_INT64: np.dtype("<i8"),
    tensor_pb2.DTYPE_UINT8: np.dtype("u1"),
    tensor_pb2.DTYPE_UINT16: np.dtype("<u2"),
    tensor_pb2.DTYPE_UINT32: np.dtype("<u4"),
    tensor_pb2.DTYPE_UINT64: np.dtype("<u8"),
    tensor_pb2.DTYPE_BOOL: np.dtype(np.bool_),
}
_NP_TO_WIRE: dict[np.dtype[Any], Any] = {}
for _wire, _dt in _WIRE_TO_NP.items():
    _NP_TO_WIRE[_dt] = _wire
    _NP_TO_WIRE[_dt.newbyteorder("=")] = _wire
_NATIVE_LE = np.dtype("=i4") == np.dtype("<i4")

_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")

ValueDecoder = Callable[[tensor_pb2.Value], Any]
ActionEncoder = Callable[[Any], bytes]


# ---------------------------------------------------------------- tensors


def wire_dtype(dtype: np.dtype[Any]) -> Any:
    """The wire enum of a numpy dtype, or TypeError when the wire has no such dtype."""
    try:
        return _NP_TO_WIRE[dtype]
    except KeyError:
        raise TypeError(f"gymrpc tensors cannot carry dtype {dtype}") from None


def numpy_dtype(wire: int, path: str = "tensor") -> np.dtype[Any]:
    """The numpy dtype of a wire enum."""
    try:
        return _WIRE_TO_NP[wire]
    except KeyError:
        raise ValueError(f"{path}: unknown or unspecified dtype {wire}") from None


def decode_tensor(t: tensor_pb2.Tensor, path: str = "tensor") -> np.ndarray:
    """A writeable array holding the tensor's elements (its own copy of the bytes)."""
    dtype = numpy_dtype(t.dtype, path)
    shape = tuple(t.shape)
    arr = np.frombuffer(t.data, dtype)
    if arr.size != _size(shape):
        raise ValueError(f"{path}: {len(t.data)} bytes do not hold shape {shape} of {dtype}")
    if not _NATIVE_LE:
        return arr.astype(dtype.newbyteorder("=")).reshape(shape)
    return arr.reshape(shape).copy()


def encode_tensor(arr: np.ndarray, out: tensor_pb2.Tensor) -> None:
    """Writes an array into a Tensor message (little-endian, row-major)."""
    if arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and not _NATIVE_LE):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    out.dtype = wire_dtype(arr.dtype)
    del out.shape[:]
    out.shape.extend(arr.shape)
    out.data = np.ascontiguousarray(arr).tobytes()


def _size(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


# ---------------------------------------------------------------- spaces


def decode_space(w: space_pb2.Space, path: str = "space") -> spaces.Space[Any]:
    """The gymnasium space a wire Space describes, with its exact dtype, shape and bounds."""
    kind = w.WhichOneof("kind")
    if kind == "box":
        b = w.box
        dtype = numpy_dtype(b.dtype, f"{path}.dtype").newbyteorder("=")
        shape = tuple(int(d) for d in b.shape)
        low = decode_tensor(b.low, f"{path}.low").astype(dtype, copy=False).reshape(shape)
        high = decode_tensor(b.high, f"{path}.high").astype(dtype, copy=False).reshape(shape)
        return spaces.Box(low=low, high=high, shape=shape, dtype=dtype)
    if kind == "discrete":
        return spaces.Discrete(int(w.discrete.n), start=int(w.discrete.start))
    if kind == "multi_discrete":
        md = w.multi_discrete
        nvec = decode_tensor(md.nvec, f"{path}.nvec")
        start = (
            decode_tensor(md.start, f"{path}.start").astype(nvec.dtype, copy=False)
            if md.HasField("start")
            else None
        )
        dtype = nvec.dtype.newbyteorder("=")
        return spaces.MultiDiscrete(nvec.astype(dtype, copy=False), dtype=dtype, start=start)
    if kind == "multi_binary":
        dims = [int(d) for d in w.multi_binary.shape]
        return spaces.MultiBinary(dims[0] if len(dims) == 1 else dims)
    if kind == "dict":
        # A sequence of pairs keeps the server's key order (a plain dict would be sorted).
        return spaces.Dict(
            [(e.key, decode_space(e.space, f"{path}.{e.key}")) for e in w.dict.entries]
        )
    if kind == "tuple":
        return spaces.Tuple([decode_space(s, f"{path}[{i}]") for i, s in enumerate(w.tuple.spaces)])
    if kind == "text":
        t = w.text
        return spaces.Text(int(t.max_length), min_length=int(t.min_length), charset=t.charset)
    raise ValueError(f"{path}: unknown space kind {kind!r}")


# ---------------------------------------------------------------- values


def _tensor_decoder(path: str) -> ValueDecoder:
    cache: dict[tuple[int, tuple[int, ...]], tuple[np.dtype[Any], tuple[int, ...], int]] = {}

    def decode(v: tensor_pb2.Value) -> np.ndarray:
        t = v.tensor
        shape = tuple(t.shape)
        key = (t.dtype, shape)
        hit = cache.get(key)
        if hit is None:
            dtype = numpy_dtype(t.dtype, path)
            hit = cache[key] = (dtype, shape, _size(shape) * dtype.itemsize)
        dtype, shape, nbytes = hit
        data = t.data
        if len(data) != nbytes:
            raise ValueError(f"{path}: {len(data)} bytes do not hold shape {shape} of {dtype}")
        if not _NATIVE_LE:
            return np.frombuffer(data, dtype).astype(dtype.newbyteorder("=")).reshape(shape)
        # np.frombuffer over the message's bytes is read-only: copy once so callers may write.
        return np.frombuffer(data, dtype).reshape(shape).copy()

    return decode


def value_decoder(space: spaces.Space[Any], path: str = "observation") -> ValueDecoder:
    """A decoder for values of ``space`` (a batched space for a vector session).

    Box, MultiDiscrete and MultiBinary values become arrays; a Discrete value an
    ``np.int64``; Dict a ``dict`` in the space's key order; Tuple a ``tuple``;
    Text a ``str``. Anything the space does not expect falls back to the
    structural decoding of :func:`decode_value`.
    """
    if isinstance(space, spaces.Discrete):
        tensor = _tensor_decoder(path)

        def discrete(v: tensor_pb2.Value) -> Any:
            if v.WhichOneof("kind") != "tensor":
                return decode_value(v, path)
            arr = tensor(v)
            return arr[()] if arr.ndim == 0 else arr

        return discrete
    if isinstance(space, (spaces.Box, spaces.MultiDiscrete, spaces.MultiBinary)):
        tensor = _tensor_decoder(path)
        dtype = np.dtype(space.dtype)
        shape = tuple(space.shape)
        wire = _NP_TO_WIRE.get(dtype)
        nbytes = _size(shape) * dtype.itemsize
        dims = list(shape)

        def array(v: tensor_pb2.Value) -> Any:
            # Fast path: the tensor the space promises (a non-tensor Value has empty data).
            t = v.tensor
            data = t.data
            if len(data) == nbytes and t.dtype == wire and t.shape == dims and _NATIVE_LE:
                return np.frombuffer(data, dtype).reshape(shape).copy()
            if v.WhichOneof("kind") != "tensor":
                return decode_value(v, path)
            return tensor(v)

        return array
    if isinstance(space, spaces.Dict):
        subs = {k: value_decoder(s, f"{path}.{k}") for k, s in space.spaces.items()}

        def dict_(v: tensor_pb2.Value) -> Any:
            if v.WhichOneof("kind") != "dict":
                return decode_value(v, path)
            out: dict[str, Any] = {}
            for e in v.dict.entries:
                sub = subs.get(e.key)
                out[e.key] = sub(e.value) if sub else decode_value(e.value, f"{path}.{e.key}")
            # Keep the space's key order, as Gymnasium's Dict values do.
            if list(out) != list(subs) and set(out) == set(subs):
                out = {k: out[k] for k in subs}
            return out

        return dict_
    if isinstance(space, spaces.Tuple):
        items = [value_decoder(s, f"{path}[{i}]") for i, s in enumerate(space.spaces)]

        def tuple_(v: tensor_pb2.Value) -> Any:
            if v.WhichOneof("kind") != "tuple" or len(v.tuple.items) != len(items):
                return decode_value(v, path)
            return tuple(dec(x) for dec, x in zip(items, v.tuple.items, strict=True))

        return tuple_
    return lambda v: decode_value(v, path)


def decode_value(v: tensor_pb2.Value, path: str = "value") -> Any:
    """Structural decoding: tensor -> ndarray (0-d for a scalar), dict -> dict,
    tuple -> tuple, text -> str."""
    kind = v.WhichOneof("kind")
    if kind == "tensor":
        return decode_tensor(v.tensor, path)
    if kind == "dict":
        return {e.key: decode_value(e.value, f"{path}.{e.key}") for e in v.dict.entries}
    if kind == "tuple":
        return tuple(decode_value(x, f"{path}[{i}]") for i, x in enumerate(v.tuple.items))
    if kind == "text":
        return v.text
    return None


def decode_info(
    d: tensor_pb2.DictValue, vector: bool = False, num_envs: int | None = None
) -> dict[str, Any]:
    """An info dict: scalar numbers become float (or int, bool), arrays stay arrays.

    In a vector session (Gymnasium's layout) the ``"_key"`` masks are bool arrays and
    every batched array has ``num_envs`` rows: one that arrives flat (sub-env arrays
    concatenated) is reshaped to ``(num_envs, -1)``.
    """
    if not d.entries:
        return {}
    out: dict[str, Any] = {}
    for e in d.entries:
        out[e.key] = _info_value(e.value, f"info.{e.key}", vector)
    if vector:
        for key, value in out.items():
            if not isinstance(value, np.ndarray):
                continue
            if key.startswith("_") and key[1:] in out:
                if value.dtype != np.bool_:
                    out[key] = value.astype(np.bool_)
            elif (
                f"_{key}" in out
                and num_envs
                and value.ndim == 1
                and value.size != num_envs
                and value.size % num_envs == 0
                and value.dtype != object
            ):
                out[key] = value.reshape(num_envs, -1)
    return out


def _info_value(v: tensor_pb2.Value, path: str, vector: bool) -> Any:
    kind = v.WhichOneof("kind")
    if kind == "tensor":
        arr = decode_tensor(v.tensor, path)
        return arr.item() if arr.ndim == 0 else arr
    if kind == "dict":
        return decode_info(v.dict, vector)
    if kind == "tuple":
        items = [_info_value(x, f"{path}[{i}]", vector) for i, x in enumerate(v.tuple.items)]
        return np.array(items, dtype=object) if vector else items
    if kind == "text":
        return v.text
    return None


# ---------------------------------------------------------------- actions


def _step_prefix(dtype: Any, shape: tuple[int, ...], nbytes: int) -> bytes:
    """The serialized SessionRequest{step{action{tensor}}} up to the tensor's data bytes.

    Fields serialize in number order and ``data`` is the tensor's last field, so
    a step request with a tensor action of this dtype and shape is this prefix
    followed by the raw element bytes.
    """
    req = service_pb2.SessionRequest()
    t = req.step.action.tensor
    t.dtype = dtype
    t.shape.extend(shape)
    filler = b"\xa5" * nbytes
    t.data = filler
    raw = req.SerializeToString(deterministic=True)
    if nbytes and not raw.endswith(filler):  # pragma: no cover - protobuf layout guard
        raise AssertionError("unexpected SessionRequest layout")
    return raw[: len(raw) - nbytes]


def _step_bytes_from_value(value: tensor_pb2.Value) -> bytes:
    req = service_pb2.SessionRequest()
    req.step.action.CopyFrom(value)
    return req.SerializeToString()


def encode_action_value(
    space: spaces.Space[Any] | None, action: Any, out: tensor_pb2.Value
) -> None:
    """Writes an action into a wire Value, as given: the server decides whether it is in the space.

    Values keep their dtype, with two conversions Gymnasium's envs also accept:
    floats are cast to a float space's precision, and integers or bools to an
    integer space's dtype when it holds them exactly. Anything else (a float for
    a Discrete space, a value out of bounds) goes as given, for the server to name.
    """
    if isinstance(space, spaces.Dict) or (space is None and isinstance(action, Mapping)):
        if not isinstance(action, Mapping):
            raise TypeError(f"a Dict action must be a mapping, got {type(action).__name__}")
        for key, sub in action.items():
            e = out.dict.entries.add()
            e.key = str(key)
            encode_action_value(space.spaces.get(key) if space else None, sub, e.value)
        if not action:
            out.dict.SetInParent()
        return
    if isinstance(space, spaces.Tuple) or (space is None and isinstance(action, tuple)):
        subs: Sequence[Any] = space.spaces if isinstance(space, spaces.Tuple) else ()
        for i, sub in enumerate(action):
            encode_action_value(subs[i] if i < len(subs) else None, sub, out.tuple.items.add())
        if not len(action):
            out.tuple.SetInParent()
        return
    if isinstance(space, spaces.Text) or isinstance(action, str):
        out.text = str(action)
        return
    encode_tensor(_as_action_array(space, action), out.tensor)


def _as_action_array(space: spaces.Space[Any] | None, action: Any) -> np.ndarray:
    arr = np.asarray(action)
    want = getattr(space, "dtype", None)
    if want is None or arr.dtype == want:
        return arr
    want = np.dtype(want)
    if arr.dtype.kind == "f" and want.kind == "f":
        # Precision only: a float64 policy output for a float32 Box, as Gymnasium's envs accept.
        return arr.astype(want)
    if arr.dtype.kind in "biu" and want.kind in "iu":
        # Integers (and bools) that the space's integer dtype holds exactly.
        cast = arr.astype(want)
        if np.array_equal(cast, arr):
            return cast
    return arr


def action_encoder(space: spaces.Space[Any]) -> ActionEncoder:
    """A function from an action to the serialized step request that carries it.

    Fast paths: a Discrete action is an int64 scalar (requests cached per value);
    an array of exactly the space's dtype and shape is a cached prefix plus its bytes.
    """
    if isinstance(space, spaces.Discrete):
        prefix_i64 = _step_prefix(tensor_pb2.DTYPE_INT64, (), 8)
        cache: dict[int, bytes] = {}
        pack = _I64.pack

        def discrete(action: Any) -> bytes:
            if type(action) is int or isinstance(action, np.integer):
                a = int(action)
                hit = cache.get(a)
                if hit is None:
                    hit = prefix_i64 + pack(a)
                    if len(cache) < 1024:
                        cache[a] = hit
                return hit
            return general(action)

        def general(action: Any) -> bytes:
            v = tensor_pb2.Value()
            encode_action_value(space, action, v)
            return _step_bytes_from_value(v)

        return discrete
    if isinstance(space, (spaces.Box, spaces.MultiDiscrete, spaces.MultiBinary)):
        dtype = np.dtype(space.dtype)
        shape = tuple(space.shape)
        wire = wire_dtype(dtype) if dtype.byteorder in "=<|" else None
        prefix: bytes | None = (
            _step_prefix(wire, shape, _size(shape) * dtype.itemsize) if wire is not None else None
        )

        # Small non-negative integers (batched Discrete actions) travel as uint8: the server
        # casts them safely and reads a byte per element instead of decoding int64s.
        small = (
            isinstance(space, spaces.MultiDiscrete)
            and dtype.itemsize > 1
            and int(np.min(space.start)) >= 0
            and int(np.max(space.start + space.nvec)) <= 256
        )
        prefix8 = _step_prefix(tensor_pb2.DTYPE_UINT8, shape, _size(shape)) if small else None

        def array(action: Any) -> bytes:
            if type(action) is np.ndarray and action.shape == shape and _NATIVE_LE:
                if (
                    prefix8 is not None
                    and action.dtype.kind in "iu"
                    and action.size
                    and action.min() >= 0
                    and action.max() <= 255
                ):
                    return prefix8 + action.astype(np.uint8).tobytes()
                if prefix is not None and action.dtype == dtype:
                    return prefix + action.tobytes()
            v = tensor_pb2.Value()
            encode_action_value(space, action, v)
            return _step_bytes_from_value(v)

        return array

    def structured(action: Any) -> bytes:
        v = tensor_pb2.Value()
        encode_action_value(space, action, v)
        return _step_bytes_from_value(v)

    return structured


# ---------------------------------------------------------------- config and options


def to_struct(values: Mapping[str, Any], out: struct_pb2.Struct) -> None:
    """Writes a mapping into a google.protobuf.Struct (numpy scalars and arrays as plain values)."""
    out.update({str(k): _plain(v) for k, v in values.items()})


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v
