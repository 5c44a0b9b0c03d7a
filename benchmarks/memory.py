"""Peak resident memory that is a process's own, and whole processes measured without inheriting any.

Linux starts a child's `ru_maxrss` at the resident size of the parent it was forked from (exec records the
forked copy's peak), so a benchmark that had just generated 30,000 stances, at 110 MB, reported the
85 MB floor as 110 MB. Each command therefore runs under a bare launcher interpreter (9 MB, below any Python
process's own peak), which forks it, waits for it and reports what `wait4` says; and a process measuring
itself reads its memory map's own peak (`VmHWM`), which can also be reset to leave out setup such as
generating data.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Run with `python -S -c`: argv is the fd to report on, then the command. It times the command itself, so
# neither its own start nor the benchmark's fork is counted.
_LAUNCHER = """
import json, os, sys, time
report, command = int(sys.argv[1]), sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
figures = [seconds, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss]
os.write(report, json.dumps(figures).encode())
"""


@dataclass(frozen=True)
class Measured:
    """One fresh process: wall and CPU (user + system) seconds, peak RSS in MB, exit code, its stderr."""

    wall_s: float
    cpu_s: float
    rss_mb: float
    code: int
    stderr: str


def run_measured(command: list[str], env: dict[str, str], cwd: Path) -> Measured:
    """Run `command` (its first item a path to an executable) under the launcher, its stdout discarded."""
    read_end, write_end = os.pipe()
    try:
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(write_end), *command]
        with subprocess.Popen(
            launcher,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_end,),
        ) as process:
            os.close(write_end)
            write_end = -1
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            with os.fdopen(read_end, "rb") as report:
                read_end = -1
                raw = report.read()
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
    if process.returncode != 0 or not raw:
        what = f"the launcher of {' '.join(command)} exited {process.returncode}"
        raise RuntimeError(f"{what}: {stderr[-500:]}")
    seconds, code, cpu, maxrss_kb = json.loads(raw)
    return Measured(seconds, cpu, maxrss_kb / 1024, code, stderr)


def peak_rss_mb() -> float:
    """This process's own peak resident set so far, in MB (ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Start this process's peak resident set afresh from its size now; False where Linux has no knob."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as knob:
            knob.write("5")
    except OSError:
        return False
    return True
