"""``RemoteEnv``: a ``gymnasium.Env`` whose simulator runs on a gymrpc server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import grpc
import gymnasium as gym
from google.rpc import error_details_pb2
from gymnasium.envs.registration import EnvSpec

from gymrpc._codec import (
    _F64,
    action_encoder,
    decode_info,
    decode_space,
    decode_tensor,
    decode_value,
    to_struct,
    value_decoder,
)
from gymrpc._session import SessionStream
from gymrpc.client import DEFAULT_TARGET, Client, make_request
from gymrpc.errors import ErrorDetails, GymRpcError, InvalidArgumentError
from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import tensor_pb2

if TYPE_CHECKING:
    from google.protobuf.message import Message

__all__ = ["CLIENT_OPTIONS", "RemoteEnv", "split_options"]

#: Keyword arguments of ``make``/``make_vec`` that configure the connection, not the env.
CLIENT_OPTIONS = frozenset(
    {
        "root_certificates",
        "tls",
        "server_name_override",
        "auth_token",
        "timeout",
        "retries",
        "retry_backoff",
        "max_backoff",
        "max_message_bytes",
        "channel_options",
    }
)

_FLOAT64 = tensor_pb2.DTYPE_FLOAT64
_TRUE = b"\x01"
# Streams broken this way lost their session; reset may open a new one.
_REOPENABLE = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
)


#: Largest seed the server takes (seeds are exact doubles there).
MAX_SEED = 2**53 - 1


def check_seed(seed: int) -> int:
    """``seed`` as an int, or InvalidArgumentError (field "seed") when the server cannot take it.

    Checked here because an int64 past 2**53 fails the server's decoding of the whole
    request, which would end the session stream instead of answering with an error.
    """
    s = int(seed)
    if not 0 <= s <= MAX_SEED:
        raise InvalidArgumentError(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"seed: must be an integer in [0, {MAX_SEED}], got {s}",
            ErrorDetails(
                bad_request=error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(
                            field="seed", description=f"must be an integer in [0, {MAX_SEED}]"
                        )
                    ]
                )
            ),
        )
    return s


def split_options(
    target: str, client: Client | None, kwargs: dict[str, Any]
) -> tuple[Client, bool, dict[str, Any]]:
    """The client to use (a new one unless given), whether we own it, and the env's config."""
    conn = {k: kwargs.pop(k) for k in list(kwargs) if k in CLIENT_OPTIONS}
    if client is not None:
        if conn:
            raise TypeError(
                f"connection options {sorted(conn)} go to the Client, not make(client=...)"
            )
        return client, False, kwargs
    return Client(target, **conn), True, kwargs


class SessionOwner:
    """What RemoteEnv and RemoteVectorEnv share: a session on a stream (reset reopens it)."""

    client: Client
    _stream: SessionStream
    _make: service_pb2.MakeRequest
    _owns_client: bool

    _config: dict[str, Any]

    def _open(
        self,
        env_id: str,
        num_envs: int,
        target: str,
        client: Client | None,
        render_mode: str | None,
        max_episode_steps: int | None,
        typed_config: Message | None,
        kwargs: dict[str, Any],
    ) -> service_pb2.MakeResponse:
        self.client, self._owns_client, config = split_options(target, client, kwargs)
        self._config = dict(config)
        self._make = make_request(
            env_id, num_envs, render_mode, max_episode_steps, typed_config, config
        )
        try:
            self._stream, made = self.client.open_session(self._make)
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        self.session_id: str = made.session_id
        return made

    def _reset_request(self, seed: int | None, options: Mapping[str, Any] | None) -> Any:
        req = service_pb2.SessionRequest()
        r = req.reset
        r.SetInParent()
        if seed is not None:
            r.seed = check_seed(seed)
        if options:
            to_struct(options, r.options)
        raw = req.SerializeToString()

        def attempt() -> Any:
            failure = self._stream.failure
            if failure is not None and failure.code in _REOPENABLE:
                # The session went with the stream: a reset starts afresh on a new one.
                self._stream.close()
                self._stream, made = self.client.open_session(self._make, retry=False)
                self.session_id = made.session_id
            return self._stream.expect(self._stream.request(raw, "reset"), "reset")

        return self.client.with_retries(attempt)

    def _close_session(self) -> None:
        stream = getattr(self, "_stream", None)
        if stream is not None:
            if stream.failure is None:
                try:
                    raw = service_pb2.SessionRequest(
                        close=service_pb2.CloseSessionRequest()
                    ).SerializeToString()
                    stream.request(raw, "close")
                except GymRpcError:
                    pass  # the session may already be gone with the server
            stream.close()
        if getattr(self, "_owns_client", False):
            self.client.close()


