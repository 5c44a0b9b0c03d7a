"""Citations of evidence items: what a reader pastes into an article or a reference manager."""

from __future__ import annotations

import json

from stancemap.derive.citation import cite
from stancemap.model.dataset import Dataset, StanceRecord


def _crimea(dataset: Dataset) -> StanceRecord:
    return next(r for r in dataset.stances if (r.party, r.issue) == ("russia", "crimea"))


def test_plain_text_names_quote_speaker_source_and_permalink(dataset: Dataset) -> None:
    record = _crimea(dataset)
    evidence = record.stance.evidence[0]
    source = dataset.sources[evidence.source]
    text = cite(dataset, record, 0, permalink="https://example.org/cell/russia/crimea/").text()
    for part in (evidence.quote, "Yuri Ushakov", source.headline, "Bloomberg News", str(source.published)):
        assert part in text, part
    assert "partial quote" in text and "Russia's stance on Crimea" in text
    assert text.endswith(": https://example.org/cell/russia/crimea/")


def test_csl_json_gives_as_precise_a_date_as_the_source(dataset: Dataset) -> None:
    record = _crimea(dataset)
    item = json.loads(cite(dataset, record, 0).csl_json())[0]
    assert item["type"] == "article-newspaper" and item["container-title"] == "Bloomberg News"
    assert item["issued"] == {"date-parts": [[2025]]}  # the source gives only the year
    assert "URL" not in item  # the source has no url in the data


def test_bibtex_escapes_specials_and_keys_are_stable(dataset: Dataset) -> None:
    record = _crimea(dataset)
    evidence = record.stance.evidence[0].model_copy(update={"quote": "100% {sure} & $5_000 #1"})
    edited = StanceRecord(
        record.issue,
        record.stance.model_copy(update={"evidence": [evidence]}),
        record.as_of,
        record.origin,
        record.matches[:1],
    )
    entry = cite(dataset, edited, 0).bibtex()
    assert r"100\% \{sure\} \& \$5\_000 \#1" in entry
    keys = {cite(dataset, r, i).key for r in dataset.stances for i in range(len(r.stance.evidence))}
    assert len(keys) == sum(len(r.stance.evidence) for r in dataset.stances)  # one key per item
    assert cite(dataset, record, 0).key == cite(dataset, record, 0).key
