#!/usr/bin/env python3
"""Records Gymnasium classic-control trajectories as parity fixtures for the TypeScript envs.

For every env, a few seeded episodes are played with a mix of random and
scripted actions. Each step records the float64 physical state before the
step (env.unwrapped.state) and the dtype numpy held it in, the action, and the
resulting observation, reward, terminated and truncated. The TypeScript parity
test (test/unit/gymnasium-parity.test.ts) replays them without Python.

Usage (in a throwaway venv):
    python3 -m venv /tmp/gymvenv && /tmp/gymvenv/bin/pip install gymnasium numpy
    /tmp/gymvenv/bin/python scripts/make-parity-fixtures.py [out_dir]
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

OUT_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "gymnasium")
)
MAX_STEPS = 200

Policy = Callable[[Any, np.random.Generator, int], Any]


def f32(x: Any) -> float:
    """A float32 value as the shortest decimal that rounds back to it (keeps files small)."""
    return float(str(np.float32(x)))


def state_of(env: gym.Env) -> tuple[list[float], str]:
    state = env.unwrapped.state
    dtype = str(np.asarray(state).dtype)
    return [float(v) for v in state], dtype


def action_json(action: Any) -> Any:
    if isinstance(action, np.ndarray):
        return [f32(v) for v in action.ravel()]
    return int(action)


def play(
    env_id: str,
    *,
    seed: int,
    policy: Policy,
    config: dict[str, Any] | None = None,
    reset_options: dict[str, Any] | None = None,
    max_episode_steps: int | None = None,
    unwrapped: bool = False,
    steps: int = MAX_STEPS,
    set_state: Callable[[gym.Env], None] | None = None,
) -> dict[str, Any]:
    """One episode; `unwrapped` steps the bare env (no TimeLimit, no checks) for out-of-range actions."""
    kwargs: dict[str, Any] = dict(config or {})
    if max_episode_steps is not None:
        kwargs["max_episode_steps"] = max_episode_steps
    env = gym.make(env_id, **kwargs)
    registered = gym.spec(env_id).max_episode_steps
    rng = np.random.default_rng(seed + 1000)
    env.reset(seed=seed, options=reset_options)
    env.action_space.seed(seed)
    if set_state is not None:
        set_state(env)
    target = env.unwrapped if unwrapped else env
    records = []
    for t in range(steps):
        state, dtype = state_of(env)
        action = policy(env.unwrapped, rng, t)
        obs, reward, terminated, truncated, _ = target.step(action)
        records.append(
            {
                "s": state,
                "sd": dtype,
                "a": action_json(action),
                "o": [f32(v) for v in np.asarray(obs).ravel()],
                "r": float(reward),
                "term": bool(terminated),
                "trunc": bool(truncated),
            }
        )
        if terminated or truncated:
            break
    env.close()
    return {
        "seed": seed,
        "config": config or {},
        "reset_options": reset_options,
        "max_episode_steps": None if unwrapped else (max_episode_steps or registered),
        "unwrapped": unwrapped,
        "steps": records,
    }


def sample(env: gym.Env, rng: np.random.Generator, t: int) -> Any:
    return env.action_space.sample()


def box(low: float, high: float) -> Policy:
    return lambda env, rng, t: np.array([rng.uniform(low, high)], dtype=np.float32)


def cartpole_balance(env: gym.Env, rng: np.random.Generator, t: int) -> int:
    _, _, theta, theta_dot = env.state
    if rng.random() < 0.1:
        return int(rng.integers(2))
    return int(theta + 0.5 * theta_dot > 0)


def pendulum_pump(env: gym.Env, rng: np.random.Generator, t: int) -> np.ndarray:
    # Bang-bang energy pumping: reaches the speed limit and the clip.
    return np.array([2.0 if env.state[1] >= 0 else -2.0], dtype=np.float32)


def mountain_car_pump(env: gym.Env, rng: np.random.Generator, t: int) -> int:
    if rng.random() < 0.15:
        return int(rng.integers(3))
    return 2 if env.state[1] >= 0 else 0


def mountain_car_wall(env: gym.Env, rng: np.random.Generator, t: int) -> int:
    # Push left into the wall first, then rock back and forth.
    return 0 if t < 12 else (2 if env.state[1] >= 0 else 0)


def continuous_pump(env: gym.Env, rng: np.random.Generator, t: int) -> np.ndarray:
    push = 1.0 if env.state[1] >= 0 else -1.0
    a = push if rng.random() < 0.5 else push * rng.uniform(0.3, 1.0)
    return np.array([a], dtype=np.float32)


def continuous_wall(env: gym.Env, rng: np.random.Generator, t: int) -> np.ndarray:
    # Out-of-range forces (clipped by the env, penalised unclipped) against the left wall.
    return np.array([rng.uniform(-2.0, -0.5) if t < 25 else rng.uniform(-2.0, 2.0)], dtype=np.float32)


def acrobot_pump(env: gym.Env, rng: np.random.Generator, t: int) -> int:
    if rng.random() < 0.1:
        return int(rng.integers(3))
    # Torque along the second joint's swing pumps energy and reaches the goal.
    return 2 if env.state[3] >= 0 else 0


def set_continuous_state(position: float, velocity: float) -> Callable[[gym.Env], None]:
    def set_state(env: gym.Env) -> None:
        env.unwrapped.state = np.array([position, velocity], dtype=np.float32)

    return set_state


def episodes_for(env_id: str) -> list[dict[str, Any]]:
    if env_id == "CartPole-v1":
        return [
            play(env_id, seed=0, policy=sample),
            play(env_id, seed=1, policy=cartpole_balance, max_episode_steps=120),
            play(env_id, seed=2, policy=sample, reset_options={"low": -0.2, "high": 0.2}),
            play(env_id, seed=3, policy=cartpole_balance, config={"sutton_barto_reward": True}),
        ]
    if env_id == "Pendulum-v1":
        return [
            play(env_id, seed=0, policy=sample),
            play(env_id, seed=1, policy=pendulum_pump, config={"g": 9.81}, reset_options={"x_init": 0.5, "y_init": 0.2}),
            play(env_id, seed=2, policy=box(-4.0, 4.0), unwrapped=True, steps=80),
        ]
    if env_id == "MountainCar-v0":
        return [
            play(env_id, seed=0, policy=sample),
            play(env_id, seed=1, policy=mountain_car_pump),
            play(env_id, seed=2, policy=mountain_car_wall, reset_options={"low": -1.2, "high": -1.1}),
            play(env_id, seed=3, policy=mountain_car_pump, config={"goal_velocity": 0.02}),
        ]
    if env_id == "MountainCarContinuous-v0":
        return [
            play(env_id, seed=0, policy=sample, steps=150),
            play(env_id, seed=1, policy=continuous_pump),
            play(env_id, seed=2, policy=continuous_wall, unwrapped=True, steps=60, reset_options={"low": -1.15, "high": -1.0}),
            play(env_id, seed=3, policy=continuous_pump, max_episode_steps=40, set_state=set_continuous_state(-0.8, 0.0695)),
        ]
    if env_id == "Acrobot-v1":
        return [
            play(env_id, seed=0, policy=sample, steps=150),
            play(env_id, seed=1, policy=acrobot_pump),
            play(env_id, seed=2, policy=sample, max_episode_steps=60, reset_options={"low": -0.5, "high": 0.5}),
        ]
    raise ValueError(env_id)


ENV_IDS = ["CartPole-v1", "Pendulum-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Acrobot-v1"]


def main() -> None:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else OUT_DIR
    os.makedirs(out_dir, exist_ok=True)
    for env_id in ENV_IDS:
        spec = gym.spec(env_id)
        fixture = {
            "env_id": env_id,
            "gymnasium_version": gym.__version__,
            "numpy_version": np.__version__,
            "max_episode_steps": spec.max_episode_steps,
            "reward_threshold": spec.reward_threshold,
            "episodes": episodes_for(env_id),
        }
        path = os.path.join(out_dir, f"{env_id}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        eps = fixture["episodes"]
        summary = ", ".join(
            f"{len(e['steps'])}{'T' if e['steps'][-1]['term'] else ''}{'t' if e['steps'][-1]['trunc'] else ''}" for e in eps
        )
        print(f"{path}: {os.path.getsize(path)} bytes, episodes [{summary}]")


if __name__ == "__main__":
    main()
