"""The data's release history: what changed in each cell between two versions, and each commit's version."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stancemap.check.load import load_dataset
from stancemap.derive.matrix import histories
from stancemap.derive.version import dataset_version
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.problems import StancemapError
from stancemap.model.schema import Evidence
from stancemap.paths import ROOT

ChangeKind = Literal[
    "added",
    "removed",
    "as_of",
    "level",
    "quantity",
    "red_line",
    "summary",
    "conditions",
    "evidence_added",
    "evidence_removed",
    "evidence_edited",
]
DATA_FOLDERS = ("seeds", "positions")
GIT_TIMEOUT = 60  # seconds; a local git never takes this long, a hung one must not hang the build


@dataclass(frozen=True)
class Change:
    """One difference in one cell between two versions of the data.

    `as_of` names which stance of the cell's history changed (the new one's date, or the removed one's).
    `before` and `after` are the old and new value as text (a level, quantity, "true"/"false" for the red
    line, summary, conditions joined by "; ", a date), None where there is none; evidence changes carry
    the item itself (the new version's, or the removed one).
    """

    issue: str
    party: str
    kind: ChangeKind
    as_of: str
    before: str | None = None
    after: str | None = None
    evidence: Evidence | None = None

    def __str__(self) -> str:
        cell = f"{self.party} on {self.issue} (as of {self.as_of})"
        if self.evidence is not None:
            return f'{cell}: {self.kind.replace("_", " ")}: {self.evidence.source}: "{self.evidence.quote}"'
        if self.kind in ("added", "removed"):
            return f"{cell}: stance {self.kind} ({self.before or self.after})"
        return f"{cell}: {self.kind.replace('_', ' ')} {self.before} → {self.after}"


@dataclass(frozen=True)
class Release:
    """A commit that changed seeds/ or positions/: the data version it holds, its changes since the last."""

    commit: str
    date: dt.datetime  # committer date, with its offset
    subject: str
    dataset_version: str
    problems: int  # how many problems loading this version found; 0 for a clean release
    changes: tuple[Change, ...]


def stance_changes(old: Dataset, new: Dataset) -> list[Change]:
    """What changed in each (party, issue) cell from `old` to `new`, by issue then party in `new`'s order.

    A cell's stances are matched by their date; a cell with one unmatched stance on each side (say its
    date was corrected) compares those two. Evidence items are matched by source and quote, so editing
    a quote shows as one item removed and one added.
    """
    before, after = histories(old), histories(new)
    issues = _ordered(new.issues, old.issues)
    parties = _ordered(new.parties, old.parties)
    changes: list[Change] = []
    for issue in issues:
        for party in parties:
            key = (party, issue)
            changes.extend(_cell_changes(before.get(key, ()), after.get(key, ())))
    return changes


def _ordered(first: Iterable[str], then: Iterable[str]) -> list[str]:
    """The ids of `first` in order, then those only in `then` (a party or issue that was removed)."""
    return list(dict.fromkeys([*first, *then]))


def _cell_changes(old: Sequence[StanceRecord], new: Sequence[StanceRecord]) -> Iterator[Change]:
    old_by_date = {str(record.as_of): record for record in old}
    matched = {str(record.as_of) for record in new} & set(old_by_date)
    unmatched_old = [record for record in old if str(record.as_of) not in matched]
    unmatched_new = [record for record in new if str(record.as_of) not in matched]
    pairs: dict[int, StanceRecord] = {}
    if len(unmatched_old) == len(unmatched_new) == 1:
        pairs[id(unmatched_new[0])] = unmatched_old[0]
        unmatched_old = []
    for record in new:
        date = str(record.as_of)
        previous = old_by_date[date] if date in matched else pairs.get(id(record))
        if previous is None:
            yield _change(record, "added", after=record.stance.level)
        else:
            yield from _stance_diff(previous, record)
    for record in unmatched_old:
        yield _change(record, "removed", before=record.stance.level)


def _stance_diff(old: StanceRecord, new: StanceRecord) -> Iterator[Change]:
    was, now = old.stance, new.stance
    fields: list[tuple[ChangeKind, str, str]] = [
        ("as_of", str(old.as_of), str(new.as_of)),
        ("level", was.level, now.level),
        ("quantity", _quantity(was.quantity), _quantity(now.quantity)),
        ("red_line", str(was.red_line).lower(), str(now.red_line).lower()),
        ("summary", was.summary, now.summary),
        ("conditions", "; ".join(was.conditions), "; ".join(now.conditions)),
    ]
    for kind, before, after in fields:
        if before != after:
            yield _change(new, kind, before=before or None, after=after or None)
    old_items = {(ev.source, ev.quote): ev for ev in was.evidence}
    new_items = {(ev.source, ev.quote): ev for ev in now.evidence}
    for key, ev in new_items.items():
        if key not in old_items:
            yield _change(new, "evidence_added", evidence=ev)
        elif old_items[key] != ev:
            yield _change(new, "evidence_edited", evidence=ev)
    for key, ev in old_items.items():
        if key not in new_items:
            yield _change(new, "evidence_removed", evidence=ev)


def _change(record: StanceRecord, kind: ChangeKind, **values: object) -> Change:
    return Change(record.issue, record.party, kind, str(record.as_of), **values)  # type: ignore[arg-type]


def _quantity(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def releases(root: Path = ROOT, *, limit: int | None = None, today: dt.date | None = None) -> list[Release]:
    """Every commit of `root`'s first-parent history that changed seeds/ or positions/, newest first.

    Each version is loaded from that commit's files with `load_dataset` (identical trees once) and
    compared with the release before it; `limit` keeps the newest ones. The oldest commit of a shallow
    clone only serves as the base of the next (its own changes are unknown). Returns [] when `root` is
    not in a git repository or git is not installed: the site then shows only the current version.
    """
    if shutil.which("git") is None:
        return []
    try:
        prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
        log = _git(
            root,
            "log",
            "--first-parent",
            "--no-show-signature",
            "--format=%H%x00%cI%x00%s",
            "--",
            *DATA_FOLDERS,
        )
        boundaries = _shallow_boundaries(root)
    except (OSError, subprocess.SubprocessError):
        return []
    commits = [line.split("\0") for line in log.decode("utf-8", "replace").splitlines()]
    if limit is not None and len(commits) > limit:
        commits, base = commits[:limit], commits[limit][0]
    elif commits and commits[-1][0] in boundaries:
        commits, base = commits[:-1], commits[-1][0]
    else:
        base = None
    trees = _folder_trees(root, [*(c[0] for c in commits), *([base] if base else [])], prefix)
    loaded: dict[tuple[str | None, ...], tuple[Dataset, int, str]] = {}  # data, problems, version
    found: list[Release] = []
    with tempfile.TemporaryDirectory(prefix="stancemap-releases-") as tmp:
        checkout = _Checkout(root, Path(tmp))

        def version_at(commit: str) -> tuple[Dataset, int, str]:
            key = trees[commit]
            if key not in loaded:
                checkout.move_to(dict(zip(DATA_FOLDERS, key, strict=True)))
                data, problems = _load(checkout.path, today)
                loaded[key] = data, problems, dataset_version(data)
            return loaded[key]

        previous = version_at(base)[0] if base else Dataset()
        for commit, date, subject in reversed(commits):
            data, problems, version = version_at(commit)
            changes = tuple(stance_changes(previous, data))
            found.append(
                Release(commit, dt.datetime.fromisoformat(date), subject, version, problems, changes)
            )
            previous = data
    return found[::-1]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        check=True,
        timeout=GIT_TIMEOUT,
    ).stdout


def _shallow_boundaries(root: Path) -> set[str]:
    """The commits a shallow clone was cut at (their parents are missing); empty for a full clone."""
    path = Path(_git(root, "rev-parse", "--path-format=absolute", "--git-path", "shallow").decode().strip())
    return set(path.read_text().split()) if path.is_file() else set()


def _folder_trees(root: Path, commits: Sequence[str], prefix: str) -> dict[str, tuple[str | None, ...]]:
    """Each commit's tree ids of the data folders (None for a folder it lacks), in one git call."""
    asked = "".join(f"{commit}:{prefix}{folder}\n" for commit in commits for folder in DATA_FOLDERS)
    answers = _git(root, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=asked.encode())
    ids = [line.split()[0] if line.endswith(" tree") else None for line in answers.decode().splitlines()]
    width = len(DATA_FOLDERS)
    return {commit: tuple(ids[i * width : (i + 1) * width]) for i, commit in enumerate(commits)}


