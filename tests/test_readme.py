"""README.md: generated sections are current, and the quick start names the commands CI runs."""

from __future__ import annotations

from stancemap.check.load import ROOT
from stancemap.curate.readme import render
from stancemap.model.dataset import Dataset


def test_generated_sections_are_current(dataset: Dataset) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- generated:codebook -->" in readme
    assert render(readme, dataset) == readme, "README.md is stale: run `python -m stancemap readme`"


def test_quick_start_and_ci_use_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py app" in readme
    assert "python3 dev.py test" in readme and "python3 dev.py test" in ci
