"""The cache of checked files on disk: a warm load gives exactly what a load without it gives, and an entry
that is truncated, edited, foreign, of another loader version or about changed files is never used."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from stancemap import cli
from stancemap.check.checked_files import CacheSession
from stancemap.check.context import LoadContext
from stancemap.check.load import load_dataset
from stancemap.check.record_cache import CACHE_VARIABLE, UNUSED_DAYS, RecordCache
from stancemap.check.stages import STAGES
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem
from tests.conftest import TODAY, copy_data
from tests.test_bad_data import apply_case

BAD_CASES = sorted(p for p in (Path(__file__).parent / "data" / "bad").iterdir() if p.is_dir())


def _load(root: Path, cache: RecordCache | None) -> tuple[Dataset, list[Problem]]:
    return load_dataset(root, today=TODAY, cache=cache)


def _summary(data: Dataset) -> list[tuple[object, ...]]:
    """Everything a stance record holds, in a comparable form."""
    return [(r.issue, r.stance, str(r.as_of), r.origin, r.matches) for r in data.stances]


def _entries(cache: RecordCache) -> list[Path]:
    return sorted((cache.folder / "checked").glob("*.json"))


def _forget_loads(cache: RecordCache) -> None:
    """Remove the kept whole loads (replay.py), so the next load reads its files through the checked ones."""
    shutil.rmtree(cache.folder / "loads", ignore_errors=True)


def _hits(cache: RecordCache, root: Path) -> set[str]:
    """The files a load of `root` took from the cache."""
    session = CacheSession(cache)

    context = LoadContext(root, TODAY, cache=session)
    for _name, stage in STAGES:
        stage(context)
    return {rel for rel, seen in session.seen.items() if seen.hit}


@pytest.fixture
def cache(tmp_path: Path) -> RecordCache:
    opened = RecordCache.open(tmp_path / "cache")
    assert opened is not None
    return opened


def test_warm_load_equals_a_load_without_cache(data_copy: Path, cache: RecordCache) -> None:
    plain, plain_problems = _load(data_copy, None)
    cold, cold_problems = _load(data_copy, cache)
    stance_files = {r.origin.path for r in plain.stances}
    assert len(_entries(cache)) >= len(stance_files) > 0
    assert _hits(cache, data_copy) >= stance_files
    warm, warm_problems = _load(data_copy, cache)
    assert plain_problems == cold_problems == warm_problems == []
    assert _summary(warm) == _summary(cold) == _summary(plain)
    assert [e.event for e in warm.events] == [e.event for e in plain.events]
    assert [e.match for e in warm.events] == [e.match for e in plain.events]


def test_cache_folder_is_private(cache: RecordCache) -> None:
    assert (cache.folder / "key").stat().st_mode & 0o077 == 0
    assert (cache.folder / "checked").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("case", BAD_CASES, ids=[c.name for c in BAD_CASES])
def test_golden_bad_cases_give_the_same_problems_on_a_warm_cache(
    case: Path, tmp_path: Path, cache: RecordCache
) -> None:
    root = copy_data(tmp_path / "data")
    _load(root, cache)  # every clean file cached
    apply_case(case, root)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    for _ in range(2):  # the first load finds the changed files changed, the second any new entries
        _, problems = _load(root, cache)
        assert [str(p) for p in problems] == expected


def _stance_file(root: Path) -> Path:
    return sorted((root / "positions" / "stances").glob("*.yaml"))[0]


def test_an_edited_file_is_checked_again(data_copy: Path, cache: RecordCache) -> None:
    _load(data_copy, cache)
    path = _stance_file(data_copy)
    text = path.read_text(encoding="utf-8")
    first_quote = next(line for line in text.splitlines() if "quote:" in line)
    path.write_text(text.replace(first_quote, "        quote: words no source ever printed here", 1))
    _, problems = _load(data_copy, cache)
    assert any("quote not found" in p.message and p.path.endswith(path.name) for p in problems)


def test_a_changed_source_is_searched_again(data_copy: Path, cache: RecordCache) -> None:
    """The quotes of a cached file are found again when a source they cite has other bytes."""
    data, _ = _load(data_copy, cache)
    record = data.stances[0]
    evidence = record.stance.evidence[0]
    source = data.sources[evidence.source]
    seed = data_copy / "seeds" / source.file
    start, end = record.matches[0].spans[0]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text[:start] + "[removed]" + text[end:], encoding="utf-8")
    registry = data_copy / "seeds" / "sources.yaml"
    if source.sha256 is not None:
        import hashlib

        new = hashlib.sha256(seed.read_bytes()).hexdigest()
        registry.write_text(registry.read_text(encoding="utf-8").replace(source.sha256, new))
    _, problems = _load(data_copy, cache)
    assert any(p.path == record.origin.path and "quote not found" in p.message for p in problems), problems


def _rewrite(entry: Path, change: callable) -> None:  # type: ignore[valid-type]
    entry.write_bytes(change(entry.read_bytes()))


# Ways a cache entry is found damaged: cut short by a crash, emptied, overwritten, stripped of its signature.
DAMAGES = [
    pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: b"\x00\xff" * 50, id="garbage"),
    pytest.param(lambda raw: raw.split(b"\n", 1)[1], id="unsigned"),
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_entry_is_ignored_and_rebuilt(data_copy: Path, cache: RecordCache, damage: object) -> None:
    plain, _ = _load(data_copy, None)
    _load(data_copy, cache)
    for entry in _entries(cache):
        _rewrite(entry, damage)  # type: ignore[arg-type]
    assert _hits(cache, data_copy) == set()
    _forget_loads(cache)
    again, problems = _load(data_copy, cache)
    assert problems == [] and _summary(again) == _summary(plain)
    assert _hits(cache, data_copy) >= {r.origin.path for r in plain.stances}  # rebuilt


def test_an_edited_quote_in_an_entry_is_not_trusted(data_copy: Path, cache: RecordCache) -> None:
    """An entry whose JSON was edited (a quote that does not match its source) fails its signature: the
    file is read and checked again, and the quote loaded is the file's."""
    plain, _ = _load(data_copy, cache)
    record = plain.stances[0]
    quote = record.stance.evidence[0].quote
    edited = 0
    for entry in _entries(cache):
        raw = entry.read_bytes()
        if json.dumps(quote, ensure_ascii=False)[1:-1].encode() in raw:
            entry.write_bytes(raw.replace(json.dumps(quote, ensure_ascii=False)[1:-1].encode(), b"not said"))
            edited += 1
    assert edited
    assert record.origin.path not in _hits(cache, data_copy)
    _forget_loads(cache)
    data, problems = _load(data_copy, cache)
    assert problems == []
    assert _summary(data) == _summary(plain)


