"""The benchmark's synthetic data roots are real, schema-valid data: they load with no problem at all."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from benchmarks.generate import SCALES, generate
from benchmarks.probes import PAGES
from stancemap.check.load import ROOT, load_dataset
from tests.conftest import TODAY


def tree_digest(root: Path) -> str:
    """One hash over every file's path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("name", ["1x", "10x"])
def test_generated_root_loads_with_zero_problems(name: str, tmp_path: Path) -> None:
    scale = generate(tmp_path / "data", name)
    data, problems = load_dataset(tmp_path / "data", today=TODAY)
    assert problems == [], "\n".join(map(str, problems[:20]))
    assert len(data.sources) == scale.sources
    assert len(data.parties) == scale.parties
    assert len(data.issues) == scale.issues
    assert len(data.stances) == scale.stances
    assert sum(len(record.stance.evidence) for record in data.stances) == scale.quotes
    assert len(data.events) == scale.events


def test_generated_data_does_the_work_real_data_does(tmp_path: Path) -> None:
    """Histories, curly quotes, straightened quotes and elisions are all there, so verification is real."""
    generate(tmp_path / "data", "10x")
    data, _ = load_dataset(tmp_path / "data", today=TODAY)
    quotes = [ev.quote for record in data.stances for ev in record.stance.evidence]
    assert any("“" in quote for quote in quotes)
    assert any('"' in quote for quote in quotes)
    assert any("…" in quote or "[...]" in quote for quote in quotes)
    cells = {(record.party, record.issue) for record in data.stances}
    assert len(cells) < len(data.stances), "no party has a dated history on any issue"
    sizes = [len(text.text) for text in data.texts.values()]
    assert 4_000 < sum(sizes) / len(sizes) < 9_000


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "a", "1x")
    generate(tmp_path / "b", "1x")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_scales_include_the_target_point() -> None:
    assert SCALES["target"].stances == 10_000
    assert SCALES["target"].sources == 1_000
    assert SCALES["1x"].stances == 20 and SCALES["1x"].quotes == 32
    assert SCALES["1000x"].stances == 20_000


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, "1x")


def test_the_benchmark_times_every_page_of_the_app() -> None:
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    pages = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "PAGES"
    )
    assert isinstance(pages, ast.Dict)
    assert [ast.literal_eval(key) for key in pages.keys if key is not None] == list(PAGES)
