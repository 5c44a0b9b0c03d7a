"""The curation assistant on two synthetic wire-style articles and on the five bundled seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from stancemap.check.load import ROOT, load_dataset
from stancemap.check.quotes import find_quote, fragments, normalize
from stancemap.cli import main
from stancemap.curate.sentences import split_sentences
from stancemap.curate.stubs import SOURCE_PLACEHOLDER, render_yaml
from stancemap.curate.suggest import Candidate, candidates, suggest
from stancemap.model.dataset import Dataset
from stancemap.model.sourcetext import parse_source_text
from stancemap.yamlio.parse import parse_yaml
from stancemap.yamlio.write import yaml_string
from tests.conftest import TODAY

ARTICLES = Path(__file__).parent / "data" / "articles"
WIRE = ARTICLES / "wire-kremlin-troops.txt"
AP = ARTICLES / "ap-guarantees-elections.txt"

PESKOV = (
    "“Russia categorically rejects the deployment of any foreign troops on Ukrainian territory, "
    "whatever flag they fly,” Kremlin spokesman Dmitry Peskov told reporters in a daily call."
)
PESKOV_PARTIAL = "Peskov said any Western contingent would be a “legitimate target”"
ZELENSKYY_VOTE = (
    "Ukrainian President Volodymyr Zelenskyy said Sunday that Ukraine would hold a presidential election"
)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def proposals(found: list[Candidate], party: str, issue: str) -> list[Candidate]:
    return [c for c in found if c.party == party and c.issue == issue]


def proposed_for(found: list[Candidate], fragment: str) -> set[tuple[str, str]]:
    """The (party, issue) cells a sentence containing `fragment` is proposed for."""
    return {(c.party, c.issue) for c in found if fragment in c.sentence.text}


def test_articles_are_marked_synthetic() -> None:
    paths = sorted(ARTICLES.glob("*.txt"))
    assert len(paths) == 2
    for path in paths:
        assert (
            read(path)
            .splitlines()[0]
            .startswith("SYNTHETIC TEST ARTICLE, written for the Stancemap test suite")
        )


# --- sentences ------------------------------------------------------------------------------------------


def test_sentences_are_exact_substrings_and_keep_abbreviations() -> None:
    text = read(WIRE) + "\n" + read(AP)
    sentences = split_sentences(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    texts = [s.text for s in sentences]
    # "U.S." does not end a sentence, nor does "Lt. Gen." before a name.
    assert any(t.startswith("The U.S. has not said whether it would back a European force") for t in texts)
    assert any(t.startswith("Ukraine’s chief of staff, Lt. Gen. Kyrylo Budanov, said") for t in texts)
    # A sentence after a closing quotation mark starts a new one.
    assert (
        "He insisted that the guarantees be ratified by the U.S. Congress and by European parliaments."
        in texts
    )
    assert "“A signature alone is not a guarantee,” he said." in texts
    # The by-line and the credit line are boilerplate.
    assert not any("Reporting by" in t or t.startswith("By Test") for t in texts)


def test_sentences_split_at_abbreviations_only_when_they_are_words() -> None:
    text = (
        "Leaders plan to meet on Jan. 6 in Paris. “We are ready,” Gen. Smith said. It was 5 p.m. Then rain."
    )
    texts = [s.text for s in split_sentences(text)]
    assert texts == [
        "Leaders plan to meet on Jan. 6 in Paris.",
        "“We are ready,” Gen. Smith said.",
        "It was 5 p.m. Then rain.",
    ]


def test_soft_wrapped_lines_are_joined() -> None:
    text = (
        "Russian President Vladimir Putin said on Friday that Russia would never accept\n"
        "foreign troops in Ukraine under any circumstances.\n"
        "A second paragraph starts here.\n"
    )
    texts = [s.text for s in split_sentences(text)]
    assert texts[0] == (
        "Russian President Vladimir Putin said on Friday that Russia would never accept\n"
        "foreign troops in Ukraine under any circumstances."
    )
    assert texts[1] == "A second paragraph starts here."


# --- the Reuters-style article --------------------------------------------------------------------------


def test_peskov_sentence_is_proposed_for_russia_on_foreign_troops(dataset: Dataset) -> None:
    found = suggest(read(WIRE), dataset)
    best = proposals(found, "russia", "foreign-troops")
    assert best and best[0].sentence.text == PESKOV
    assert (best[0].kind, best[0].speaker, best[0].level, best[0].cue) == (
        "direct",
        "Dmitry Peskov",
        "rejects",
        "rejects",
    )
    assert found[0] == best[0], "the Peskov quote is the best proposal in the article"
    partial = next(c for c in best if c.sentence.text.startswith(PESKOV_PARTIAL))
    assert (partial.kind, partial.speaker) == ("partial", "Dmitry Peskov")


def test_other_parties_in_the_reuters_style_article(dataset: Dataset) -> None:
    found = candidates(read(WIRE), dataset)
    macron = "French President Emmanuel Macron said on Wednesday that France and Britain were ready"
    assert ("europe", "foreign-troops") in proposed_for(found, macron)
    europe = next(c for c in proposals(found, "europe", "foreign-troops") if macron in c.sentence.text)
    assert (europe.speaker, europe.level) == ("Emmanuel Macron", "supports")
    washington = proposed_for(found, "Washington has ruled out deploying American troops")
    assert ("us", "foreign-troops") in washington and ("europe", "foreign-troops") not in washington
    donbas = {
        c.party: c.level
        for c in proposals(found, "russia", "donbas") + proposals(found, "ukraine", "donbas")
        if "Moscow also insists" in c.sentence.text
    }
    assert donbas == {"russia": "demands", "ukraine": "rejects"}
    sybiha = proposed_for(found, "Andrii Sybiha said Kyiv would not accept")
    assert sybiha == {("ukraine", "security-guarantees")}, "'a renewed Russian attack' does not name an actor"


@pytest.mark.parametrize(
    "fragment",
    [
        "Peskov said President Vladimir Putin had no plans to travel abroad",  # a party, no issue
        "U.S. envoy Steve Witkoff is due in Moscow next week",  # a party, no issue
        "Air-raid alerts sounded across several regions overnight",  # an issue (ceasefire), no party
        "SYNTHETIC TEST ARTICLE",
    ],
)
def test_sentences_without_party_or_issue_are_not_proposed_wire(dataset: Dataset, fragment: str) -> None:
    text = read(WIRE)
    assert fragment in text
    assert proposed_for(candidates(text, dataset), fragment) == set()


# --- the AP-style article -------------------------------------------------------------------------------


def test_ap_article_elections_and_guarantees(dataset: Dataset) -> None:
    found = candidates(read(AP), dataset)
    vote = next(c for c in proposals(found, "ukraine", "elections") if ZELENSKYY_VOTE in c.sentence.text)
    assert (vote.level, vote.cue, vote.speaker, vote.kind) == (
        "conditional",
        "only once",
        "Volodymyr Zelenskyy",
        "paraphrase",
    )
    ready = next(
        c
        for c in proposals(found, "ukraine", "elections")
        if c.sentence.text.startswith("“We are ready for elections")
    )
    assert ready.kind == "direct"
    trump = next(c for c in proposals(found, "us", "elections"))
    assert (trump.speaker, trump.kind) == ("Donald Trump", "partial")
    ushakov = next(c for c in proposals(found, "russia", "elections"))
    assert (ushakov.speaker, ushakov.level) == ("Yuri Ushakov", "rejects")
    # "He insisted …" resolves to Zelenskyy, named in the sentence before.
    ratify = next(c for c in proposals(found, "ukraine", "ratification"))
    assert ratify.sentence.text.startswith("He insisted that the guarantees be ratified")
    assert (ratify.speaker, ratify.level) == ("Volodymyr Zelenskyy", "demands")
    assert ("us", "ratification") not in proposed_for(found, "He insisted"), (
        "'by the U.S. Congress' is no actor"
    )
    readout = next(c for c in proposals(found, "europe", "security-guarantees"))
    assert readout.kind == "readout" and readout.sentence.text.startswith("European leaders meeting in Paris")
    guarantees = next(
        c for c in proposals(found, "ukraine", "security-guarantees") if "must include" in c.sentence.text
    )
    assert guarantees.level == "demands"


@pytest.mark.parametrize(
    "fragment",
    [
        "The question of where a ceasefire line would run",  # an issue, no party (diplomats)
        "Temperatures in Kyiv fell well below freezing",  # no actor (a place), no issue
        "Russian drones hit energy facilities in the Odesa region",  # an adjective, no issue
        "Associated Press writers contributed",
    ],
)
def test_sentences_without_party_or_issue_are_not_proposed_ap(dataset: Dataset, fragment: str) -> None:
    text = read(AP)
    assert fragment in text
    assert proposed_for(candidates(text, dataset), fragment) == set()


# --- the YAML output ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [WIRE, AP], ids=lambda p: p.name)
def test_output_is_valid_yaml_quoting_the_document_verbatim(dataset: Dataset, path: Path) -> None:
    text = read(path)
    found = suggest(text, dataset, top=50)
    output = render_yaml(found, dataset, label=path.name, total=len(found))
    loaded = yaml.safe_load(output)
    doc, problems = parse_yaml(output, "suggestions.yaml")  # the project's strict reader agrees
    assert problems == [] and doc is not None and doc.value == loaded
    assert set(loaded) <= set(dataset.issues)
    source = parse_source_text(text)
    quotes = 0
    for stances in loaded.values():
        for stance in stances:
            assert stance["party"] in dataset.parties
            assert stance["level"] in ("demands", "supports", "conditional", "opposes", "rejects")
            assert "summary" not in stance, "the summary is left for the curator (a comment)"
            for ev in stance["evidence"]:
                assert ev["source"] == SOURCE_PLACEHOLDER
                assert ev["quote"] in text and find_quote(ev["quote"], source) is not None
                assert ev["kind"] in ("direct", "partial", "paraphrase", "readout")
                assert ev["speaker"]["name"]
                quotes += 1
    assert quotes == len(found)
    assert "# GUESS" in output and "# summary: <write one neutral line>" in output


def test_cli_suggest_prints_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(WIRE), "--top", "3", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    loaded = yaml.safe_load(out)
    assert loaded["foreign-troops"][0]["party"] == "russia"
    assert loaded["foreign-troops"][0]["evidence"][0]["quote"] == PESKOV
    assert sum(len(s["evidence"]) for stances in loaded.values() for s in stances) == 3


def test_cli_suggest_refuses_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF\x00\x01")
    for path, message in [(tmp_path / "missing.txt", "no such file"), (binary, "binary file")]:
        assert main(["suggest", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"{path}: {message}") and "\n" not in err


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
def test_yaml_string_round_trips(value: str) -> None:
    assert yaml.safe_load(f"quote: {yaml_string(value)}") == {"quote": value}


# --- the bundled seeds: it proposes the quotes the curated data uses ------------------------------------


def curated_found(dataset: Dataset, party: str, issue: str) -> list[tuple[str, bool]]:
    """(quote, proposed?) for each curated quote of the cell, suggesting from the quote's own seed file."""
    results = []
    for record in dataset.stances:
        if (record.party, record.issue) != (party, issue):
            continue
        for ev in record.stance.evidence:
            text = (ROOT / "seeds" / dataset.sources[ev.source].file).read_text(encoding="utf-8")
            found = proposals(suggest(text, dataset), party, issue)
            wanted = [normalize(f) for f in fragments(ev.quote)]
            hit = any(all(part in normalize(c.sentence.text) for part in wanted) for c in found)
            results.append((ev.quote, hit))
    return results


