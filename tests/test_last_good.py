"""Last known good: a file whose version on disk has problems is loaded from its last good version (the
same loader, given a fallback), recorded as stale, and never a version that does not validate; the versions
survive a restart in a content-addressed snapshot folder that ignores anything corrupt or foreign."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from stancemap.check.lastgood import INDEX, OBJECTS, LastGood, read_snapshots
from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.disappeared import Inventory, gone
from stancemap.derive.frames import PREVIOUS_VERSION_MARK, cell_text
from stancemap.model.dataset import Dataset
from stancemap.ui.data import fingerprint
from stancemap.ui.notices import gone_html, stale_html
from tests.conftest import TODAY

PARTIES, ISSUES, SOURCES = "positions/parties.yaml", "positions/issues.yaml", "seeds/sources.yaml"
CRIMEA = "positions/stances/crimea.yaml"
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def good() -> tuple[Dataset, dict[str, str]]:
    """The bundled data and the text of every file in it (all clean): the last good versions."""
    data, problems = load_dataset(ROOT, today=TODAY)
    assert problems == [] and len(data.clean) > 15
    return data, dict(data.clean)


def stance_keys(data: Dataset) -> list[tuple[str, str, str]]:
    return [(r.party, r.issue, str(r.as_of)) for r in data.stances]


def utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def test_every_file_of_clean_data_is_a_last_good_version(good: tuple[Dataset, dict[str, str]]) -> None:
    data, texts = good
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "positions").rglob("*.yaml")}
    on_disk |= {SOURCES} | {f"seeds/{s.file}" for s in data.sources.values()}
    assert set(texts) == on_disk - {"positions/_template.yaml"}
    assert texts[CRIMEA] == (ROOT / CRIMEA).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "rel, breaks",
    [
        (PARTIES, utf16),
        (ISSUES, lambda p: p.write_text("- a list\n")),
        (SOURCES, lambda p: p.unlink()),
        (CRIMEA, lambda p: p.write_text(p.read_text().replace("one million", "one billion"))),
        ("seeds/003_4d4b4e0dc82775e1.txt", lambda p: p.write_text("changed\n")),
    ],
    ids=["parties", "issues", "sources", "stance file", "seed"],
)
def test_a_broken_file_is_served_from_its_last_good_version(
    rel: str, breaks: Callable[[Path], None], data_copy: Path, good: tuple[Dataset, dict[str, str]]
) -> None:
    clean, texts = good
    breaks(data_copy / rel)
    on_disk, disk_problems = load_dataset(data_copy, today=TODAY)
    assert disk_problems and len(on_disk.stances) < len(clean.stances)
    data, problems = load_dataset(data_copy, today=TODAY, fallback=texts)
    assert stance_keys(data) == stance_keys(clean)
    assert list(data.stale) == [rel]
    # The problems of the version on disk are still reported, in the banner's record and the list.
    assert [p for p in problems if p.path == (SOURCES if rel.startswith("seeds/0") else rel)]
    assert data.stale[rel].problems and set(data.stale[rel].problems) <= set(problems)
    assert data.stale[rel].good_sha256 == hashlib.sha256(texts[rel].encode()).hexdigest()
    assert rel not in data.clean and (rel == CRIMEA or CRIMEA in data.clean)
    assert (data.stale[rel].since is None) == (rel == SOURCES)


def test_stances_from_a_previous_version_are_marked(
    data_copy: Path, good: tuple[Dataset, dict[str, str]]
) -> None:
    crimea = data_copy / CRIMEA
    crimea.write_text(crimea.read_text().replace("one million", "one billion"))
    data, _ = load_dataset(data_copy, today=TODAY, fallback=good[1])
    marks = {r.issue: cell_text(data, r, TODAY).endswith(PREVIOUS_VERSION_MARK) for r in data.stances}
    assert marks.pop("crimea") is True and not any(marks.values())
    banner = stale_html(data, lambda rel: None)
    assert "positions/stances/crimea.yaml has a problem since it was saved at" in banner
    assert "Readers see its previous version" in banner and "quote not found" in banner
    assert f"The stance from it carries the mark {PREVIOUS_VERSION_MARK}" in banner


def test_a_last_good_version_that_does_not_validate_now_is_not_served(
    data_copy: Path, good: tuple[Dataset, dict[str, str]]
) -> None:
    texts = dict(good[1])
    crimea = data_copy / CRIMEA
    crimea.write_text(crimea.read_text().replace("one million", "one billion"))
    # Its last good version names a party that positions/parties.yaml (clean, so current) no longer has.
    parties = data_copy / PARTIES
    parties.write_text(parties.read_text().replace("id: russia", "id: russian-federation"))
    data, problems = load_dataset(data_copy, today=TODAY, fallback=texts)
    assert data.stale == {} and "crimea" not in {r.issue for r in data.stances}
    assert any(p.path == CRIMEA and "quote not found" in p.message for p in problems)
    # Garbage as a last good version is not served either.
    data, _ = load_dataset(data_copy, today=TODAY, fallback={CRIMEA: "issue: [\n"})
    assert data.stale == {}


def test_without_a_fallback_nothing_is_stale_and_validate_reports_the_disk(
    data_copy: Path, good: tuple[Dataset, dict[str, str]], tmp_path: Path
) -> None:
    utf16(data_copy / PARTIES)
    data, _ = load_dataset(data_copy, today=TODAY)
    assert data.stale == {} and data.stances == []
    snapshots = tmp_path / "snapshots"
    store = LastGood(snapshots)
    store.keep(good[1], {}, NOW)
    store.flush()
    result = subprocess.run(
        [sys.executable, "-m", "stancemap", "validate", str(data_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"STANCEMAP_SNAPSHOT_DIR": str(snapshots), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1 and "positions/parties.yaml could not be read" in result.stdout


def test_last_good_versions_survive_a_restart(tmp_path: Path, good: tuple[Dataset, dict[str, str]]) -> None:
    folder = tmp_path / "snapshots"
    first = LastGood(folder)
    first.keep(good[1], {}, NOW)
    first.flush()
    assert LastGood(folder).fallback() == good[1]
    # A newer clean version replaces the older; the older object is dropped.
    newer = good[1][CRIMEA] + "# a comment\n"
    store = LastGood(folder)
    store.keep({CRIMEA: newer}, {}, NOW)
    store.flush()
    assert LastGood(folder).fallback()[CRIMEA] == newer
    assert len(list((folder / OBJECTS).iterdir())) == len(good[1])


def test_corrupt_or_foreign_snapshots_are_ignored(
    tmp_path: Path, good: tuple[Dataset, dict[str, str]]
) -> None:
    folder = tmp_path / "snapshots"
    store = LastGood(folder)
    store.keep(good[1], {}, NOW)
    store.flush()
    index = json.loads((folder / INDEX).read_text())
    crimea_object = folder / OBJECTS / index["files"][CRIMEA]
    crimea_object.write_text(crimea_object.read_text().replace("Crimea", "Kuban"))  # tampered
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    foreign = hashlib.sha256(b"token").hexdigest()
    (folder / OBJECTS / foreign).symlink_to(secret)  # a link out of the folder
    index["files"] |= {"../secret.txt": foreign, "/etc/passwd": foreign, "positions/x.yaml": foreign}
    index["files"]["positions/y.yaml"] = "not-a-sha"
    (folder / INDEX).write_text(json.dumps(index))
    texts = read_snapshots(folder)
    assert CRIMEA not in texts and not {"../secret.txt", "/etc/passwd", "positions/x.yaml"} & set(texts)
    assert len(texts) == len(good[1]) - 1
    (folder / INDEX).write_text("{not json")
    assert read_snapshots(folder) == {}
    assert read_snapshots(tmp_path / "missing") == {}


def test_the_fingerprint_sees_a_file_turned_into_an_empty_folder(data_copy: Path) -> None:
    crimea = data_copy / CRIMEA
    crimea.unlink()
    deleted = fingerprint(data_copy)
    crimea.mkdir()
    assert fingerprint(data_copy) != deleted
    _, problems = load_dataset(data_copy, today=TODAY)
    assert [p.path for p in problems] == [CRIMEA]
    # A data folder gone, or a file in its place, are two states, each with problems of its own.
    shutil.rmtree(data_copy / "positions")
    missing = fingerprint(data_copy)
    (data_copy / "positions").write_text("not a folder")
    assert fingerprint(data_copy) != missing


def test_what_disappeared_since_the_data_served_before(data_copy: Path, dataset: Dataset) -> None:
    (data_copy / CRIMEA).unlink()
    sources = data_copy / SOURCES
    sources.write_text(sources.read_text().replace("id: bloomberg-kyiv-talks", "id: bloomberg-kyiv"))
    after, _ = load_dataset(data_copy, today=TODAY)
    lost = gone(Inventory.of(dataset), Inventory.of(after))
    assert "Russia on Crimea, as of 2025" in lost.stances
    assert any("(bloomberg-kyiv-talks)" in s for s in lost.sources) and not lost.parties and not lost.issues
    html = gone_html(lost)
    assert "Since the last load of the data, these are no longer shown" in html
    assert "Russia on Crimea" in html
    assert (
        not gone(Inventory.of(dataset), Inventory.of(dataset))
        and gone_html(gone(Inventory.of(dataset), Inventory.of(dataset))) == ""
    )
