"""``register_envs``: every env of a gymrpc server under ``gymrpc/`` in Gymnasium's registry."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from gymrpc.client import DEFAULT_TARGET, Client
from gymrpc.env import CLIENT_OPTIONS, RemoteEnv
from gymrpc.vector import RemoteVectorEnv

__all__ = ["NAMESPACE", "make_env", "make_vec_env", "register_envs"]

#: The namespace remote envs are registered under: ``gymnasium.make("gymrpc/CartPole-v1")``.
NAMESPACE = "gymrpc"


def register_envs(
    target: str = DEFAULT_TARGET, *, namespace: str = NAMESPACE, **client_options: Any
) -> list[str]:
    """Registers every env the server at ``target`` lists as ``"<namespace>/<id>"``.

    Afterwards ``gymnasium.make("gymrpc/CartPole-v1")`` makes a :class:`gymrpc.RemoteEnv`
    wrapped like Gymnasium's own envs (PassiveEnvChecker, OrderEnforcing, TimeLimit with the
    server's ``max_episode_steps``), and ``gymnasium.make_vec("gymrpc/CartPole-v1", n)``
    makes one :class:`gymrpc.RemoteVectorEnv` session (the vector entry point).
    ``client_options`` (``auth_token``, ``root_certificates``, ``timeout``, ...) are used now
    and by every env made later. Returns the registered ids.

    The server applies its own time limit too, so ``gymnasium.make(...,
    max_episode_steps=k)`` can shorten episodes but not lengthen them; pass
    ``gymnasium.make(id, server_max_episode_steps=k, max_episode_steps=k)`` for that.
    """
    unknown = set(client_options) - CLIENT_OPTIONS
    if unknown:
        raise TypeError(f"unknown connection options {sorted(unknown)}")
    with Client(target, **client_options) as client:
        infos = client.list_envs()
    ids = []
    for info in infos:
        env_id = f"{namespace}/{info.id}"
        if env_id in gym.registry:
            del gym.registry[env_id]  # re-registering (same or new server) is not an error
        gym.register(
            id=env_id,
            entry_point="gymrpc.registration:make_env",
            vector_entry_point="gymrpc.registration:make_vec_env",
            max_episode_steps=info.max_episode_steps,
            reward_threshold=info.reward_threshold,
            nondeterministic=info.nondeterministic,
            kwargs={"env_id": info.id, "target": target, **client_options},
        )
        ids.append(env_id)
    return ids


def make_env(
    env_id: str, target: str, server_max_episode_steps: int | None = None, **kwargs: Any
) -> RemoteEnv:
    """Gymnasium entry point of a registered remote env."""
    return RemoteEnv(env_id, target=target, max_episode_steps=server_max_episode_steps, **kwargs)


def make_vec_env(
    env_id: str,
    target: str,
    num_envs: int = 1,
    max_episode_steps: int | None = None,
    server_max_episode_steps: int | None = None,
    **kwargs: Any,
) -> RemoteVectorEnv:
    """Gymnasium vector entry point of a registered remote env (one vectorized session)."""
    return RemoteVectorEnv(
        env_id,
        num_envs,
        target=target,
        max_episode_steps=server_max_episode_steps or max_episode_steps,
        **kwargs,
    )
