"""Where an uncached load's time goes, and the most more cores could save: `python -m benchmarks.stages`.

Each round runs, in fresh processes and interleaved, the floor (benchmarks/floor.py), the whole
`python -m stancemap validate --no-cache ROOT`, and benchmarks/stage_times.py, which times what that command
imports, each stage of the load, and then the three big parts of the stance stage again on their own, with
nothing memoized: parsing the stance files, validating their records, checking their quotes. Prints
medians and two bounds on the whole process: every stage split perfectly over the machine's cores, at no
cost (the most parallelism can give), and that with the stance stage's parts costing nothing at all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.coldstart import REPO, SCALES, run
from benchmarks.generate import generate
from benchmarks.stage_times import PARTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__)
    parser.add_argument("--scale", default="10k", choices=sorted(SCALES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the data root here (reused when present)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stancemap-stages-") as scratch:
        root = (args.keep or Path(scratch)) / args.scale
        if not (root / "positions").is_dir():
            generate(root, SCALES[args.scale])
        figures = measure(root, args.rounds)
    print(report(figures, args.scale, args.rounds))
    return 0


@dataclass(frozen=True)
class Figures:
    """Medians over the rounds: seconds and peak RSS (MB) by name, of whole processes and of steps."""

    seconds: dict[str, float]
    rss_mb: dict[str, float]


def measure(root: Path, rounds: int) -> Figures:
    """Medians over `rounds` interleaved rounds of the floor, the whole validate and each timed step."""
    env = {**os.environ, "STANCEMAP_CACHE_DIR": os.devnull}  # --no-cache never reads it; nothing leaks in
    python = sys.executable
    whole = {
        "floor": [python, "-m", "benchmarks.floor", str(root)],
        "validate": [python, "-m", "stancemap", "validate", "--no-cache", str(root)],
    }
    seconds: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, command in whole.items():
            wall, _cpu, peak = run(command, env, REPO)
            seconds.setdefault(name, []).append(wall)
            rss.setdefault(name, []).append(peak)
        done = subprocess.run(
            [python, "-m", "benchmarks.stage_times", str(root)],
            cwd=REPO,
            env=env,
            capture_output=True,
            check=True,
        )
        steps = json.loads(done.stdout)
        for name, value in steps["seconds"].items():
            seconds.setdefault(name, []).append(value)
        for name, value in steps["rss_mb"].items():
            rss.setdefault(name, []).append(value)
    return Figures(
        {name: statistics.median(values) for name, values in seconds.items()},
        {name: statistics.median(values) for name, values in rss.items()},
    )


def report(figures: Figures, scale: str, rounds: int) -> str:
    """The medians as Markdown tables, with the bounds each beside the floor."""
    seconds, rss = figures.seconds, figures.rss_mb
    floor, whole = seconds["floor"], seconds["validate"]
    steps = [name for name in rss if name not in ("floor", "validate")]  # in the order they ran
    staged = sum(seconds[name] for name in steps if name != "imports")
    outside = whole - staged  # interpreter start, imports, the report, exit: one core whatever happens
    cores = os.cpu_count() or 1
    parts = sum(seconds[name] for name in PARTS)
    bounds = [
        (f"every stage split perfectly over {cores} cores", outside + staged / cores),
        ("… and parse, schema and quotes free in the stance stage", outside + (staged - parts) / cores),
    ]
    lines = [
        f"{scale}, {rounds} interleaved rounds, medians; {cores} cores; load average "
        f"{os.getloadavg()[0]:.1f} at the end",
        "",
        "| step of validate | s | share | peak RSS after it, MB |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {seconds[name]:.3f} | {seconds[name] / whole:.0%} | {rss[name]:.0f} |" for name in steps
    ]
    lines += [f"| of which {name} (again, alone) | {seconds[name]:.3f} | | |" for name in PARTS]
    outside_share = f"{outside / whole:.0%}"
    lines += [f"| outside the stages (start, imports, report, exit) | {outside:.3f} | {outside_share} | |"]
    lines += [
        "",
        "| whole process | s | × floor | peak RSS, MB | × floor |",
        "|---|---|---|---|---|",
        f"| floor | {floor:.3f} | 1.00× | {rss['floor']:.0f} | 1.00× |",
        f"| validate --no-cache, as it runs | {whole:.3f} | {whole / floor:.2f}× | {rss['validate']:.0f} | "
        f"{rss['validate'] / rss['floor']:.2f}× |",
    ]
    lines += [f"| {name} | {value:.3f} | {value / floor:.2f}× | | |" for name, value in bounds]
    lines += [f"| its imports alone | | | {rss['imports']:.0f} | {rss['imports'] / rss['floor']:.2f}× |"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
