"""Whole loads kept and replayed: a replay gives exactly what a full load gives, and is used only when every
input is as it was; an entry that is truncated, edited, foreign or about other inputs is never used."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.generate import generate
from stancemap import cli
from stancemap.check.load import load_dataset
from stancemap.check.record_cache import CACHE_VARIABLE, RecordCache
from stancemap.check.replay import Replay
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem
from tests.conftest import TODAY, copy_data
from tests.test_bad_data import apply_case
from tests.test_record_cache import DAMAGES

BAD_CASES = sorted(p for p in (Path(__file__).parent / "data" / "bad").iterdir() if p.is_dir())
STANCE_FILE = "positions/stances/crimea.yaml"


@pytest.fixture
def cache(tmp_path: Path) -> RecordCache:
    opened = RecordCache.open(tmp_path / "cache")
    assert opened is not None
    return opened


def _replayed(
    cache: RecordCache, root: Path, today: dt.date = TODAY, fallback: dict[str, str] | None = None
) -> bool:
    """Whether a load of `root` now would be replayed from the cache."""
    return Replay.open(cache, root, today, fallback or {}).found is not None


def _entries(cache: RecordCache) -> list[Path]:
    return sorted((cache.folder / "loads").glob("*.json"))


def assert_same_load(replayed: tuple[Dataset, list[Problem]], full: tuple[Dataset, list[Problem]]) -> None:
    """Equal datasets and problems, down to each record's fields set and field order."""
    (data, problems), (expected, expected_problems) = replayed, full
    assert problems == expected_problems
    assert data == expected
    assert data.clean == expected.clean
    for record, other in zip(data.stances, expected.stances, strict=True):
        for model, model_other in [
            (record.stance, other.stance),
            *zip(record.stance.evidence, other.stance.evidence, strict=True),
        ]:
            assert model.model_fields_set == model_other.model_fields_set
            assert list(model.__dict__) == list(model_other.__dict__)
    for source, other_source in zip(data.sources.values(), expected.sources.values(), strict=True):
        assert source.model_fields_set == other_source.model_fields_set


def test_a_replay_equals_a_full_load_of_the_bundled_data(data_copy: Path, cache: RecordCache) -> None:
    full = load_dataset(data_copy, today=TODAY)
    assert not _replayed(cache, data_copy)
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), full)  # full, and kept
    assert _replayed(cache, data_copy)
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), full)


def test_a_replay_equals_a_full_load_of_generated_data(tmp_path: Path, cache: RecordCache) -> None:
    """Generated data has more of what the bundled data has little of: histories, quantities, interval dates,
    dates of their own on quotes, events."""
    root = tmp_path / "data"
    generate(root, "10x")
    full = load_dataset(root, today=TODAY)
    stances = full[0].stances
    assert full[1] == [] and full[0].events and len({(r.party, r.issue) for r in stances}) < len(stances)
    assert any(r.stance.quantity is not None for r in stances) and any("/" in r.as_of.text for r in stances)
    load_dataset(root, today=TODAY, cache=cache)
    assert _replayed(cache, root)
    assert_same_load(load_dataset(root, today=TODAY, cache=cache), full)


@pytest.mark.parametrize("case", BAD_CASES, ids=[c.name for c in BAD_CASES])
def test_golden_bad_cases_give_the_same_problems_when_replayed(
    case: Path, tmp_path: Path, cache: RecordCache
) -> None:
    root = copy_data(tmp_path / "data")
    apply_case(case, root)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    full = load_dataset(root, today=TODAY, cache=cache)
    assert [str(p) for p in full[1]] == expected
    assert _replayed(cache, root)
    assert_same_load(load_dataset(root, today=TODAY, cache=cache), full)


def _stance_text(root: Path) -> str:
    return (root / STANCE_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda root: (root / STANCE_FILE).write_text(_stance_text(root) + "\n"), id="edited file"
        ),
        pytest.param(lambda root: (root / "positions/stances/notes.txt").write_text("x"), id="new file"),
        pytest.param(lambda root: (root / "positions/stances/old").mkdir(), id="new empty folder"),
        pytest.param(lambda root: (root / STANCE_FILE).unlink(), id="deleted file"),
        pytest.param(
            lambda root: (root / "seeds" / "sources.yaml").rename(root / "seeds/s.yaml"), id="renamed"
        ),
        pytest.param(lambda root: shutil.rmtree(root / "positions"), id="deleted folder"),
    ],
)
def test_any_changed_input_loads_in_full(data_copy: Path, cache: RecordCache, change: object) -> None:
    load_dataset(data_copy, today=TODAY, cache=cache)
    assert _replayed(cache, data_copy)
    change(data_copy)  # type: ignore[operator]
    assert not _replayed(cache, data_copy)
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), load_dataset(data_copy, today=TODAY))


