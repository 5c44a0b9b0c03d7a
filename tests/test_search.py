"""Full-text search over the evidence, on the bundled data: what it finds, where, and what it ignores."""

from __future__ import annotations

import unicodedata

import pytest

from stancemap.derive.search import fold, normalise_query, search
from stancemap.model.dataset import Dataset


def plain(text: str) -> str:
    """An independent oracle: accents stripped, lower case, curly quotes straightened."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def test_a_word_finds_every_quote_speaker_and_headline_holding_it(dataset: Dataset) -> None:
    for word in ("Crimea", "referendum", "Ushakov", "guarantees", "Kyiv", "Witkoff"):
        hits = search(dataset, word)
        found = {(id(hit.record), hit.index) for hit in hits}
        expected = {
            (id(record), index)
            for record in dataset.stances
            for index, ev in enumerate(record.stance.evidence)
            if any(
                plain(word) in plain(text)
                for text in (ev.quote, ev.speaker.name, dataset.sources[ev.source].headline)
            )
        }
        assert found == expected and expected, word  # every one, and nothing else
        assert len(found) == len(hits)  # each evidence item once


def test_crimea_finds_russia_on_crimea_with_the_words_marked(dataset: Dataset) -> None:
    (hit,) = search(dataset, "crimea")
    assert hit.cell == ("russia", "crimea")
    quote = hit.record.stance.evidence[hit.index].quote
    assert [quote[a:b] for a, b in hit.spans["quote"]] == ["Crimea"]  # "Crimean" holds it


def test_case_accents_quote_marks_and_spaces_are_ignored(dataset: Dataset) -> None:
    cells = [hit.cell for hit in search(dataset, "won't cede")]
    assert cells == [("russia", "crimea")]  # the source writes won’t, with a curly apostrophe
    for variant in ("WON’T CEDE", "wón't  cédé", "  won't cede  "):
        assert [hit.cell for hit in search(dataset, variant)] == cells, variant
    hit = search(dataset, "won't cede")[0]
    quote = hit.record.stance.evidence[hit.index].quote
    assert [quote[a:b] for a, b in hit.spans["quote"]] == ["won’t cede"]  # marks the original characters


def test_speaker_and_headline_matches_say_where_they_matched(dataset: Dataset) -> None:
    speaker_hits = search(dataset, "ushakov")
    assert speaker_hits and all("speaker" in hit.spans for hit in speaker_hits)
    assert {hit.record.stance.evidence[hit.index].speaker.name for hit in speaker_hits} == {"Yuri Ushakov"}
    headline_hits = [hit for hit in search(dataset, "hash out") if "headline" in hit.spans]
    assert headline_hits
    for hit in headline_hits:
        headline = dataset.sources[hit.record.stance.evidence[hit.index].source].headline
        assert [headline[a:b].lower() for a, b in hit.spans["headline"]] == ["hash out"]


def test_hits_come_in_issue_then_party_order(dataset: Dataset) -> None:
    hits = search(dataset, "guarantees")
    issues, parties = list(dataset.issues), list(dataset.parties)
    keys = [(issues.index(hit.record.issue), parties.index(hit.record.party)) for hit in hits]
    assert keys == sorted(keys)


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_a_blank_query_finds_nothing(dataset: Dataset, query: str) -> None:
    assert search(dataset, query) == []


def test_a_word_in_no_quote_finds_nothing(dataset: Dataset) -> None:
    assert search(dataset, "xylophone") == []


def test_fold_keeps_each_character_s_origin() -> None:
    folded = fold("Zelénskyy  said “Kyiv”")
    assert folded.text == 'zelenskyy said "kyiv"'
    assert folded.find("kyiv") == [(17, 21)]
    assert normalise_query("  ÉLECTIONS ") == "elections"
    assert fold("Straße").find("strasse") == [(0, 6)]
