"""register_envs: remote envs in Gymnasium's registry under gymrpc/."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import gymrpc


@pytest.fixture
def registered(target: str) -> list[str]:
    ids = gymrpc.register_envs(target)
    yield ids
    for env_id in ids:
        gym.registry.pop(env_id, None)


def test_every_server_env_is_registered(
    registered: list[str], env_infos: list[gymrpc.EnvInfo]
) -> None:
    assert sorted(registered) == sorted(f"gymrpc/{e.id}" for e in env_infos)
    spec = gym.spec("gymrpc/CartPole-v1")
    assert spec.namespace == "gymrpc" and spec.name == "CartPole" and spec.version == 1
    assert spec.max_episode_steps == 500
    assert spec.reward_threshold == 475


def test_gymnasium_make_wraps_like_its_own_envs(registered: list[str]) -> None:
    env = gym.make("gymrpc/CartPole-v1")
    try:
        assert isinstance(env.unwrapped, gymrpc.RemoteEnv)
        assert isinstance(env, gym.wrappers.TimeLimit)
        assert env.spec is not None and env.spec.id == "gymrpc/CartPole-v1"
        obs, _ = env.reset(seed=4)
        with gymrpc.make("CartPole-v1", env.unwrapped.client.target) as direct:
            np.testing.assert_array_equal(direct.reset(seed=4)[0], obs)
        env.step(env.action_space.sample())
    finally:
        env.close()


def test_gymnasium_make_passes_config_and_limits(registered: list[str]) -> None:
    env = gym.make("gymrpc/CartPole-v1", sutton_barto_reward=True, max_episode_steps=3)
    try:
        env.reset(seed=0)
        steps = [env.step(0) for _ in range(3)]
        assert steps[0][1] == 0.0
        assert [s[3] for s in steps] == [False, False, True]
    finally:
        env.close()
    # Longer episodes than the server's limit: raise the server's too.
    env = gym.make("gymrpc/Pendulum-v1", max_episode_steps=300, server_max_episode_steps=300)
    try:
        env.reset(seed=0)
        truncated = [env.step(np.zeros(1, np.float32))[3] for _ in range(300)]
        assert truncated.index(True) == 299
    finally:
        env.close()


def test_gymnasium_make_vec_uses_one_vector_session(registered: list[str]) -> None:
    envs = gym.make_vec("gymrpc/CartPole-v1", 6)
    try:
        assert isinstance(envs, gymrpc.RemoteVectorEnv)
        assert envs.num_envs == 6
        assert envs.max_episode_steps == 500
        obs, _ = envs.reset(seed=0)
        assert obs.shape == (6, 4)
    finally:
        envs.close()
    # Gymnasium's sync vectorization over remote single envs works too.
    envs = gym.make_vec("gymrpc/CartPole-v1", 2, vectorization_mode="sync")
    try:
        obs, _ = envs.reset(seed=0)
        assert obs.shape == (2, 4)
        envs.step(np.array([0, 1]))
    finally:
        envs.close()


def test_env_spec_remakes_an_equal_env(target: str) -> None:
    with gymrpc.make("CartPole-v1", target, sutton_barto_reward=True) as env:
        again = env.spec.make()
        try:
            again.reset(seed=0)
            assert again.step(0)[1] == 0.0
        finally:
            again.close()
