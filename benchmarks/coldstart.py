"""Whole-process cold start beside the parser floor: `python -m benchmarks.coldstart`.

At each scale, runs in fresh processes, interleaved round by round so a busy machine slows each alike:
the floor (benchmarks/floor.py), `python -m stancemap validate --no-cache ROOT` (every file checked), and
`python -m stancemap validate ROOT` with its cache of checked records warm (a restart with nothing changed).
Prints medians, ratios to the floor, peak RSS of each process, import time, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import Scale, generate

REPO = Path(__file__).resolve().parent.parent
# Stances grow ×10 then ×3; parties and issues with the square root (at most the generator's 348 titles).
SCALES = {
    "1k": Scale("1k", sources=100, parties=28, issues=78, stances=1_000, quotes=1_600, events=100),
    "10k": Scale("10k", sources=1_000, parties=89, issues=246, stances=10_000, quotes=16_000, events=1_000),
    "30k": Scale("30k", sources=3_000, parties=154, issues=348, stances=30_000, quotes=48_000, events=3_000),
}
IMPORTS = {
    "floor": "import hashlib, json, re, ryml",
    "validate": "import stancemap.cli, stancemap.check.load",
}


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process; raises when it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0,):
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {stderr[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def measure(root: Path, rounds: int, cache: Path) -> dict[str, tuple[float, float]]:
    """name -> (median s, largest peak RSS MB) over `rounds` interleaved rounds."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    python = sys.executable
    commands = {
        "floor": [python, "-m", "benchmarks.floor", str(root)],
        "validate": [python, "-m", "stancemap", "validate", "--no-cache", str(root)],
        "warm": [python, "-m", "stancemap", "validate", str(root)],
        "import floor": [python, "-c", IMPORTS["floor"]],
        "import validate": [python, "-c", IMPORTS["validate"]],
    }
    run(commands["warm"], env)  # fills the cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            seconds, peak = run(command, env)
            times[name].append(seconds)
            rss[name].append(peak)
    return {name: (statistics.median(times[name]), max(rss[name])) for name in commands}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coldstart", description=__doc__)
    parser.add_argument("--scales", default="1k,10k,30k", help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the data roots here (reused when present)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stancemap-coldstart-") as scratch:
        base = args.keep or Path(scratch)
        before = os.getloadavg()
        print(f"{args.rounds} interleaved rounds, medians; load average at start {before[0]:.2f}")
        print()
        print(
            "| stances | floor s | validate s | ratio | warm-cache s | warm/uncached | floor RSS MB | "
            "validate RSS MB | ratio | warm RSS MB | import floor s | import validate s |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name in args.scales.split(","):
            root = base / name
            if not (root / "positions").is_dir():
                generate(root, SCALES[name])
            found = measure(root, args.rounds, Path(scratch) / f"cache-{name}")
            floor_s, floor_rss = found["floor"]
            cold_s, cold_rss = found["validate"]
            warm_s, warm_rss = found["warm"]
            print(
                f"| {SCALES[name].stances:,} | {floor_s:.2f} | {cold_s:.2f} | {cold_s / floor_s:.2f}× | "
                f"{warm_s:.2f} | {warm_s / cold_s:.2f}× | {floor_rss:.0f} | {cold_rss:.0f} | "
                f"{cold_rss / floor_rss:.2f}× | {warm_rss:.0f} | {found['import floor'][0]:.2f} | "
                f"{found['import validate'][0]:.2f} |",
                flush=True,
            )
        after = os.getloadavg()
        print()
        print(f"load average at end {after[0]:.2f} (1 min), {after[1]:.2f} (5 min); {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