def test_an_entry_signed_with_another_key_is_ignored(
    data_copy: Path, tmp_path: Path, cache: RecordCache
) -> None:
    other = RecordCache.open(tmp_path / "other")
    assert other is not None
    _load(data_copy, other)
    for entry in _entries(other):
        shutil.copy(entry, cache.folder / "checked" / entry.name)
    assert _hits(cache, data_copy) == set()


def test_an_entry_of_another_loader_version_is_ignored(data_copy: Path, cache: RecordCache) -> None:
    """Signed with the right key, but written by another version of the loader (as after an upgrade)."""
    _load(data_copy, cache)
    for entry in _entries(cache):
        body = json.loads(entry.read_bytes().split(b"\n", 1)[1])
        body["version"] = "0" * 64
        raw = json.dumps(body).encode()
        entry.write_bytes(b"stancemap-checked-file 1 " + cache._sign(raw) + b"\n" + raw)
    assert _hits(cache, data_copy) == set()


def test_a_cut_key_starts_a_new_key(tmp_path: Path) -> None:
    first = RecordCache.open(tmp_path / "c")
    assert first is not None
    (tmp_path / "c" / "key").write_bytes(b"short")
    second = RecordCache.open(tmp_path / "c")
    assert second is not None and len((tmp_path / "c" / "key").read_bytes()) == 32


def test_validate_no_cache_writes_nothing(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cli-cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    assert cli.main(["validate", "--no-cache", "--today", TODAY.isoformat(), str(data_copy)]) == 0
    assert not list(folder.glob("checked/*.json"))
    assert cli.main(["validate", "--today", TODAY.isoformat(), str(data_copy)]) == 0
    assert list(folder.glob("checked/*.json"))


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 24 * 60 * 60
    os.utime(path, (then, then))


def test_entries_unused_for_a_month_are_pruned(data_copy: Path, cache: RecordCache) -> None:
    """A full load removes, once a day, the entries no load used for UNUSED_DAYS: an edited file's old
    version and a deleted folder's kept load go, the entries the load used stay, and so does the key."""
    _load(data_copy, cache)
    path = _stance_file(data_copy)
    old_version = cache.entry_path(path.relative_to(data_copy).as_posix(), _sha256(path))
    everything = [*_entries(cache), *(cache.folder / "loads").glob("*.json")]
    assert old_version in everything
    for entry in everything:
        _age(entry, UNUSED_DAYS + 1)
    gone_root = cache.folder / "loads" / ("0" * 64 + ".json")  # the kept load of a folder since deleted
    shutil.copy(everything[-1], gone_root)
    _age(gone_root, UNUSED_DAYS + 1)
    leftover = cache.folder / "checked" / ".tmp-crash"
    leftover.write_bytes(b"half an entry")
    _age(leftover, 2)
    _age(cache.folder / "pruned", 2)
    path.write_text(path.read_text(encoding="utf-8") + "\n")
    _, problems = _load(data_copy, cache)  # a full load: the other files are used from their entries
    assert problems == []
    assert not old_version.exists() and not leftover.exists() and not gone_root.exists()
    new_version = cache.entry_path(path.relative_to(data_copy).as_posix(), _sha256(path))
    assert set(_entries(cache)) == {e for e in everything if e.parent.name == "checked"} - {old_version} | {
        new_version
    }
    assert (cache.folder / "key").exists()
    assert cache.prune() == []  # not again the same day


def test_a_fresh_entry_is_never_pruned(data_copy: Path, cache: RecordCache) -> None:
    _load(data_copy, cache)
    entries = _entries(cache)
    _age(cache.folder / "pruned", 2)
    assert cache.prune() == [] and _entries(cache) == entries


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
