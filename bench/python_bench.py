#!/usr/bin/env python3
"""Benchmark of the Python client against a running gymrpc server, printed as ONE JSON line.

    .venv/bin/python bench/python_bench.py --target 127.0.0.1:50051 [--quick] [--seconds S]

Measures, with the same method as the TypeScript benchmark (bench/gym-client-bench.ts):
  - single-env CartPole-v1 step round trip over the Session stream (alternating actions,
    reset when an episode ends; 2000 warm-up steps), p50/p99/mean in microseconds;
  - vectorized CartPole-v1 throughput through gRPC at 256 and 1024 envs (random int64
    actions from 16 pre-drawn batches; env-steps/s and per-step p50/p99 in microseconds);
  - Gymnasium's own in-process CartPole-v1 (gym.make, standard wrappers) steps/s, and its
    numpy-vectorized CartPole (gym.make_vec(..., vectorization_mode="vector_entry_point"))
    env-steps/s at 256 and 1024 envs.
Progress goes to stderr; stdout gets only the JSON line.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

try:
    import gymrpc
except ImportError:  # run from a checkout without installing: use python/src
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python" / "src"))
    import gymrpc

import grpc
import gymnasium as gym

VECTOR_SIZES = (256, 1024)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def latency(samples_s: np.ndarray) -> dict[str, float]:
    """n, p50, p99 and mean of round-trip samples, in microseconds (same quantiles as stats.ts)."""
    us = np.sort(samples_s) * 1e6
    at = lambda q: float(us[min(len(us) - 1, int(q * len(us)))])  # noqa: E731
    return {"n": len(us), "p50_us": at(0.5), "p99_us": at(0.99), "mean_us": float(us.mean())}


def time_round_trips(
    once: Callable[[], Any], iterations: int, warmup: int
) -> tuple[np.ndarray, float]:
    for _ in range(warmup):
        once()
    samples = np.empty(iterations)
    clock = time.perf_counter
    start = clock()
    for i in range(iterations):
        t0 = clock()
        once()
        samples[i] = clock() - t0
    return samples, clock() - start


def single_step(target: str, iterations: int) -> dict[str, Any]:
    with gymrpc.make("CartPole-v1", target) as env:
        env.reset(seed=0)
        i = 0

        def once() -> None:
            nonlocal i
            _, _, terminated, truncated, _ = env.step(i & 1)
            i += 1
            if terminated or truncated:
                env.reset()

        samples, _ = time_round_trips(once, iterations, 2000)
        return {**latency(samples), "transport": env._stream.transport}


def vector_throughput(target: str, num_envs: int, seconds: float) -> dict[str, Any]:
    with gymrpc.make_vec("CartPole-v1", num_envs, target) as envs:
        envs.reset(seed=0)
        rng = np.random.default_rng(1)
        batches = [rng.integers(0, 2, num_envs, dtype=np.int64) for _ in range(16)]
        i = 0

        def once() -> None:
            nonlocal i
            envs.step(batches[i & 15])
            i += 1

        _, calib = time_round_trips(once, 200, 200)
        iterations = max(500, round(seconds / calib * 200))
        samples, took = time_round_trips(once, iterations, 100)
    return {
        "num_envs": num_envs,
        "env_steps_per_second": num_envs * iterations / took,
        **latency(samples),
    }


def gymnasium_single(seconds: float) -> float:
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    steps, i = 0, 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(1000):
            _, _, terminated, truncated, _ = env.step(i & 1)
            i += 1
            if terminated or truncated:
                env.reset()
        steps += 1000
        if time.perf_counter() > deadline:
            break
    took = time.perf_counter() - start
    env.close()
    return steps / took


def gymnasium_vector(num_envs: int, seconds: float) -> float:
    envs = gym.make_vec("CartPole-v1", num_envs, vectorization_mode="vector_entry_point")
    envs.reset(seed=0)
    rng = np.random.default_rng(1)
    batches = [rng.integers(0, 2, num_envs, dtype=np.int64) for _ in range(16)]
    for i in range(50):
        envs.step(batches[i & 15])
    steps, i = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            envs.step(batches[i & 15])
            i += 1
        steps += 50
    took = time.perf_counter() - start
    envs.close()
    return num_envs * steps / took


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--target", required=True, help="a running gymrpc server, host:port or unix:/path"
    )
    ap.add_argument(
        "--quick", action="store_true", help="shorter runs (1000 round trips, 1 s each)"
    )
    ap.add_argument("--seconds", type=float, help="seconds per throughput run (default 3, quick 1)")
    ap.add_argument("--iterations", type=int, help="timed single-env round trips (default 3000)")
    args = ap.parse_args(argv)
    seconds = args.seconds or (1.0 if args.quick else 3.0)
    iterations = args.iterations or (1000 if args.quick else 3000)

    log(f"python client -> {args.target}: single-env step round trip ({iterations})")
    single = single_step(args.target, iterations)
    vector = []
    for n in VECTOR_SIZES:
        log(f"python client -> {args.target}: vectorized CartPole x{n}")
        vector.append(vector_throughput(args.target, n, seconds))
    log("gymnasium in-process CartPole-v1")
    gym_single = gymnasium_single(seconds)
    gym_vector = []
    for n in VECTOR_SIZES:
        log(f"gymnasium in-process vector_entry_point CartPole x{n}")
        gym_vector.append({"num_envs": n, "env_steps_per_second": gymnasium_vector(n, seconds)})

    result = {
        "target": args.target,
        "python_stream_step": single,
        "python_vector": vector,
        "gymnasium_single_steps_per_second": gym_single,
        "gymnasium_vector": gym_vector,
        "versions": {
            "python": platform.python_version(),
            "gymrpc": gymrpc.__version__,
            "grpcio": grpc.__version__,
            "gymnasium": gym.__version__,
            "numpy": np.__version__,
        },
    }
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
