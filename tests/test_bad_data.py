"""Golden bad-input cases: tests/data/bad/<case>/ overlays files on a copy of the real data, after deleting
the paths its remove.txt lists (one a line, if it has one); <case>/expected.txt holds the exact problems.
A new case is a folder, no code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stancemap.check.load import load_dataset
from tests.conftest import TODAY, copy_data

CASES = sorted(p for p in (Path(__file__).parent / "data" / "bad").iterdir() if p.is_dir())


def test_there_are_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_reports_exact_problems_and_keeps_the_rest(case: Path, tmp_path: Path) -> None:
    root = copy_data(tmp_path)
    clean, _ = load_dataset(root, today=TODAY)
    apply_case(case, root)
    data, problems = load_dataset(root, today=TODAY)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in problems] == expected
    assert_nothing_dropped_silently(clean.stances, data.stances, problems)
    # A party or issue that did not load is marked broken, with a problem in its entry or after it.
    for what in ("parties", "issues"):
        file, broken = f"positions/{what}.yaml", getattr(data, f"broken_{what}")
        if file in data.unread or unreadable(file, problems):  # the whole file: its own problem says why
            continue
        for rid in set(getattr(clean, what)) - set(getattr(data, what)):
            assert rid in broken, f"{rid} was dropped from {file} without a problem"
            assert any(p.path == file and p.line >= broken[rid] for p in problems), rid


def apply_case(case: Path, root: Path) -> None:
    """Delete what the case's remove.txt lists from the data copy, then copy the case's files over it."""
    remove = case / "remove.txt"
    for rel in remove.read_text(encoding="utf-8").split() if remove.exists() else []:
        target = root / rel
        assert target.exists(), f"{remove} lists {rel}, which the data does not have"
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    shutil.copytree(
        case, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt", "remove.txt")
    )


def unreadable(path: str, problems: list) -> bool:
    """Whether a problem with the whole of `path` or a folder above it (line 0) says why it did not load."""
    return any(p.line == 0 and (p.path == path or path.startswith(p.path + "/")) for p in problems)


def assert_nothing_dropped_silently(before: list, after: list, problems: list) -> None:
    """Every stance of the clean data that did not load has a problem reported inside its lines, or above
    the first record of its file (the file's `issue:`, a duplicate top-level key), which drops them all, or
    on the whole file or a folder above it (missing, unreadable)."""
    loaded = {(r.origin.path, r.origin.line) for r in after}
    starts: dict[str, list[int]] = {}
    for record in before:
        starts.setdefault(record.origin.path, []).append(record.origin.line)
    for record in before:
        if (record.origin.path, record.origin.line) in loaded or unreadable(record.origin.path, problems):
            continue
        later = [line for line in starts[record.origin.path] if line > record.origin.line]
        end = min(later, default=10**9)
        top = min(starts[record.origin.path])
        inside = [
            p
            for p in problems
            if p.path == record.origin.path and (record.origin.line <= p.line < end or p.line < top)
        ]
        assert inside, f"{record.origin} was dropped without a problem"