def test_another_day_loads_in_full(data_copy: Path, cache: RecordCache) -> None:
    """Dates are checked against today: the same files may give other problems tomorrow."""
    load_dataset(data_copy, today=TODAY, cache=cache)
    assert not _replayed(cache, data_copy, TODAY + dt.timedelta(days=1))


def test_an_entry_of_another_data_root_is_not_used(tmp_path: Path, cache: RecordCache) -> None:
    first, second = copy_data(tmp_path / "a"), copy_data(tmp_path / "b")
    load_dataset(first, today=TODAY, cache=cache)
    (entry,) = _entries(cache)
    shutil.copy(entry, Replay.open(cache, second, TODAY, {}).path)
    assert not _replayed(cache, second)


@pytest.mark.parametrize(
    "damage", [*DAMAGES, pytest.param(lambda raw: raw.replace(b"Crimea", b"Crimee", 1), id="edited")]
)
def test_a_damaged_entry_is_ignored_and_rebuilt(data_copy: Path, cache: RecordCache, damage: object) -> None:
    full = load_dataset(data_copy, today=TODAY)
    load_dataset(data_copy, today=TODAY, cache=cache)
    (entry,) = _entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert not _replayed(cache, data_copy)
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), full)
    assert _replayed(cache, data_copy)  # rebuilt


def test_an_entry_signed_with_another_key_is_ignored(
    data_copy: Path, tmp_path: Path, cache: RecordCache
) -> None:
    other = RecordCache.open(tmp_path / "other")
    assert other is not None
    load_dataset(data_copy, today=TODAY, cache=other)
    (entry,) = _entries(other)
    (cache.folder / "loads").mkdir(exist_ok=True)
    shutil.copy(entry, cache.folder / "loads" / entry.name)
    assert not _replayed(cache, data_copy)


def test_a_signed_entry_not_in_the_loaders_shape_is_ignored(data_copy: Path, cache: RecordCache) -> None:
    """Signed with the right key (as by another version of the loader), but its stances do not fit."""
    full = load_dataset(data_copy, today=TODAY)
    load_dataset(data_copy, today=TODAY, cache=cache)
    (entry,) = _entries(cache)
    body = json.loads(entry.read_bytes().split(b"\n", 1)[1])
    for _path, _issue, records in body["stances"]:
        for record in records:
            record[0] = [*record[0][:-2], record[0][-1]]  # a field fewer
    cache.write_signed(entry, json.dumps(body).encode())
    assert not _replayed(cache, data_copy)
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), full)


def test_a_load_with_an_input_not_pinned_by_its_bytes_is_not_kept(
    data_copy: Path, cache: RecordCache
) -> None:
    os.symlink(data_copy / STANCE_FILE, data_copy / "positions/stances/link.yaml")
    load_dataset(data_copy, today=TODAY, cache=cache)
    assert _entries(cache) == []


def _break(root: Path) -> str:
    """Misspell a field in the stance file (a problem of its own); its text as it was."""
    good = _stance_text(root)
    (root / STANCE_FILE).write_text(good.replace("level:", "levl:", 1))
    return good


def test_a_load_served_partly_from_last_good_versions_is_not_kept(
    data_copy: Path, cache: RecordCache
) -> None:
    good = _break(data_copy)
    data, _ = load_dataset(data_copy, today=TODAY, fallback={STANCE_FILE: good}, cache=cache)
    assert STANCE_FILE in data.stale
    assert _entries(cache) == []


