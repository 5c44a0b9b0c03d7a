"""Tests for verbatim-quote verification against the real seed files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stancemap.check.quotes import (
    DASHES,
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    WHITESPACE,
    QuoteMatch,
    check_quote,
    closest_passage,
    find_quote,
    fragments,
    normalize,
    quote_defects,
)
from stancemap.model.sourcetext import SourceText, parse_source_text, read_source_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {path.name[:3]: read_source_text(path) for path in sorted((ROOT / "seeds").glob("*.txt"))}
BODY_PARAGRAPHS = [
    (seed, index)
    for seed, source in SEEDS.items()
    for index, p in enumerate(source.paragraphs)
    if p.kind == "body"
]
ELIDED = "One track will go over the documents … the third is more military and political issues"
USHAKOV = "there will be some absolutely unacceptable points for us, including territorial issues."
CRIMEA = "Russia, “one million percent,” won’t cede control of the Crimean peninsula it annexed in 2014"
EMPTY = "give the words exactly as they appear in the source"


def span_texts(match: QuoteMatch, source: SourceText) -> list[str]:
    """The source text of each span of ``match``."""
    return [source.text[start:end] for start, end in match.spans]


def assert_found(quote: str, source: SourceText) -> QuoteMatch:
    """Find ``quote`` and check each span normalizes to its fragment and lies in article text."""
    match = find_quote(quote, source)
    assert match is not None, quote
    assert [normalize(text) for text in span_texts(match, source)] == [normalize(f) for f in fragments(quote)]
    assert all(source.paragraphs[i].kind != "boilerplate" for i in match.paragraphs)
    return match


def test_seeds_loaded() -> None:
    assert len(SEEDS) >= 5 and len(BODY_PARAGRAPHS) > 50


FOUND = [
    ("003", CRIMEA),
    ("003", f'"{USHAKOV}"'),
    ("003", 'Russia, "one million percent," won\'t cede control'),
    ("000", ELIDED),
    ("000", "“One track will go over the documents ... the third is more military and political issues,”"),
    ("000", "One track will go over the documents [...] the third is more military and political issues"),
    ("000", "Kyiv and European allies saying a strong deterrent is needed"),
    ("001", "“We will talk over the final details”"),
    ("002", "Saturday's talks followed a week marked by deadly attacks and a Russian allegation-denied"),
    ("004", "“We believe it is now up to Russia to provide a clear answer,”"),
    ("004", "Coalition of the Willing – a group of countries"),
]


@pytest.mark.parametrize(("seed", "quote"), FOUND, ids=[f"{s}:{q[:30]}" for s, q in FOUND])
def test_real_quotes_are_found(seed: str, quote: str) -> None:
    assert_found(quote, SEEDS[seed])


def test_elided_quote_has_one_span_per_fragment_in_order() -> None:
    source = SEEDS["000"]
    match = assert_found(ELIDED, source)
    assert span_texts(match, source) == [
        "One track will go over the documents",
        "the third is more military and political issues",
    ]
    (_, first_end), (second_start, _) = match.spans
    assert first_end < second_start
    assert match.paragraphs[0] == match.paragraphs[1]


def test_straight_quotes_match_curly_source() -> None:
    source = SEEDS["003"]
    match = assert_found(f'"{USHAKOV}"', source)
    # The surrounding quote marks are trimmed; the span is the words between them.
    assert span_texts(match, source) == [USHAKOV]
    assert source.text[match.spans[0][0] - 1] == "“"


def test_duplicated_paragraph_is_found_at_first_occurrence() -> None:
    source = SEEDS["002"]
    match = assert_found("Representatives from 15 nations, including Britain, France, and Germany", source)
    (paragraph,) = match.paragraphs
    assert source.paragraphs[paragraph].kind == "body"
    repeats = [i for i, p in enumerate(source.paragraphs) if p.repeat_of == paragraph]
    assert len(repeats) == 1 and repeats[0] > paragraph


def test_newlines_and_double_spaces_in_quote_match_single_spaces() -> None:
    source = SEEDS["001"]
    quote = "U.S. negotiators will join\nEuropean leaders  in Paris\t on Tuesday"
    match = assert_found(quote, source)
    assert span_texts(match, source) == ["U.S. negotiators will join European leaders in Paris on Tuesday"]


def test_nbsp_in_quote() -> None:
    assert_found("U.S. negotiators\u00a0will join European\u202fleaders", SEEDS["001"])


def test_nbsp_and_thin_spaces_in_source() -> None:
    original = SEEDS["001"].text
    text = original.replace("will join European leaders", "will\u00a0join  European\u2009\t leaders")
    assert text != original
    source = parse_source_text(text)
    match = assert_found("U.S. negotiators will join European leaders in Paris", source)
    assert span_texts(match, source) == ["U.S. negotiators will\u00a0join  European\u2009\t leaders in Paris"]


def test_a_fragment_must_lie_within_one_paragraph() -> None:
    """A line break in a seed file ends a paragraph: a quote across it needs an elision at the break."""
    text = SEEDS["001"].text.replace("will join European leaders", "will join\nEuropean leaders")
    source = parse_source_text(text)
    across = "U.S. negotiators will join European leaders in Paris"
    assert find_quote(across, source) is None
    defects, match = check_quote(across, source)
    assert match is None and defects == [
        "quote runs across a paragraph break (after 'U.S. negotiators will join'); a fragment must lie "
        "within one paragraph: put an elision (… or [...]) where the paragraph ends"
    ]
    elided = "U.S. negotiators will join … European leaders in Paris"
    assert check_quote(elided, source)[0] == []
    assert len(assert_found(elided, source).paragraphs) == 2


def test_offsets_map_back_through_collapsed_whitespace() -> None:
    source = parse_source_text("  \n\nHeadline\n\n  Hello   world\u00a0 again, said  “someone”.\n")
    match = assert_found("Hello world again, said “someone”", source)
    assert span_texts(match, source) == ["Hello   world\u00a0 again, said  “someone"]


NOT_FOUND = [
    ("003", CRIMEA.replace("million", "billion")),
    ("003", "russia, “one million percent,” won’t cede control"),
    ("000", "the third is more military and political issues … One track will go over the documents"),
    ("000", "Leave a Reply"),
    ("000", "Your email address will not be published"),
    ("000", "Daryna Krasnolutska"),
    ("001", "blog comments powered by Disqus"),
    ("002", "without warranty of any kind"),
    ("002", "followed a week marked by deadly attacks and a Russian allegation — denied by Kyiv"),
    ("003", "With assistance from Kirsi Heikel"),
    ("003", ""),
    ("003", "… …"),
]


@pytest.mark.parametrize(("seed", "quote"), NOT_FOUND, ids=[f"{s}:{q[:30]}" for s, q in NOT_FOUND])
def test_changed_reordered_or_boilerplate_quotes_are_not_found(seed: str, quote: str) -> None:
    assert find_quote(quote, SEEDS[seed]) is None


def test_closest_passage_finds_the_paragraph_of_a_changed_word() -> None:
    source = SEEDS["003"]
    passage = closest_passage(CRIMEA.replace("million", "billion"), source)
    assert passage == f"As an example, {CRIMEA}, he said."
    paragraph = source.paragraph_at(source.text.index(passage))
    assert paragraph is not None and source.paragraphs[paragraph].kind == "body"


def test_closest_passage_is_cut_to_limit_around_the_match() -> None:
    source = SEEDS["001"]
    quote = "Ukraine hopes to set up a meeting in the U.S. at the leaders’ level by the end of February"
    passage = closest_passage(quote, source, limit=80)
    assert len(passage) <= 80
    assert "meeting in the U.S. at the leaders’ level" in passage
    assert closest_passage("", source) == ""


def test_fragments() -> None:
    assert fragments("“a … b”") == ["a", "b"]
    assert fragments("… cut at the start and the end ...") == ["cut at the start and the end"]
    assert fragments("a [...] b [ … ] c") == ["a", "b", "c"]
    assert fragments("a … … b") == ["a", "", "b"]
    assert fragments("Russia, “one million percent,” won’t") == ["Russia, “one million percent,” won’t"]


def test_normalize() -> None:
    assert normalize(" “It’s\u00a0a  deal —\n now” ") == '"It\'s a deal - now"'
    assert normalize("‘x’ ‚y‛ ′z′ ʼw") == "'x' 'y' 'z' 'w"
    assert normalize("„a‟ ″b″") == '"a" "b"'
    assert normalize("a-b‐c‑d‒e–f—g―h−i") == "a-b-c-d-e-f-g-h-i"
    assert normalize("Case Stays") == "Case Stays"


def test_quote_defects() -> None:
    assert quote_defects("Russia, “one million percent,” won’t cede control") == []
    assert quote_defects("One track … the third") == []
    zwsp = quote_defects("one million\u200b percent")
    assert zwsp == [
        "quote contains U+200B ZERO WIDTH SPACE at character 12; delete it "
        "(it is invisible and never part of the source text)"
    ]
    (rlo,) = quote_defects("\u202eabc")
    assert rlo.startswith("quote contains U+202E RIGHT-TO-LEFT OVERRIDE at character 1; delete it")
    (empty_fragment,) = quote_defects("one … … two")
    assert "empty fragment" in empty_fragment and "character 7" in empty_fragment
    assert quote_defects("... ...") == [f"quote has only elisions; {EMPTY}"]
    assert quote_defects("  ") == [f"quote is empty; {EMPTY}"]
    (repeated,) = quote_defects("a\ufeffb\ufeffc")
    assert "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 2 (and 1 more)" in repeated
    (bell,) = quote_defects("ding\x07")
    assert bell.startswith("quote contains U+0007 CONTROL CHARACTER at character 5")
    assert quote_defects("line one\nline two\tand\r\nthree") == []


def test_whitespace_table_is_every_isspace_character() -> None:
    every = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
    assert every == WHITESPACE


# Property tests over the seeds: any body substring is found, and survives the documented equivalences.

VARIANTS = {
    **dict.fromkeys(SINGLE_QUOTES, SINGLE_QUOTES),
    **dict.fromkeys(DOUBLE_QUOTES, DOUBLE_QUOTES),
    **dict.fromkeys(DASHES, DASHES),
}
WHITESPACE_RUNS = [" ", "  ", "\n", "\t", "\u00a0", "\u202f", "\u2009", " \n\u00a0 "]


@st.composite
def body_substrings(draw: st.DrawFn) -> tuple[str, int, str]:
    """A seed, the offset of a substring of one of its body paragraphs, and the substring."""
    seed, index = draw(st.sampled_from(BODY_PARAGRAPHS))
    source = SEEDS[seed]
    paragraph = source.paragraphs[index]
    start = draw(st.integers(paragraph.start, paragraph.end - 1))
    end = draw(st.integers(start + 1, min(paragraph.end, start + 160)))
    return seed, start, source.text[start:end]


@given(body_substrings())
def test_any_body_substring_is_found(case: tuple[str, int, str]) -> None:
    seed, start, substring = case
    source = SEEDS[seed]
    parts = fragments(substring)
    assume(parts)  # a lone quote mark or space trims to nothing
    (fragment,) = parts  # the seeds contain no elisions, so a substring is one fragment
    drawn_at = start + substring.index(fragment)
    match = find_quote(substring, source)
    assert match is not None
    ((found_start, found_end),) = match.spans
    # The first occurrence wins, which may be an earlier copy or an equivalent spelling (“ for ").
    assert found_start <= drawn_at
    assert normalize(source.text[found_start:found_end]) == normalize(fragment)
    if found_start == drawn_at:
        assert source.text[found_start:found_end] == fragment


@given(body_substrings(), st.data())
def test_equivalent_spellings_match_the_same_span(case: tuple[str, int, str], data: st.DataObject) -> None:
    seed, _, substring = case
    source = SEEDS[seed]
    assume(any(fragments(substring)))
    variant = "".join(
        data.draw(st.sampled_from(WHITESPACE_RUNS))
        if char.isspace()
        else data.draw(st.sampled_from(VARIANTS[char]))
        if char in VARIANTS
        else char
        for char in substring
    )
    original = find_quote(substring, source)
    assert original is not None
    assert find_quote(variant, source) == original


SPECIALS = SINGLE_QUOTES + DOUBLE_QUOTES + DASHES + "…. \n\t\u00a0\u202f\u200b"


@given(st.text() | st.text(alphabet=st.sampled_from(SPECIALS + "ab")))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


SEED_WORDS = sorted({word for source in SEEDS.values() for word in source.body_text().split()})
SEPARATORS = [" ", " … ", "...", "“", "”", " — ", "\n", "\u00a0", "\u200b", ""]


@st.composite
def quote_like(draw: st.DrawFn) -> str:
    """Seed words glued with separators that include elisions, quote marks and invisible characters."""
    words = draw(st.lists(st.sampled_from(SEED_WORDS), min_size=1, max_size=6))
    return "".join(word + draw(st.sampled_from(SEPARATORS)) for word in words)


@settings(max_examples=300)
@given(
    st.text() | quote_like() | st.text(alphabet=st.sampled_from(SPECIALS + "ae ")),
    st.sampled_from(sorted(SEEDS)),
)
def test_find_quote_never_raises(quote: str, seed: str) -> None:
    source = SEEDS[seed]
    match = find_quote(quote, source)
    quote_defects(quote)
    if match is None:
        return
    assert len(match.spans) == len(match.paragraphs) == len(fragments(quote))
    previous_end = 0
    for (start, end), paragraph in zip(match.spans, match.paragraphs, strict=True):
        assert previous_end <= start < end <= len(source.text)
        assert source.paragraph_at(start) == paragraph
        assert source.paragraphs[paragraph].kind != "boilerplate"
        previous_end = end
