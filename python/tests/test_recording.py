"""Server-side recording from Python: record=, set_step_policy, start/stop_recording, and the
Client's StartRecording / StopRecording / ListSessions, against the real server (its
``--record-dir`` is the ``record_dir`` fixture). Datasets are read back with numpy, json,
h5py and minari."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import gymnasium as gym
import numpy as np
import pytest
from google.rpc import status_pb2
from gymnasium import spaces
from gymnasium.vector.utils import batch_space

import gymrpc
from gymrpc._codec import action_encoder
from gymrpc.errors import (
    AlreadyExistsError,
    GymRpcError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnavailableError,
    from_status,
)
from gymrpc.local_server import LocalServer
from gymrpc.recording import with_policy
from gymrpc.v1 import env_service_pb2 as pb
from gymrpc.v1 import recording_pb2

from conftest import CLI

EPSILON = 0.2


def greedy(obs: np.ndarray) -> int:
    """A CartPole controller: push towards where the pole falls."""
    return int(obs[2] + 0.5 * obs[3] > 0)


@dataclass
class Trajectory:
    """What the client saw, step by step (episodes in order)."""

    states: list[np.ndarray] = field(default_factory=list)
    next_states: list[np.ndarray] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)
    terminated: list[bool] = field(default_factory=list)
    truncated: list[bool] = field(default_factory=list)
    mu: list[float] = field(default_factory=list)  # NaN where the step carried no policy
    episode_ids: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


def run_epsilon_greedy(
    env: gymrpc.RemoteEnv,
    episodes: int,
    seed: int,
    skip_policy_every: int = 0,
    max_steps: int = 10_000,
) -> Trajectory:
    """ε-greedy episodes with μ(a|s) etc. sent through set_step_policy (none on every
    ``skip_policy_every``-th step)."""
    rng = np.random.default_rng(seed)
    tr = Trajectory()
    for ep in range(episodes):
        obs, _ = env.reset(seed=seed + ep)
        length = 0
        while True:
            g = greedy(obs)
            explore = bool(rng.random() < EPSILON)
            action = int(rng.integers(2)) if explore else g
            mu = 1 - EPSILON / 2 if action == g else EPSILON / 2
            t = len(tr.actions)
            if skip_policy_every and t % skip_policy_every == skip_policy_every - 1:
                tr.mu.append(float("nan"))
            else:
                env.unwrapped.set_step_policy(
                    behavior_prob=mu,
                    greedy_action=g,
                    was_exploratory=explore,
                    epsilon=EPSILON,
                    meta={"t": t},
                )
                tr.mu.append(mu)
            nxt, reward, term, trunc, _ = env.step(action)
            tr.states.append(obs)
            tr.next_states.append(nxt)
            tr.actions.append(action)
            tr.rewards.append(reward)
            tr.terminated.append(term)
            tr.truncated.append(trunc)
            tr.episode_ids.append(ep)
            length += 1
            obs = nxt
            if term or trunc or length >= max_steps:
                break
        tr.lengths.append(length)
    return tr


def check_stats(
    stats: gymrpc.DatasetStats, tr: Trajectory, path: Path, fmt: str, size_of: Path | None = None
) -> None:
    n = len(tr.actions)
    assert stats.total_episodes == len(tr.lengths)
    assert stats.total_steps == n
    assert stats.mean_episode_length == pytest.approx(n / len(tr.lengths))
    assert stats.mean_reward == pytest.approx(sum(tr.rewards) / len(tr.lengths))
    assert stats.success_rate is None  # CartPole reports no info["success"]
    assert stats.output_path == str(path)
    assert stats.format == fmt
    assert stats.file_size_mb > 0
    if size_of is not None:
        assert stats.file_size_mb == pytest.approx(size_of.stat().st_size / 2**20, rel=0.05)


# ---------------------------------------------------------------- npz


def test_npz_records_states_actions_and_behavior_probs(target: str, record_dir: Path) -> None:
    opts = gymrpc.RecordOptions("npz/cartpole.npz", policy_id="eps-greedy", metadata={"k": 1})
    with gymrpc.make("CartPole-v1", target, record=opts) as env:
        rec = env.unwrapped.recording
        assert rec == gymrpc.RecordingStatus(
            active=True, output_path=str(record_dir / "npz/cartpole.npz"), format="npz"
        )
        tr = run_epsilon_greedy(env, episodes=2, seed=100, skip_policy_every=7)
        assert env.unwrapped.recording.episodes == 2
        stats = env.unwrapped.stop_recording()
        rec = env.unwrapped.recording
        assert not rec.active and rec.output_path == stats.output_path and rec.episodes == 2
    path = record_dir / "npz/cartpole.npz"
    check_stats(stats, tr, path, "npz", size_of=path)

    n = len(tr.actions)
    with np.load(path) as z:
        assert z["states"].shape == (n, 4) and z["states"].dtype == np.float32
        np.testing.assert_array_equal(z["states"], np.array(tr.states))
        np.testing.assert_array_equal(z["next_states"], np.array(tr.next_states))
        assert z["actions"].shape == (n, 1) and z["actions"].dtype == np.float32
        np.testing.assert_array_equal(z["actions"][:, 0], np.array(tr.actions, np.float32))
        np.testing.assert_array_equal(z["rewards"], np.array(tr.rewards, np.float32))
        np.testing.assert_array_equal(z["episode_ids"], np.array(tr.episode_ids))
        np.testing.assert_array_equal(z["terminals"], np.array(tr.terminated))
        np.testing.assert_array_equal(z["timeouts"], np.array(tr.truncated))
        # μ where a step carried it, NaN where it did not: the policy applies to one step only.
        assert z["behavior_probs"].dtype == np.float64
        np.testing.assert_array_equal(z["behavior_probs"], np.array(tr.mu))
        assert np.isnan(z["behavior_probs"][6]) and not np.isnan(z["behavior_probs"][7])


def test_reset_discards_a_pending_step_policy(target: str, record_dir: Path) -> None:
    with gymrpc.make("CartPole-v1", target, record="npz/reset-discards.npz") as env:
        env.reset(seed=1)
        env.unwrapped.set_step_policy(behavior_prob=0.25)
        env.step(0)  # carries it
        env.step(0)  # does not
        env.unwrapped.set_step_policy(gymrpc.PolicyInfo(behavior_prob=0.5))
        env.reset(seed=2)  # discards it
        env.step(1)
        env.unwrapped.set_step_policy(behavior_prob=0.75)
        env.unwrapped.set_step_policy()  # clears it
        env.step(1)
        stats = env.unwrapped.stop_recording()
    assert stats.total_steps == 4 and stats.total_episodes == 2
    with np.load(record_dir / "npz/reset-discards.npz") as z:
        np.testing.assert_array_equal(z["behavior_probs"], [0.25, np.nan, np.nan, np.nan])


# ---------------------------------------------------------------- jsonl


def test_jsonl_lines_carry_the_policy_in_meta(target: str, record_dir: Path) -> None:
    record = {"name": "jsonl/cartpole.jsonl", "policy_id": "eps-greedy"}
    with gymrpc.make("CartPole-v1", target, record=record) as env:
        assert env.unwrapped.recording.format == "jsonl"
        tr = run_epsilon_greedy(env, episodes=1, seed=7, skip_policy_every=5)
        stats = env.unwrapped.stop_recording()
    path = record_dir / "jsonl/cartpole.jsonl"
    check_stats(stats, tr, path, "jsonl")

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == len(tr.actions)
    rng = np.random.default_rng(7)  # the same draws as run_epsilon_greedy
    for t, row in enumerate(rows):
        assert list(row) == [
            "t",
            "seed",
            "state",
            "action",
            "reward",
            "next_state",
            "action_mask",
            "meta",
        ]
        assert row["t"] == t and row["seed"] == 7
        np.testing.assert_array_equal(np.array(row["state"], np.float32), tr.states[t])
        np.testing.assert_array_equal(np.array(row["next_state"], np.float32), tr.next_states[t])
        # float32 values are written as numpy prints them (0.1, not 0.10000000149011612).
        assert row["state"] == [float(str(x)) for x in tr.states[t]]
        assert row["action"] == tr.actions[t]
        assert row["reward"] == tr.rewards[t]
        assert row["action_mask"] is None
        meta = row["meta"]
        assert meta["episode_id"] == 0 and meta["step"] == t
        assert meta["terminated"] is tr.terminated[t] and meta["truncated"] is tr.truncated[t]
        assert meta["policy_id"] == "eps-greedy"
        g = greedy(tr.states[t])
        explore = bool(rng.random() < EPSILON)
        if explore:
            rng.integers(2)
        if t % 5 == 4:
            assert "behavior_prob" not in meta and "t" not in meta
            continue
        assert meta["behavior_prob"] == tr.mu[t]
        assert meta["greedy_action"] == g
        assert meta["was_exploratory"] is explore
        assert meta["epsilon"] == EPSILON
        assert meta["t"] == t

    episodes = [json.loads(line) for line in (record_dir / "jsonl/cartpole.episodes.jsonl").open()]
    assert [(e["episode_id"], e["seed"], e["length"]) for e in episodes] == [(0, 7, len(rows))]
    assert episodes[0]["policy_id"] == "eps-greedy"


# ---------------------------------------------------------------- hdf5 and minari


def test_hdf5_episodes_read_with_h5py(target: str, record_dir: Path) -> None:
    h5py = pytest.importorskip("h5py")
    with gymrpc.make("CartPole-v1", target, record="h5/cartpole.h5") as env:
        assert env.unwrapped.recording.format == "hdf5"
        tr = run_epsilon_greedy(env, episodes=2, seed=30)
        stats = env.unwrapped.stop_recording()
    path = record_dir / "h5/cartpole.h5"
    check_stats(stats, tr, path, "hdf5", size_of=path)

    ids = np.array(tr.episode_ids)
    with h5py.File(path, "r") as f:
        for i in range(2):
            ep = f[f"episode_{i}"]
            rows = ids == i
            np.testing.assert_array_equal(ep["observations"][()], np.array(tr.states)[rows])
            np.testing.assert_array_equal(
                ep["next_observations"][()], np.array(tr.next_states)[rows]
            )
            np.testing.assert_array_equal(ep["actions"][()], np.array(tr.actions)[rows])
            np.testing.assert_array_equal(ep["rewards"][()], np.array(tr.rewards)[rows])
            np.testing.assert_array_equal(ep["terminations"][()], np.array(tr.terminated)[rows])
            np.testing.assert_array_equal(ep["truncations"][()], np.array(tr.truncated)[rows])
            np.testing.assert_array_equal(ep["behavior_prob"][()], np.array(tr.mu)[rows])
            assert ep.attrs["seed"] == 30 + i


def test_compression_level_reaches_each_format(target: str, record_dir: Path) -> None:
    """compression_level: HDF5 datasets gzip'd at the level asked (h5py reports it), none at 0;
    jsonl.gz members at any level read back by gzip and json; refused levels name the field."""
    h5py = pytest.importorskip("h5py")
    cases = [("level/gz5.h5", 5), ("level/none.h5", 0), ("level/flat.d4rl.h5", 3)]
    for name, level in cases:
        with gymrpc.make(
            "CartPole-v1", target, record=gymrpc.RecordOptions(name, compression_level=level)
        ) as env:
            tr = run_epsilon_greedy(env, episodes=2, seed=40)
            stats = env.unwrapped.stop_recording()
        assert stats.total_steps == len(tr.actions)
        with h5py.File(record_dir / name, "r") as f:
            obs = f["observations"] if "observations" in f else f["episode_0"]["observations"]
            assert obs.compression == ("gzip" if level else None), name
            if level:
                assert obs.compression_opts == level, name
            assert len(obs) > 0
    # The hdf5 format's default is gzip 4.
    with gymrpc.make("CartPole-v1", target, record="level/default.h5") as env:
        run_epsilon_greedy(env, episodes=1, seed=41)
    with h5py.File(record_dir / "level/default.h5", "r") as f:
        assert f["episode_0"]["observations"].compression_opts == 4

    with gymrpc.make(
        "CartPole-v1", target, record={"name": "level/lines.jsonl.gz", "compression_level": 1}
    ) as env:
        tr = run_epsilon_greedy(env, episodes=1, seed=42)
    import gzip

    with gzip.open(record_dir / "level/lines.jsonl.gz", "rt") as f:
        assert len([json.loads(line) for line in f]) == len(tr.actions)

    for name, level in [("level/x.npz", 10), ("level/x.jsonl", 2), ("level/x.jsonl.gz", 0)]:
        with pytest.raises(InvalidArgumentError) as err:
            gymrpc.make("CartPole-v1", target, record={"name": name, "compression_level": level})
        assert err.value.field == "record.compression_level", name


@pytest.mark.parametrize(
    ("name", "level"), [("minari/cartpole-test-v0", None), ("minari/cartpole-gzip-v0", 4)]
)
def test_minari_dataset_opens_with_minari(
    target: str, record_dir: Path, name: str, level: int | None
) -> None:
    h5py = pytest.importorskip("h5py")
    if not _minari_loads():
        pytest.skip("minari (with h5py and pillow) is not installed in this Python")
    # Minari dataset ids need the version; a compression level gzips every dataset.
    record = gymrpc.RecordOptions(name, compression_level=level)
    with gymrpc.make("CartPole-v1", target, record=record) as env:
        assert env.unwrapped.recording.format == "minari"
        tr = run_epsilon_greedy(env, episodes=2, seed=50)
        stats = env.unwrapped.stop_recording()
    check_stats(stats, tr, record_dir / name, "minari")
    with h5py.File(record_dir / name / "data" / "main_data.hdf5", "r") as f:
        actions = f["episode_0"]["actions"]
        assert actions.compression == ("gzip" if level else None)

    # In a child: minari reads MINARI_DATASETS_PATH once, at import.
    script = (
        "import json, sys, minari\n"
        "ds = minari.load_dataset(sys.argv[1])\n"
        "eps = [dict(obs=e.observations.tolist(), act=e.actions.tolist(),\n"
        "            rew=e.rewards.tolist(), term=e.terminations.tolist(),\n"
        "            trunc=e.truncations.tolist()) for e in ds.iterate_episodes()]\n"
        "print(json.dumps(dict(n=ds.total_episodes, steps=ds.total_steps, eps=eps)))\n"
    )
    env_vars = {**os.environ, "MINARI_DATASETS_PATH": str(record_dir)}
    out = subprocess.run(
        [sys.executable, "-c", script, name],
        env=env_vars,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["n"] == 2 and got["steps"] == len(tr.actions)
    ids = np.array(tr.episode_ids)
    for i, ep in enumerate(got["eps"]):
        rows = ids == i
        states = np.array(tr.states)[rows]
        last = np.array(tr.next_states)[rows][-1:]
        # Minari's observations are the T + 1 states of the episode.
        np.testing.assert_array_equal(
            np.array(ep["obs"], np.float32), np.concatenate([states, last])
        )
        np.testing.assert_array_equal(ep["act"], np.array(tr.actions)[rows])
        np.testing.assert_array_equal(ep["rew"], np.array(tr.rewards)[rows])
        np.testing.assert_array_equal(ep["term"], np.array(tr.terminated)[rows])
        np.testing.assert_array_equal(ep["trunc"], np.array(tr.truncated)[rows])


def _minari_loads() -> bool:
    probe = (
        "import h5py, minari, PIL\n"
        "from minari.dataset._storages import get_hdf5_storage\n"
        "get_hdf5_storage()\n"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


# ---------------------------------------------------------------- vector sessions


def test_vector_session_per_sub_env_policy_and_record_mask(target: str, record_dir: Path) -> None:
    n = 3
    probs = np.array([0.1, 0.2, 0.3])
    steps = 60
    mask_off_sub1_at = 3  # sub-env 1 leaves its first episode out of the dataset
    with gymrpc.make_vec("CartPole-v1", n, target, record="vec/cartpole.npz") as envs:
        assert envs.unwrapped.recording.active
        obs, _ = envs.reset(seed=10)
        done = np.zeros(n, bool)
        expected: dict[int, list[tuple[np.ndarray, int, np.ndarray]]] = {0: [], 1: []}
        dropped = False
        first_episode = np.ones(n, bool)
        for t in range(steps):
            # Constant pushes end episodes within about ten steps.
            actions = np.array([0, 1, t % 2])
            record = np.array([True, True, False])  # sub-env 2 is never recorded
            if t == mask_off_sub1_at:
                record[1] = False
            envs.unwrapped.set_step_policy(
                behavior_prob=probs,
                greedy_action=np.array([greedy(o) for o in obs]),
                was_exploratory=np.zeros(n, bool),
                epsilon=0.0,
                record=record,
            )
            nxt, _, term, trunc, _ = envs.step(actions)
            for i in (0, 1):
                if done[i]:
                    first_episode[i] = False  # an autoreset step: the next episode starts
                elif not (i == 1 and first_episode[1]):
                    expected[i].append((obs[i], int(actions[i]), nxt[i]))
            if t == mask_off_sub1_at:
                assert not done[1] and first_episode[1]
                dropped = True
            done = term | trunc
            obs = nxt
        assert dropped and not first_episode[1], "sub-env 1 should have started a new episode"
        stats = envs.unwrapped.stop_recording()

    with np.load(record_dir / "vec/cartpole.npz") as z:
        mu = z["behavior_probs"]
        assert set(np.unique(mu)) <= {0.1, 0.2}, "sub-env 2 was left out"
        assert stats.total_steps == len(mu) == len(expected[0]) + len(expected[1])
        assert stats.total_episodes == len(np.unique(z["episode_ids"]))
        for i, p in ((0, 0.1), (1, 0.2)):
            rows = mu == p
            want = expected[i]
            np.testing.assert_array_equal(z["states"][rows], np.array([w[0] for w in want]))
            np.testing.assert_array_equal(z["actions"][rows, 0], [w[1] for w in want])
            np.testing.assert_array_equal(z["next_states"][rows], np.array([w[2] for w in want]))


def test_vector_policy_shapes_are_checked(target: str) -> None:
    with gymrpc.make_vec("CartPole-v1", 2, target) as envs:
        with pytest.raises(InvalidArgumentError) as err:
            envs.unwrapped.set_step_policy(behavior_prob=[0.5, 0.5, 0.5])
        assert err.value.field == "policy.behavior_prob"
        with pytest.raises(InvalidArgumentError) as err:
            envs.unwrapped.set_step_policy(record=np.ones((2, 2), bool))
        assert err.value.field == "policy.record"
        envs.unwrapped.set_step_policy(epsilon=0.1)  # a scalar applies to every sub-env
        envs.reset(seed=0)
    with gymrpc.make("CartPole-v1", target) as env:
        with pytest.raises(InvalidArgumentError) as err:
            env.unwrapped.set_step_policy(epsilon=[0.1, 0.2])
        assert err.value.field == "policy.epsilon"
        # Metadata on a session that does not record is accepted and ignored.
        env.reset(seed=0)
        env.unwrapped.set_step_policy(behavior_prob=1.0, greedy_action=0)
        env.step(0)


# ---------------------------------------------------------------- remote recording


def test_recording_another_clients_session(target: str, record_dir: Path) -> None:
    with gymrpc.make("CartPole-v1", target) as env, gymrpc.connect(target) as admin:
        obs, _ = env.reset(seed=3)
        obs = env.step(greedy(obs))[0]
        mine = [s for s in admin.list_sessions() if s.session_id == env.session_id]
        assert len(mine) == 1
        info = mine[0]
        assert (info.env_id, info.num_envs, info.kind) == ("CartPole-v1", 0, "stream")
        assert info.recording == gymrpc.RecordingStatus()
        assert env.unwrapped.recording.active is False

        # Mid-episode: the recording starts at the current observation.
        status = admin.start_recording(
            env.session_id, {"name": "remote/cartpole.npz", "policy_id": "watched"}
        )
        assert status.active and status.output_path == str(record_dir / "remote/cartpole.npz")
        assert env.unwrapped.recording == status  # the env sees it

        states, mu = [], []
        while True:
            a = greedy(obs)
            env.unwrapped.set_step_policy(behavior_prob=1.0)
            states.append(obs)
            mu.append(1.0)
            obs, _, term, trunc, _ = env.step(a)
            if term or trunc:
                break
        first = len(states)
        tr = run_epsilon_greedy(env, episodes=1, seed=20)
        listed = next(s for s in admin.list_sessions() if s.session_id == env.session_id)
        assert listed.recording.active and listed.recording.episodes == 2
        stats = admin.stop_recording(env.session_id)
        assert env.unwrapped.recording.active is False

        with pytest.raises(InvalidArgumentError) as err:
            admin.stop_recording(env.session_id)
        assert err.value.field == "session_id"
        with pytest.raises(InvalidArgumentError):
            env.unwrapped.stop_recording()
        with pytest.raises(NotFoundError):
            admin.start_recording("no-such-session", "remote/never.npz")
        env.reset(seed=0)  # the session goes on
    assert stats.total_episodes == 2
    assert stats.total_steps == first + len(tr.actions)
    assert stats.mean_reward == pytest.approx(stats.total_steps / 2)
    with np.load(record_dir / "remote/cartpole.npz") as z:
        np.testing.assert_array_equal(z["states"], np.array(states + tr.states))
        np.testing.assert_array_equal(z["behavior_probs"], np.array(mu + tr.mu))
        np.testing.assert_array_equal(z["episode_ids"], [0] * first + [1] * len(tr.actions))


def test_start_and_stop_recording_on_the_stream(target: str, record_dir: Path) -> None:
    with gymrpc.make_vec("CartPole-v1", 2, target) as envs:
        envs.reset(seed=0)
        envs.step(np.array([0, 1]))  # not recorded
        status = envs.unwrapped.start_recording(
            gymrpc.RecordOptions("stream/vec.npz", max_episodes=1)
        )
        assert status == gymrpc.RecordingStatus(True, str(record_dir / "stream/vec.npz"), "npz")
        with pytest.raises(InvalidArgumentError) as err:
            envs.unwrapped.start_recording("stream/second.npz")
        assert err.value.field == "record"
        for _ in range(3):
            envs.step(np.array([0, 1]))
        stats = envs.unwrapped.stop_recording()
        # max_episodes=1: of the two partial episodes only the first is kept.
        assert stats.total_episodes == 1 and stats.total_steps == 3
        assert envs.unwrapped.recording == gymrpc.RecordingStatus(
            False, stats.output_path, "npz", 1
        )
    with np.load(record_dir / "stream/vec.npz") as z:
        assert z["states"].shape == (3, 4)
        assert z["timeouts"].tolist() == [False, False, True]  # cut by stop_recording


def test_close_finishes_the_dataset(target: str, record_dir: Path) -> None:
    with gymrpc.make("CartPole-v1", target, record="close/cartpole.npz") as env:
        env.reset(seed=0)
        for _ in range(5):
            env.step(0)
    # Complete when close returns: no journal left, and the name can be overwritten at once.
    assert not (record_dir / "close/cartpole.npz.journal").exists()
    with np.load(record_dir / "close/cartpole.npz") as z:
        assert z["states"].shape == (5, 4)
    with gymrpc.make_vec(
        "CartPole-v1", 2, target, record={"name": "close/cartpole.npz", "overwrite": True}
    ) as envs:
        envs.reset(seed=0)
        envs.step(np.array([0, 0]))
    with np.load(record_dir / "close/cartpole.npz") as z:
        assert z["states"].shape == (2, 4)


# Regressions of server bugs found from Python: an empty episode counted after a
# mid-episode start and reset, and streamed JSONL rows of a natively vectorized env.


def test_recording_started_mid_episode_then_reset_counts_no_empty_episode(
    target: str,
) -> None:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=0)
        env.step(0)
        env.unwrapped.start_recording("known-issues/empty-episode.npz")
        env.reset(seed=1)
        for _ in range(3):
            env.step(0)
        stats = env.unwrapped.stop_recording()
    assert stats.total_steps == 3
    assert stats.total_episodes == 1


def test_vector_jsonl_state_is_the_observation_before_the_step(
    target: str, record_dir: Path
) -> None:
    with gymrpc.make_vec("CartPole-v1", 2, target, record="known-issues/vec.jsonl") as envs:
        obs, _ = envs.reset(seed=0)
        nxt = envs.step(np.array([0, 1]))[0]
        envs.unwrapped.stop_recording()
    rows = [json.loads(line) for line in (record_dir / "known-issues/vec.jsonl").open()]
    assert len(rows) == 2
    for row in rows:
        i = row["seed"]  # sub-env i is seeded 0 + i
        np.testing.assert_array_equal(np.array(row["state"], np.float32), obs[i])
        np.testing.assert_array_equal(np.array(row["next_state"], np.float32), nxt[i])


# ---------------------------------------------------------------- errors


def test_bad_names_and_existing_datasets_are_invalid_arguments(
    target: str, record_dir: Path
) -> None:
    for name in ("../outside.npz", "a/../../outside.npz", "/abs.npz"):
        with pytest.raises(InvalidArgumentError) as err:
            gymrpc.make("CartPole-v1", target, record=name)
        assert err.value.field == "record.name", name
    with pytest.raises(InvalidArgumentError) as err:
        gymrpc.make("CartPole-v1", target, record="noformat.txt")
    assert err.value.field == "record.name"
    with pytest.raises(InvalidArgumentError) as err:
        gymrpc.make("CartPole-v1", target, record={"name": "x.npz", "format": "parquet"})
    assert err.value.field == "record.format"

    with gymrpc.make("CartPole-v1", target, record="errors/taken.npz") as env:
        env.reset(seed=0)
        env.step(0)
    with pytest.raises(InvalidArgumentError) as err:
        gymrpc.make("CartPole-v1", target, record="errors/taken.npz")
    assert err.value.field == "record.name" and "already exists" in err.value.message
    with gymrpc.make("CartPole-v1", target) as env:
        with pytest.raises(InvalidArgumentError) as err:
            env.unwrapped.start_recording("errors/taken.npz")
        assert err.value.field == "record.name"
        # The env goes on, and overwrite replaces the dataset (complete: the env above closed).
        env.unwrapped.start_recording(gymrpc.RecordOptions("errors/taken.npz", overwrite=True))
        env.reset(seed=1)
        for _ in range(4):
            env.step(1)
        assert env.unwrapped.stop_recording().total_steps == 4
    with np.load(record_dir / "errors/taken.npz") as z:
        assert len(z["states"]) == 4


def test_storage_failures_map_to_their_codes(target: str, record_dir: Path) -> None:
    (record_dir / "blocker").write_text("a file where a directory would go")
    with pytest.raises(AlreadyExistsError) as exists:
        gymrpc.make("CartPole-v1", target, record="blocker/x.npz")
    assert exists.value.reason == "RECORDING_FAILED"
    assert exists.value.resource_name == str(record_dir / "blocker/x.npz")
    with gymrpc.make("CartPole-v1", target) as env:
        with pytest.raises(InternalError) as internal:
            env.unwrapped.start_recording("blocker/sub/x.npz")
        assert internal.value.reason == "RECORDING_FAILED"
        env.reset(seed=0)  # the session is still usable
        assert env.unwrapped.recording.active is False


def test_status_codes_of_recording_failures_have_classes() -> None:
    for code, cls in (
        (grpc.StatusCode.PERMISSION_DENIED, PermissionDeniedError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, ResourceExhaustedError),
        (grpc.StatusCode.ALREADY_EXISTS, AlreadyExistsError),
        (grpc.StatusCode.INTERNAL, InternalError),
    ):
        err = from_status(status_pb2.Status(code=code.value[0], message="dataset x"))
        assert type(err) is cls and isinstance(err, GymRpcError) and err.code == code


# ---------------------------------------------------------------- without a server


def test_record_options_coerce() -> None:
    ro = gymrpc.RecordOptions
    assert ro.coerce("a.npz") == ro("a.npz")
    assert ro.coerce(Path("d/a.jsonl")) == ro("d/a.jsonl")
    assert ro.coerce({"name": "a.h5", "overwrite": True}) == ro("a.h5", overwrite=True)
    assert ro.coerce(None) == ro()
    with pytest.raises(TypeError, match="unknown record options"):
        ro.coerce({"nam": "a.npz"})
    with pytest.raises(TypeError):
        ro.coerce(3)  # type: ignore[arg-type]
    msg = ro("a.npz", "npz", True, "p", {"k": [1, 2]}, True, 5).to_proto()
    assert msg == recording_pb2.RecordingOptions(
        name="a.npz",
        format="npz",
        overwrite=True,
        policy_id="p",
        metadata=msg.metadata,
        discard_partial_episodes=True,
        max_episodes=5,
    )
    assert dict(msg.metadata) == {"k": [1.0, 2.0]}
    assert not msg.HasField("compression_level")
    leveled = ro("a.h5", compression_level=0).to_proto()
    assert leveled.HasField("compression_level") and leveled.compression_level == 0
    for bad in (1.5, True, "3"):
        with pytest.raises(TypeError, match="compression_level must be an int"):
            ro("a.h5", compression_level=bad).to_proto()  # type: ignore[arg-type]


@pytest.mark.parametrize("num_envs", [0, 1, 300])
def test_with_policy_splices_the_step_request(num_envs: int) -> None:
    single = spaces.Discrete(2)
    space = single if num_envs == 0 else batch_space(single, num_envs)
    encode = action_encoder(space)
    action: Any = 1 if num_envs == 0 else np.ones(num_envs, np.int64)
    policy = gymrpc.PolicyInfo(
        behavior_prob=0.5, greedy_action=action, policy_id="p", meta={"x": "y" * 200}
    ).to_proto(space, num_envs)
    raw = with_policy(encode(action), policy.SerializeToString())
    req = pb.SessionRequest.FromString(raw)
    want = pb.SessionRequest.FromString(encode(action))
    want.step.policy.CopyFrom(policy)
    assert req == want
    # Another layout goes through protobuf.
    other = pb.SessionRequest(step=pb.StepRequest(session_id="s")).SerializeToString()
    got = pb.SessionRequest.FromString(with_policy(other, policy.SerializeToString()))
    assert got.step.session_id == "s" and got.step.policy == policy


def test_gymnasium_registry_passes_record(target: str, record_dir: Path) -> None:
    gymrpc.register_envs(target)
    env = gym.make("gymrpc/CartPole-v1", record="registry/cartpole.npz")
    try:
        env.reset(seed=0)
        env.unwrapped.set_step_policy(behavior_prob=0.5)  # type: ignore[attr-defined]
        env.step(0)
        stats = env.unwrapped.stop_recording()  # type: ignore[attr-defined]
    finally:
        env.close()
    assert stats.total_steps == 1
    with np.load(record_dir / "registry/cartpole.npz") as z:
        np.testing.assert_array_equal(z["behavior_probs"], [0.5])


def test_a_lost_session_reopened_by_reset_does_not_record(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args = ["--record-dir", str(tmp_path)]
    first = LocalServer(args, cli=CLI, port=port).start()
    second: LocalServer | None = None
    try:
        env = gymrpc.make("CartPole-v1", first.target, record="lost.npz", retry_backoff=0.05)
        env.reset(seed=0)
        env.step(0)
        assert first.stop() == 0  # finishes the dataset
        with pytest.raises(UnavailableError):
            env.step(0)
        second = LocalServer(args, cli=CLI, port=port).start()
        with pytest.warns(UserWarning, match="does not record"):
            env.reset(seed=1)  # a new session; "lost.npz" exists, so it must not ask again
        env.step(0)
        assert env.unwrapped.recording.active is False
        env.close()
        with np.load(tmp_path / "lost.npz") as z:
            assert z["states"].shape == (1, 4)
    finally:
        first.kill()
        if second is not None:
            second.stop()
