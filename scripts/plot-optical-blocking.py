"""Plot KSP-FF blocking probability vs offered load on NSFNET (envs/optical/README.md's figure).

Reads the figures envs/optical/measure-blocking.ts writes with --json and writes a PNG:

    npx tsx envs/optical/measure-blocking.ts 20 100 200 300 400 500 600 700 800 900 1000 \\
        --json envs/optical/blocking-nsfnet.json
    .venv/bin/python scripts/plot-optical-blocking.py

matplotlib is only needed here (`.venv/bin/python -m pip install matplotlib`), not by npm test.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent.parent / "envs" / "optical"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / "blocking-nsfnet.json")
    parser.add_argument("--out", type=Path, default=HERE / "blocking-nsfnet.png")
    args = parser.parse_args()

    data = json.loads(args.data.read_text())
    loads = [f["loadErlang"] for f in data["figures"]]
    bp = [100 * f["blockingProbability"] for f in data["figures"]]

    # Fixed size, fonts and metadata so the same figures give the same small PNG.
    plt.rcParams.update({"font.size": 9})
    fig, ax = plt.subplots(figsize=(5.6, 3.4), dpi=100)
    ax.plot(loads, bp, marker="o", color="#1f77b4", label="KSP-FF (k = 4, first fit)")
    for x, y in zip(loads, bp, strict=True):
        ax.annotate(
            f"{y:.2f}%",
            (x, y),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=7,
        )
    ax.set_xlabel("offered load (Erlang)")
    ax.set_ylabel("blocking probability (%)")
    ax.set_title(
        f"OpticalRouting-v0, NSFNET, 320 slots/link: "
        f"{data['episodes']} episodes x 1000 decisions per load",
        fontsize=8,
    )
    ax.set_ylim(bottom=0, top=max(bp) * 1.15)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, metadata={"Software": None})
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
