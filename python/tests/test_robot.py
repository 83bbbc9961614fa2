"""RobotReach-v0 and PickPlace-v0 (seed 002) from Python: Gymnasium's checker with camera
images, typed configs, and the HDF5 dataset `gymrpc collect` writes, read back with h5py."""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import gymnasium as gym
import h5py
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import gymrpc
from gymrpc.v1.envs.robot_pb2 import PickPlaceConfig, RobotReachConfig

REPO = Path(__file__).resolve().parents[2]
ROBOT_ENVS = ["RobotReach-v0", "PickPlace-v0"]


@pytest.mark.parametrize("env_id", ROBOT_ENVS)
def test_check_env_with_camera_images(target: str, env_id: str) -> None:
    with gymrpc.make(
        env_id, target, render_mode="rgb_array", image_width=64, image_height=48, randomize=True
    ) as env:
        assert isinstance(env.observation_space, gym.spaces.Dict)
        image = env.observation_space["image"]
        assert image.shape == (48, 64, 3) and image.dtype == np.uint8
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env)
        assert not [str(w.message) for w in caught]
        obs, info = env.reset(seed=1)
        assert obs["joint_pos"].dtype == np.float64 and obs["joint_pos"].shape == (7,)
        assert np.linalg.norm(info["light_dir"]) == pytest.approx(1.0)
        frame = env.render()
        assert frame.shape == (48, 64, 3) and frame.dtype == np.uint8
        np.testing.assert_array_equal(frame, obs["image"])
        # Table, arm, fingers, target (and cube) on the background, even lit from below.
        assert len(np.unique(frame.reshape(-1, 3), axis=0)) >= 5


def test_typed_config_and_dict_observation(target: str) -> None:
    with gymrpc.make("PickPlace-v0", target, typed_config=PickPlaceConfig(friction=0.7)) as env:
        obs, info = env.reset(seed=0)
        assert info["friction"] == pytest.approx(0.7)
        assert sorted(obs) == [
            "ee_pos",
            "gripper_state",
            "joint_pos",
            "joint_vel",
            "object_pos",
            "target_pos",
        ]
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert set(info) >= {"success", "grasped", "distance"}
        assert not terminated and reward < 0
    with gymrpc.make("RobotReach-v0", target, typed_config=RobotReachConfig(randomize=True)) as env:
        _, a = env.reset(seed=0)
        _, b = env.reset(seed=1)
        assert a["light_dir"] != b["light_dir"] and a["friction"] != b["friction"]


def test_collect_writes_seed_002_hdf5_that_h5py_reads(tmp_path: Path) -> None:
    out = tmp_path / "reach.h5"
    cmd = [
        "node", str(REPO / "bin" / "gymrpc.js"), "collect", "--env", "RobotReach-v0",
        "--policy", "expert", "--episodes", "100", "--config", "randomize=true",
        "--config", "image_width=32", "--config", "image_height=32", "--out", str(out), "--quiet",
    ]  # fmt: skip
    printed = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
    for row in ("Episodes:", "Total steps:", "Mean length:", "Mean reward:", "Success rate:",
                "File size:"):  # fmt: skip
        assert row in printed, printed
    rate = float(printed.split("Success rate:")[1].split("%")[0])
    assert rate >= 95.0
    with h5py.File(out, "r") as f:
        episodes = sorted(k for k in f if k.startswith("episode_"))
        assert len(episodes) == 100
        assert f.attrs["success_rate"] >= 0.95
        steps = 0
        for name in episodes:
            ep = f[name]
            obs = ep["observations"]
            assert sorted(obs) == ["ee_pos", "image", "joint_pos", "joint_vel", "target_pos"]
            t = ep["actions"].shape[0]
            steps += t
            assert ep["actions"].shape == (t, 4)
            assert ep["rewards"].shape == (t,) and ep["rewards"].dtype == np.float64
            assert obs["joint_pos"].shape == (t, 7) and obs["joint_pos"].dtype == np.float64
            assert obs["image"].shape == (t, 32, 32, 3) and obs["image"].dtype == np.uint8
            assert obs["image"].compression == "gzip" and ep["actions"].compression == "gzip"
            reset = json.loads(ep.attrs["reset_info"])
            assert np.linalg.norm(reset["light_dir"]) == pytest.approx(1.0)
            assert 0.4 <= reset["friction"] <= 0.6
            # Reward is minus the distance from hand to target.
            d = np.linalg.norm(ep["next_observations/ee_pos"][:] - obs["target_pos"][:], axis=1)
            np.testing.assert_allclose(ep["rewards"][:], -d)
        assert steps == int(f.attrs["total_steps"])
    assert f"Total steps:   {steps}" in printed


def test_collect_pick_place_runs_episodes_to_the_env_limit(tmp_path: Path) -> None:
    # No --steps: seed 002's envs keep their 200-step limit (the staged expert needs ~80).
    out = tmp_path / "pick.h5"
    cmd = [
        "node", str(REPO / "bin" / "gymrpc.js"), "collect", "--env", "PickPlace-v0",
        "--policy", "expert", "--episodes", "20", "--config", "randomize=true",
        "--out", str(out), "--quiet",
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300)
    with h5py.File(out, "r") as f:
        assert f.attrs["success_rate"] >= 0.8
        assert f.attrs["mean_episode_length"] > 50
        ep = f["episode_0"]
        assert ep["observations/object_pos"].shape[1] == 3
        assert ep["observations/gripper_state"].shape[1] == 2
        assert ep["infos/grasped"][:].any()
