"""``RemoteVectorEnv``: a ``gymnasium.vector.VectorEnv`` whose sub-envs run on a gymrpc server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from gymrpc._codec import (
    action_encoder,
    decode_info,
    decode_space,
    decode_tensor,
    decode_value,
    value_decoder,
)
from gymrpc.client import DEFAULT_TARGET, Client
from gymrpc.env import SessionOwner
from gymrpc.recording import RecordLike
from gymrpc.v1 import env_service_pb2 as service_pb2
from gymrpc.v1 import tensor_pb2

if TYPE_CHECKING:
    from google.protobuf.message import Message

__all__ = ["RemoteVectorEnv"]

_F64 = np.dtype("<f8")
_BOOL = np.dtype(np.bool_)


class RemoteVectorEnv(VectorEnv[Any, Any, Any], SessionOwner):
    """``num_envs`` copies of a gymrpc env stepped together in one server session.

    Gymnasium's ``NEXT_STEP`` autoreset (``metadata["autoreset_mode"]``): a sub-env
    that terminated or truncated is reset by the next ``step``, which ignores its
    action and returns its first observation with reward 0. Every array is batched
    along axis 0; ``reset(seed=s)`` seeds sub-env ``i`` with ``s + i``. Envs with a
    native batched implementation on the server (CartPole-v1) step all sub-envs in
    one call.

    Args are those of :class:`gymrpc.RemoteEnv`, plus ``num_envs``. Recording works as for
    :class:`gymrpc.RemoteEnv`; :meth:`set_step_policy` takes one value per sub-env.
    """

    def __init__(
        self,
        env_id: str,
        num_envs: int,
        *,
        target: str = DEFAULT_TARGET,
        client: Client | None = None,
        render_mode: str | None = None,
        max_episode_steps: int | None = None,
        typed_config: Message | None = None,
        record: RecordLike | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be an integer >= 1, got {num_envs!r}")
        made = self._open(
            env_id,
            int(num_envs),
            target,
            client,
            render_mode,
            max_episode_steps,
            typed_config,
            kwargs,
            record,
        )
        spec = made.spec
        self.env_id = env_id
        self.num_envs = int(made.num_envs)
        self.single_observation_space = decode_space(spec.observation_space, "observation_space")
        self.single_action_space = decode_space(spec.action_space, "action_space")
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.metadata = {
            "render_modes": list(spec.metadata.render_modes),
            "render_fps": spec.metadata.render_fps,
            "autoreset_mode": AutoresetMode.NEXT_STEP,
        }
        self.render_mode = made.render_mode or None
        self.max_episode_steps: int | None = max_episode_steps or (
            spec.max_episode_steps if spec.HasField("max_episode_steps") else None
        )
        self.native_vectorization = spec.native_vectorization
        self._decode_obs = value_decoder(self.observation_space, "observation")
        self._init_encoder(action_encoder(self.action_space), self.action_space, self.num_envs)

    def reset(
        self,
        *,
        seed: int | Sequence[int | None] | None = None,
        options: dict[str, Any] | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Resets every sub-env. ``seed=s`` seeds sub-env ``i`` with ``s + i`` (a list of
        seeds must be ``[s, s+1, ...]``); without a seed the random streams continue."""
        base = self._base_seed(seed)
        super().reset(seed=base)
        r = self._reset_request(base, options)
        return self._decode_obs(r.observation), decode_info(r.info, True, self.num_envs)

    def step(self, actions: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Steps every sub-env with its row of ``actions``:
        ``(observations, rewards, terminations, truncations, infos)``."""
        s = self._stream.request(self._encode_action(actions), "step").step
        obs = self._decode_obs(s.observation)
        rewards = self._array(s.reward, _F64, tensor_pb2.DTYPE_FLOAT64, "reward")
        terminations = self._array(s.terminated, _BOOL, tensor_pb2.DTYPE_BOOL, "terminated")
        truncations = self._array(s.truncated, _BOOL, tensor_pb2.DTYPE_BOOL, "truncated")
        infos = decode_info(s.info, True, self.num_envs) if s.info.entries else {}
        return obs, rewards, terminations, truncations, infos

    def _array(
        self, t: tensor_pb2.Tensor, dtype: np.dtype[Any], wire: int, what: str
    ) -> np.ndarray:
        data = t.data
        if t.dtype == wire and len(data) == self.num_envs * dtype.itemsize:
            return np.frombuffer(data, dtype).copy()
        return decode_tensor(t, what).astype(dtype).reshape(self.num_envs)

    def render(self) -> tuple[Any, ...] | None:
        """One frame per sub-env (``None`` without a render mode)."""
        if self.render_mode is None:
            gym.logger.warn(
                "You are calling render method without specifying any render mode. "
                "Pass render_mode=... to gymrpc.make_vec."
            )
            return None
        raw = service_pb2.SessionRequest(render=service_pb2.RenderRequest()).SerializeToString()
        res = self._stream.expect(self._stream.request(raw, "render"), "render")
        frames = decode_value(res.frame, "frame")
        return tuple(frames) if isinstance(frames, tuple) else (frames,)

    def close_extras(self, **kwargs: Any) -> None:
        """Closes the session (and the channel when this env opened it); an active recording
        is stopped first, so its dataset is complete when ``close`` returns."""
        self._close_session()

    def __enter__(self) -> RemoteVectorEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RemoteVectorEnv {self.env_id} x{self.num_envs} at {self.client.target}>"

    __str__ = __repr__

    def _base_seed(self, seed: int | Sequence[int | None] | None) -> int | None:
        if seed is None or isinstance(seed, (int, np.integer)):
            return None if seed is None else int(seed)
        seeds = list(seed)
        if len(seeds) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} seeds, got {len(seeds)}")
        if all(s is None for s in seeds):
            return None
        first = seeds[0]
        if first is None or any(s != first + i for i, s in enumerate(seeds)):
            raise ValueError(
                "a gymrpc vector session seeds sub-env i with seed + i: pass an int seed "
                f"or the consecutive seeds [s, s+1, ..., s+{self.num_envs - 1}], got {seeds}"
            )
        return int(first)
