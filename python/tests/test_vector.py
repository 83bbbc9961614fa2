"""gymrpc.make_vec: a gymnasium.vector.VectorEnv with NEXT_STEP autoreset in one server session."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

import gymrpc


def check_vector_info(infos: dict, n: int) -> None:
    """Gymnasium's vector info layout: info[k] batched, info["_k"] a bool mask of shape (n,)."""
    assert isinstance(infos, dict)
    for key, value in infos.items():
        if key.startswith("_"):
            continue
        mask = infos[f"_{key}"]
        assert mask.dtype == np.bool_ and mask.shape == (n,)
        if isinstance(value, np.ndarray):
            assert len(value) == n


def check_batched(obs: object, space: gym.Space, n: int) -> None:
    """Each leaf of a batched observation is a writeable (n, *shape) array of the space's dtype."""
    if isinstance(space, gym.spaces.Dict):
        assert isinstance(obs, dict) and set(obs) == set(space.spaces)
        for key, sub in space.spaces.items():
            check_batched(obs[key], sub, n)
    elif isinstance(space, gym.spaces.Tuple):
        assert isinstance(obs, tuple) and len(obs) == len(space.spaces)
        for item, sub in zip(obs, space.spaces, strict=True):
            check_batched(item, sub, n)
    else:
        assert isinstance(obs, np.ndarray)
        assert obs.shape == (n, *space.shape)
        assert obs.dtype == space.dtype
        assert obs.flags.writeable


def test_make_vec_is_a_vector_env_with_batched_spaces(target: str, env_id: str) -> None:
    with gymrpc.make_vec(env_id, 3, target) as envs:
        assert isinstance(envs, gym.vector.VectorEnv)
        assert envs.num_envs == 3
        assert envs.metadata["autoreset_mode"] is AutoresetMode.NEXT_STEP
        with gymrpc.make(env_id, target) as single:
            assert envs.single_observation_space == single.observation_space
            assert envs.single_action_space == single.action_space
        assert envs.observation_space == batch_space(envs.single_observation_space, 3)
        assert envs.action_space == batch_space(envs.single_action_space, 3)
        obs, infos = envs.reset(seed=0)
        check_batched(obs, envs.single_observation_space, 3)
        assert envs.observation_space.contains(obs)
        check_vector_info(infos, 3)
        obs, rewards, terminations, truncations, infos = envs.step(envs.action_space.sample())
        assert envs.observation_space.contains(obs)
        check_batched(obs, envs.single_observation_space, 3)
        check_vector_info(infos, 3)
        assert rewards.dtype == np.float64 and rewards.shape == (3,)
        assert terminations.dtype == np.bool_ and terminations.shape == (3,)
        assert truncations.dtype == np.bool_ and truncations.shape == (3,)
        for arr in (rewards, terminations, truncations):
            assert arr.flags.writeable


def test_gymnasium_make_vec_spaces_match(target: str) -> None:
    # Gymnasium's own vectorized CartPole has the same batched spaces.
    theirs = gym.make_vec("CartPole-v1", 4, vectorization_mode="vector_entry_point")
    with gymrpc.make_vec("CartPole-v1", 4, target) as ours:
        assert ours.observation_space == theirs.observation_space
        assert ours.single_action_space == theirs.single_action_space
        assert ours.metadata["autoreset_mode"] == theirs.metadata["autoreset_mode"]
    theirs.close()


@pytest.mark.parametrize("name", ["CartPole-v1", "Pendulum-v1", "MountainCar-v0"])
def test_sub_env_i_is_seeded_seed_plus_i(target: str, name: str) -> None:
    n = 4
    with gymrpc.make_vec(name, n, target) as envs:
        obs, _ = envs.reset(seed=10)
        for i in range(n):
            with gymrpc.make(name, target) as single:
                o, _ = single.reset(seed=10 + i)
                np.testing.assert_array_equal(obs[i], o)
        # An explicit list of consecutive seeds means the same.
        again, _ = envs.reset(seed=[10 + i for i in range(n)])
        np.testing.assert_array_equal(again, obs)
        with pytest.raises(ValueError, match="seed \\+ i"):
            envs.reset(seed=[1, 5, 2, 0])
        # Unseeded: the streams continue.
        fresh, _ = envs.reset()
        assert not np.array_equal(fresh, obs)


@pytest.mark.parametrize(("name", "limit"), [("CartPole-v1", None), ("Acrobot-v1", 60)])
def test_next_step_autoreset_matches_separate_envs(
    target: str, name: str, limit: int | None
) -> None:
    """Sub-env i behaves as a single env seeded seed + i that is reset (unseeded) after it ends,
    with Gymnasium's NEXT_STEP layout: the step after the end returns the reset observation,
    reward 0 and no flags, and ignores that sub-env's action."""
    n, seed, steps = 3, 100, 250
    rng = np.random.default_rng(0)
    with gymrpc.make_vec(name, n, target, max_episode_steps=limit) as envs:
        actions = rng.integers(0, envs.single_action_space.n, size=(steps, n))
        obs, _ = envs.reset(seed=seed)
        vec = [(obs, None, None, None)]
        for t in range(steps):
            o, r, te, tr, _ = envs.step(actions[t])
            vec.append((o, r, te, tr))
    ended_any = False
    for i in range(n):
        with gymrpc.make(name, target, max_episode_steps=limit) as single:
            o, _ = single.reset(seed=seed + i)
            np.testing.assert_array_equal(vec[0][0][i], o)
            done = False
            for t in range(steps):
                vo, vr, vte, vtr = vec[t + 1]
                if done:
                    o, _ = single.reset()
                    r, te, tr = 0.0, False, False
                    done = False
                    ended_any = True
                else:
                    o, r, te, tr, _ = single.step(int(actions[t, i]))
                    done = te or tr
                np.testing.assert_array_equal(vo[i], o, err_msg=f"sub-env {i} step {t}")
                assert (vr[i], vte[i], vtr[i]) == (r, te, tr), f"sub-env {i} step {t}"
    assert ended_any, "no sub-env ended: the test did not exercise autoreset"


def test_vector_action_forms(target: str) -> None:
    with gymrpc.make_vec("CartPole-v1", 4, target) as envs:
        envs.reset(seed=0)
        for actions in ([0, 1, 0, 1], np.array([0, 1, 0, 1], np.int32), np.ones(4, np.uint8)):
            envs.step(actions)
    with gymrpc.make_vec("Pendulum-v1", 2, target) as envs:
        envs.reset(seed=0)
        obs, *_ = envs.step(np.zeros((2, 1)))  # float64 for a float32 Box: cast
        assert obs.dtype == np.float32


def test_num_envs_must_be_positive(target: str) -> None:
    with pytest.raises(ValueError, match="num_envs"):
        gymrpc.make_vec("CartPole-v1", 0, target)


def test_large_vector_session(target: str) -> None:
    with gymrpc.make_vec("CartPole-v1", 1024, target) as envs:
        obs, _ = envs.reset(seed=0)
        assert obs.shape == (1024, 4)
        total = np.zeros(1024)
        for _ in range(50):
            obs, r, te, tr, _ = envs.step(envs.action_space.sample())
            total += r
        assert obs.shape == (1024, 4)
        assert total.max() <= 50


def test_close_is_idempotent(target: str) -> None:
    envs = gymrpc.make_vec("CartPole-v1", 2, target)
    envs.close()
    envs.close()
    assert envs.closed
    with pytest.raises(gymrpc.errors.FailedPreconditionError):
        envs.step([0, 0])
