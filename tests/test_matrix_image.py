"""The matrix image: an SVG and a PNG of the real data, complete, escaped and the same on every build."""

from __future__ import annotations

import datetime as dt
import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import generate
from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.matrix import NO_POSITION, current, matrix_long
from stancemap.derive.matrix_image import (
    LABEL_CHARS,
    MAX_ISSUES,
    MAX_PARTIES,
    RED_LINE_TEXT,
    cells_frame,
    fit,
    matrix_chart,
    matrix_png,
    matrix_svg,
    shown,
)
from stancemap.model.dataset import Dataset
from tests.conftest import TODAY

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VERSION = "0123456789ab"


@pytest.fixture(scope="module")
def svg(dataset: Dataset) -> str:
    return matrix_svg(dataset, TODAY, version=VERSION)


def texts(svg: str) -> list[str]:
    """Every piece of text drawn in the SVG, one string per <text> (a multi-line label's lines joined)."""
    root = ET.fromstring(svg)
    return [" ".join(part.strip() for part in node.itertext()) for node in root.iter(f"{SVG}text")]


def test_svg_shows_every_issue_party_and_current_level(dataset: Dataset, svg: str) -> None:
    drawn = texts(svg)
    joined = "\n".join(drawn)
    assert len(dataset.issues) > 5 and len(dataset.parties) > 2
    for issue in dataset.issues.values():
        assert issue.title in drawn
    for party in dataset.parties.values():
        assert party.name in drawn
    cells = current(dataset, as_of=TODAY)
    assert len(cells) > 10
    for record in cells.values():
        assert record.stance.level in joined
    empty = len(dataset.parties) * len(dataset.issues) - len(cells)
    assert empty > 0 and drawn.count(NO_POSITION) == empty + 1  # the cells and the legend
    red_lines = sum(record.stance.red_line for record in cells.values())
    assert red_lines > 0 and joined.count(RED_LINE_TEXT) == red_lines + 1  # the cells and the subtitle
    assert "⛔" not in joined  # emoji fonts are missing on many machines
    assert f"dataset version {VERSION}" in joined and TODAY.isoformat() in joined


def test_svg_cell_labels_are_the_apps(dataset: Dataset, svg: str) -> None:
    joined = "\n".join(texts(svg))
    for label in matrix_long(dataset, as_of=TODAY)["label"]:
        assert label.replace(" ⛔", "") in joined


