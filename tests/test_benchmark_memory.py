"""benchmarks/memory.py: a process's peak memory is its own, not the size of the benchmark that started it."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.coldstart import REPO
from benchmarks.memory import peak_rss_mb, reset_peak_rss, run_measured

MB = 1024 * 1024


def touched(megabytes: int) -> bytearray:
    """Memory that is resident: every page written."""
    block = bytearray(megabytes * MB)
    block[::4096] = b"x" * len(block[::4096])
    return block


def test_a_child_of_a_large_process_reports_only_its_own_peak() -> None:
    ballast = touched(200)
    bare = [sys.executable, "-c", "pass"]
    # What the benchmark measured before: wait4 on a direct child reports the parent's size at the fork.
    process = subprocess.Popen(bare, cwd=REPO)
    _, _, usage = os.wait4(process.pid, 0)
    assert usage.ru_maxrss / 1024 > 200
    measured = run_measured(bare, dict(os.environ), REPO)
    assert measured.code == 0
    assert 1 < measured.rss_mb < 40
    grows = run_measured(
        [sys.executable, "-c", "b = bytearray(100 * 2**20); b[::4096] = b'x' * len(b[::4096])"],
        dict(os.environ),
        REPO,
    )
    assert 100 < grows.rss_mb < 140
    del ballast


def test_the_exit_code_stderr_and_times_of_the_command_are_reported() -> None:
    failed = run_measured(
        [sys.executable, "-c", "import sys, time; time.sleep(0.2); sys.stderr.write('bad'); sys.exit(3)"],
        dict(os.environ),
        REPO,
    )
    assert failed.code == 3
    assert failed.stderr == "bad"
    assert 0.2 <= failed.wall_s < 5
    assert 0 < failed.cpu_s < failed.wall_s


def test_a_reset_peak_leaves_out_what_came_before() -> None:
    assert reset_peak_rss()
    before = peak_rss_mb()
    block = touched(150)
    assert peak_rss_mb() >= before + 140
    del block
    assert reset_peak_rss()
    assert peak_rss_mb() < before + 100
