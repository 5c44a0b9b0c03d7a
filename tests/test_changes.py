"""The release history: dataset versions, cell changes between versions, and releases read from git."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.changes import Change, Release, releases, stance_changes
from stancemap.derive.version import dataset_version
from stancemap.model.dataset import Dataset
from stancemap.model.schema import Evidence, Speaker
from tests.conftest import TODAY, copy_data

CRIMEA = Path("positions/stances/crimea.yaml")
RUSSIA_ON_CRIMEA = "  - party: russia\n    level: demands\n"
# A verbatim quote from the source Russia's Crimea stance already cites (so its date stays the same).
ADDED_QUOTE = "“there will be some absolutely unacceptable points for us, including territorial issues.”"
ADDED_EVIDENCE = f"""      - source: bloomberg-berlin-talks
        quote: "{ADDED_QUOTE}"
        speaker: {{name: Yuri Ushakov, role: foreign policy aide to Russian President Vladimir Putin}}
        kind: direct
"""
ADDED = Evidence(
    source="bloomberg-berlin-talks",
    quote=ADDED_QUOTE,
    speaker=Speaker(name="Yuri Ushakov", role="foreign policy aide to Russian President Vladimir Putin"),
    kind="direct",
)


def load(root: Path) -> Dataset:
    data, problems = load_dataset(root, today=TODAY)
    assert problems == [], "\n".join(map(str, problems))
    return data


def edit(root: Path, rel: Path, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(root: Path, rel: Path, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def change_level(root: Path) -> None:
    edit(root, CRIMEA, RUSSIA_ON_CRIMEA, "  - party: russia\n    level: rejects\n")


def add_evidence(root: Path) -> None:
    append(root, CRIMEA, ADDED_EVIDENCE)  # Russia's stance is the last in the file


def russia_on_crimea(data: Dataset) -> str:
    (record,) = [r for r in data.stances if (r.party, r.issue) == ("russia", "crimea")]
    return str(record.as_of)


# --- dataset_version -----------------------------------------------------------------------------------


def test_version_is_a_short_hash_of_the_content(dataset: Dataset, data_copy: Path) -> None:
    version = dataset_version(dataset)
    assert len(version) == 12 and int(version, 16) >= 0
    assert dataset_version(load(data_copy)) == version  # the same content elsewhere on disk
    change_level(data_copy)
    assert dataset_version(load(data_copy)) != version


def test_version_ignores_comments_whitespace_and_quoting(dataset: Dataset, data_copy: Path) -> None:
    reworded = "    red_line: true  # key order, quoting and blank lines are layout\n    level: 'demands'\n\n"
    edit(data_copy, CRIMEA, "    level: demands\n    red_line: true\n", reworded)
    append(data_copy, Path("positions/parties.yaml"), "\n# a trailing comment\n")
    assert (data_copy / CRIMEA).read_bytes() != (ROOT / CRIMEA).read_bytes()
    assert dataset_version(load(data_copy)) == dataset_version(dataset)


@pytest.mark.parametrize(
    ("rel", "text_of"),
    [
        ("seeds/sources.yaml", lambda data: next(iter(data.sources.values())).headline),
        ("positions/events.yaml", lambda data: data.events[0].event.title),
        ("positions/parties.yaml", lambda data: data.parties["europe"].members[0].name),
    ],
    ids=["source headline", "event title", "party member"],
)
def test_version_covers_every_record(
    dataset: Dataset, data_copy: Path, rel: str, text_of: Callable[[Dataset], str]
) -> None:
    text = text_of(dataset)
    edit(data_copy, Path(rel), text, text + " (edited)")
    assert dataset_version(load(data_copy)) != dataset_version(dataset)


# --- stance_changes ------------------------------------------------------------------------------------


def test_no_changes_between_equal_versions(dataset: Dataset, data_copy: Path) -> None:
    assert stance_changes(dataset, load(data_copy)) == []


def test_level_change_and_added_evidence_are_exactly_the_edits(dataset: Dataset, data_copy: Path) -> None:
    change_level(data_copy)
    add_evidence(data_copy)
    new = load(data_copy)
    as_of = russia_on_crimea(new)
    assert as_of == russia_on_crimea(dataset)
    assert stance_changes(dataset, new) == [
        Change("crimea", "russia", "level", as_of, before="demands", after="rejects"),
        Change("crimea", "russia", "evidence_added", as_of, evidence=ADDED),
    ]
    assert stance_changes(new, dataset) == [
        Change("crimea", "russia", "level", as_of, before="rejects", after="demands"),
        Change("crimea", "russia", "evidence_removed", as_of, evidence=ADDED),
    ]


def test_red_line_summary_and_removed_stance(dataset: Dataset, data_copy: Path) -> None:
    edit(data_copy, CRIMEA, "    red_line: true\n", "")
    edit(data_copy, CRIMEA, "summary: Will ", "summary: Says it will ")
    territory = Path("positions/stances/territory.yaml")
    text = (data_copy / territory).read_text(encoding="utf-8")
    ukraine = text.index("  - party: ukraine\n")
    (data_copy / territory).write_text(text[:ukraine], encoding="utf-8")  # Ukraine's is the last stance
    new = load(data_copy)
    removed = next(r for r in dataset.stances if (r.party, r.issue) == ("ukraine", "territory"))
    summary = next(r for r in dataset.stances if (r.party, r.issue) == ("russia", "crimea")).stance.summary
    as_of = russia_on_crimea(new)
    # Territory comes before Crimea in positions/issues.yaml.
    assert stance_changes(dataset, new) == [
        Change("territory", "ukraine", "removed", str(removed.as_of), before="opposes"),
        Change("crimea", "russia", "red_line", as_of, before="true", after="false"),
        Change(
            "crimea",
            "russia",
            "summary",
            as_of,
            before=summary,
            after=summary.replace("Will ", "Says it will "),
        ),
    ]


def test_quantity_conditions_date_and_edited_evidence(dataset: Dataset, data_copy: Path) -> None:
    duration = Path("positions/stances/guarantee-duration.yaml")
    edit(data_copy, duration, "    quantity: 50\n", "    quantity: 40\n    as_of: 2026-01-05\n")
    edit(data_copy, duration, "    conditions: [with the possibility for an extension]\n", "")
    edit(
        data_copy,
        duration,
        "        note: The same Bloomberg story",
        "        note: Still the same Bloomberg story",
    )
    new = load(data_copy)
    old_of = {(r.party, r.issue): r for r in dataset.stances}
    ukraine, us = old_of["ukraine", "guarantee-duration"], old_of["us", "guarantee-duration"]
    assert str(ukraine.as_of) != "2026-01-05"  # the date is new, so the one stance on each side is paired
    edited = next(r for r in new.stances if (r.party, r.issue) == ("ukraine", "guarantee-duration"))
    assert stance_changes(dataset, new) == [
        Change(
            "guarantee-duration",
            "ukraine",
            "as_of",
            "2026-01-05",
            before=str(ukraine.as_of),
            after="2026-01-05",
        ),
        Change("guarantee-duration", "ukraine", "quantity", "2026-01-05", before="50", after="40"),
        Change(
            "guarantee-duration",
            "ukraine",
            "evidence_edited",
            "2026-01-05",
            evidence=edited.stance.evidence[1],
        ),
        Change(
            "guarantee-duration",
            "us",
            "conditions",
            str(us.as_of),
            before="with the possibility for an extension",
            after=None,
        ),
    ]


def test_from_nothing_every_stance_is_added(dataset: Dataset) -> None:
    changes = stance_changes(Dataset(), dataset)
    assert [c.kind for c in changes] == ["added"] * len(dataset.stances)
    assert {(c.party, c.issue) for c in changes} == {(r.party, r.issue) for r in dataset.stances}
    issue_order = [list(dataset.issues).index(c.issue) for c in changes]
    assert issue_order == sorted(issue_order)


# --- releases from git ---------------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, day: int = 1) -> str:
    date = f"2026-12-{day:02d}T12:00:00+00:00"
    env = os.environ | GIT_ENV | {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(repo: Path, subject: str, day: int) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", subject, day=day)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """A repo of the real data with five commits: the data, a level, evidence, a comment, a broken file.

    Returns the repo, the commits (oldest first) and the data version after each.
    """
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = copy_data(tmp_path_factory.mktemp("history") / "repo")
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("not data\n")
    steps = [
        ("Data: the bundled positions", lambda: None),
        ("Data: Russia rejects on Crimea", lambda: change_level(repo)),
        ("Data: more evidence for Russia on Crimea", lambda: add_evidence(repo)),
        ("Data: a comment only", lambda: append(repo, CRIMEA, "# checked again\n")),
    ]
    commits, versions = [], []
    for day, (subject, change) in enumerate(steps, start=1):
        change()
        commits.append(commit(repo, subject, day))
        versions.append(dataset_version(load(repo)))
    (repo / "README.md").write_text("still not data\n")
    commit(repo, "Docs only", 8)  # not a release: no data changed
    append(repo, CRIMEA, "  - party: [\n")
    commits.append(commit(repo, "Data: a broken edit", 9))
    versions.append(dataset_version(load_dataset(repo, today=TODAY)[0]))
    return repo, commits, versions


def test_releases_are_the_data_commits_with_exactly_their_changes(
    history: tuple[Path, list[str], list[str]], dataset: Dataset
) -> None:
    repo, commits, versions = history
    found = releases(repo, today=TODAY)
    assert [r.commit for r in found] == commits[::-1]
    assert [r.dataset_version for r in found] == versions[::-1]
    broken, comment, evidence, level, first = found
    assert broken.subject == "Data: a broken edit" and broken.problems > 0
    assert [r.problems for r in found[1:]] == [0, 0, 0, 0]
    assert first.date.isoformat() == "2026-12-01T12:00:00+00:00"
    as_of = russia_on_crimea(dataset)
    assert level.changes == (Change("crimea", "russia", "level", as_of, before="demands", after="rejects"),)
    assert evidence.changes == (Change("crimea", "russia", "evidence_added", as_of, evidence=ADDED),)
    assert comment.changes == () and comment.dataset_version == evidence.dataset_version
    assert len(first.changes) == len(dataset.stances) and {c.kind for c in first.changes} == {"added"}


def test_deleted_files_and_a_revert_are_read_right(tmp_path: Path, dataset: Dataset) -> None:
    repo = copy_data(tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    crimea = (repo / CRIMEA).read_text(encoding="utf-8")
    versions = []
    steps = [
        lambda: None,
        lambda: (repo / CRIMEA).unlink(),
        lambda: (repo / CRIMEA).write_text(crimea, encoding="utf-8"),  # back to the first tree
        lambda: change_level(repo),
    ]
    for day, step in enumerate(steps, start=1):
        step()
        commit(repo, f"Data: step {day}", day)
        versions.append(dataset_version(load(repo)))
    latest, restored, deleted, first = releases(repo, today=TODAY)
    assert [r.dataset_version for r in (first, deleted, restored, latest)] == versions
    assert versions[0] == versions[2] == dataset_version(dataset)
    as_of = russia_on_crimea(dataset)
    assert deleted.changes == (Change("crimea", "russia", "removed", as_of, before="demands"),)
    assert restored.changes == (Change("crimea", "russia", "added", as_of, after="demands"),)
    assert latest.changes == (Change("crimea", "russia", "level", as_of, before="demands", after="rejects"),)


def test_limit_keeps_the_newest_compared_with_the_one_before(
    history: tuple[Path, list[str], list[str]],
) -> None:
    repo, commits, _ = history
    newest = releases(repo, limit=3, today=TODAY)
    assert [r.commit for r in newest] == commits[:-4:-1]
    assert newest == releases(repo, today=TODAY)[:3]
    assert releases(repo, limit=0) == []


def test_a_shallow_clone_does_not_invent_a_first_release(
    history: tuple[Path, list[str], list[str]], tmp_path: Path
) -> None:
    repo, commits, _ = history
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", f"file://{repo}", str(clone)],
        env=os.environ | GIT_ENV,
        check=True,
        capture_output=True,
    )
    found = releases(clone, today=TODAY)
    # Three commits arrived (the broken edit, the docs, the comment); the comment is the cut-off base.
    assert [r.commit for r in found] == [commits[-1]]
    assert found == releases(repo, today=TODAY)[:1]


def test_no_history_outside_git_or_without_git(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert releases(data_copy) == []
    monkeypatch.setenv("PATH", str(data_copy))  # a PATH with no git on it
    assert releases(ROOT) == []


def _shallow(root: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
    )
    return done.stdout.strip() != "false"


@pytest.mark.skipif(shutil.which("git") is None or _shallow(ROOT), reason="needs the repo's full git history")
def test_the_repositorys_own_history() -> None:
    found = releases(ROOT)
    assert len(found) >= 4
    assert all(isinstance(r, Release) and len(r.dataset_version) == 12 for r in found)
    by_commit = {r.commit[:7]: r for r in found}
    # 26c9ec0 reworded Russia's territory summary and moved Ukraine on ratification from demands to supports.
    fix = by_commit["26c9ec0"]
    assert [(c.issue, c.party, c.kind) for c in fix.changes] == [
        ("territory", "russia", "summary"),
        ("ratification", "ukraine", "level"),
    ]
    assert fix.changes[1].before == "demands" and fix.changes[1].after == "supports"
    # 61baad4 added only positions/_template.yaml, which is not data: the same version as before it.
    template = by_commit["61baad4"]
    assert template.changes == () and template.dataset_version == by_commit["d8b5f89"].dataset_version
