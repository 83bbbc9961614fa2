"""Wire codecs without a server: tensors, spaces, values, infos and action encoding."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gymnasium import spaces

from gymrpc import _codec as codec
from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import space_pb2, tensor_pb2

ALL_DTYPES = [
    (tensor_pb2.DTYPE_FLOAT32, np.float32),
    (tensor_pb2.DTYPE_FLOAT64, np.float64),
    (tensor_pb2.DTYPE_INT8, np.int8),
    (tensor_pb2.DTYPE_INT16, np.int16),
    (tensor_pb2.DTYPE_INT32, np.int32),
    (tensor_pb2.DTYPE_INT64, np.int64),
    (tensor_pb2.DTYPE_UINT8, np.uint8),
    (tensor_pb2.DTYPE_UINT16, np.uint16),
    (tensor_pb2.DTYPE_UINT32, np.uint32),
    (tensor_pb2.DTYPE_UINT64, np.uint64),
    (tensor_pb2.DTYPE_BOOL, np.bool_),
]


def tensor(arr: np.ndarray) -> tensor_pb2.Tensor:
    t = tensor_pb2.Tensor()
    codec.encode_tensor(arr, t)
    return t


@pytest.mark.parametrize(("wire", "dtype"), ALL_DTYPES)
def test_tensor_round_trip_every_dtype(wire: int, dtype: type) -> None:
    arr = (np.arange(6) % 2).astype(dtype).reshape(2, 3)
    t = tensor(arr)
    assert t.dtype == wire
    assert list(t.shape) == [2, 3]
    assert t.data == arr.astype(np.dtype(dtype).newbyteorder("<")).tobytes()
    back = codec.decode_tensor(t)
    assert back.dtype == np.dtype(dtype)
    assert back.shape == (2, 3)
    np.testing.assert_array_equal(back, arr)
    assert back.flags.writeable


def test_tensor_scalar_and_big_endian_input() -> None:
    t = tensor(np.array(3.5, dtype=">f8"))
    assert list(t.shape) == []
    assert t.data == np.float64(3.5).tobytes()
    assert codec.decode_tensor(t).shape == ()


def test_tensor_size_mismatch_is_an_error() -> None:
    t = tensor_pb2.Tensor(dtype=tensor_pb2.DTYPE_FLOAT32, shape=[3], data=b"\0" * 8)
    with pytest.raises(ValueError, match="bytes"):
        codec.decode_tensor(t)


def test_unsupported_dtype_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="complex"):
        tensor(np.zeros(2, dtype=np.complex64))


def box_wire(low: np.ndarray, high: np.ndarray) -> space_pb2.Space:
    w = space_pb2.Space()
    w.box.dtype = codec.wire_dtype(low.dtype)
    w.box.shape.extend(low.shape)
    codec.encode_tensor(low, w.box.low)
    codec.encode_tensor(high, w.box.high)
    return w


def test_box_keeps_dtype_shape_and_infinite_bounds() -> None:
    low = np.array([[-4.8, -np.inf], [0.0, -1.0]], dtype=np.float32)
    high = np.array([[4.8, np.inf], [1.0, 2.0]], dtype=np.float32)
    box = codec.decode_space(box_wire(low, high))
    assert isinstance(box, spaces.Box)
    assert box.dtype == np.float32
    assert box.shape == (2, 2)
    np.testing.assert_array_equal(box.low, low)
    np.testing.assert_array_equal(box.high, high)
    assert math.isinf(box.low[0, 1]) and box.low[0, 1] < 0
    assert not box.bounded_below[0, 1]


def test_integer_box() -> None:
    low = np.zeros((2, 2, 3), dtype=np.uint8)
    high = np.full((2, 2, 3), 255, dtype=np.uint8)
    box = codec.decode_space(box_wire(low, high))
    assert box == spaces.Box(0, 255, (2, 2, 3), np.uint8)


def test_discrete_multi_discrete_multi_binary_text() -> None:
    w = space_pb2.Space()
    w.discrete.n = 5
    w.discrete.start = -2
    assert codec.decode_space(w) == spaces.Discrete(5, start=-2)

    w = space_pb2.Space()
    codec.encode_tensor(np.array([[3, 4], [5, 6]], dtype=np.int32), w.multi_discrete.nvec)
    codec.encode_tensor(np.array([[0, 1], [2, 3]], dtype=np.int32), w.multi_discrete.start)
    md = codec.decode_space(w)
    assert md == spaces.MultiDiscrete(
        np.array([[3, 4], [5, 6]]), dtype=np.int32, start=np.array([[0, 1], [2, 3]])
    )
    assert md.dtype == np.int32

    w = space_pb2.Space()
    w.multi_binary.shape.extend([4])
    assert codec.decode_space(w) == spaces.MultiBinary(4)
    w = space_pb2.Space()
    w.multi_binary.shape.extend([2, 3])
    assert codec.decode_space(w).shape == (2, 3)

    w = space_pb2.Space()
    w.text.min_length = 1
    w.text.max_length = 8
    w.text.charset = "abc"
    text = codec.decode_space(w)
    assert isinstance(text, spaces.Text)
    assert (text.min_length, text.max_length) == (1, 8)
    assert set(text.character_set) == {"a", "b", "c"}


def test_dict_keeps_the_servers_key_order_and_tuple_nests() -> None:
    w = space_pb2.Space()
    for key in ("zeta", "alpha"):
        e = w.dict.entries.add()
        e.key = key
        e.space.discrete.n = 3
    t = w.dict.entries.add()
    t.key = "pair"
    t.space.tuple.spaces.add().discrete.n = 2
    t.space.tuple.spaces.add().multi_binary.shape.append(3)
    d = codec.decode_space(w)
    assert isinstance(d, spaces.Dict)
    assert list(d.spaces) == ["zeta", "alpha", "pair"]
    assert isinstance(d["pair"], spaces.Tuple)
    assert d["pair"][1] == spaces.MultiBinary(3)


def test_value_decoder_follows_the_space() -> None:
    space = spaces.Dict(
        [
            ("pos", spaces.Box(-1, 1, (2,), np.float32)),
            ("n", spaces.Discrete(4)),
            ("t", spaces.Tuple([spaces.Text(5), spaces.MultiBinary(2)])),
        ]
    )
    v = tensor_pb2.Value()
    # Entries arrive in another order: the value follows the space's.
    n = v.dict.entries.add()
    n.key = "n"
    codec.encode_tensor(np.array(3, dtype=np.int64), n.value.tensor)
    pos = v.dict.entries.add()
    pos.key = "pos"
    codec.encode_tensor(np.array([0.5, -0.5], dtype=np.float32), pos.value.tensor)
    t = v.dict.entries.add()
    t.key = "t"
    t.value.tuple.items.add().text = "abc"
    codec.encode_tensor(np.array([1, 0], dtype=np.int8), t.value.tuple.items.add().tensor)

    out = codec.value_decoder(space)(v)
    assert list(out) == ["pos", "n", "t"]
    assert out["pos"].dtype == np.float32 and out["pos"].tolist() == [0.5, -0.5]
    assert isinstance(out["n"], np.int64) and out["n"] == 3
    assert out["t"][0] == "abc" and out["t"][1].dtype == np.int8
    assert space.contains(out)


def test_info_scalars_become_python_numbers_and_vector_masks_bools() -> None:
    d = tensor_pb2.DictValue()
    for key, arr in (
        ("x", np.array(1.5)),
        ("ok", np.array(True)),
        ("v", np.array([1.0, 0.0])),
        ("_v", np.array([1, 0], dtype=np.uint8)),
    ):
        e = d.entries.add()
        e.key = key
        codec.encode_tensor(arr, e.value.tensor)
    e = d.entries.add()
    e.key = "name"
    e.value.text = "hi"
    info = codec.decode_info(d)
    assert info["x"] == 1.5 and type(info["x"]) is float
    assert info["ok"] is True
    assert info["name"] == "hi"
    vinfo = codec.decode_info(d, vector=True, num_envs=2)
    assert vinfo["_v"].dtype == np.bool_
    assert vinfo["_v"].tolist() == [True, False]
    assert vinfo["v"].shape == (2,)


def test_flat_vector_info_arrays_get_one_row_per_sub_env() -> None:
    d = tensor_pb2.DictValue()
    for key, arr in (("w", np.arange(6.0)), ("_w", np.array([True, True, False]))):
        e = d.entries.add()
        e.key = key
        codec.encode_tensor(arr, e.value.tensor)
    info = codec.decode_info(d, vector=True, num_envs=3)
    assert info["w"].shape == (3, 2)
    assert info["w"][1].tolist() == [2.0, 3.0]


def parse_step(raw: bytes) -> tensor_pb2.Value:
    req = service_pb2.SessionRequest.FromString(raw)
    assert req.WhichOneof("request") == "step"
    return req.step.action


def test_discrete_actions_are_int64_scalars() -> None:
    enc = codec.action_encoder(spaces.Discrete(3))
    for a in (2, np.int64(2), np.int32(2), np.array(2), True):
        v = parse_step(enc(a))
        assert v.tensor.dtype == tensor_pb2.DTYPE_INT64
        assert list(v.tensor.shape) == []
        assert np.frombuffer(v.tensor.data, "<i8")[0] == int(a)
    # A float is sent as it is, for the server to reject as Gymnasium would.
    assert parse_step(enc(1.0)).tensor.dtype == tensor_pb2.DTYPE_FLOAT64


def test_box_fast_path_matches_protobuf_serialization() -> None:
    space = spaces.Box(-2, 2, (3, 2), np.float32)
    enc = codec.action_encoder(space)
    action = np.arange(6, dtype=np.float32).reshape(3, 2) / 7
    req = service_pb2.SessionRequest()
    codec.encode_tensor(action, req.step.action.tensor)
    assert enc(action) == req.SerializeToString()


def test_actions_take_the_spaces_dtype_when_exact() -> None:
    box = codec.action_encoder(spaces.Box(-1, 1, (2,), np.float32))
    # float64 arrays and Python lists become float32 (precision only)
    for a in (np.array([0.25, -0.5]), [0.25, -0.5]):
        t = parse_step(box(a)).tensor
        assert t.dtype == tensor_pb2.DTYPE_FLOAT32
        assert np.frombuffer(t.data, "<f4").tolist() == [0.25, -0.5]
    mb = codec.action_encoder(spaces.MultiBinary(3))
    t = parse_step(mb([1, 0, 1])).tensor
    assert t.dtype == tensor_pb2.DTYPE_INT8
    # A value the dtype cannot hold is sent unchanged for the server to name.
    md = codec.action_encoder(spaces.MultiDiscrete([3, 3], dtype=np.int8))
    t = parse_step(md(np.array([1, 300]))).tensor
    assert t.dtype == tensor_pb2.DTYPE_INT64


def test_structured_actions() -> None:
    space = spaces.Dict([("a", spaces.Discrete(2)), ("b", spaces.Tuple([spaces.Text(4)]))])
    v = parse_step(codec.action_encoder(space)({"a": 1, "b": ("hey",)}))
    assert [e.key for e in v.dict.entries] == ["a", "b"]
    assert v.dict.entries[1].value.tuple.items[0].text == "hey"


def test_to_struct_converts_numpy() -> None:
    from google.protobuf import struct_pb2

    s = struct_pb2.Struct()
    codec.to_struct({"low": np.float32(-0.1), "v": np.arange(2), "nested": {"k": (1, 2)}}, s)
    assert s["low"] == pytest.approx(-0.1)
    assert list(s["v"]) == [0, 1]
    assert list(s["nested"]["k"]) == [1, 2]


def test_batched_discrete_actions_travel_as_uint8_when_they_fit() -> None:
    space = spaces.MultiDiscrete(np.full(4, 3))  # batch_space(Discrete(3), 4)
    enc = codec.action_encoder(space)
    t = parse_step(enc(np.array([0, 2, 1, 1]))).tensor
    assert t.dtype == tensor_pb2.DTYPE_UINT8 and t.data == bytes([0, 2, 1, 1])
    # Out-of-range values keep their dtype, for the server to name.
    t = parse_step(enc(np.array([0, -1, 1, 1]))).tensor
    assert t.dtype == tensor_pb2.DTYPE_INT64
    t = parse_step(enc(np.array([0, 256, 1, 1]))).tensor
    assert t.dtype == tensor_pb2.DTYPE_INT64
