"""Whole-process cold start beside the parser floor: `python -m benchmarks.coldstart`.

At each scale, runs in fresh processes, interleaved round by round so a busy machine slows each alike:
the floor (benchmarks/floor.py), `python -m stancemap validate --no-cache ROOT` (every file checked), and
`python -m stancemap validate ROOT` with its cache warm (a restart with nothing changed: a replayed load).
With --baseline DIR (a checkout of another version, e.g. main), its `python -m stancemap validate ROOT`
runs in the same rounds, for a before/after from one run. Prints medians of wall time and of CPU time (user
+ system of the process, which a busy machine inflates less), ratios to the floor, each process's peak RSS,
import time, and the load average.
With --only burst, only the burst of sessions on fresh servers at 10k runs (its figures alone, not the table
the issue asks for from one run): for checking a change to the app's per-run cost quickly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import Scale, generate
from benchmarks.memory import run_measured

REPO = Path(__file__).resolve().parent.parent
# Stances grow ×10 then ×3; parties and issues with the square root (at most the generator's 348 titles).
SCALES = {
    "1k": Scale("1k", sources=100, parties=28, issues=78, stances=1_000, quotes=1_600, events=100),
    "10k": Scale("10k", sources=1_000, parties=89, issues=246, stances=10_000, quotes=16_000, events=1_000),
    "30k": Scale("30k", sources=3_000, parties=154, issues=348, stances=30_000, quotes=48_000, events=3_000),
}
IMPORTS = {
    "floor": "import hashlib, json, re, ryml",
    # What `validate --no-cache` imports: the stages and the checked-files cache load only on a full load.
    "validate": "import stancemap.cli, stancemap.check.stages, stancemap.check.checked_files",
}


@dataclass(frozen=True)
class Figure:
    """Medians over the rounds of one command, and its largest peak RSS."""

    wall_s: float
    cpu_s: float
    rss_mb: float


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh process (benchmarks/memory.py); raises when it
    fails."""
    done = run_measured(command, env, cwd)
    if done.code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.code}: {done.stderr[-500:]}")
    return done.wall_s, done.cpu_s, done.rss_mb


def measure(root: Path, rounds: int, cache: Path, baseline: Path | None) -> dict[str, Figure]:
    """name -> Figure over `rounds` interleaved rounds."""
    env = {**os.environ, "STANCEMAP_CACHE_DIR": str(cache)}
    python = sys.executable
    commands: dict[str, tuple[list[str], Path]] = {
        "floor": ([python, "-m", "benchmarks.floor", str(root)], REPO),
        "validate": ([python, "-m", "stancemap", "validate", "--no-cache", str(root)], REPO),
        "warm": ([python, "-m", "stancemap", "validate", str(root)], REPO),
        "import floor": ([python, "-c", IMPORTS["floor"]], REPO),
        "import validate": ([python, "-c", IMPORTS["validate"]], REPO),
    }
    if baseline is not None:
        commands["baseline"] = ([python, "-m", "stancemap", "validate", str(root)], baseline)
    run(commands["warm"][0], env, REPO)  # fills the cache
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, cwd) in commands.items():
            found[name].append(run(command, env, cwd))
    return {
        name: Figure(
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            max(r[2] for r in runs),
        )
        for name, runs in found.items()
    }


