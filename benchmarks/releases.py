"""Time `releases()` (the CHANGELOG's history): `python -m benchmarks.releases`.

Measures it on this repository's own history and on a synthetic repository of N data commits (each
rewording one summary, the last one going back to an earlier tree, so one version comes from the cache),
at the bundled data's size and at a larger generated scale. Prints one line per case.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import stancemap.derive.changes as changes
from benchmarks.generate import generate
from stancemap.paths import ROOT

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], env=os.environ | GIT_ENV, check=True, capture_output=True)


def synthetic_repo(repo: Path, commits: int, scale: str | None) -> None:
    """A repo whose data is the bundled copy (or a generated scale) with `commits` data commits."""
    if scale is None:
        shutil.copytree(ROOT / "seeds", repo / "seeds")
        shutil.copytree(ROOT / "positions", repo / "positions")
    else:
        generate(repo, scale)
    git(repo, "init", "-q", "-b", "main")
    stance_file = sorted((repo / "positions" / "stances").glob("*.yaml"))[0]
    original = stance_file.read_text(encoding="utf-8")
    first_summary = next(line for line in original.splitlines() if line.strip().startswith("summary:"))
    for number in range(commits):
        if number == commits - 1:
            text = original.replace(first_summary, f"{first_summary} (revision 1)", 1)  # a tree seen before
        else:
            text = original.replace(first_summary, f"{first_summary} (revision {number})", 1)
        stance_file.write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Data: revision {number}")


def measure(root: Path, repeat: int) -> tuple[float, int, int]:
    """Median seconds of `releases(root)`, the number of releases, and how many versions were loaded."""
    loads = 0
    real_load = changes.load_dataset

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal loads
        loads += 1
        return real_load(*args, **kwargs)

    times, found = [], []
    changes.load_dataset = counting  # type: ignore[assignment]
    try:
        for _ in range(repeat):
            loads = 0
            start = time.perf_counter()
            found = changes.releases(root)
            times.append(time.perf_counter() - start)
    finally:
        changes.load_dataset = real_load  # type: ignore[assignment]
    return statistics.median(times), len(found), loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=30, help="data commits in the synthetic repos")
    parser.add_argument("--scale", default="10x", help="generated scale for the larger synthetic repo")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    seconds, count, loads = measure(ROOT, args.repeat)
    print(f"this repository: {count} releases, {loads} versions loaded, {seconds:.2f} s")
    for scale in (None, args.scale):
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            synthetic_repo(repo, args.commits, scale)
            seconds, count, loads = measure(repo, args.repeat)
        name = "bundled data" if scale is None else f"{scale} data"
        print(
            f"{args.commits} commits of {name}: {count} releases, {loads} versions loaded, {seconds:.2f} s "
            f"({seconds / max(count, 1) * 1000:.0f} ms a release)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
