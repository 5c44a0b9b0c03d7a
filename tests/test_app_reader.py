"""What a reader gets beyond the matrix, via AppTest on the real data: search, citations, the phone cards and
the red-line mark."""

from __future__ import annotations

import datetime as dt
import re

from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.citation import cite
from stancemap.derive.matrix import RED_LINE_MARK, current
from stancemap.derive.search import search
from stancemap.ui.search_view import SEARCH_KEY
from tests.test_app import PARTIES, html, nodes, run


def test_search_from_a_link_lists_every_hit_with_its_cell_and_the_words_marked() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    at = run({"view": "search", "q": "Ushakov"})
    assert at.text_input(key=SEARCH_KEY).value == "Ushakov"
    page = html(at)
    hits = search(data, "Ushakov")
    assert len(hits) == 2
    assert f"{len(hits)} evidence items in 2 cells hold “Ushakov”." in page
    assert "Russia on Territory" in page and "Russia on Crimea" in page
    assert page.count('<mark style="') == 2 and ">Ushakov</mark>" in page  # the speaker's name, marked
    assert len([b for b in at.button if b.label == "Open this cell's evidence"]) == len(hits)


def test_typing_a_search_writes_it_to_the_link_and_finds_the_quote() -> None:
    at = run({"view": "search"})
    assert "evidence item" not in html(at)  # nothing searched yet
    at.text_input(key=SEARCH_KEY).input("CRIMÉA").run()
    assert at.query_params == {"view": "search", "q": "CRIMÉA"}
    page = html(at)
    assert "1 evidence item in 1 cell holds “CRIMÉA”." in page and "Russia on Crimea" in page
    assert '">Crimea</mark>n peninsula' in page  # accents and case ignored, the original text marked


def test_a_hit_opens_its_cell_s_evidence_on_the_matrix() -> None:
    at = run({"view": "search", "q": "one million percent", "parties": "ukraine"})
    (button,) = [b for b in at.button if b.label == "Open this cell's evidence"]
    button.click().run()
    # The matrix, with the cell focused and the filter that would hide it cleared; the search is kept for
    # the way back to the Search page.
    assert at.query_params == {"party": "russia", "issue": "crimea", "q": "one million percent"}
    assert at.radio(key="w_view").value == "matrix"
    assert "Russia on Crimea" in html(at) and "one million percent" in html(at)


def test_a_search_that_finds_nothing_says_so_in_plain_text() -> None:
    at = run({"view": "search", "q": "**xylophone** <i>"})
    assert "No quote, speaker or headline holds “**xylophone** &lt;i&gt;”." in html(at)


def test_each_evidence_item_has_a_copyable_citation_with_the_cell_s_link() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    at = run({"party": "russia", "issue": "crimea", "asof": "2025-12-31", "parties": "russia,europe"})
    record = current(data, as_of=dt.date(2025, 12, 31))[("russia", "crimea")]
    # The link reopens the cell as cited: same date, no Parties filter (AppTest has no page URL: relative).
    citation = cite(data, record, 0, permalink="?asof=2025-12-31&party=russia&issue=crimea")
    codes = [code.value for code in at.code]
    assert citation.text() in codes and citation.bibtex() in codes and citation.csl_json() in codes
    text = citation.text()
    for part in ("one million percent", "Yuri Ushakov", "Bloomberg News", "Zelenskyy eyes US guarantees"):
        assert part in text
    assert "Cite evidence 1" in html(at)


def test_the_phone_cards_list_every_party_on_every_issue_with_links_to_the_evidence() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    at = run({"direct": "1"})
    cards = next(block.proto.body for block in at.html if 'class="sm-cards"' in block.proto.body)
    assert "@media (max-width:767px)" in cards and ".st-key-matrix{display:none}" in cards
    sections = re.findall(r'<section class="sm-card".*?</section>', cards)
    assert len(sections) == len(data.issues)
    for section, topic in zip(sections, data.issues.values(), strict=True):
        assert topic.title in section
        names = re.findall(r'<span class="sm-party"[^>]*>([^<]*)</span>', section)
        assert names == PARTIES
    # Each row links to its cell under the current filters; Russia on Crimea carries the red-line tag.
    assert 'href="?direct=1&amp;party=russia&amp;issue=crimea"' in cards
    crimea = next(section for section in sections if ">Crimea</div>" in section)
    russia = crimea.split('href="?direct=1&amp;party=russia&amp;issue=crimea"')[1].split("</a>")[0]
    assert ">demands</span>" in russia and f">{RED_LINE_MARK}</span>" in russia


def test_the_red_line_mark_is_text_everywhere_not_an_emoji() -> None:
    for params in (
        {},
        {"party": "russia", "issue": "crimea"},
        {"view": "issue", "issue": "crimea", "party": "russia"},
    ):
        at = run(params)
        page = html(at)
        assert 'class="sm-red-line"' in page and RED_LINE_MARK == "RED LINE"
        texts = [str(node.proto) for node in nodes(at) if hasattr(node, "proto")]
        assert not any("⛔" in text for text in texts), params
