"""Gymnasium's env checker passes for every env the server lists, warning no more than
for Gymnasium's own."""

from __future__ import annotations

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import gymrpc


def checker_warnings(env: gym.Env, **kwargs: bool) -> set[str]:
    """check_env's warnings, with the env's repr taken out so ours and Gymnasium's compare."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env, **kwargs)
    return {
        str(w.message).replace(str(env), "<env>").replace(str(env.unwrapped), "<unwrapped>")
        for w in caught
    }


def test_check_env_passes(target: str, env_id: str) -> None:
    with gymrpc.make(env_id, target) as env:
        ours = checker_warnings(env)
    if env_id in gym.registry:
        reference = gym.make(env_id).unwrapped
        # Gymnasium's own render modes need pygame; skipping them can only drop warnings
        # from the reference, which makes the comparison stricter for ours.
        theirs = checker_warnings(reference, skip_render_check=True)
        reference.close()
    else:
        theirs = set()
    assert ours <= theirs, f"warnings Gymnasium's own {env_id} does not raise: {ours - theirs}"


def test_check_env_passes_through_gymnasium_make(target: str, env_id: str) -> None:
    # Registered and made by Gymnasium: wrapped as Gymnasium wraps its own envs.
    gymrpc.register_envs(target)
    env = gym.make(f"gymrpc/{env_id}")
    try:
        ours = checker_warnings(env)
    finally:
        env.close()
    if env_id in gym.registry:
        theirs = checker_warnings(gym.make(env_id), skip_render_check=True)
    else:
        # Gymnasium has no such env: allow what check_env says of any env gym.make wraps.
        theirs = {
            w
            for w in checker_warnings(gym.make("CartPole-v1"), skip_render_check=True)
            if "different from the unwrapped version" in w
        }
    assert ours <= theirs, f"warnings Gymnasium's own {env_id} does not raise: {ours - theirs}"


def test_check_env_in_every_render_mode(target: str) -> None:
    checked = 0
    for info in gymrpc.list_envs(target):
        for mode in info.render_modes:
            with gymrpc.make(info.id, target, render_mode=mode) as env:
                check_env(env)
            checked += 1
    if not checked:
        pytest.skip("no env on this server has a render mode")
