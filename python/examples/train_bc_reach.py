#!/usr/bin/env python3
"""Behavior cloning for RobotReach-v0 from a seed 002 HDF5 dataset, in plain numpy.

1. Read the dataset ``gymrpc collect`` writes (``episode_i/observations/<key>``,
   ``actions``, ``rewards``) with h5py; if ``--dataset`` does not exist, make it first with
   ``gymrpc collect --env RobotReach-v0 --policy expert --config randomize=true``.
2. Fit a two-layer MLP (tanh, Adam, mean squared error) from observation features to the
   expert's (dx, dy, dz). ``--features task`` (default): hand position, target, and their
   difference; ``--features all``: seed 002's 20 values (joint positions and velocities,
   hand, target), where the joint values act as distractors on 100 episodes and the
   learned policy drifts off the expert's states more often (measured: 49% vs 100%).
3. Evaluate the learned policy on the remote env (a vectorized session, episodes the
   dataset never saw) and print its success rate next to a random policy's.

    python python/examples/train_bc_reach.py --dataset reach.h5
    python python/examples/train_bc_reach.py --dataset reach.h5 --target 127.0.0.1:50051

The last line printed is ``success_rate=<float> random_success_rate=<float>``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# Small matrices: BLAS threads only contend on a busy machine (10x slower measured on 2 cores).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import gymrpc  # noqa: E402
from gymrpc.local_server import LocalServer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CLI = ["node", str(REPO / "bin" / "gymrpc.js")]
#: The observation entries read from the dataset (seed 002's 20 values).
KEYS = ("joint_pos", "joint_vel", "ee_pos", "target_pos")


def features(obs: dict[str, np.ndarray], kind: str = "task") -> np.ndarray:
    """The policy's input, for one observation or a batch (last axis)."""
    ee = np.asarray(obs["ee_pos"], np.float64)
    goal = np.asarray(obs["target_pos"], np.float64)
    if kind == "task":
        return np.concatenate([ee, goal, goal - ee], axis=-1)
    return np.concatenate([np.asarray(obs[k], np.float64) for k in KEYS], axis=-1)


def load(path: Path, kind: str = "task") -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """All (observation features, action) pairs of the dataset, and its stats attributes."""
    xs, ys = [], []
    with h5py.File(path, "r") as f:
        episodes = sorted((k for k in f if k.startswith("episode_")), key=lambda k: int(k[8:]))
        for name in episodes:
            ep = f[name]
            xs.append(features({k: ep["observations"][k][:] for k in KEYS}, kind))
            ys.append(ep["actions"][:, :3].astype(np.float64))
        stats = {k: float(f.attrs[k]) for k in ("total_episodes", "total_steps", "success_rate")}
    return np.concatenate(xs), np.concatenate(ys), stats


