#!/usr/bin/env python3
"""Behavior cloning on CartPole-v1 through a gymrpc server, in plain numpy.

1. Collect a dataset with a scripted expert that pushes the cart toward the side the
   pole is falling to (``3 * theta + theta_dot > 0``), from a vectorized remote session.
2. Fit a logistic-regression policy to the expert's actions (gradient descent, numpy only).
3. Evaluate the learned policy on the remote env and print its mean return next to a
   random policy's.

    python python/examples/train_bc.py                         # starts a local server itself
    python python/examples/train_bc.py --target 127.0.0.1:50051
    python python/examples/train_bc.py --save dataset.npz      # keep the transitions

The last line printed is ``mean_return=<float> random_return=<float>``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import gymrpc
from gymrpc.local_server import LocalServer

REPO = Path(__file__).resolve().parents[2]


def expert(obs: np.ndarray) -> np.ndarray:
    """Push right (1) when the pole falls right: angle plus a third of its angular velocity."""
    theta, theta_dot = obs[..., 2], obs[..., 3]
    return (3.0 * theta + theta_dot > 0).astype(np.int64)


def collect(target: str, num_envs: int, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Expert transitions (observations, actions) from a vectorized remote session.

    A little exploration (10% random actions) shows the learner states off the expert's path.
    """
    rng = np.random.default_rng(seed)
    observations = np.empty((steps, num_envs, 4), np.float32)
    actions = np.empty((steps, num_envs), np.int64)
    with gymrpc.make_vec("CartPole-v1", num_envs, target) as envs:
        obs, _ = envs.reset(seed=seed)
        for t in range(steps):
            label = expert(obs)
            explore = rng.random(num_envs) < 0.1
            act = np.where(explore, rng.integers(0, 2, num_envs), label)
            observations[t], actions[t] = obs, label  # learn the expert's label
            obs, *_ = envs.step(act)
    return observations.reshape(-1, 4), actions.reshape(-1)


def train(obs: np.ndarray, act: np.ndarray, epochs: int = 300, lr: float = 0.5) -> np.ndarray:
    """Logistic regression on standardized observations; returns weights (5,) incl. bias."""
    mean, std = obs.mean(0), obs.std(0) + 1e-8
    x = np.hstack([(obs - mean) / std, np.ones((len(obs), 1))])
    y = act.astype(np.float64)
    w = np.zeros(x.shape[1])
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        w -= lr * x.T @ (p - y) / len(y)
    # Fold the standardization into the weights so the policy takes raw observations.
    scale = w[:4] / std
    return np.append(scale, w[4] - mean @ scale)


def evaluate(target: str, policy, episodes: int, seed: int) -> float:  # type: ignore[no-untyped-def]
    """Mean return of each sub-env's first episode (NEXT_STEP autoreset: later ones are ignored)."""
    with gymrpc.make_vec("CartPole-v1", episodes, target) as envs:
        obs, _ = envs.reset(seed=seed)
        returns = np.zeros(episodes)
        running = np.ones(episodes, bool)
        while running.any():
            obs, reward, terminated, truncated, _ = envs.step(policy(obs))
            returns += reward * running
            running &= ~(terminated | truncated)
    return float(returns.mean())


@contextlib.contextmanager
def server_target(target: str | None) -> Iterator[str]:
    if target:
        yield target
        return
    cli = ["node", str(REPO / "bin" / "gymrpc.js")]
    print("starting a local gymrpc server:", " ".join(cli), file=sys.stderr)
    with LocalServer(cli=cli) as server:
        yield server.target


def main(argv: list[str] | None = None) -> float:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--target", help="a running gymrpc server (default: start one)")
    ap.add_argument("--num-envs", type=int, default=64, help="sub-envs collecting data")
    ap.add_argument("--steps", type=int, default=300, help="collection steps per sub-env")
    ap.add_argument("--episodes", type=int, default=32, help="evaluation episodes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", type=Path, help="write the dataset to this .npz file")
    args = ap.parse_args(argv)

    with server_target(args.target) as target:
        t0 = time.perf_counter()
        obs, act = collect(target, args.num_envs, args.steps, args.seed)
        print(f"collected {len(obs)} expert transitions in {time.perf_counter() - t0:.2f} s")
        if args.save:
            np.savez_compressed(args.save, observations=obs, actions=act)
            print(f"saved the dataset to {args.save}")

        w = train(obs, act)
        accuracy = float(((obs @ w[:4] + w[4] > 0) == act).mean())
        print(
            f"trained logistic regression: weights {np.round(w, 3).tolist()}, "
            f"accuracy {accuracy:.3f}"
        )

        def learned(o: np.ndarray) -> np.ndarray:
            return (o @ w[:4] + w[4] > 0).astype(np.int64)

        rng = np.random.default_rng(args.seed)

        def random_policy(o: np.ndarray) -> np.ndarray:
            return rng.integers(0, 2, len(o))

        seed = args.seed + 10_000  # episodes the dataset never saw
        mean_return = evaluate(target, learned, args.episodes, seed)
        random_return = evaluate(target, random_policy, args.episodes, seed)
    print(
        f"mean return over {args.episodes} episodes: {mean_return:.1f} "
        f"(random policy: {random_return:.1f})"
    )
    print(f"mean_return={mean_return:.3f} random_return={random_return:.3f}")
    return mean_return


if __name__ == "__main__":
    main()