def _load(path: Path, today: dt.date | None) -> tuple[Dataset, int]:
    """The data under `path` and how many problems loading it found."""
    try:
        data, problems = load_dataset(path, today=today)
    except StancemapError:
        return Dataset(), 1
    return data, len(problems)


class _Checkout:
    """A temporary data root moved from version to version by writing only the files that differ.

    Writing every file of every version was 40 % of the time of `releases`; a data commit changes a few.
    """

    # More changed files than this are written from one archive of the whole folder.
    MAX_PATHS = 200

    def __init__(self, repo: Path, path: Path) -> None:
        self.repo, self.path = repo, path
        self.trees: dict[str, str | None] = dict.fromkeys(DATA_FOLDERS)

    def move_to(self, trees: dict[str, str | None]) -> None:
        """Make each data folder hold the files of its tree id (absent for None)."""
        for folder, tree in trees.items():
            held = self.trees[folder]
            if tree == held:
                continue
            changed = None if held is None or tree is None else self._changed(held, tree)
            if changed is None or len(changed) > self.MAX_PATHS:
                shutil.rmtree(self.path / folder, ignore_errors=True)
                if tree is not None:
                    self._extract(folder, tree)
            else:
                assert tree is not None  # a diff exists only between two trees
                for name in changed:
                    (self.path / folder / name).unlink(missing_ok=True)
                written = [name for name, status in changed.items() if status != "D"]
                if written:
                    self._extract(folder, tree, written)
            self.trees[folder] = tree

    def _changed(self, old: str, new: str) -> dict[str, str]:
        """Path (inside the folder) → status letter (A, M, D, T) of each file that differs."""
        out = _git(self.repo, "diff-tree", "-r", "-z", "--no-renames", "--name-status", old, new)
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        return {fields[i + 1]: fields[i][0] for i in range(0, len(fields) - 1, 2)}

    def _extract(self, folder: str, tree: str, names: Sequence[str] = ()) -> None:
        # As committed: no line-ending conversion from the user's settings (seeds are pinned by sha256).
        archive = _git(
            self.repo,
            "-c",
            "core.autocrlf=false",
            "archive",
            "--format=tar",
            f"--prefix={folder}/",
            tree,
            "--",
            *names,
        )
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(self.path, filter="data")
