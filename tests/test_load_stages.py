"""The loader's named stages, its problem collector and the "today" it passes to the models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from stancemap.check.load import load_dataset
from stancemap.check.stages import STAGES
from stancemap.model.problems import Problem, Problems
from stancemap.model.schema import Source, Stance
from stancemap.yamlio.parse import parse_yaml
from tests.conftest import TODAY

STANCE_YAML = """\
issue: crimea
stances:
  - party: russia
    level: demands
    summary: Keeps Crimea
    as_of: 2027-01
    evidence:
      - source: some-source
        quote: words
        speaker: {name: Someone}
        kind: paraphrase
"""


def test_stages_run_in_dependency_order() -> None:
    assert [name for name, _ in STAGES] == ["sources", "parties", "issues", "stances", "events"]


def test_problems_are_placed_at_the_node_they_name() -> None:
    doc, found = parse_yaml(STANCE_YAML, "positions/stances/crimea.yaml")
    assert doc is not None and found == []
    collected: list[Problem] = []
    problems = Problems(doc.path, doc, collected)
    problems.add(("stances", 0, "evidence", 0, "quote"), "quote: not found")
    problems.add(("stances", 0, "evidence", 0, "no-such-key"), "falls back to the nearest node")
    problems.add_at(0, 0, "whole file")
    assert [str(p) for p in collected] == [
        "positions/stances/crimea.yaml:9:16: quote: not found",
        "positions/stances/crimea.yaml:8:9: falls back to the nearest node",
        "positions/stances/crimea.yaml: whole file",
    ]


def test_dates_are_checked_against_the_today_in_the_validation_context() -> None:
    doc, _ = parse_yaml(STANCE_YAML, "crimea.yaml")
    assert doc is not None and isinstance(doc.value, dict)
    record = doc.value["stances"][0]
    with pytest.raises(ValidationError, match=r"2027-01 is in the future \(today is 2026-11-24\)"):
        Stance.model_validate(record, context={"today": TODAY})
    # The schema alone does not read the clock: without a today there is nothing to be in the future of.
    assert str(Stance.model_validate(record).as_of) == "2027-01"
    assert str(Stance.model_validate(record, context={"today": dt.date(2027, 1, 1)}).as_of) == "2027-01"


def test_a_source_published_after_today_is_refused_by_its_model() -> None:
    fields = {
        "id": "later",
        "file": "later.txt",
        "headline": "Later",
        "published": "2026-11-25",
        "published_basis": "dateline",
    }
    with pytest.raises(ValidationError, match="published"):
        Source.model_validate(fields, context={"today": TODAY})
    assert Source.model_validate(fields, context={"today": dt.date(2026, 11, 25)}).id == "later"


def test_the_load_passes_its_today_to_the_models(data_copy: Path) -> None:
    """The bundled data is all dated on or before TODAY; a day before its newest date, that date is future."""
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    newest = max(source.published.earliest for source in data.sources.values())
    _, problems = load_dataset(data_copy, today=newest - dt.timedelta(days=1))
    assert any("is in the future (today is" in p.message and p.path == "seeds/sources.yaml" for p in problems)
