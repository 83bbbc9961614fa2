"""The TypeScript and Python clients get bit-identical trajectories for the same env,
seed and actions."""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gymrpc

SCRIPT = Path(__file__).with_name("ts_trajectory.mjs")


def ts_trajectory(**spec: Any) -> dict[str, Any]:
    out = subprocess.run(
        ["node", str(SCRIPT), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def py_trajectory(
    target: str, env_id: str, seed: int, actions: list[Any], action: str
) -> dict[str, Any]:
    def act(a: Any) -> Any:
        return np.asarray(a, np.float32) if action == "float32" else a

    out: dict[str, Any] = {"steps": []}
    with gymrpc.make(env_id, target) as env:
        obs, _ = env.reset(seed=seed)
        out["reset"] = obs.tobytes().hex()
        for a in actions:
            obs, reward, terminated, truncated, _ = env.step(act(a))
            out["steps"].append(
                {
                    "obs": obs.tobytes().hex(),
                    "reward": struct.pack("<d", reward).hex(),
                    "terminated": terminated,
                    "truncated": truncated,
                }
            )
            if terminated or truncated:
                env.reset()
    return out


CASES = [
    ("CartPole-v1", "discrete", lambda rng: [int(a) for a in rng.integers(0, 2, 300)]),
    ("Acrobot-v1", "discrete", lambda rng: [int(a) for a in rng.integers(0, 3, 200)]),
    ("MountainCar-v0", "discrete", lambda rng: [int(a) for a in rng.integers(0, 3, 250)]),
    (
        "Pendulum-v1",
        "float32",
        lambda rng: rng.uniform(-2, 2, (220, 1)).astype(np.float32).tolist(),
    ),
    (
        "MountainCarContinuous-v0",
        "float32",
        lambda rng: rng.uniform(-1, 1, (200, 1)).astype(np.float32).tolist(),
    ),
]


@pytest.mark.parametrize(("env_id", "action", "make_actions"), CASES, ids=[c[0] for c in CASES])
def test_single_env_trajectories_are_bit_identical(
    target: str, env_id: str, action: str, make_actions: Any
) -> None:
    actions = make_actions(np.random.default_rng(7))
    ts = ts_trajectory(target=target, env_id=env_id, seed=2024, actions=actions, action=action)
    py = py_trajectory(target, env_id, 2024, actions, action)
    assert py["reset"] == ts["reset"]
    assert len(py["steps"]) == len(ts["steps"]) == len(actions)
    for t, (p, s) in enumerate(zip(py["steps"], ts["steps"], strict=True)):
        assert p == s, f"step {t} differs"
    if env_id in ("CartPole-v1", "Pendulum-v1"):
        # These runs cross an episode end: the unseeded reset after it matches too.
        assert any(s["terminated"] or s["truncated"] for s in ts["steps"])


def test_vector_trajectories_are_bit_identical(target: str) -> None:
    n = 16
    rng = np.random.default_rng(3)
    actions = rng.integers(0, 2, (120, n)).tolist()
    ts = ts_trajectory(
        target=target, env_id="CartPole-v1", seed=99, actions=actions, num_envs=n, action="int64"
    )
    with gymrpc.make_vec("CartPole-v1", n, target) as envs:
        obs, _ = envs.reset(seed=99)
        assert obs.tobytes().hex() == ts["reset"]
        for t, a in enumerate(actions):
            obs, rew, term, trunc, _ = envs.step(np.asarray(a))
            s = ts["steps"][t]
            assert obs.tobytes().hex() == s["obs"], f"step {t}"
            assert rew.tobytes().hex() == s["reward"], f"step {t}"
            assert term.tobytes().hex() == s["terminated"], f"step {t}"
            assert trunc.tobytes().hex() == s["truncated"], f"step {t}"
