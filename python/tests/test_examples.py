"""The examples run end to end against a server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_bc(*args: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "train_bc.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    m = re.search(r"^mean_return=([\d.]+) random_return=([\d.]+)$", out, re.MULTILINE)
    assert m, out
    return float(m.group(1)), float(m.group(2))


def test_behavior_cloning_beats_random_by_far(target: str) -> None:
    mean, random = run_bc(
        "--target", target, "--num-envs", "32", "--steps", "200", "--episodes", "16"
    )
    assert mean >= 300, f"behavior cloning returned {mean}"
    assert random < 60
    assert mean > 5 * random


def test_behavior_cloning_starts_its_own_server(tmp_path: Path) -> None:
    dataset = tmp_path / "cartpole.npz"
    mean, _ = run_bc(
        "--num-envs", "16", "--steps", "150", "--episodes", "8", "--save", str(dataset)
    )
    assert mean >= 300
    import numpy as np

    data = np.load(dataset)
    assert data["observations"].shape == (16 * 150, 4)
    assert set(np.unique(data["actions"])) <= {0, 1}


def test_reach_behavior_cloning_from_collected_hdf5(target: str, tmp_path: Path) -> None:
    # The example collects seed 002's dataset with `gymrpc collect`, reads it with h5py,
    # trains in numpy and evaluates on the remote env.
    dataset = tmp_path / "reach.h5"
    out = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "train_bc_reach.py"),
            "--dataset",
            str(dataset),
            "--collect-episodes",
            "100",
            "--target",
            target,
            "--episodes",
            "50",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert dataset.exists()
    assert "Success rate:" in out and "File size:" in out  # collect's stats table
    m = re.search(r"^success_rate=([\d.]+) random_success_rate=([\d.]+)$", out, re.MULTILINE)
    assert m, out
    assert float(m.group(1)) >= 0.8, out
    assert float(m.group(2)) <= 0.1, out


@pytest.mark.parametrize("script", ["train_bc.py", "train_bc_reach.py"])
def test_examples_have_help(script: str) -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--target" in out.stdout
