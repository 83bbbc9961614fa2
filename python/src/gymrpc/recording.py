"""Server-side dataset recording: options, statuses, dataset stats and per-step policy metadata.

A gymrpc server writes the transitions of a session to a dataset below its
``--record-dir`` (npz, JSONL, HDF5, D4RL or Minari). These are the Python forms
of the wire messages in ``gymrpc/v1/recording.proto``:

- :class:`RecordOptions` says what to record (``make(..., record=...)``,
  ``env.unwrapped.start_recording(...)``, ``Client.start_recording(...)``);
- :class:`RecordingStatus` is a session's recording (``env.unwrapped.recording``);
- :class:`DatasetStats` describes a finished dataset (``stop_recording()``);
- :class:`PolicyInfo` is the behavior-policy metadata recorded with one step
  (``env.unwrapped.set_step_policy(...)``);
- :class:`SessionInfo` is a live session as ``Client.list_sessions()`` lists it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Union

import grpc
import numpy as np
from google.rpc import error_details_pb2
from gymnasium import spaces

from gymrpc._codec import encode_action_value, encode_tensor, to_struct
from gymrpc.errors import ErrorDetails, InvalidArgumentError
from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import recording_pb2

__all__ = [
    "DatasetStats",
    "PolicyInfo",
    "RecordLike",
    "RecordOptions",
    "RecordingStatus",
    "SessionInfo",
]


@dataclass(frozen=True)
class RecordOptions:
    """What to record and where (the wire's ``RecordingOptions``).

    Args:
        name: The dataset's path relative to the server's record directory, e.g.
            ``"cartpole/expert.npz"``. Absolute paths and ``..`` are refused. Its
            extension picks the format: ``.npz``, ``.jsonl``, ``.jsonl.gz``,
            ``.h5``/``.hdf5``, ``.d4rl.h5``; no extension: a Minari dataset directory.
            Empty: the server picks ``<env>-<UTC time>-<session>`` (npz unless it runs with
            ``--record-format``).
        format: ``npz``, ``jsonl``, ``jsonl.gz``, ``hdf5``, ``d4rl`` or ``minari`` (empty:
            from the name).
        overwrite: Replace an existing dataset of that name (refused otherwise).
        policy_id: Behavior policy id recorded with every episode (a step's
            :attr:`PolicyInfo.policy_id` overrides it).
        metadata: Free-form dataset metadata (JSON-like), stored where the format has room.
        discard_partial_episodes: Drop episodes cut short by a reset, stop, disconnect or
            shutdown instead of writing them as truncated.
        max_episodes: Record at most this many episodes (0: no limit).
        compression_level: 0 (none) to 9; ``None``: the format's default. npz: the deflate
            level of every member (default 1; 0 stores them, as ``np.savez`` does); hdf5,
            d4rl, minari: the gzip level of every dataset (default 4 for hdf5, none for
            the others); jsonl.gz: 1 to 9; jsonl: 0 only. The server refuses other levels
            with ``INVALID_ARGUMENT``.
    """

    name: str = ""
    format: str = ""
    overwrite: bool = False
    policy_id: str = ""
    metadata: Mapping[str, Any] | None = field(default=None, hash=False)
    discard_partial_episodes: bool = False
    max_episodes: int = 0
    compression_level: int | None = None

    @classmethod
    def coerce(cls, record: RecordLike | None) -> RecordOptions:
        """Options from a dataset name (``str`` or path), a mapping of these fields, or options."""
        if record is None:
            return cls()
        if isinstance(record, RecordOptions):
            return record
        if isinstance(record, (str, os.PathLike)):
            return cls(name=os.fspath(record))
        if isinstance(record, Mapping):
            known = {f.name for f in fields(cls)}
            unknown = sorted(str(k) for k in record if k not in known)
            if unknown:
                raise TypeError(
                    f"unknown record options {unknown}; expected some of {sorted(known)}"
                )
            return cls(**record)
        raise TypeError(
            "record must be a dataset name (str), a mapping or gymrpc.RecordOptions, "
            f"got {type(record).__name__}"
        )

    def to_proto(self) -> recording_pb2.RecordingOptions:
        """The wire message."""
        if self.max_episodes < 0:
            raise ValueError(f"max_episodes must be >= 0, got {self.max_episodes}")
        msg = recording_pb2.RecordingOptions(
            name=self.name,
            format=self.format,
            overwrite=bool(self.overwrite),
            policy_id=self.policy_id,
            discard_partial_episodes=bool(self.discard_partial_episodes),
            max_episodes=int(self.max_episodes),
        )
        level = self.compression_level
        if level is not None:
            # An int, not a float truncated or a bool taken for 0/1; the server checks the range.
            if isinstance(level, bool) or not isinstance(level, int):
                raise TypeError(f"compression_level must be an int or None, got {level!r}")
            msg.compression_level = level
        if self.metadata:
            to_struct(self.metadata, msg.metadata)
        return msg


#: What ``record=`` takes: a dataset name, a mapping of :class:`RecordOptions` fields, or options.
RecordLike = Union[str, "os.PathLike[str]", RecordOptions, Mapping[str, Any]]


@dataclass(frozen=True)
class RecordingStatus:
    """A session's recording: whether it is on, the dataset's path on the server, its format,
    and how many episodes it has finished."""

    active: bool = False
    output_path: str = ""
    format: str = ""
    episodes: int = 0

    @classmethod
    def from_proto(cls, r: recording_pb2.RecordingStatus) -> RecordingStatus:
        """Decodes the wire message."""
        return cls(
            active=r.active, output_path=r.output_path, format=r.format, episodes=int(r.episodes)
        )


#: A session that does not record.
NOT_RECORDING = RecordingStatus()


@dataclass(frozen=True)
class DatasetStats:
    """Statistics of a finished dataset, as ``stop_recording`` returns them."""

    total_episodes: int
    total_steps: int
    mean_episode_length: float
    #: Mean total reward per episode.
    mean_reward: float
    #: Fraction of episodes whose last ``info["success"]`` was true; ``None`` when the env
    #: never reports it.
    success_rate: float | None
    file_size_mb: float
    output_path: str
    format: str

    @classmethod
    def from_proto(cls, s: recording_pb2.DatasetStats) -> DatasetStats:
        """Decodes the wire message."""
        return cls(
            total_episodes=int(s.total_episodes),
            total_steps=int(s.total_steps),
            mean_episode_length=s.mean_episode_length,
            mean_reward=s.mean_reward,
            success_rate=s.success_rate if s.HasField("success_rate") else None,
            file_size_mb=s.file_size_mb,
            output_path=s.output_path,
            format=s.format,
        )


@dataclass(frozen=True)
class SessionInfo:
    """A live session on the server (``Client.list_sessions()``)."""

    session_id: str
    env_id: str
    #: 0 for a single env, else the number of sub-envs.
    num_envs: int
    #: ``"stream"`` (a Session stream, as ``gymrpc.make`` opens) or ``"unary"``.
    kind: str
    #: The client's address as the server sees it.
    peer: str
    recording: RecordingStatus

    @classmethod
    def from_proto(cls, s: service_pb2.SessionInfo) -> SessionInfo:
        """Decodes the wire message."""
        return cls(
            session_id=s.session_id,
            env_id=s.env_id,
            num_envs=int(s.num_envs),
            kind=s.kind,
            peer=s.peer,
            recording=RecordingStatus.from_proto(s.recording),
        )


@dataclass(frozen=True)
class PolicyInfo:
    """Behavior-policy metadata recorded with one step (the wire's ``PolicyInfo``).

    Every field is optional. For a single env the numbers are scalars; for a vector env
    each is one value per sub-env (a sequence or array of length ``num_envs``; a scalar
    applies to every sub-env).

    Args:
        behavior_prob: μ(a|s), the probability of the taken action under the behavior policy.
        greedy_action: The action the greedy policy would have taken (an element of the
            env's action space; batched for a vector env).
        was_exploratory: Whether exploration overrode the greedy action.
        epsilon: The ε of this decision.
        policy_id: Overrides the recording's policy id for this step.
        meta: Free-form per-step metadata (JSON-like).
        record: Whether to record this step (per sub-env). A sub-env left out drops its
            current episode from the dataset until its next episode starts.
    """

    behavior_prob: Any = None
    greedy_action: Any = None
    was_exploratory: Any = None
    epsilon: Any = None
    policy_id: str | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False)
    record: Any = None

    def to_proto(
        self, action_space: spaces.Space[Any], num_envs: int = 0
    ) -> recording_pb2.PolicyInfo:
        """The wire message for an env with this (batched, for a vector env) action space;
        ``num_envs`` is 0 for a single env. Shapes are checked here (InvalidArgumentError
        naming ``policy.<field>``), as the server would."""
        msg = recording_pb2.PolicyInfo()
        if self.behavior_prob is not None:
            _put(msg.behavior_prob, self.behavior_prob, np.float64, num_envs, "behavior_prob")
        if self.epsilon is not None:
            _put(msg.epsilon, self.epsilon, np.float64, num_envs, "epsilon")
        if self.was_exploratory is not None:
            _put(msg.was_exploratory, self.was_exploratory, np.bool_, num_envs, "was_exploratory")
        if self.record is not None:
            _put(msg.record, self.record, np.bool_, num_envs, "record")
        if self.greedy_action is not None:
            encode_action_value(action_space, self.greedy_action, msg.greedy_action)
        if self.policy_id:
            msg.policy_id = self.policy_id
        if self.meta:
            to_struct(self.meta, msg.meta)
        return msg


def _put(out: Any, value: Any, dtype: type, num_envs: int, name: str) -> None:
    try:
        arr: np.ndarray = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise _invalid(f"policy.{name}", f"not a {np.dtype(dtype).name}: {err}") from None
    if num_envs == 0:
        if arr.size != 1:
            raise _invalid(f"policy.{name}", f"expected one value, got shape {arr.shape}")
        arr = arr.reshape(())
    elif arr.ndim == 0:
        arr = np.full(num_envs, arr, dtype=dtype)
    elif arr.shape != (num_envs,):
        raise _invalid(f"policy.{name}", f"expected {num_envs} values, got shape {arr.shape}")
    encode_tensor(arr, out)


def _invalid(name: str, description: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{name}: {description}",
        ErrorDetails(
            bad_request=error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=name, description=description)
                ]
            )
        ),
    )


# ---------------------------------------------------------------- wire splicing

_STEP_TAG = 0x1A  # SessionRequest.step and StepRequest.policy: field 3, length-delimited


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def with_policy(raw: bytes, policy: bytes) -> bytes:
    """A serialized ``SessionRequest{step}`` with a serialized ``PolicyInfo`` added to its step.

    The step bytes are spliced (the action is not decoded again); a request of another
    layout goes through protobuf.
    """
    if raw and raw[0] == _STEP_TAG:
        n = 0
        shift = 0
        i = 1
        while i < len(raw) and i <= 10:
            b = raw[i]
            n |= (b & 0x7F) << shift
            shift += 7
            i += 1
            if not b & 0x80:
                break
        if i + n == len(raw):
            inner = raw[i:] + bytes((_STEP_TAG,)) + _varint(len(policy)) + policy
            return bytes((_STEP_TAG,)) + _varint(len(inner)) + inner
    req = service_pb2.SessionRequest.FromString(raw)
    req.step.policy.MergeFromString(policy)
    return req.SerializeToString()
