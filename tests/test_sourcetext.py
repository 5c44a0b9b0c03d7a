"""Tests for reading source documents and recognising their boilerplate, over the real seed files."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from stancemap.model.sourcetext import (
    SourceText,
    boilerplate_rule,
    parse_source_text,
    read_source_text,
    trailer_rule,
)

ROOT = Path(__file__).resolve().parents[1]
SEED_PATHS = sorted((ROOT / "seeds").glob("*.txt"))
SEEDS = {path.name[:3]: read_source_text(path) for path in SEED_PATHS}


def texts(source: SourceText) -> list[str]:
    """The text of each paragraph of ``source``."""
    return [source.paragraph_text(i) for i in range(len(source.paragraphs))]


def kind_of(source: SourceText, line: str) -> str:
    """The kind of the paragraph whose text is exactly ``line`` (the first one, if repeated)."""
    for index, paragraph in enumerate(source.paragraphs):
        if source.paragraph_text(index) == line:
            return paragraph.kind
    raise AssertionError(f"no paragraph {line!r}")


def test_seeds_exist() -> None:
    assert len(SEED_PATHS) >= 5


@pytest.mark.parametrize("path", SEED_PATHS, ids=[str(p.relative_to(ROOT)) for p in SEED_PATHS])
def test_every_non_blank_line_is_one_paragraph(path: Path) -> None:
    source = read_source_text(path)
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert texts(source) == lines
    for before, after in pairwise(source.paragraphs):
        assert before.end < after.start
    assert any(p.kind == "body" for p in source.paragraphs)


BOILERPLATE = [
    ("000", "By Daryna Krasnolutska | Bloomberg News"),
    ("000", "©2026 Bloomberg L.P. Visit bloomberg.com. Distributed by Tribune Content Agency, LLC."),
    ("000", "Leave a Reply"),
    ("000", "Your email address will not be published. Required fields are marked *"),
    ("001", "Current News"),
    ("001", "/"),
    ("001", "ArcaMax"),
    ("001", "Daryna Krasnolutska, Bloomberg News on"),
    ("001", "Published in News & Features"),
    ("001", "Comments"),
    ("001", "blog comments powered by Disqus"),
    ("002", "403"),
    ("002", "Sorry!!"),
    ("002", "Error! We're sorry, but the page you were looking for doesn't exist."),
    ("002", "Legal Disclaimer:"),
    ("002", "information “as is” without warranty of any kind. We do not accept"),
    ("002", "issues related to this article, kindly contact the provider above."),
    ("002", "No comment"),
    ("003", "Published in News & Features"),
    ("003", "_____"),
    ("003", "(With assistance from Kirsi Heikel and Michael Nienaber.)"),
    ("003", "©2025 Bloomberg L.P. Visit bloomberg.com. Distributed by Tribune Content Agency, LLC."),
    ("003", "Comments"),
    ("004", "ua en ru"),
]

BODY = [
    ("000", "Kyiv hosts allies to hash out security guarantees, investment"),
    ("001", "Zelenskyy says US team to join Paris talks on security push"),
    ("001", "$800 billion"),
    ("002", "Ukraine hosts allies in Kyiv for talks on US-backed peace plan"),
    ("003", "Zelenskyy eyes US guarantees as he meets with Witkoff, Kushner"),
    ("004", "Europe is ready to finalize security guarantees for Ukraine in January, says Euractiv"),
    ("004", "Security guarantees for Ukraine"),
    ("004", '"We believe it is now up to Russia to provide a clear answer," the source said.'),
]


@pytest.mark.parametrize(("seed", "line"), BOILERPLATE, ids=[f"{s}:{line[:30]}" for s, line in BOILERPLATE])
def test_site_chrome_is_boilerplate(seed: str, line: str) -> None:
    assert kind_of(SEEDS[seed], line) == "boilerplate"


@pytest.mark.parametrize(("seed", "line"), BODY, ids=[f"{s}:{line[:30]}" for s, line in BODY])
def test_headlines_and_article_lines_are_body(seed: str, line: str) -> None:
    assert kind_of(SEEDS[seed], line) == "body"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_article_paragraphs_are_body(seed: str) -> None:
    source = SEEDS[seed]
    # Every long prose line is article text, whichever site it came from (chrome lines are all short).
    kinds = [p.kind for p in source.paragraphs if p.end - p.start > 120]
    assert kinds and set(kinds) <= {"body", "repeat"}


def test_seed_002_second_copy_is_repeat() -> None:
    source = SEEDS["002"]
    lines = texts(source)
    first = next(i for i, t in enumerate(lines) if t.startswith("Representatives from 15 nations"))
    last = next(i for i, t in enumerate(lines) if t.startswith("Russia launched its invasion"))
    copies = range(last + 1, lines.index("Legal Disclaimer:"))
    assert len(copies) == 13
    for offset, index in enumerate(copies):
        paragraph = source.paragraphs[index]
        assert paragraph.kind == "repeat"
        assert paragraph.repeat_of == first + offset
        assert source.paragraphs[first + offset].kind == "body"
        assert lines[index] == lines[first + offset]
    assert sum(p.kind == "repeat" for s in SEEDS.values() for p in s.paragraphs) == 13


def test_body_text_has_no_boilerplate_or_repeats() -> None:
    body = SEEDS["002"].body_text()
    assert body.count("Representatives from 15 nations") == 1
    assert "Legal Disclaimer" not in body and "403" not in body
    assert body.startswith("Ukraine hosts allies in Kyiv")
    assert "\n\n(MENAFN) Security advisors" in body
    assert "Leave a Reply" not in SEEDS["000"].body_text()


def test_paragraph_at() -> None:
    source = SEEDS["000"]
    first, second = source.paragraphs[0], source.paragraphs[1]
    assert source.paragraph_at(first.start) == 0
    assert source.paragraph_at(first.end - 1) == 0
    assert source.paragraph_at(first.end) is None  # the newline between paragraphs
    assert source.paragraph_at(second.start) == 1
    assert source.paragraph_at(-1) is None
    assert source.paragraph_at(len(source.text) + 5) is None


def test_blank_and_nbsp_only_lines_are_not_paragraphs() -> None:
    source = parse_source_text("Headline\n\u00a0\n \t\nBody text here.\n")
    assert texts(source) == ["Headline", "Body text here."]


def test_offsets_exclude_line_endings_and_indentation() -> None:
    source = parse_source_text("\ufeffTitle\r\n\r\n   Indented body.  \r\nLast")
    assert texts(source) == ["\ufeffTitle", "Indented body.", "Last"]


def test_read_source_text_drops_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle\nBody.\n".encode())
    assert read_source_text(path).text == "Title\nBody.\n"


def test_read_source_text_raises_for_the_caller(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9\n")
    with pytest.raises(UnicodeDecodeError):
        read_source_text(bad)
    with pytest.raises(OSError):
        read_source_text(tmp_path / "missing.txt")


def test_trailer_marker_needs_article_before_it() -> None:
    source = parse_source_text("Comments\nHeadline\nBody.\nComments\nGreat article!\n")
    kinds = [p.kind for p in source.paragraphs]
    assert kinds == ["boilerplate", "body", "body", "boilerplate", "boilerplate"]


def test_body_lines_that_look_like_chrome_stay_body() -> None:
    lines = [
        "By the end of February, Kyiv may finish drafting a referendum.",
        "Comments by the Kremlin were dismissive.",
        "Published in full, the plan has 20 points.",
        "404 drones were launched overnight, the air force said.",
        "$800 billion",
        "Sorry, we cannot accept that, Zelenskyy said.",
    ]
    source = parse_source_text("Headline\n" + "\n".join(lines))
    assert [p.kind for p in source.paragraphs] == ["body"] * (len(lines) + 1)


def test_rule_names_agree_with_classification() -> None:
    assert boilerplate_rule("403") == "HTTP error page"
    assert boilerplate_rule("By Daryna Krasnolutska | Bloomberg News") == "by-line"
    assert boilerplate_rule("Headline about talks") is None
    assert trailer_rule("Legal Disclaimer:") == "legal disclaimer"
    assert trailer_rule("Comments") == "comments section"
    for source in SEEDS.values():
        for index, paragraph in enumerate(source.paragraphs):
            if boilerplate_rule(source.paragraph_text(index)):
                assert paragraph.kind == "boilerplate"
