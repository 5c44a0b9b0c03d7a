"""The bundled data: validates clean, fills every cell the sources support, and exports faithfully."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stancemap.check.load import ROOT
from stancemap.derive.export import COLUMNS, evidence_table, to_csv, to_json
from stancemap.derive.matrix import current, history
from stancemap.model.dataset import Dataset

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
CORE_ISSUES = ["territory", "donbas", "crimea", "guarantee-duration", "elections", "foreign-troops"]

# What the five sources support for the four parties on the six core issues; every other core cell is
# silent in the sources and must stay empty ("no recorded position").
EXPECTED_CORE = {
    ("russia", "territory"): "demands",
    ("ukraine", "territory"): "opposes",
    ("russia", "donbas"): "demands",
    ("ukraine", "donbas"): "rejects",
    ("us", "donbas"): "supports",
    ("russia", "crimea"): "demands",
    ("ukraine", "guarantee-duration"): "demands",
    ("us", "guarantee-duration"): "supports",
    ("ukraine", "elections"): "conditional",
    ("us", "elections"): "demands",
    ("europe", "foreign-troops"): "supports",
    ("ukraine", "foreign-troops"): "supports",
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stancemap", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_passes_on_the_bundled_data() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("0 problems; loaded 5 sources, 4 parties")


def test_output_to_a_reader_that_left_ends_without_a_traceback() -> None:
    """`python -m stancemap export | head`: the pipe closes before the output is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "stancemap", "export", "--format", "csv"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr


def test_validate_fails_with_exit_1_and_path_line_col(data_copy: Path) -> None:
    crimea = data_copy / "positions" / "stances" / "crimea.yaml"
    crimea.write_text(
        crimea.read_text(encoding="utf-8").replace("one million", "one billion"), encoding="utf-8"
    )
    result = run_cli("validate", str(data_copy))
    assert result.returncode == 1
    assert result.stdout.startswith("positions/stances/crimea.yaml:10:16: quote not found in source")
    assert "1 problem;" in result.stderr


def test_validate_gives_one_root_cause_line_per_file_for_an_unreadable_registry(data_copy: Path) -> None:
    parties = data_copy / "positions" / "parties.yaml"
    parties.write_bytes(parties.read_text(encoding="utf-8").encode("utf-16"))
    result = run_cli("validate", str(data_copy))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "positions/parties.yaml:1:1: file is saved as UTF-16; save it as UTF-8"
    stance_files = sorted(p.relative_to(data_copy).as_posix() for p in data_copy.glob("positions/stances/*"))
    assert [line.split(":")[0] for line in lines[1:]] == stance_files
    assert all("could not be read (see its problem above)" in line for line in lines[1:])
    assert "unknown party" not in result.stdout


def test_core_cells_match_the_sources(dataset: Dataset) -> None:
    cells = current(dataset)
    core = {key: record.stance.level for key, record in cells.items() if key[1] in CORE_ISSUES}
    assert core == EXPECTED_CORE


def test_red_lines(dataset: Dataset) -> None:
    red = {(r.party, r.issue) for r in dataset.stances if r.stance.red_line}
    assert red == {("russia", "crimea"), ("russia", "territory"), ("ukraine", "security-guarantees")}


def test_histories_are_dated_and_ordered(dataset: Dataset) -> None:
    troops = history(dataset, "europe", "foreign-troops")
    assert [r.stance.level for r in troops] == ["conditional", "supports"]
    assert [str(r.as_of) for r in troops] == ["2025-12-23/2025-12-31", "2026-01-03/2026-01-05"]
    assert len(history(dataset, "ukraine", "ratification")) == 2


def test_every_quote_is_verified_with_spans_inside_its_source(dataset: Dataset) -> None:
    checked = 0
    for record in dataset.stances:
        for evidence, match in record.evidence():
            text = dataset.texts[evidence.source].text
            assert match.spans and all(0 <= a < b <= len(text) for a, b in match.spans)
            checked += 1
    assert checked == 32


def test_crimea_quote_and_speaker(dataset: Dataset) -> None:
    record = current(dataset)[("russia", "crimea")]
    evidence, match = record.evidence()[0]
    start, end = match.spans[0]
    assert "“one million percent,”" in dataset.texts["bloomberg-berlin-talks"].text[start:end]
    assert evidence.speaker.name == "Yuri Ushakov"
    assert evidence.kind == "partial"


def test_inferred_attribution_is_marked(dataset: Dataset) -> None:
    inferred = [ev for r in dataset.stances for ev in r.stance.evidence if ev.attribution == "inferred"]
    assert [ev.quote for ev in inferred] == [
        "Current proposals set out a 15-year term with the possibility for an extension."
    ]


@pytest.mark.parametrize(
    "source_id",
    [
        "bloomberg-kyiv-talks",
        "arcamax-paris-talks",
        "menafn-kyiv-talks",
        "bloomberg-berlin-talks",
        "guarantees-january-report",
    ],
)
def test_sources_are_registered_with_their_hash(dataset: Dataset, source_id: str) -> None:
    source = dataset.sources[source_id]
    raw = (ROOT / "seeds" / source.file).read_bytes()
    assert source.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.skipif(
    not SHARED_SEEDS.is_dir(), reason="the original seeds (../shared/seeds) are not beside the repo"
)
def test_seeds_are_byte_identical_to_the_originals() -> None:
    originals = sorted(SHARED_SEEDS.glob("*.txt"))
    assert len(originals) == 5
    for original in originals:
        assert (ROOT / "seeds" / original.name).read_bytes() == original.read_bytes(), original.name


def test_export_json_round_trips(dataset: Dataset) -> None:
    result = run_cli("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == json.loads(to_json(evidence_table(dataset)))
    assert len(rows) == 32 and list(rows[0]) == list(COLUMNS)
    for row in rows:
        text = dataset.texts[row["source"]].text
        spans = [tuple(map(int, s.split("-"))) for s in row["quote_spans"].split(";")]
        assert text[spans[0][0] : spans[-1][1]], row


def test_export_csv_round_trips(dataset: Dataset) -> None:
    result = run_cli("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    table = evidence_table(dataset)
    assert result.stdout == to_csv(table)
    assert [r["quote"] for r in rows] == list(table["quote"])
    assert {r["kind"] for r in rows} == {"direct", "partial", "paraphrase", "readout"}
    crimea = next(r for r in rows if r["issue"] == "crimea")
    assert crimea["red_line"] == "true" and crimea["speaker"] == "Yuri Ushakov"
    assert {r["red_line"] for r in rows} == {"true", "false"}


def test_an_export_row_is_citable_on_its_own(dataset: Dataset) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(evidence_table(dataset)))))
    crimea = next(r for r in rows if r["issue"] == "crimea")
    assert crimea["party_name"] == "Russia" and crimea["issue_title"] == "Crimea"
    assert crimea["proposition"] == dataset.issues["crimea"].proposition
    source = dataset.sources[crimea["source"]]
    assert (crimea["source_headline"], crimea["source_outlet"]) == (source.headline, source.outlet)
    quantities = [r["quantity"] for r in rows if r["quantity"]]
    assert quantities and all(not q.endswith(".0") for q in quantities), quantities
