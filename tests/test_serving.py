"""What keeps reruns cheap for many sessions: derived views built once per data set, quote results kept with
their source, the loader's frozen data, and the Streamlit settings that stop per-run and per-session work."""

from __future__ import annotations

import copy
import dataclasses
import gc
import threading
import tomllib
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stancemap.check.load import ROOT, load_dataset
from stancemap.check.quotes import check_quote
from stancemap.derive.frames import Matrix, build_matrix
from stancemap.model.dataset import DERIVED_MAX, Dataset
from stancemap.ui.data import SharedScan, fingerprint, read
from stancemap.ui.matrix_view import _label_columns
from tests.conftest import TODAY


def matrix_of(data: Dataset, parties: tuple[str, ...] | None = None, quoted_only: bool = False) -> Matrix:
    return build_matrix(
        data,
        parties=parties or tuple(data.parties),
        issues=tuple(data.issues),
        as_of=None,
        quoted_only=quoted_only,
        today=TODAY,
    )


def test_the_matrix_is_built_once_per_data_set_and_filter() -> None:
    data, _ = load_dataset(ROOT, today=TODAY)
    first = matrix_of(data)
    assert matrix_of(data) is first
    assert matrix_of(data, quoted_only=True) is not first
    assert matrix_of(data, parties=("russia", "ukraine")) is not first
    assert list(matrix_of(data, parties=("russia", "ukraine")).text.columns) == ["Russia", "Ukraine"]
    # Another load of the same files is another data set, with views of its own.
    again, _ = load_dataset(ROOT, today=TODAY)
    assert matrix_of(again) is not first
    assert matrix_of(again).text.equals(first.text)


def test_a_copy_of_the_label_settings_shares_only_the_options() -> None:
    """st.dataframe copies each column's settings on every run and adds its own keys to the copy: the copy
    must be a plain dict of its own at both levels, so the additions never reach the settings every session
    shares, while the 3,000 options at 10,000 stances are shared, not copied."""
    data, _ = load_dataset(ROOT, today=TODAY)
    settings = _label_columns(matrix_of(data))
    party = next(name for name in settings if name)
    shared = settings[party]
    copied = copy.deepcopy(shared)
    assert type(copied) is dict and copied == shared
    assert copied["type_config"] is not shared["type_config"]
    assert copied["type_config"]["options"] is shared["type_config"]["options"]
    copied["hidden"] = True
    copied["type_config"]["type"] = "changed"
    assert "hidden" not in shared and shared["type_config"]["type"] == "multiselect"


def test_a_copied_data_set_does_not_inherit_derived_views() -> None:
    data, _ = load_dataset(ROOT, today=TODAY)
    first = matrix_of(data)
    fewer = dataclasses.replace(data, stances=data.stances[:1])
    assert matrix_of(fewer) is not first
    assert (matrix_of(fewer).levels != "no recorded position").sum().sum() == 1


def test_derived_views_are_bounded_least_recently_used_first() -> None:
    data = Dataset()
    builds: list[int] = []

    def build(n: int) -> int:
        builds.append(n)
        return n

    for n in range(DERIVED_MAX):
        data.derived(n, lambda n=n: build(n))
    data.derived(0, lambda: build(-1))  # a hit: 0 becomes the most recently used
    data.derived(DERIVED_MAX, lambda: build(DERIVED_MAX))  # one over: 1, the least recently used, goes
    assert builds == list(range(DERIVED_MAX + 1))
    data.derived(0, lambda: build(-1))
    data.derived(1, lambda: build(1))
    assert builds[-1] == 1 and -1 not in builds


def test_a_derived_view_may_be_built_from_another() -> None:
    data = Dataset()
    outer = data.derived("outer", lambda: data.derived("inner", lambda: 1) + 1)
    assert outer == 2 and data.derived("inner", lambda: 0) == 1


def test_a_quote_checked_again_gives_the_same_answer_and_callers_cannot_change_it(dataset: Dataset) -> None:
    text = dataset.texts["bloomberg-berlin-talks"]
    quote = "Russia, “one million percent,” won’t cede control of the Crimean peninsula"
    defects, match = check_quote(quote, text)
    assert defects == [] and match is not None
    assert check_quote(quote, text) == ([], match)
    bad = "Russia\u200b, “one million percent,”"
    found, _ = check_quote(bad, text)
    assert len(found) == 1 and "U+200B" in found[0]
    found.append("changed by a caller")
    assert check_quote(bad, text)[0] == found[:1]


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_app_loader_freezes_the_data_and_restores_collection(unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0
    data, problems = read(ROOT, TODAY)
    assert problems == () and len(data.stances) > 0
    assert gc.get_freeze_count() > len(data.stances)
    assert gc.isenabled()
    gc.disable()
    try:
        read(ROOT, TODAY)
        assert not gc.isenabled()  # a caller's choice to keep collection off stands
    finally:
        gc.enable()


class Node:
    """An object that can be part of a reference cycle."""

    partner: Node | None = None


def test_cyclic_garbage_frozen_by_one_load_is_collected_by_the_next(unfrozen: None) -> None:
    ring = Node()
    ring.partner = ring
    alive = weakref.ref(ring)
    read(ROOT, TODAY)  # freezes everything alive, the ring included
    del ring
    gc.collect()
    assert alive() is not None  # frozen: out of the collector's sight, so not freed
    read(ROOT, TODAY)
    assert alive() is None


def test_streamlit_settings_that_serve_many_sessions_are_kept() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False, "a full gc.collect() after every run walks the data"
    assert config["server"]["fileWatcherType"] == "none", "per-session source watchers cost more than a run"
    assert config["client"]["showErrorDetails"] == "none"


def test_the_data_reload_key_changes_with_any_file(data_copy: Path) -> None:
    before = fingerprint(data_copy)
    assert {path for path, _, _ in before} >= {"seeds/sources.yaml", "positions/stances/crimea.yaml"}
    (data_copy / "positions" / "stances" / "new.yaml").write_text("issue: crimea\n", encoding="utf-8")
    after = fingerprint(data_copy)
    assert len(after) == len(before) + 1 and "positions/stances/new.yaml" in {p for p, _, _ in after}


def test_a_shared_scan_never_answers_with_a_digest_older_than_the_call(data_copy: Path) -> None:
    scan = SharedScan()
    crimea = data_copy / "positions" / "stances" / "crimea.yaml"
    first = scan.digest(data_copy)
    assert scan.digest(data_copy) == first and scan.scans == 2  # each call came after the last scan began
    crimea.write_text(crimea.read_text(encoding="utf-8").replace("demands", "rejects"), encoding="utf-8")
    assert scan.digest(data_copy) != first


def test_concurrent_callers_all_see_an_edit_made_before_they_asked(data_copy: Path) -> None:
    scan = SharedScan()
    before = scan.digest(data_copy)
    crimea = data_copy / "positions" / "stances" / "crimea.yaml"
    crimea.write_text(crimea.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    start = threading.Barrier(16)

    def call() -> str:
        start.wait()
        return scan.digest(data_copy)

    with ThreadPoolExecutor(16) as pool:
        seen = list(pool.map(lambda _: call(), range(16)))
    assert set(seen) == {seen[0]} and seen[0] != before
    assert scan.scans >= 2
