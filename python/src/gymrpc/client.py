"""A connection to a gymrpc server: channel, credentials, deadlines, retries and the env list."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import grpc
from google.protobuf import json_format
from gymnasium import spaces

from gymrpc._codec import decode_space, to_struct
from gymrpc._session import SessionStream
from gymrpc.errors import GymRpcError, from_rpc_error
from gymrpc.recording import (
    DatasetStats,
    RecordingStatus,
    RecordLike,
    RecordOptions,
    SessionInfo,
)
from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import env_service_pb2_grpc as service_grpc
from gymrpc.v1 import env_spec_pb2

if TYPE_CHECKING:
    from google.protobuf.message import Message

    from gymrpc.env import RemoteEnv
    from gymrpc.vector import RemoteVectorEnv

__all__ = ["DEFAULT_TARGET", "Client", "ConfigField", "EnvInfo", "connect"]

#: Where ``make`` looks for a server unless told otherwise.
DEFAULT_TARGET = "127.0.0.1:50051"

T = TypeVar("T")

# Codes worth another try: the server was not (yet) reachable or is restarting.
_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE})

_CONFIG_TYPES = {
    env_spec_pb2.CONFIG_FIELD_TYPE_BOOL: "bool",
    env_spec_pb2.CONFIG_FIELD_TYPE_INT: "int",
    env_spec_pb2.CONFIG_FIELD_TYPE_DOUBLE: "double",
    env_spec_pb2.CONFIG_FIELD_TYPE_STRING: "string",
}


@dataclass(frozen=True)
class ConfigField:
    """One setting an env accepts in ``make(..., **config)``."""

    name: str
    type: str
    default: Any
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnvInfo:
    """A registered env as the server describes it (``ListEnvs``)."""

    id: str
    description: str
    observation_space: spaces.Space[Any]
    action_space: spaces.Space[Any]
    render_modes: tuple[str, ...]
    render_fps: float
    max_episode_steps: int | None
    reward_threshold: float | None
    config_message_type: str
    config: tuple[ConfigField, ...]
    native_vectorization: bool
    #: Gymnasium's EnvSpec.nondeterministic (e.g. infos with measured timings).
    nondeterministic: bool
    #: The wire message, for anything not decoded above.
    proto: env_spec_pb2.EnvSpec = field(repr=False, compare=False)

    @classmethod
    def from_proto(cls, s: env_spec_pb2.EnvSpec) -> EnvInfo:
        """Decodes a wire EnvSpec."""
        return cls(
            id=s.id,
            description=s.description,
            observation_space=decode_space(s.observation_space, "observation_space"),
            action_space=decode_space(s.action_space, "action_space"),
            render_modes=tuple(s.metadata.render_modes),
            render_fps=s.metadata.render_fps,
            max_episode_steps=s.max_episode_steps if s.HasField("max_episode_steps") else None,
            reward_threshold=s.reward_threshold if s.HasField("reward_threshold") else None,
            config_message_type=s.config_schema.message_type,
            config=tuple(
                ConfigField(
                    name=f.name,
                    type=_CONFIG_TYPES.get(f.type, "unspecified"),
                    default=json_format.MessageToDict(f.default_value)
                    if f.HasField("default_value")
                    else None,
                    description=f.description,
                    minimum=f.minimum if f.HasField("minimum") else None,
                    maximum=f.maximum if f.HasField("maximum") else None,
                    choices=tuple(f.choices),
                )
                for f in s.config_schema.fields
            ),
            native_vectorization=s.native_vectorization,
            nondeterministic=s.nondeterministic,
            proto=s,
        )


class Client:
    """A channel to a gymrpc server; makes envs that share it.

    Args:
        target: ``"host:port"`` or ``"unix:/path/to/socket"``.
        root_certificates: PEM root certificates: connect with TLS and trust them.
        tls: Connect with TLS using the system's roots (implied by ``root_certificates``).
        server_name_override: TLS: the name to check the server's certificate against.
        auth_token: Sent on every call as metadata ``authorization: Bearer <token>``.
        timeout: Deadline in seconds for each call and each request on a session stream
            (``None``: wait as long as it takes).
        retries: How many more times ``make``, ``reset`` and ``list_envs`` are tried when the
            server is ``UNAVAILABLE``, with exponential backoff. ``step`` is never retried.
        retry_backoff: The first backoff in seconds; it doubles each try, up to ``max_backoff``.
        max_backoff: The longest backoff in seconds.
        max_message_bytes: Largest message sent or received.
        channel_options: Extra gRPC channel arguments.
    """

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        root_certificates: bytes | None = None,
        tls: bool = False,
        server_name_override: str | None = None,
        auth_token: str | None = None,
        timeout: float | None = None,
        retries: int = 3,
        retry_backoff: float = 0.1,
        max_backoff: float = 2.0,
        max_message_bytes: int = 64 * 1024 * 1024,
        channel_options: Mapping[str, Any] | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        #: The keyword arguments this client was made with (to make an equal one).
        self.options: dict[str, Any] = {
            k: v
            for k, v in {
                "root_certificates": root_certificates,
                "tls": tls,
                "server_name_override": server_name_override,
                "auth_token": auth_token,
                "timeout": timeout,
                "retries": retries,
                "retry_backoff": retry_backoff,
                "max_backoff": max_backoff,
                "max_message_bytes": max_message_bytes,
                "channel_options": dict(channel_options) if channel_options else None,
            }.items()
            if v is not None and v is not False
        }
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout must be > 0 seconds (or None)")
        self.target = target
        self.timeout = timeout
        self.retries = retries
        self.retry_backoff = retry_backoff
        self.max_backoff = max_backoff
        self.metadata: tuple[tuple[str, str], ...] | None = (
            (("authorization", f"Bearer {auth_token}"),) if auth_token else None
        )
        options: dict[str, Any] = {
            "grpc.max_receive_message_length": max_message_bytes,
            "grpc.max_send_message_length": max_message_bytes,
            # gymrpc retries make/reset itself; the channel's transparent retry layer
            # buffers every message and costs latency on the step path.
            "grpc.enable_retries": 0,
            # While the server is down the channel fails calls fast and reconnects on its
            # own backoff (1 s and growing by default); keep it in step with ours.
            "grpc.initial_reconnect_backoff_ms": max(1, int(retry_backoff * 1000)),
            "grpc.max_reconnect_backoff_ms": max(1, int(max_backoff * 1000)),
        }
        if server_name_override:
            options["grpc.ssl_target_name_override"] = server_name_override
        options.update(channel_options or {})
        opts = list(options.items())
        if root_certificates is not None or tls:
            creds = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self.channel: grpc.Channel = grpc.secure_channel(target, creds, options=opts)
        else:
            self.channel = grpc.insecure_channel(target, options=opts)
        self._stub = service_grpc.EnvServiceStub(self.channel)
        self._closed = False

    # ------------------------------------------------------------ context manager

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the channel; streams still open on it end and their sessions close."""
        if not self._closed:
            self._closed = True
            self.channel.close()

    # ------------------------------------------------------------ calls

    def list_envs(self) -> list[EnvInfo]:
        """Every env the server registers, with its spaces and settings."""

        def call() -> service_pb2.ListEnvsResponse:
            try:
                return self._stub.ListEnvs(
                    service_pb2.ListEnvsRequest(), timeout=self.timeout, metadata=self.metadata
                )
            except grpc.RpcError as err:
                raise from_rpc_error(err, self.target, "ListEnvs") from None

        return [EnvInfo.from_proto(s) for s in self.with_retries(call).envs]

    def make(
        self,
        env_id: str,
        *,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        typed_config: Message | None = None,
        record: RecordLike | None = None,
        **config: Any,
    ) -> RemoteEnv:
        """A :class:`gymrpc.RemoteEnv` (a ``gymnasium.Env``) on this channel."""
        from gymrpc.env import RemoteEnv

        return RemoteEnv(
            env_id,
            client=self,
            render_mode=render_mode,
            max_episode_steps=max_episode_steps,
            typed_config=typed_config,
            record=record,
            **config,
        )

    def make_vec(
        self,
        env_id: str,
        num_envs: int,
        *,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        typed_config: Message | None = None,
        record: RecordLike | None = None,
        **config: Any,
    ) -> RemoteVectorEnv:
        """A :class:`gymrpc.RemoteVectorEnv` (a ``gymnasium.vector.VectorEnv``) on this channel."""
        from gymrpc.vector import RemoteVectorEnv

        return RemoteVectorEnv(
            env_id,
            num_envs,
            client=self,
            render_mode=render_mode,
            max_episode_steps=max_episode_steps,
            typed_config=typed_config,
            record=record,
            **config,
        )

    # ------------------------------------------------------------ recording

    def start_recording(self, session_id: str, record: RecordLike | None = None) -> RecordingStatus:
        """Starts recording a live session, whichever client drives it (``StartRecording``).

        ``record`` is a dataset name (its extension picks the format), a mapping of
        :class:`gymrpc.RecordOptions` fields, or options; ``None`` lets the server name the
        dataset. Session ids come from :meth:`list_sessions` (or ``env.session_id``).
        """
        req = service_pb2.StartRecordingRequest(
            session_id=session_id, options=RecordOptions.coerce(record).to_proto()
        )
        res = self._unary(self._stub.StartRecording, req, "StartRecording")
        return RecordingStatus.from_proto(res.recording)

    def stop_recording(self, session_id: str) -> DatasetStats:
        """Stops a session's recording (``StopRecording``): a partial episode is written as
        truncated (or dropped with ``discard_partial_episodes``), the dataset is finished, and
        its stats are returned. InvalidArgumentError when the session does not record."""
        req = service_pb2.StopRecordingRequest(session_id=session_id)
        return DatasetStats.from_proto(
            self._unary(self._stub.StopRecording, req, "StopRecording").stats
        )

    def list_sessions(self) -> list[SessionInfo]:
        """Every live session on the server (``ListSessions``), e.g. to find one to record."""
        req = service_pb2.ListSessionsRequest()
        res = self.with_retries(lambda: self._unary(self._stub.ListSessions, req, "ListSessions"))
        return [SessionInfo.from_proto(s) for s in res.sessions]

    def _unary(self, method: Callable[..., T], req: Any, name: str) -> T:
        try:
            return method(req, timeout=self.timeout, metadata=self.metadata)
        except grpc.RpcError as err:
            raise from_rpc_error(err, self.target, name) from None

    # ------------------------------------------------------------ sessions

    def open_session(
        self,
        make: service_pb2.MakeRequest,
        *,
        retry: bool = True,
    ) -> tuple[SessionStream, service_pb2.MakeResponse]:
        """Opens a Session stream and makes its session (retried while UNAVAILABLE
        unless ``retry`` is False)."""
        raw = service_pb2.SessionRequest(make=make).SerializeToString()

        def attempt() -> tuple[SessionStream, service_pb2.MakeResponse]:
            stream = SessionStream(self.channel, self.target, self.metadata, self.timeout)
            try:
                res = stream.request(raw, "make")
                return stream, stream.expect(res, "make")
            except BaseException:
                stream.close()
                raise

        return self.with_retries(attempt) if retry else attempt()

    def with_retries(self, fn: Callable[[], T]) -> T:
        """Calls ``fn``, again after a backoff while it raises UNAVAILABLE, up to
        ``retries`` more times."""
        delay = self.retry_backoff
        for attempt in range(self.retries + 1):
            try:
                return fn()
            except GymRpcError as err:
                if err.code not in _RETRYABLE or attempt == self.retries:
                    raise
            # Full jitter keeps many clients from retrying in lockstep.
            time.sleep(delay * (0.5 + random.random() / 2))
            delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")  # pragma: no cover


def make_request(
    env_id: str,
    num_envs: int,
    render_mode: str | None,
    max_episode_steps: int | None,
    typed_config: Message | None,
    config: Mapping[str, Any],
    record: RecordLike | None = None,
) -> service_pb2.MakeRequest:
    """The MakeRequest for an env id, its settings and what to record."""
    req = service_pb2.MakeRequest(env_id=env_id, num_envs=num_envs)
    if render_mode:
        req.render_mode = render_mode
    if max_episode_steps:
        req.max_episode_steps = max_episode_steps
    if typed_config is not None:
        req.typed_config.Pack(typed_config)
    if config:
        to_struct(config, req.config)
    if record is not None:
        req.record.CopyFrom(RecordOptions.coerce(record).to_proto())
    return req


def connect(target: str = DEFAULT_TARGET, **options: Any) -> Client:
    """A :class:`Client` for ``target``; ``options`` are :class:`Client`'s keyword arguments."""
    return Client(target, **options)
