"""The curation assistant measured: the evaluation keeps its goals, each named failure case stays fixed, and
every stub it prints validates once a curator fills in the source and the summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.suggest_eval import (
    BUNDLED,
    EVAL,
    GOALS,
    SYNTHETIC,
    Article,
    bundled_labels_yaml,
    held_out,
    read_articles,
    score,
)
from stancemap.check.load import load_dataset
from stancemap.cli import main
from stancemap.curate.sentences import split_sentences
from stancemap.curate.stubs import SOURCE_PLACEHOLDER, as_json, render_yaml
from stancemap.curate.suggest import Candidate, candidates
from stancemap.model.dataset import Dataset
from tests.conftest import TODAY

ARTICLES = Path(__file__).parent / "data" / "articles"
SYNTHETIC_TEXTS = sorted(EVAL.glob("*.txt"))


def read(name: str) -> str:
    return (EVAL / name).read_text(encoding="utf-8")


def proposed(found: list[Candidate], fragment: str) -> list[Candidate]:
    return [c for c in found if fragment in c.sentence.text]


# --- the evaluation set and its figures -----------------------------------------------------------------


def test_bundled_labels_are_every_curated_evidence_item(dataset: Dataset) -> None:
    assert BUNDLED.read_text(encoding="utf-8") == bundled_labels_yaml(dataset), (
        "tests/data/suggest-eval/bundled.yaml is stale: run python -m benchmarks.suggest_eval --write-labels"
    )
    labels = sum(len(a.labels) for a in read_articles(BUNDLED))
    assert labels == sum(len(r.stance.evidence) for r in dataset.stances) > 0


def test_synthetic_articles_are_marked_synthetic() -> None:
    assert len(SYNTHETIC_TEXTS) == 4
    for path in SYNTHETIC_TEXTS:
        assert path.read_text(encoding="utf-8").startswith(
            "SYNTHETIC TEST ARTICLE, written for the Stancemap"
        )
    assert {a.name for a in read_articles(SYNTHETIC)} == {p.name for p in SYNTHETIC_TEXTS}


@pytest.mark.parametrize("labels", [BUNDLED, SYNTHETIC], ids=["bundled", "synthetic"])
def test_evaluation_meets_the_goals(dataset: Dataset, labels: Path) -> None:
    figures = score(read_articles(labels), dataset)
    assert figures.labels > 20
    assert figures.share("recall") >= GOALS["recall"]
    assert figures.share("party") >= GOALS["party"] and figures.share("issue") >= GOALS["issue"]
    assert figures.share("level") >= GOALS["level"]
    assert figures.per_sentence <= GOALS["per_sentence"]
    assert figures.share("copy_marked") == 1.0


def test_bundled_sources_are_scored_without_their_own_story(dataset: Dataset) -> None:
    kyiv = next(a for a in read_articles(BUNDLED) if a.name == "bloomberg-kyiv-talks")
    data = held_out(dataset, kyiv)
    assert {"bloomberg-kyiv-talks", "arcamax-paris-talks"}.isdisjoint(data.sources)
    assert all(ev.source in data.sources for r in data.stances for ev in r.stance.evidence)
    copy = next(a for a in read_articles(BUNDLED) if a.name == "arcamax-paris-talks")
    assert "bloomberg-kyiv-talks" in held_out(dataset, copy).sources


def test_a_label_not_in_its_text_is_an_error(dataset: Dataset) -> None:
    article = read_articles(SYNTHETIC)[0]
    broken = Article(article.name, article.text.replace("30, 40 or 50", "sixty"), None, article.labels)
    with pytest.raises(ValueError, match="label quote not in the text"):
        score([broken], dataset)


def test_a_quotation_after_a_single_letter_starts_a_sentence() -> None:
    text = "“We must act,” Zelenskyy said on X. “Only guarantees deliver peace.” J. Smith agreed."
    assert [s.text for s in split_sentences(text)] == [
        "“We must act,” Zelenskyy said on X.",
        "“Only guarantees deliver peace.”",
        "J. Smith agreed.",  # the initial before a name does not end it
    ]


# --- the failure cases of issue 11 ----------------------------------------------------------------------


def test_a_guarantee_term_given_as_a_list_of_years(dataset: Dataset) -> None:
    found = proposed(candidates(read("wire-guarantee-term.txt"), dataset), "30, 40 or 50 years")
    cell = next(c for c in found if (c.party, c.issue) == ("ukraine", "guarantee-duration"))
    # The sentence names no one: the speaker is whoever the quotation's closing sentence cites.
    assert cell.speaker == "Volodymyr Zelenskyy" and cell.kind == "direct"
    assert cell.quantity is not None and (cell.quantity.value, cell.quantity.text) == (
        50,
        "30, 40 or 50 years",
    )


@pytest.mark.parametrize(
    ("article", "fragment"),
    [
        ("wire-guarantee-term.txt", "Moscow continues to demand that Kyiv pull"),
        ("wire-lavrov-nato.txt", "Russia continues to demand the withdrawal"),
    ],
)
def test_continues_to_demand_a_withdrawal(dataset: Dataset, article: str, fragment: str) -> None:
    found = proposed(candidates(read(article), dataset), fragment)
    cell = next(c for c in found if (c.party, c.issue) == ("russia", "donbas"))
    assert cell.level == "demands"


@pytest.mark.parametrize(
    ("article", "fragment"),
    [
        ("wire-guarantee-term.txt", "Ushakov said Russia would never accept NATO troops"),
        ("wire-lavrov-nato.txt", "The deployment of NATO troops under any pretext"),
    ],
)
def test_nato_troops_are_foreign_troops_not_membership(dataset: Dataset, article: str, fragment: str) -> None:
    found = proposed(candidates(read(article), dataset), fragment)
    cells = {(c.party, c.issue): c.level for c in found}
    assert cells[("russia", "foreign-troops")] == "rejects"
    assert not any(issue == "nato-membership" for _, issue in cells)


def test_nato_membership_still_counts_where_it_is_meant(dataset: Dataset) -> None:
    found = proposed(candidates(read("wire-lavrov-nato.txt"), dataset), "renunciation of NATO membership")
    cell = next(c for c in found if c.party == "russia")
    assert (cell.issue, cell.speaker) == ("nato-membership", "Sergei Lavrov")


@pytest.mark.parametrize(
    ("article", "fragment", "speaker"),
    [
        ("wire-guarantee-term.txt", "according to Rustem Umerov", "Rustem Umerov"),
        ("ap-crimea-ratification.txt", "David Arakhamiya told The Associated Press", "David Arakhamiya"),
        ("wire-lavrov-nato.txt", "Witkoff told reporters", "Steve Witkoff"),
        (
            "wire-guarantee-term.txt",
            "two people familiar with the text said",
            "two people familiar with the text",
        ),
    ],
)
def test_a_paraphrase_is_credited_to_whom_the_reporter_cites(
    dataset: Dataset, article: str, fragment: str, speaker: str
) -> None:
    found = proposed(candidates(read(article), dataset), fragment)
    assert found and {c.speaker for c in found} == {speaker}


def test_a_syndicated_copy_is_marked_as_the_same_story(dataset: Dataset) -> None:
    found = candidates(read("ledger-berlin-copy.txt"), dataset)
    crimea = next(c for c in proposed(found, "won’t cede control of the Crimean") if c.issue == "crimea")
    assert crimea.same_story == ("bloomberg-berlin-talks",)
    assert crimea.curated == ("positions/stances/crimea.yaml:4",)
    output = render_yaml(found, dataset, label="copy")
    assert "looks like a syndicated copy; add it with copy_of: bloomberg-berlin-talks" in output
    assert "# same sentence in bloomberg-berlin-talks (already in the data)" in output
    # A new story has no such note.
    assert "syndicated copy" not in render_yaml(
        candidates(read("wire-lavrov-nato.txt"), dataset), dataset, label="x"
    )


def test_json_format_lists_every_proposal(capsys: pytest.CaptureFixture[str], dataset: Dataset) -> None:
    path = EVAL / "wire-guarantee-term.txt"
    assert main(["suggest", str(path), "--format", "json", "--today", TODAY.isoformat()]) == 0
    rows = json.loads(capsys.readouterr().out)
    found = candidates(path.read_text(encoding="utf-8"), dataset)
    assert rows == json.loads(as_json(found))
    assert [(r["party"], r["issue"], r["sentence"]) for r in rows] == [
        (c.party, c.issue, c.sentence.text) for c in found
    ]


# --- every stub validates once the source id and the summary are filled ---------------------------------


@pytest.mark.parametrize("path", [*SYNTHETIC_TEXTS, *sorted(ARTICLES.glob("*.txt"))], ids=lambda p: p.name)
def test_the_whole_yaml_output_validates_once_filled(
    data_copy: Path, capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    source_id = re.sub(r"[^a-z0-9]+", "-", path.stem.lower())
    added = ["--title", path.stem, "--outlet", "Test", "--published", "2026-01-20", "--id", source_id]
    assert main(["add-source", str(path), *added, "--root", str(data_copy)]) == 0
    capsys.readouterr()
    before, _ = load_dataset(data_copy, today=TODAY)
    assert main(["suggest", str(path), "--root", str(data_copy), "--format", "yaml"]) == 0
    output = capsys.readouterr().out.replace(SOURCE_PLACEHOLDER, source_id)
    output = output.replace("    # summary: <write one neutral line>", "    summary: Written by the curator")
    blocks = re.split(r"^([a-z0-9-]+):  # positions/stances/\S+\n", output, flags=re.MULTILINE)[1:]
    stubs = 0
    for issue, block in zip(blocks[::2], blocks[1::2], strict=True):
        stance_file = data_copy / "positions" / "stances" / f"{issue}.yaml"
        stance_file.write_text(stance_file.read_text(encoding="utf-8") + block, encoding="utf-8")
        stubs += block.count("\n  - party: ")
    assert stubs > 3
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == [], "\n".join(map(str, problems))
    before, _ = load_dataset(
        data_copy.parent / "untouched" if False else Path(__file__).parents[1], today=TODAY
    )
    assert len(data.stances) == len(before.stances) + stubs
