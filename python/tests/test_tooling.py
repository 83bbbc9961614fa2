"""The package type-checks, and the benchmark script prints its one JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
BENCH = PYTHON_DIR.parent / "bench" / "python_bench.py"


def test_mypy_passes() -> None:
    pytest.importorskip("mypy")
    out = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=PYTHON_DIR, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_bench_prints_one_json_line(target: str) -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--target", target, "--iterations", "200", "--seconds", "0.2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    single = result["python_stream_step"]
    assert single["n"] == 200 and 0 < single["p50_us"] <= single["p99_us"]
    assert [v["num_envs"] for v in result["python_vector"]] == [256, 1024]
    assert all(v["env_steps_per_second"] > 0 for v in result["python_vector"])
    assert result["gymnasium_single_steps_per_second"] > 0
    assert [v["num_envs"] for v in result["gymnasium_vector"]] == [256, 1024]


def test_ruff_lint_and_format() -> None:
    pytest.importorskip("ruff")
    paths = ["src", "tests", "examples", "../bench/python_bench.py"]
    for cmd in (["check"], ["format", "--check"]):
        out = subprocess.run(
            [sys.executable, "-m", "ruff", *cmd, *paths],
            cwd=PYTHON_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stdout + out.stderr
