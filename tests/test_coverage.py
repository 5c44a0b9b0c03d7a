"""`coverage`: evidence per issue × party, empty cells and uncited sources, on the bundled data and a copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancemap.check.load import load_dataset
from stancemap.cli import main
from stancemap.curate.coverage import empty_cells, evidence_grid, format_table, report, uncited_sources
from stancemap.model.dataset import Dataset
from tests.conftest import TODAY


def test_grid_counts_every_evidence_item(dataset: Dataset) -> None:
    grid = evidence_grid(dataset)
    assert list(grid.index) == list(dataset.issues) and list(grid.columns) == list(dataset.parties)
    assert int(grid.to_numpy().sum()) == sum(len(r.stance.evidence) for r in dataset.stances)
    assert grid.loc["donbas", "russia"] == 3
    # Both dated Europe stances on foreign troops count: 2 + 1.
    assert grid.loc["foreign-troops", "europe"] == 3


def test_empty_cells_and_uncited_sources(dataset: Dataset) -> None:
    cells = empty_cells(dataset)
    assert len(cells) == len(dataset.parties) * len(dataset.issues) - len(
        {(r.party, r.issue) for r in dataset.stances}
    )
    assert ("us", "crimea") in cells and ("russia", "crimea") not in cells
    assert uncited_sources(dataset) == []


def test_table_is_aligned(dataset: Dataset) -> None:
    table = format_table(evidence_grid(dataset)).splitlines()
    header, rule = table[0], table[1]
    assert header.split() == ["issue", *dataset.parties, "total"]
    # Every column ends where its rule ends.
    ends = [i + 1 for i, (a, b) in enumerate(zip(rule, rule[1:] + " ", strict=True)) if a == "-" and b == " "]
    for line in table[2:]:
        if line.startswith("-"):
            continue
        for end in ends[1:]:
            assert line[end - 1] != " ", (line, end)
    grid = evidence_grid(dataset)
    totals = [str(int(grid[party].sum())) for party in dataset.parties]
    assert table[-1].split() == ["total", *totals, str(int(grid.to_numpy().sum()))]


def test_report_lists_uncited_sources(data_copy: Path) -> None:
    extra = data_copy / "seeds" / "009_0000000000000000.txt"
    extra.write_text("An article nobody cites yet.\n", encoding="utf-8")
    with (data_copy / "seeds" / "sources.yaml").open("a", encoding="utf-8") as out:
        out.write(
            "\n  - id: uncited-report\n    file: 009_0000000000000000.txt\n    headline: Nobody cites this\n"
            "    published: 2026-01-02\n    published_basis: test fixture\n"
        )
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    assert uncited_sources(data) == ["uncited-report"]
    assert "  uncited-report  (seeds/009_0000000000000000.txt)" in report(data)


def test_cli_coverage(dataset: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    evidence = sum(len(r.stance.evidence) for r in dataset.stances)
    assert out.startswith(
        f"Evidence items per issue × party ({len(dataset.stances)} stances, {evidence} evidence"
    )
    cells = empty_cells(dataset)
    assert f"Empty cells ({len(cells)} of {len(dataset.parties) * len(dataset.issues)}):" in out
    assert "  crimea               ukraine, us, europe" in out
    assert out.rstrip().endswith(f"Sources no stance cites (0 of {len(dataset.sources)}):\n  none")