@pytest.mark.parametrize(("party", "issue"), [("russia", "crimea"), ("ukraine", "elections")])
def test_seeds_propose_the_curated_quotes(dataset: Dataset, party: str, issue: str) -> None:
    results = curated_found(dataset, party, issue)
    assert results, "the cell has curated evidence"
    missed = [quote for quote, hit in results if not hit]
    assert missed == []


def test_seeds_mark_what_is_already_curated(dataset: Dataset) -> None:
    text = (ROOT / "seeds" / dataset.sources["bloomberg-berlin-talks"].file).read_text(encoding="utf-8")
    crimea = proposals(suggest(text, dataset), "russia", "crimea")
    assert crimea and crimea[0].curated == ("positions/stances/crimea.yaml:4",)
    assert crimea[0].speaker == "Yuri Ushakov"  # "he said" after the sentence that names Ushakov first
    assert crimea[0].kind == "partial"


# --- end to end: add the article as a source, paste a stub, and the data validates ----------------------


def test_a_filled_in_stub_validates(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--title",
        "Kremlin rejects European plan for troops",
        "--outlet",
        "Wire",
        "--published",
        "2026-01-08",
    ]
    assert main(["add-source", str(WIRE), *args, "--id", "wire-troops", "--root", str(data_copy)]) == 0
    assert main(["suggest", str(WIRE), "--root", str(data_copy)]) == 0
    out = capsys.readouterr().out
    stub_lines = out[out.index("  - party: russia") :].split("\n\n")[0].splitlines()
    stub = "\n".join(stub_lines).replace(SOURCE_PLACEHOLDER, "wire-troops")
    stub = stub.replace(
        "    # summary: <write one neutral line>", "    summary: Rejects any foreign troops in Ukraine"
    )
    stance_file = data_copy / "positions" / "stances" / "foreign-troops.yaml"
    stance_file.write_text(stance_file.read_text(encoding="utf-8") + "\n" + stub + "\n", encoding="utf-8")
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    added = [r for r in data.stances if r.party == "russia" and r.issue == "foreign-troops"]
    assert len(added) == 1 and added[0].stance.level == "rejects"
    assert [ev.kind for ev in added[0].stance.evidence] == ["direct", "partial"]