def table(rows: list[tuple[Scale, dict[str, Figure]]], kind: str) -> list[str]:
    """The figures of `kind` ("wall" or "cpu") as a Markdown table, each beside the floor."""
    baseline = any("baseline" in found for _, found in rows)
    head = ["stances", "floor s", "validate s", "× floor"]
    head += ["before (baseline) s", "× floor"] if baseline else []
    head += ["warm cache s", "× floor", "× uncached", "import floor s", "import validate s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scale, found in rows:

        def value(name: str, found: dict[str, Figure] = found) -> float:
            figure = found[name]
            return figure.wall_s if kind == "wall" else figure.cpu_s

        floor = value("floor")
        cells = [
            f"{scale.stances:,}",
            f"{floor:.2f}",
            f"{value('validate'):.2f}",
            f"{value('validate') / floor:.2f}×",
        ]
        if baseline:
            cells += [f"{value('baseline'):.2f}", f"{value('baseline') / floor:.2f}×"]
        warm = value("warm")
        cells += [f"{warm:.2f}", f"{warm / floor:.2f}×", f"{warm / value('validate'):.2f}×"]
        cells += [f"{value('import floor'):.2f}", f"{value('import validate'):.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def rss_table(rows: list[tuple[Scale, dict[str, Figure]]]) -> list[str]:
    """Peak RSS of each process beside the floor's."""
    baseline = any("baseline" in found for _, found in rows)
    head = ["stances", "floor MB", "validate MB", "× floor", "warm cache MB", "× floor"]
    head += ["before (baseline) MB", "× floor"] if baseline else []
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scale, found in rows:
        floor = found["floor"].rss_mb
        cells = [f"{scale.stances:,}", f"{floor:.0f}"]
        names = ["validate", "warm", *(["baseline"] if baseline else [])]
        for name in names:
            cells += [f"{found[name].rss_mb:.0f}", f"{found[name].rss_mb / floor:.2f}×"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


RESTARTED = "this, restarted (its cache kept)"


def burst(root: Path, rounds: int, sessions: int, baseline: Path | None) -> dict[str, tuple[float, float]]:
    """checkout -> (median p95 s, median s to the first health answer) of `sessions` sessions (a page load
    and 3 reruns each) on a freshly started server, this checkout and the baseline alternating; and this
    checkout restarted with the cache folder a server before it filled (a redeploy with nothing changed)."""
    from benchmarks.run import load_test, percentile, streamlit_server

    checkouts = {"this": REPO, **({"before": baseline} if baseline is not None else {}), RESTARTED: REPO}
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory(prefix="stancemap-kept-cache-") as kept:
        with streamlit_server(root, REPO / "app.py", REPO, Path(kept)):
            pass  # fills the kept cache, as the server before a restart did
        for _ in range(rounds):
            for name, repo in checkouts.items():
                started = time.monotonic()
                folder = Path(kept) if name == RESTARTED else None
                with streamlit_server(root, repo / "app.py", repo, folder) as port:
                    answered = time.monotonic() - started
                    latencies, errors = load_test(port, sessions, 3)
                if errors or not latencies:
                    raise RuntimeError(f"{name}: {errors} of {sessions} sessions failed")
                found[name].append((percentile(latencies, 0.95), answered))
    return {
        name: (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        for name, runs in found.items()
    }


def print_bursts(bursts: dict[str, tuple[float, float]], sessions: int, rounds: int) -> None:
    print(
        f"\n{sessions} sessions at once on a freshly started server, 10,000 stances "
        f"({rounds} rounds, medians; each server with an empty cache but the restarted one)\n"
    )
    print("| checkout | p95 s | server answered after s |\n|---|---|---|")
    for name, (p95, answered) in bursts.items():
        print(f"| {name} | {p95:.2f} | {answered:.1f} |")


def burst_only(args: argparse.Namespace) -> int:
    """`--only burst`: the burst on fresh servers at 10k and nothing else, with the load average around it."""
    with tempfile.TemporaryDirectory(prefix="stancemap-coldstart-") as scratch:
        root = (args.keep or Path(scratch)) / "10k"
        if not (root / "positions").is_dir():
            generate(root, SCALES["10k"])
        before = os.getloadavg()
        bursts = burst(root, args.burst_rounds, args.sessions, args.baseline)
        after = os.getloadavg()
    print(
        f"Burst only; {os.cpu_count()} cores; load average (1 min) {before[0]:.1f} at the start, "
        f"{after[0]:.1f} at the end (5 min: {after[1]:.1f})"
    )
    print_bursts(bursts, args.sessions, args.burst_rounds)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coldstart", description=__doc__)
    parser.add_argument("--scales", default="1k,10k,30k", help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the data roots here (reused when present)")
    parser.add_argument("--baseline", type=Path, help="a checkout of another version to run beside this one")
    parser.add_argument(
        "--sessions",
        type=int,
        default=50,
        help="burst on a fresh server at 10k (0 skips; rounds: --burst-rounds)",
    )
    parser.add_argument("--burst-rounds", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=["burst"],
        help="run only this part: 'burst' skips the cold-start processes and prints only the burst table "
        "(at 10k whatever --scales says; the 10k data root is generated, or reused from --keep)",
    )
    args = parser.parse_args(argv)
    if args.only == "burst":
        if args.sessions <= 0:
            parser.error("--only burst needs --sessions above 0")
        return burst_only(args)
    rows: list[tuple[Scale, dict[str, Figure]]] = []
    with tempfile.TemporaryDirectory(prefix="stancemap-coldstart-") as scratch:
        base = args.keep or Path(scratch)
        before = os.getloadavg()
        for name in args.scales.split(","):
            root = base / name
            if not (root / "positions").is_dir():
                generate(root, SCALES[name])
            print(f"… {name}", file=sys.stderr, flush=True)
            rows.append(
                (SCALES[name], measure(root, args.rounds, Path(scratch) / f"cache-{name}", args.baseline))
            )
        bursts = {}
        if args.sessions and (base / "10k" / "positions").is_dir():
            print("… burst on fresh servers at 10k", file=sys.stderr, flush=True)
            bursts = burst(base / "10k", args.burst_rounds, args.sessions, args.baseline)
        after = os.getloadavg()
    print(
        f"{args.rounds} interleaved rounds, medians; {os.cpu_count()} cores; load average (1 min) "
        f"{before[0]:.1f} at the start, {after[0]:.1f} at the end (5 min: {after[1]:.1f})"
    )
    for title, lines in (
        ("Wall time", table(rows, "wall")),
        ("CPU time (user + system)", table(rows, "cpu")),
        ("Peak RSS", rss_table(rows)),
    ):
        print(f"\n{title}\n")
        print("\n".join(lines))
    if bursts:
        print_bursts(bursts, args.sessions, args.burst_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
