"""``RemoteEnv``: a ``gymnasium.Env`` whose simulator runs on a gymrpc server."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import grpc
import gymnasium as gym
from google.rpc import error_details_pb2
from gymnasium.envs.registration import EnvSpec

from gymrpc._codec import (
    _F64,
    ActionEncoder,
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
from gymrpc.recording import (
    NOT_RECORDING,
    DatasetStats,
    PolicyInfo,
    RecordingStatus,
    RecordLike,
    RecordOptions,
    with_policy,
)
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
    """What RemoteEnv and RemoteVectorEnv share: a session on a stream (reset reopens it),
    its recording, and the policy metadata of the next step."""

    client: Client
    _stream: SessionStream
    _make: service_pb2.MakeRequest
    _owns_client: bool
    _recording: RecordingStatus

    _config: dict[str, Any]
    # The step request encoder: _plain_encode, or a one-shot wrapper adding a PolicyInfo.
    _encode_action: ActionEncoder
    _plain_encode: ActionEncoder
    _policy_space: gym.Space[Any]
    _policy_envs: int

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
        record: RecordLike | None = None,
    ) -> service_pb2.MakeResponse:
        self.client, self._owns_client, config = split_options(target, client, kwargs)
        self._config = dict(config)
        self._recording = NOT_RECORDING
        try:
            self._make = make_request(
                env_id, num_envs, render_mode, max_episode_steps, typed_config, config, record
            )
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        try:
            self._stream, made = self.client.open_session(self._make)
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        self.session_id: str = made.session_id
        self._recording = RecordingStatus.from_proto(made.recording)
        return made

    def _init_encoder(self, encode: ActionEncoder, space: gym.Space[Any], num_envs: int) -> None:
        self._plain_encode = self._encode_action = encode
        self._policy_space = space
        self._policy_envs = num_envs

    def _reset_request(self, seed: int | None, options: Mapping[str, Any] | None) -> Any:
        req = service_pb2.SessionRequest()
        r = req.reset
        r.SetInParent()
        if seed is not None:
            r.seed = check_seed(seed)
        if options:
            to_struct(options, r.options)
        raw = req.SerializeToString()
        # Policy metadata set before a reset described a step that did not happen.
        self._encode_action = self._plain_encode

        def attempt() -> Any:
            failure = self._stream.failure
            if failure is not None and failure.code in _REOPENABLE:
                # The session went with the stream: a reset starts afresh on a new one.
                self._stream.close()
                self._forget_recording()
                self._stream, made = self.client.open_session(self._make, retry=False)
                self.session_id = made.session_id
                self._recording = RecordingStatus.from_proto(made.recording)
            return self._stream.expect(self._stream.request(raw, "reset"), "reset")

        return self.client.with_retries(attempt)

    def _forget_recording(self) -> None:
        # The server finished the lost session's dataset; the same name would now be refused.
        if self._make.HasField("record") or self._recording.active:
            gym.logger.warn(
                f"the session of this env was lost; its recording "
                f"{self._recording.output_path or '(dataset)'} was finished by the server and "
                "the new session does not record: call start_recording with a new name"
            )
        if self._make.HasField("record"):
            make = service_pb2.MakeRequest()
            make.CopyFrom(self._make)
            make.ClearField("record")
            self._make = make
        self._recording = NOT_RECORDING

    # ------------------------------------------------------------ recording

    @property
    def recording(self) -> RecordingStatus:
        """The session's recording: ``active``, the dataset's ``output_path`` on the server, its
        ``format`` and the ``episodes`` finished so far.

        While the session is open this asks the server (``ListSessions``), so it also sees a
        recording another client started, or one that stopped on its own (``max_episodes``,
        a storage failure); when the server cannot be asked it is the last status this env
        saw. When nothing records, ``active`` is False and the other fields describe the
        last recording (empty if there was none).
        """
        last = self._recording
        stream = getattr(self, "_stream", None)
        if stream is not None and stream.failure is None:
            try:
                sessions = self.client.list_sessions()
            except GymRpcError:
                return last
            for s in sessions:
                if s.session_id == self.session_id and s.recording.active:
                    self._recording = s.recording
                    return s.recording
        if last.active:
            self._recording = last = replace(last, active=False)
        return last

    def start_recording(self, record: RecordLike | None = None) -> RecordingStatus:
        """Starts recording this session on the server, from its next step.

        ``record`` is a dataset name relative to the server's ``--record-dir`` (the extension
        picks the format: ``.npz``, ``.jsonl``, ``.jsonl.gz``, ``.h5``, ``.d4rl.h5``, none for
        Minari), a mapping of :class:`gymrpc.RecordOptions` fields, or options; ``None`` lets the
        server name it. Errors: InvalidArgumentError (``field`` ``record.name`` for a name with
        ``..``, an absolute or existing one; ``record`` when the session already records),
        PermissionDeniedError / ResourceExhaustedError / AlreadyExistsError / InternalError
        when the server cannot write the dataset.
        """
        req = service_pb2.SessionRequest()
        req.start_recording.options.CopyFrom(RecordOptions.coerce(record).to_proto())
        res = self._stream.expect(
            self._stream.request(req.SerializeToString(), "start_recording"), "start_recording"
        )
        self._recording = RecordingStatus.from_proto(res.recording)
        return self._recording

    def stop_recording(self) -> DatasetStats:
        """Stops this session's recording: a partial episode is written as truncated (dropped
        with ``discard_partial_episodes``), the dataset is finished and its stats returned.
        InvalidArgumentError when the session does not record."""
        req = service_pb2.SessionRequest(stop_recording=service_pb2.StopRecordingRequest())
        res = self._stream.expect(
            self._stream.request(req.SerializeToString(), "stop_recording"), "stop_recording"
        )
        stats = DatasetStats.from_proto(res.stats)
        self._recording = RecordingStatus(
            active=False,
            output_path=stats.output_path,
            format=stats.format,
            episodes=stats.total_episodes,
        )
        return stats

    def set_step_policy(
        self,
        policy: PolicyInfo | None = None,
        /,
        *,
        behavior_prob: Any = None,
        greedy_action: Any = None,
        was_exploratory: Any = None,
        epsilon: Any = None,
        policy_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
        record: Any = None,
    ) -> None:
        """Behavior-policy metadata for the next ``step`` only, recorded with its transition.

        Pass a :class:`gymrpc.PolicyInfo`, keyword fields, or both (keywords override the
        PolicyInfo's fields). For a vector env each number is one value per sub-env (an array
        of length ``num_envs``; a scalar applies to all). ``record=False`` (per sub-env)
        leaves the step out of the dataset, dropping that sub-env's current episode.
        Shapes are checked now (InvalidArgumentError naming ``policy.<field>``). The next
        ``step`` sends it whether or not it succeeds; ``reset`` discards it, and a call with
        no arguments clears it. Without it a step costs nothing extra.
        """
        updates: dict[str, Any] = {
            k: v
            for k, v in (
                ("behavior_prob", behavior_prob),
                ("greedy_action", greedy_action),
                ("was_exploratory", was_exploratory),
                ("epsilon", epsilon),
                ("policy_id", policy_id),
                ("meta", meta),
                ("record", record),
            )
            if v is not None
        }
        plain = self._plain_encode
        if policy is None and not updates:
            self._encode_action = plain
            return
        info = replace(policy, **updates) if policy is not None else PolicyInfo(**updates)
        extra = info.to_proto(self._policy_space, self._policy_envs).SerializeToString()
        ref = weakref.ref(self)  # no cycle: an unclosed env is still freed promptly

        def once(action: Any) -> bytes:
            owner = ref()
            if owner is not None:
                owner._encode_action = plain
            return with_policy(plain(action), extra)

        self._encode_action = once

    def _close_session(self) -> None:
        stream = getattr(self, "_stream", None)
        if stream is not None:
            if stream.failure is None and getattr(self, "_recording", NOT_RECORDING).active:
                # Stopping first makes close return once the dataset is complete (the server
                # answers a close before it has finished the files).
                try:
                    self.stop_recording()
                except InvalidArgumentError:
                    pass  # it stopped already (max_episodes, another client)
                except GymRpcError as err:
                    gym.logger.warn(f"the recording did not finish cleanly: {err}")
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
        record: Record the session on the server from its first reset: a dataset name
            (its extension picks the format), a mapping of :class:`gymrpc.RecordOptions`
            fields, or options. See :attr:`recording`, :meth:`set_step_policy`,
            :meth:`start_recording` and :meth:`stop_recording`.
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
        record: RecordLike | None = None,
        **kwargs: Any,
    ) -> None:
        made = self._open(
            env_id, 0, target, client, render_mode, max_episode_steps, typed_config, kwargs, record
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
        self._init_encoder(action_encoder(self.action_space), self.action_space, 0)
        # A spec that makes an equal env (Gymnasium's env.spec.make(), check_env's render checks);
        # gymnasium.make replaces it with the registered one.
        self.spec = EnvSpec(
            id=f"gymrpc/{env_id}",
            entry_point="gymrpc.registration:make_env",
            reward_threshold=self.reward_threshold,
            nondeterministic=spec.nondeterministic,
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
        """Closes the session (and the channel when this env opened it). Harmless twice.
        A recording this env knows to be active is stopped first, so its dataset is
        complete when ``close`` returns."""
        self._close_session()
        super().close()

    def __repr__(self) -> str:
        return f"<RemoteEnv {self.env_id} at {self.client.target}>"

    __str__ = __repr__