def train(
    x: np.ndarray, y: np.ndarray, hidden: int = 128, steps: int = 3000, seed: int = 0
) -> Callable[[np.ndarray], np.ndarray]:
    """A tanh MLP x -> y fitted by Adam on minibatches; returns the policy on raw features."""
    rng = np.random.default_rng(seed)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xn = (x - mean) / std
    sizes = [x.shape[1], hidden, hidden, y.shape[1]]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        params += [rng.normal(0, 1 / np.sqrt(a), (a, b)), np.zeros(b)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2 = 3e-3, 0.9, 0.999

    def forward(inp: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        acts = [inp]
        h = inp
        for i in range(0, len(params) - 2, 2):
            h = np.tanh(h @ params[i] + params[i + 1])
            acts.append(h)
        return h @ params[-2] + params[-1], acts

    for t in range(1, steps + 1):
        idx = rng.integers(0, len(xn), 256)
        out, acts = forward(xn[idx])
        grad_out = 2 * (out - y[idx]) / len(idx)
        grads: list[np.ndarray] = [np.empty(0)] * len(params)
        g = grad_out
        for layer in range(len(params) // 2 - 1, -1, -1):
            grads[2 * layer] = acts[layer].T @ g
            grads[2 * layer + 1] = g.sum(0)
            if layer:
                g = (g @ params[2 * layer].T) * (1 - acts[layer] ** 2)
        rate = lr * (0.1 if t > 0.8 * steps else 1.0)
        for i, gr in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * gr
            v[i] = b2 * v[i] + (1 - b2) * gr**2
            params[i] -= rate * (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + 1e-8)

    def policy(feat: np.ndarray) -> np.ndarray:
        return forward((feat - mean) / std)[0]

    policy.mse = float(np.mean((forward(xn)[0] - y) ** 2))  # type: ignore[attr-defined]
    return policy


def evaluate(target: str, act: Callable[[dict], np.ndarray], episodes: int, seed: int) -> float:
    """Success rate of each sub-env's first episode (NEXT_STEP autoreset: later ones ignored)."""
    with gymrpc.make_vec("RobotReach-v0", episodes, target, randomize=True) as envs:
        obs, _ = envs.reset(seed=seed)
        running = np.ones(episodes, bool)
        success = np.zeros(episodes, bool)
        while running.any():
            obs, _, terminated, truncated, info = envs.step(act(obs).astype(np.float32))
            done = running & (terminated | truncated)
            success |= done & np.asarray(info.get("success", terminated), bool)
            running &= ~done
    return float(success.mean())


def collect(dataset: Path, episodes: int, target: str | None) -> None:
    """Runs ``gymrpc collect`` with the scripted expert (the server writes the file)."""
    cmd = [*CLI, "collect", "--env", "RobotReach-v0", "--policy", "expert"]
    cmd += ["--episodes", str(episodes), "--steps", "0", "--config", "randomize=true"]
    cmd += ["--out", str(dataset), "--quiet"]
    if target:
        cmd += ["--server", target]
    print("collecting:", " ".join(cmd), file=sys.stderr)
    print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout, end="")


@contextlib.contextmanager
def server_target(target: str | None) -> Iterator[str]:
    if target:
        yield target
        return
    print("starting a local gymrpc server:", " ".join(CLI), file=sys.stderr)
    with LocalServer(cli=CLI) as server:
        yield server.target


def main(argv: list[str] | None = None) -> float:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dataset", type=Path, default=Path("reach.h5"), help="the HDF5 dataset")
    ap.add_argument(
        "--collect-episodes", type=int, default=100, help="episodes to collect when missing"
    )
    ap.add_argument("--target", help="a running gymrpc server (default: start one)")
    ap.add_argument("--episodes", type=int, default=100, help="evaluation episodes")
    ap.add_argument("--train-steps", type=int, default=3000, help="Adam steps")
    ap.add_argument("--features", choices=["task", "all"], default="task")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    if not args.dataset.exists():
        # Without --target the collector runs its own server, writing next to --dataset.
        collect(args.dataset, args.collect_episodes, None)
    x, y, stats = load(args.dataset, args.features)
    print(
        f"read {args.dataset}: {int(stats['total_episodes'])} episodes, {len(x)} steps, "
        f"expert success {stats['success_rate']:.1%}, features {x.shape[1]}"
    )
    t0 = time.perf_counter()
    policy = train(x, y, steps=args.train_steps, seed=args.seed)
    print(f"trained a 2x128 tanh MLP in {time.perf_counter() - t0:.1f} s, mse {policy.mse:.5f}")  # type: ignore[attr-defined]

    def learned(obs: dict) -> np.ndarray:
        a = np.clip(policy(features(obs, args.features)), -1, 1)
        return np.concatenate([a, np.zeros((len(a), 1))], axis=1)

    rng = np.random.default_rng(args.seed)

    def random_policy(obs: dict) -> np.ndarray:
        return rng.uniform(-1, 1, (len(obs["ee_pos"]), 4))

    with server_target(args.target) as target:
        seed = 1_000_000 + args.seed  # episodes the dataset never saw
        rate = evaluate(target, learned, args.episodes, seed)
        random_rate = evaluate(target, random_policy, args.episodes, seed)
    print(
        f"success over {args.episodes} episodes: behavior cloning {rate:.1%} "
        f"(random policy: {random_rate:.1%})"
    )
    print(f"success_rate={rate:.3f} random_success_rate={random_rate:.3f}")
    return rate


if __name__ == "__main__":
    main()