def test_a_changed_last_good_version_of_a_consulted_file_loads_in_full(
    data_copy: Path, cache: RecordCache
) -> None:
    """A file with problems consults its last good version: a load is replayed only with that same one."""
    good = _break(data_copy)
    also_bad = {STANCE_FILE: good.replace("level:", "lvl:", 1)}
    load_dataset(data_copy, today=TODAY, fallback=also_bad, cache=cache)  # the last good one fails too
    assert _replayed(cache, data_copy, fallback=also_bad)
    assert not _replayed(cache, data_copy, fallback={STANCE_FILE: good})
    assert not _replayed(cache, data_copy)  # none at all is another input too
    assert _replayed(cache, data_copy, fallback={**also_bad, "positions/parties.yaml": "not consulted"})
    data, _ = load_dataset(data_copy, today=TODAY, fallback={STANCE_FILE: good}, cache=cache)
    assert STANCE_FILE in data.stale


def test_inputs_that_change_during_a_load_are_not_kept(data_copy: Path, cache: RecordCache) -> None:
    replay = Replay.open(cache, data_copy, TODAY, {})
    data, problems = load_dataset(data_copy, today=TODAY)
    (data_copy / STANCE_FILE).write_text(_stance_text(data_copy) + "\n")  # saved while it was loading
    replay.keep(data, problems)
    assert _entries(cache) == []
    replay = Replay.open(cache, data_copy, TODAY, {})
    replay.keep(*load_dataset(data_copy, today=TODAY))
    assert len(_entries(cache)) == 1


def test_one_entry_per_data_root(data_copy: Path, cache: RecordCache) -> None:
    """An edit replaces the root's entry: the folder does not grow with every save."""
    load_dataset(data_copy, today=TODAY, cache=cache)
    (data_copy / STANCE_FILE).write_text(_stance_text(data_copy) + "\n")
    load_dataset(data_copy, today=TODAY, cache=cache)
    assert len(_entries(cache)) == 1 and _replayed(cache, data_copy)


def test_last_good_versions_no_file_consults_do_not_stop_a_replay(
    data_copy: Path, cache: RecordCache
) -> None:
    """The app passes the last good version of every file; a clean data set consults none of them, so a
    restart replays the load the first start made with none."""
    full = load_dataset(data_copy, today=TODAY, cache=cache)
    versions = dict(full[0].clean)
    assert _replayed(cache, data_copy, fallback=versions)
    assert_same_load(load_dataset(data_copy, today=TODAY, fallback=versions, cache=cache), full)


def test_validate_says_when_it_replayed(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that checked nothing says so, and how to check everything again."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cli-cache"))
    command = ["validate", "--today", TODAY.isoformat(), str(data_copy)]
    summaries = []
    for extra in ([], [], ["--no-cache"]):
        assert cli.main([*command[:1], *extra, *command[1:]]) == 0
        summaries.append(capsys.readouterr().out.strip().splitlines()[-1])
    first, second, uncached = summaries
    assert (
        second
        == first + " (as at the last run: no file has changed since; --no-cache checks everything again)"
    )
    assert uncached == first and first.startswith("0 problems; loaded")


def test_a_keeper_keeps_the_load_after_it_returns(data_copy: Path, cache: RecordCache) -> None:
    """With a keeper too, the load keeps each stance file's checked entry and the whole load."""
    with ThreadPoolExecutor(max_workers=1) as keeper:
        full = load_dataset(data_copy, today=TODAY, cache=cache, keeper=keeper)
    assert _replayed(cache, data_copy)
    for rel in sorted({record.origin.path for record in full[0].stances}):
        path = data_copy / rel
        assert cache.read(rel, hashlib.sha256(path.read_bytes()).hexdigest()) is not None, rel
    assert_same_load(load_dataset(data_copy, today=TODAY, cache=cache), full)


def test_the_app_keeps_its_load_for_the_next_start(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's read (stancemap/ui/data.py) keeps each full load on its writer thread, with the last good
    versions it passes, and a restart replays it."""
    from stancemap.ui import data as app_data

    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "app-cache"))
    versions = app_data.last_good(data_copy).fallback()
    data, problems = app_data.read(data_copy, TODAY, versions)
    app_data.wait_until_kept()
    cache = RecordCache.open(tmp_path / "app-cache")
    assert cache is not None and _replayed(cache, data_copy, fallback=versions)
    again, again_problems = app_data.read(data_copy, TODAY, versions)
    assert again.replayed and again == data and list(again_problems) == list(problems)


def test_the_kept_loads_are_private(data_copy: Path, cache: RecordCache) -> None:
    load_dataset(data_copy, today=TODAY, cache=cache)
    (entry,) = _entries(cache)
    assert entry.parent.stat().st_mode & 0o077 == 0
