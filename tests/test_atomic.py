"""Every command that writes does it whole or not at all: a run killed midway leaves the old file intact.

The kills are real: a child process runs the real command over real files and is SIGKILLed by the system
at the moment its new content is in the temporary file but not yet renamed over the old one (its os.fsync
is swapped for a SIGKILL to itself), or by this test while it writes a large file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stancemap.check.load import ROOT
from stancemap.yamlio.atomic import write_atomic
from tests.conftest import TODAY, copy_data

ARTICLE = Path(__file__).parent / "data" / "articles" / "ap-guarantees-elections.txt"
# Run in the child: kill this process as soon as a write has reached its temporary file.
KILL_ON_FSYNC = "import os, signal\nos.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"


def run_killed(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a child that dies by SIGKILL when it first flushes a file; assert that it did."""
    result = subprocess.run(
        [sys.executable, "-c", KILL_ON_FSYNC + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    return result


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def visible(folder: Path) -> dict[str, bytes]:
    """The files a reader of the folder uses (the loader never reads hidden files as data)."""
    return {name: data for name, data in files(folder).items() if not name.startswith(".")}


def test_write_replaces_the_whole_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "file.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\r\n")
    assert target.read_bytes() == b"new\r\n" and (target.stat().st_mode & 0o777) == 0o640
    assert files(tmp_path) == {"file.yaml": b"new\r\n"}


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "folder", "text")  # the rename fails: a folder has the name
    target = tmp_path / "seed.txt"
    target.write_text("evidence")
    with pytest.raises(FileExistsError):
        write_atomic(target, "other", exclusive=True)
    assert files(tmp_path) == {"seed.txt": b"evidence"}


def test_schema_killed_midway_leaves_the_old_schema_files(tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "parties.schema.json").write_text('{"old": true}\n')
    before = files(folder)
    run_killed(f"from stancemap.cli import main\nmain(['schema', '--root', {str(tmp_path)!r}])")
    assert visible(folder) == before


def test_add_source_killed_midway_adds_nothing(tmp_path: Path) -> None:
    root = copy_data(tmp_path / "data")
    before = files(root / "seeds")
    run_killed(
        f"""
        from stancemap.cli import main
        main(["add-source", {str(ARTICLE)!r}, "--root", {str(root)!r}, "--title", "T", "--outlet", "AP",
              "--published", "2026-01-11", "--today", {TODAY.isoformat()!r}])
        """
    )
    assert visible(root / "seeds") == before


def test_readme_generation_killed_midway_leaves_the_old_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    readme.write_text(text.replace("<!-- generated:codebook -->\n", "<!-- generated:codebook -->\nstale\n"))
    before = readme.read_bytes()
    run_killed(
        f"""
        import datetime as dt
        from pathlib import Path
        from stancemap.check.load import load_dataset
        from stancemap.curate.readme import update
        data, _ = load_dataset(today=dt.date.fromisoformat({TODAY.isoformat()!r}))
        update(Path({str(readme)!r}), data)
        """
    )
    assert readme.read_bytes() == before


def test_a_large_write_killed_by_another_process_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "big.yaml"
    target.write_text("old: true\n")
    # 400 MB, written in one call: long enough to be caught in the middle by SIGKILL from outside.
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from stancemap.yamlio.atomic import write_atomic\n"
            "write_atomic(Path(sys.argv[1]), b'x' * 400_000_000)",
            str(target),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        p.name.startswith(".big.yaml.") for p in tmp_path.iterdir()
    ):
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    assert target.read_bytes() == b"old: true\n"