class RemoteEnv(gym.Env[Any, Any], SessionOwner):
    """A Gymnasium env served by gymrpc, driven over one Session stream.

    ``reset``, ``step``, ``render`` and ``close`` behave as Gymnasium's; the spaces
    are real ``gymnasium.spaces`` with the server's dtypes, shapes and bounds.
    Observations are fresh writeable arrays. Errors are :mod:`gymrpc.errors` exceptions.

    Args:
        env_id: A registered env id on the server, e.g. ``"CartPole-v1"``.
        target: The server, ``"host:port"`` or ``"unix:/path"`` (ignored with ``client``).
        client: An open :class:`gymrpc.Client` to share (the env does not close it).
        render_mode: One of the env's ``metadata["render_modes"]``.
        max_episode_steps: Overrides the server's registered time limit.
        typed_config: The env's typed config message (e.g. ``CartPoleConfig``), as an
            alternative to keyword settings.
        **kwargs: Connection options (see :class:`gymrpc.Client`: ``auth_token``,
            ``root_certificates``, ``timeout``, ``retries``, ...) and the env's settings
            (e.g. ``sutton_barto_reward=True``).
    """

    def __init__(
        self,
        env_id: str,
        *,
        target: str = DEFAULT_TARGET,
        client: Client | None = None,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        typed_config: Message | None = None,
        **kwargs: Any,
    ) -> None:
        made = self._open(
            env_id, 0, target, client, render_mode, max_episode_steps, typed_config, kwargs
        )
        spec = made.spec
        self.env_id = env_id
        self.observation_space = decode_space(spec.observation_space, "observation_space")
        self.action_space = decode_space(spec.action_space, "action_space")
        self.metadata = {
            "render_modes": list(spec.metadata.render_modes),
            "render_fps": spec.metadata.render_fps,
        }
        self.render_mode = made.render_mode or None
        #: The server's time limit for this session, if any.
        self.max_episode_steps: int | None = max_episode_steps or (
            spec.max_episode_steps if spec.HasField("max_episode_steps") else None
        )
        self.reward_threshold = spec.reward_threshold if spec.HasField("reward_threshold") else None
        self._decode_obs = value_decoder(self.observation_space, "observation")
        self._encode_action = action_encoder(self.action_space)
        # A spec that makes an equal env (Gymnasium's env.spec.make(), check_env's render checks);
        # gymnasium.make replaces it with the registered one.
        self.spec = EnvSpec(
            id=f"gymrpc/{env_id}",
            entry_point="gymrpc.registration:make_env",
            reward_threshold=self.reward_threshold,
            kwargs={
                "env_id": env_id,
                "target": self.client.target,
                **self.client.options,
                **self._config,
                **({"typed_config": typed_config} if typed_config is not None else {}),
                **({"render_mode": render_mode} if render_mode else {}),
                **({"server_max_episode_steps": max_episode_steps} if max_episode_steps else {}),
            },
        )

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Starts an episode. ``seed`` seeds the remote env (and ``self.np_random``);
        without one the env's random stream continues."""
        super().reset(seed=seed)
        r = self._reset_request(seed, options)
        return self._decode_obs(r.observation), decode_info(r.info)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """One step: ``(observation, reward, terminated, truncated, info)``."""
        s = self._stream.request(self._encode_action(action), "step").step
        obs = self._decode_obs(s.observation)
        rt = s.reward
        raw = rt.data
        reward = (
            _F64.unpack(raw)[0]
            if rt.dtype == _FLOAT64 and len(raw) == 8
            else float(decode_tensor(rt, "reward"))
        )
        info = decode_info(s.info) if s.info.entries else {}
        return obs, reward, s.terminated.data == _TRUE, s.truncated.data == _TRUE, info

    def render(self) -> Any:
        """The frame in the env's render mode: an (H, W, 3) uint8 array for ``rgb_array``,
        a string for ``ansi``; ``None`` without a render mode."""
        if self.render_mode is None:
            gym.logger.warn(
                "You are calling render method without specifying any render mode. "
                "Pass render_mode=... to gymrpc.make, e.g. "
                f"gymrpc.make({self.env_id!r}, render_mode={self.metadata['render_modes'][:1]!r})"
            )
            return None
        raw = service_pb2.SessionRequest(render=service_pb2.RenderRequest()).SerializeToString()
        res = self._stream.expect(self._stream.request(raw, "render"), "render")
        if not res.HasField("frame"):
            return None
        return decode_value(res.frame, "frame")

    def close(self) -> None:
        """Closes the session (and the channel when this env opened it). Harmless twice."""
        self._close_session()
        super().close()

    def __repr__(self) -> str:
        return f"<RemoteEnv {self.env_id} at {self.client.target}>"

    __str__ = __repr__
