"""gymrpc: Gymnasium environments served over gRPC.

>>> import gymrpc
>>> env = gymrpc.make("CartPole-v1", target="127.0.0.1:50051")      # a gymnasium.Env
>>> obs, info = env.reset(seed=42)
>>> obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
>>> envs = gymrpc.make_vec("CartPole-v1", 1024)                      # a gymnasium.vector.VectorEnv
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gymrpc import errors
from gymrpc.client import DEFAULT_TARGET, Client, ConfigField, EnvInfo, connect
from gymrpc.env import RemoteEnv
from gymrpc.errors import GymRpcError
from gymrpc.recording import (
    DatasetStats,
    PolicyInfo,
    RecordingStatus,
    RecordLike,
    RecordOptions,
    SessionInfo,
)
from gymrpc.registration import register_envs
from gymrpc.vector import RemoteVectorEnv

if TYPE_CHECKING:
    from google.protobuf.message import Message

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TARGET",
    "Client",
    "ConfigField",
    "DatasetStats",
    "EnvInfo",
    "GymRpcError",
    "PolicyInfo",
    "RecordLike",
    "RecordOptions",
    "RecordingStatus",
    "RemoteEnv",
    "RemoteVectorEnv",
    "SessionInfo",
    "__version__",
    "connect",
    "errors",
    "list_envs",
    "make",
    "make_vec",
    "register_envs",
]


def make(
    env_id: str,
    target: str = DEFAULT_TARGET,
    *,
    render_mode: str | None = None,
    max_episode_steps: int | None = None,
    typed_config: Message | None = None,
    record: RecordLike | None = None,
    **config: Any,
) -> RemoteEnv:
    """A ``gymnasium.Env`` running ``env_id`` on the gymrpc server at ``target``.

    ``config`` holds the env's settings (``sutton_barto_reward=True``, ``g=9.81``, ...)
    and connection options (``auth_token``, ``root_certificates``, ``tls``, ``timeout``,
    ``retries``; see :class:`Client`). ``record`` records the session on the server: a
    dataset name (``"cartpole.npz"``; the extension picks the format), a mapping of
    :class:`RecordOptions` fields, or options. Use it as a context manager or call ``close()``.
    """
    return RemoteEnv(
        env_id,
        target=target,
        render_mode=render_mode,
        max_episode_steps=max_episode_steps,
        typed_config=typed_config,
        record=record,
        **config,
    )


def make_vec(
    env_id: str,
    num_envs: int,
    target: str = DEFAULT_TARGET,
    *,
    render_mode: str | None = None,
    max_episode_steps: int | None = None,
    typed_config: Message | None = None,
    record: RecordLike | None = None,
    **config: Any,
) -> RemoteVectorEnv:
    """A ``gymnasium.vector.VectorEnv`` of ``num_envs`` copies of ``env_id`` in one server session
    (``NEXT_STEP`` autoreset, arrays batched along axis 0). Options as for :func:`make`."""
    return RemoteVectorEnv(
        env_id,
        num_envs,
        target=target,
        render_mode=render_mode,
        max_episode_steps=max_episode_steps,
        typed_config=typed_config,
        record=record,
        **config,
    )


def list_envs(target: str = DEFAULT_TARGET, **client_options: Any) -> list[EnvInfo]:
    """Every env the server at ``target`` registers, with its spaces and settings."""
    with Client(target, **client_options) as client:
        return client.list_envs()