def test_no_remote_resources(svg: str) -> None:
    urls = set(re.findall(r"https?://[^\s\"')]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "<image" not in svg and "@import" not in svg and "url(" not in svg


def test_images_are_reproducible(dataset: Dataset, svg: str) -> None:
    again, _ = load_dataset(ROOT, today=TODAY)  # a second load: drawn afresh, not from the first's cache
    assert again is not dataset
    assert matrix_svg(again, TODAY, version=VERSION) == svg
    assert matrix_png(again, TODAY, version=VERSION) == matrix_png(dataset, TODAY, version=VERSION)


def test_png_has_plausible_size(dataset: Dataset) -> None:
    png = matrix_png(dataset, TODAY, version=VERSION)
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    small_width, small_height = struct.unpack(
        ">II", matrix_png(dataset, TODAY, version=VERSION, scale=1)[16:24]
    )
    assert (width, height) == (2 * small_width, 2 * small_height)
    # Every party column and issue row gets room for its label.
    assert small_width >= 100 * len(dataset.parties) and small_height >= 30 * len(dataset.issues)
    assert small_width < 3000 and small_height < 3000


def test_markup_in_data_is_escaped(data_copy: Path) -> None:
    party, title = "<b>Kyiv</b> & co", '<script>alert("x")</script>'
    for name, old, new in [
        ("parties.yaml", "    name: Ukraine\n", f"    name: '{party}'\n"),
        ("issues.yaml", "    title: Crimea\n", f"    title: '{title}'\n"),
    ]:
        path = data_copy / "positions" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    assert data.parties["ukraine"].name == party and data.issues["crimea"].title == title
    svg = matrix_svg(data, TODAY, version=VERSION)
    root = ET.fromstring(svg)  # still well-formed
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}b"))
    assert "<script" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;Kyiv&lt;/b&gt; &amp; co" in svg
    assert {party, title} <= set(texts(svg))


def test_chart_can_show_a_subset(dataset: Dataset) -> None:
    issues, parties = list(dataset.issues)[:2], list(dataset.parties)[1:3]
    spec = matrix_chart(dataset, TODAY, issues=issues, parties=parties).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {row["issue"] for row in rows} == set(issues)
    assert {row["party"] for row in rows} == set(parties)
    assert len(rows) == 4


def test_as_of_before_the_data_shows_no_position(dataset: Dataset) -> None:
    svg = matrix_svg(dataset, dt.date(2000, 1, 1), version=VERSION)
    assert texts(svg).count(NO_POSITION) == len(dataset.parties) * len(dataset.issues) + 1


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Synthetic data with more parties and issues than an image shows (13 × 35)."""
    root = tmp_path_factory.mktemp("large") / "data"
    generate(root, "10x")
    data, problems = load_dataset(root, today=TODAY)
    assert problems == []
    assert len(data.parties) > MAX_PARTIES and len(data.issues) > MAX_ISSUES
    return data


def test_a_large_matrix_is_cut_to_the_busiest_and_says_so(large: Dataset) -> None:
    chosen = shown(large, TODAY)
    assert len(chosen.parties) == MAX_PARTIES and len(chosen.issues) == MAX_ISSUES
    assert list(chosen.parties) == [p for p in large.parties if p in chosen.parties]  # data order
    cells = current(large, as_of=TODAY)
    per_party = Counter(party for party, _ in cells)
    assert min(per_party[p] for p in chosen.parties) >= max(
        per_party[p] for p in large.parties if p not in chosen.parties
    )
    note = f"Showing the {MAX_PARTIES} parties (of {len(large.parties)}) and {MAX_ISSUES} issues (of "
    assert chosen.note.startswith(note)
    spec = matrix_chart(large, TODAY).to_dict()  # the spec, not the drawing: drawing 300 cells takes 3 s
    assert chosen.note in spec["title"]["subtitle"]
    rows = next(iter(spec["datasets"].values()))
    assert {row["party"] for row in rows} == set(chosen.parties)
    assert {row["issue"] for row in rows} == set(chosen.issues)


def test_asked_for_parties_and_issues_are_all_shown(large: Dataset) -> None:
    chosen = shown(large, TODAY, parties=list(large.parties), issues=list(large.issues)[:3])
    assert chosen.parties == tuple(large.parties) and len(chosen.issues) == 3 and chosen.note == ""


def test_the_svg_is_drawn_once_per_dataset(dataset: Dataset, svg: str) -> None:
    assert matrix_svg(dataset, TODAY, version=VERSION) is svg
    assert matrix_svg(dataset, TODAY, version="another") != svg


def test_long_labels_are_cut_keeping_the_evidence_count(data_copy: Path) -> None:
    issues = data_copy / "positions" / "issues.yaml"
    text = issues.read_text(encoding="utf-8")
    assert "short: yrs}" in text
    issues.write_text(text.replace("short: yrs}", "short: years of guarantees}"), encoding="utf-8")
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    labels = cells_frame(data, TODAY, issues=["guarantee-duration"])["label"].tolist()
    assert "demands · 50 years o… (2)" in labels
    assert max(map(len, labels)) == LABEL_CHARS
    assert "demands · 50 years o… (2)" in texts(matrix_svg(data, TODAY, version=VERSION))
    assert fit("conditional (3)") == "conditional (3)"
    assert fit("x" * 40) == "x" * (LABEL_CHARS - 1) + "…"


def test_each_cell_reads_as_a_sentence_to_screen_readers(dataset: Dataset, svg: str) -> None:
    root = ET.fromstring(svg)
    labels = [node.get("aria-label") for node in root.iter() if node.get("aria-label")]
    starts = {f"{i.title}, {p.name}: " for i in dataset.issues.values() for p in dataset.parties.values()}
    cells = [label for label in labels if any(label.startswith(start) for start in starts)]
    assert len(cells) == len(starts) == len(dataset.parties) * len(dataset.issues)  # one each, none repeated
    assert "Crimea, Russia: demands (1), red line" in cells
    assert "Crimea, Ukraine: no recorded position" in cells
