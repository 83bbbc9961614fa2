"""gymrpc.make: a real gymnasium.Env over the Session stream, against the real server."""

from __future__ import annotations

import functools

import gymnasium as gym
import numpy as np
import pytest

import gymrpc
from gymrpc.v1.envs import cartpole_pb2

from fake_server import FakeServer


def gymnasium_has(env_id: str) -> bool:
    return env_id in gym.registry


def test_make_returns_a_gymnasium_env(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        assert isinstance(env, gym.Env)
        assert isinstance(env, gymrpc.RemoteEnv)
        assert env.unwrapped is env
        assert env.session_id
        assert env.metadata["render_fps"] == 50
        obs, info = env.reset(seed=1)
        assert info == {}
        assert obs.dtype == np.float32 and obs.shape == (4,)
        assert obs.flags.writeable and obs.flags.owndata
        assert env.observation_space.contains(obs)
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert type(reward) is float and reward == 1.0
        assert terminated is False and truncated is False
        assert info == {}


def test_spaces_equal_gymnasiums_own(target: str, env_id: str) -> None:
    if not gymnasium_has(env_id):
        pytest.skip(f"Gymnasium has no {env_id}")
    ours = gymrpc.make(env_id, target)
    theirs = gym.make(env_id)
    try:
        for a, b in (
            (ours.observation_space, theirs.observation_space),
            (ours.action_space, theirs.action_space),
        ):
            assert type(a) is type(b)
            assert a == b
            assert a.dtype == b.dtype and a.shape == b.shape
            if isinstance(a, gym.spaces.Box):
                # Bit-exact bounds, infinities included.
                np.testing.assert_array_equal(a.low, b.low)
                np.testing.assert_array_equal(a.high, b.high)
                assert a.low.dtype == b.low.dtype
        assert ours.max_episode_steps == theirs.spec.max_episode_steps
        assert ours.reward_threshold == theirs.spec.reward_threshold
    finally:
        ours.close()
        theirs.close()


def test_same_seed_same_observations_and_unseeded_reset_continues(target: str, env_id: str) -> None:
    with gymrpc.make(env_id, target) as a, gymrpc.make(env_id, target) as b:
        # Dict observations (OpticalRouting-v0, the robot envs) compare flattened.
        flat = functools.partial(gym.spaces.flatten, a.observation_space)
        o1, _ = a.reset(seed=123)
        o2, _ = b.reset(seed=123)
        np.testing.assert_array_equal(flat(o1), flat(o2))
        # The same actions give the same trajectory.
        a.action_space.seed(0)
        for _ in range(20):
            act = a.action_space.sample()
            s1, s2 = a.step(act), b.step(act)
            np.testing.assert_array_equal(flat(s1[0]), flat(s2[0]))
            assert s1[1:4] == s2[1:4]
            if s1[2] or s1[3]:
                break
        # An unseeded reset continues the stream: a new start, the same on both.
        n1, _ = a.reset()
        n2, _ = b.reset()
        np.testing.assert_array_equal(flat(n1), flat(n2))
        assert not np.array_equal(flat(n1), flat(o1))
        # Reseeding starts over.
        again, _ = a.reset(seed=123)
        np.testing.assert_array_equal(flat(again), flat(o1))


def test_reset_seeds_np_random_like_gymnasium(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=7)
        ours = env.np_random.random()
        assert env.np_random_seed == 7
    # Gymnasium's Env.reset(seed=7) seeds np_random this way (the simulator's own
    # random stream is the server's, not numpy's).
    rng, _ = gym.utils.seeding.np_random(7)
    assert rng.random() == ours


def test_config_keyword_and_typed(target: str) -> None:
    # Sutton and Barto's reward: 0 per non-terminal step.
    with gymrpc.make("CartPole-v1", target, sutton_barto_reward=True) as env:
        env.reset(seed=0)
        assert env.step(0)[1] == 0.0
    typed = cartpole_pb2.CartPoleConfig(sutton_barto_reward=True)
    with gymrpc.make("CartPole-v1", target, typed_config=typed) as env:
        env.reset(seed=0)
        assert env.step(0)[1] == 0.0


def test_max_episode_steps_override_truncates(target: str) -> None:
    with gymrpc.make("Pendulum-v1", target, max_episode_steps=5) as env:
        assert env.max_episode_steps == 5
        env.reset(seed=0)
        flags = [env.step(np.zeros(1, np.float32))[3] for _ in range(5)]
        assert flags == [False] * 4 + [True]


def test_reset_options(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        obs, _ = env.reset(seed=0, options={"low": -0.001, "high": 0.001})
        assert np.all(np.abs(obs) <= 0.001)


def test_float64_actions_are_accepted_for_float32_boxes(target: str) -> None:
    with gymrpc.make("Pendulum-v1", target) as a, gymrpc.make("Pendulum-v1", target) as b:
        a.reset(seed=3)
        b.reset(seed=3)
        r64 = a.step(np.array([0.5]))
        r32 = b.step(np.array([0.5], np.float32))
        np.testing.assert_array_equal(r64[0], r32[0])
        assert a.step([1.0])[0].dtype == np.float32


def test_episode_ends_like_gymnasium(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=0)
        steps = 0
        while True:
            _, _, terminated, truncated, _ = env.step(1)
            steps += 1
            if terminated or truncated:
                break
        assert terminated and not truncated
        assert 5 < steps < 100


def test_render_without_mode_warns_and_returns_none(target: str) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=0)
        with pytest.warns(UserWarning, match="render mode"):
            assert env.render() is None


def test_context_manager_and_close_are_idempotent(target: str) -> None:
    env = gymrpc.make("CartPole-v1", target)
    with env:
        env.reset(seed=0)
    env.close()  # again: harmless
    with pytest.raises(gymrpc.errors.FailedPreconditionError, match="closed"):
        env.step(0)
    with pytest.raises(gymrpc.errors.FailedPreconditionError, match="closed"):
        env.reset()


def test_shared_client(target: str) -> None:
    with gymrpc.connect(target) as client:
        envs = [client.make("CartPole-v1") for _ in range(3)]
        for i, env in enumerate(envs):
            env.reset(seed=i)
            env.step(0)
        ids = {env.session_id for env in envs}
        assert len(ids) == 3
        for env in envs:
            env.close()
        # The envs did not close the shared channel.
        assert [e.id for e in client.list_envs()]


def test_list_envs_describes_config(env_infos: list[gymrpc.EnvInfo]) -> None:
    by_id = {e.id: e for e in env_infos}
    cart = by_id["CartPole-v1"]
    assert cart.max_episode_steps == 500
    assert cart.reward_threshold == 475
    assert cart.native_vectorization
    assert cart.config_message_type == "gymrpc.v1.envs.CartPoleConfig"
    (field,) = cart.config
    assert (field.name, field.type, field.default) == ("sutton_barto_reward", "bool", False)
    assert isinstance(cart.observation_space, gym.spaces.Box)


@pytest.mark.parametrize("transport", ["direct", "threaded"])
def test_both_transports_give_the_same_trajectory(
    target: str, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GYMRPC_TRANSPORT", transport)
    with gymrpc.make("CartPole-v1", target) as env:
        assert env._stream.transport == transport
        obs, _ = env.reset(seed=5)
        trajectory = [obs]
        for i in range(30):
            obs, _, term, trunc, _ = env.step(i % 2)
            trajectory.append(obs)
    monkeypatch.setenv("GYMRPC_TRANSPORT", "direct")
    with gymrpc.make("CartPole-v1", target) as env:
        obs, _ = env.reset(seed=5)
        np.testing.assert_array_equal(obs, trajectory[0])
        for i in range(30):
            np.testing.assert_array_equal(env.step(i % 2)[0], trajectory[i + 1])


def test_dropped_env_closes_its_session(target: str) -> None:
    import gc

    env = gymrpc.make("CartPole-v1", target)
    env.reset(seed=0)
    del env
    gc.collect()  # the finalizer cancels the stream; nothing hangs or warns


def test_render_frames_and_text() -> None:
    with FakeServer() as fake:
        with gymrpc.make("Fake-v0", fake.target, render_mode="rgb_array") as env:
            assert env.render_mode == "rgb_array"
            assert env.metadata["render_modes"] == ["rgb_array", "ansi"]
            env.reset()
            frame = env.render()
            assert frame.dtype == np.uint8 and frame.shape == (2, 3, 3)
            assert frame.flat[17] == 17
        with gymrpc.make("Fake-v0", fake.target, render_mode="ansi") as env:
            env.reset()
            assert env.render() == "|  o  |"
