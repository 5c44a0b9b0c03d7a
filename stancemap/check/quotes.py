"""Verbatim-quote verification: a stance's quote must appear, word for word, in the body of its source.

Normalization (applied to both the quote and the source before comparing; nothing else is forgiven):

- single quotes and apostrophes are equal: ' ‘ ’ ‚ ‛ ′ ʼ
  (U+0027, U+2018, U+2019, U+201A, U+201B, U+2032, U+02BC);
- double quotes are equal: " “ ” „ ‟ ″ (U+0022, U+201C, U+201D, U+201E, U+201F, U+2033);
- dashes and hyphens are equal: - ‐ ‑ ‒ – — ― − (U+002D, U+2010 to U+2015, U+2212);
- any run of whitespace (spaces, tabs, newlines, no-break and narrow spaces such as U+00A0, U+202F, U+2009)
  equals a single space; a space never equals no space.

Matching is otherwise exact and case-sensitive. An elision, ``…`` or ``...`` (optionally in square brackets,
``[…]``), splits a quote into fragments that must all appear in the source in the given order, each one after
the end of the one before. Whitespace and quote marks at the two ends of each fragment are ignored, since
curators often paste a quote with its surrounding “ ”. A match must lie in the article body: text found
only in boilerplate (by-lines, comment widgets, disclaimers) does not count. The first body occurrence wins.
Invisible characters (zero-width, bidi and other control characters) are never allowed in a quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from difflib import SequenceMatcher
from itertools import pairwise
from typing import NamedTuple

from stancemap.model.characters import character_name, invisible_characters, places_text
from stancemap.model.dataset import QuoteMatch
from stancemap.model.problems import excerpt
from stancemap.model.sourcetext import SourceText

SINGLE_QUOTES = "'‘’‚‛′ʼ"
DOUBLE_QUOTES = '"“”„‟″'
DASHES = "-‐‑‒–—―−"

# Every character for which str.isspace() is true (what str.split() and re's \s split on); a test checks it.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# (variant, canonical) pairs. Chained str.replace is used rather than str.translate or a regex because it runs
# at memchr speed on the absent characters, which are most of them: folding 5 KB takes microseconds.
_FOLD = tuple(
    (char, chars[0]) for chars in (SINGLE_QUOTES, DOUBLE_QUOTES, DASHES) for char in chars[1:]
)  # the first character of each class is its canonical form
_SPACE_LIKE = tuple((char, " ") for char in WHITESPACE if char != " ")
_SPACE_RUN = re.compile(r"  +")
_ELISION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.")
_FRAGMENT_EDGES = WHITESPACE + SINGLE_QUOTES + DOUBLE_QUOTES

# The evidence floor. Measured on the bundled data: its shortest quote has 6 words ("Only reliable guarantees
# can deliver peace."), its shortest fragment 6, and the only fragment found at two body places is a 13-word
# headline that its page prints twice. A fragment that long is the same passage printed again, not a phrase.
MIN_QUOTE_WORDS = 5
MIN_FRAGMENT_WORDS = 3
DISTINCT_WORDS = 10
EVIDENCE_FLOOR = f"""Evidence floor, so that a quote proves something:

- a quote has at least {MIN_QUOTE_WORDS} words (runs of characters between spaces with a letter or digit in
  them), enough to carry a claim, and each fragment between elisions at least {MIN_FRAGMENT_WORDS};
- each fragment lies within one paragraph of the source: a quote that runs on into the next paragraph needs an
  elision at the break;
- a fragment of fewer than {DISTINCT_WORDS} words is found at exactly one place in the article body (a
  paragraph the page prints twice counts once), so it says which passage is meant.

Each message says how to fix it, mostly by quoting more of the words around the fragment."""


class _View(NamedTuple):
    """A source text normalized for searching, with the map back to original offsets."""

    text: str
    breaks: list[int]  # view offsets at which the shift below changes (after each collapsed whitespace run)
    shifts: list[int]  # original offset = view offset + shift

    def original(self, offset: int) -> int:
        """The original offset of the character at view ``offset``."""
        return offset + self.shifts[bisect_right(self.breaks, offset) - 1]


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``text`` with each character of ``pairs`` replaced one for one, so offsets are unchanged."""
    for char, canonical in pairs:
        if char in text:
            text = text.replace(char, canonical)
    return text


def normalize(text: str) -> str:
    """The documented normalization: fold quotes and dashes, collapse whitespace runs, strip the ends."""
    # Every variant character is non-ASCII, so ASCII text (most quotes) only needs its whitespace collapsed.
    return " ".join((text if text.isascii() else _replace_all(text, _FOLD)).split())


def fragments(quote: str) -> list[str]:
    """The fragments of ``quote`` between elisions, ends trimmed; an interior empty string is a defect."""
    pieces = _ELISION.split(quote) if "…" in quote or "..." in quote else [quote]
    parts = [piece.strip(_FRAGMENT_EDGES) for piece in pieces]
    # One leading or trailing elision marks a cut sentence; anything emptier is reported by quote_defects.
    if parts and not parts[0]:
        parts.pop(0)
    if parts and not parts[-1]:
        parts.pop()
    return parts


def quote_defects(quote: str) -> list[str]:
    """Messages for what is never allowed in a quote: emptiness, empty fragments, invisible characters."""
    return _defects(quote, fragments(quote))


def check_quote(quote: str, source: SourceText) -> tuple[list[str], QuoteMatch | None]:
    """Everything wrong with ``quote`` as evidence from ``source`` (``quote_defects``, the evidence floor),
    and, when nothing is, where ``find_quote`` finds it; the quote is split only once.

    Results are kept with the source (like its search view), so a reload of unchanged data, as after a
    visitor clears Streamlit's cache, does not search again.
    """
    checked: dict[str, tuple[list[str], QuoteMatch | None]] = source.__dict__.setdefault("_checked", {})
    result = checked.get(quote)
    if result is None:
        result = checked[quote] = _check(quote, source)
    return list(result[0]), result[1]


def _check(quote: str, source: SourceText) -> tuple[list[str], QuoteMatch | None]:
    """Defects first, then the word floor, then the search, then whether each fragment is distinctive."""
    parts = fragments(quote)
    defects = _defects(quote, parts) or _too_few_words(parts)
    if defects:
        return defects, None
    normalized = [normalize(part) for part in parts]
    found = _search(normalized, source)
    if found is None:
        return _across_paragraphs(normalized, source), None
    match, at = found
    repeated = _repeated(parts, normalized, at, source)
    return repeated, None if repeated else match


def _defects(quote: str, parts: list[str]) -> list[str]:
    defects: list[str] = []
    if not any(parts):
        what = "has only elisions" if _ELISION.search(quote) else "is empty"
        defects.append(f"quote {what}; give the words exactly as they appear in the source")
    elif "" in parts:
        at = _empty_fragment_at(quote)
        defects.append(f"quote has an empty fragment between elisions at character {at}; remove one elision")
    if quote.isprintable():
        return defects  # no control, format or surrogate characters: skip the per-character scan
    for char, places in invisible_characters(quote).items():
        defects.append(
            f"quote contains {character_name(char)} {places_text(places)};"
            " delete it (it is invisible and never part of the source text)"
        )
    return defects


# A word: a run of non-space characters with a letter or digit in it. Greedy on both sides, so each run
# matches at most once, and a dash or an elision on its own is no word.
_WORD = re.compile(r"\S*[^\W_]\S*")


def words(text: str) -> int:
    """How many words ``text`` has: whitespace-separated tokens with a letter or digit (a dash is none)."""
    return len(_WORD.findall(text))


def _too_few_words(parts: list[str]) -> list[str]:
    """The evidence floor on length: the whole quote, and each fragment when there are several."""
    # Most quotes are far above the floor: counting up to it and stopping costs less than counting all.
    if len(parts) == 1 and _has_words(parts[0], MIN_QUOTE_WORDS):
        return []  # one fragment: the quote's floor is the fragment's
    if len(parts) > 1 and all(_has_words(part, MIN_FRAGMENT_WORDS) for part in parts):
        return []  # several fragments of at least 3 words hold at least 6
    counts = [words(part) for part in parts]
    if sum(counts) < MIN_QUOTE_WORDS:
        return [
            f"quote has {_count(sum(counts), 'word')}, too few to carry a claim; quote at least "
            f"{MIN_QUOTE_WORDS} words of the source: the whole clause that says who does or wants what"
        ]
    return [
        f"quote fragment {excerpt(part)} has {_count(count, 'word')}; each fragment between elisions "
        f"needs at least {MIN_FRAGMENT_WORDS} to be distinctive in its source: extend it with the words "
        "around it in the source, or quote the words in between instead of the elision"
        for part, count in zip(parts, counts, strict=True)
        if count < MIN_FRAGMENT_WORDS
    ]


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _has_words(text: str, least: int) -> bool:
    """Whether ``text`` has at least ``least`` words, as ``words`` counts them."""
    found = 0
    search = _LETTER_OR_DIGIT.search
    for token in text.split():
        if search(token) is not None:
            found += 1
            if found >= least:
                return True
    return False


def _repeated(parts: list[str], normalized: list[str], at: list[int], source: SourceText) -> list[str]:
    """A problem for each short fragment found at more than one place in the source's body.

    ``at``: where the search view holds each fragment's match.
    """
    found = []
    text = _view_of(source).text
    for part, folded, place in zip(parts, normalized, at, strict=True):
        # Another occurrence anywhere in the text first: most fragments have none, so no loop runs.
        elsewhere = text.find(folded, place + 1) >= 0 or text.find(folded, 0, place + len(folded) - 1) >= 0
        if not elsewhere or words(folded) >= DISTINCT_WORDS:
            continue
        lines = [source.text.count("\n", 0, start) + 1 for start in _body_places(folded, source)]
        if len(lines) > 1:
            shown = [str(line) for line in lines[:3]] + ["…"] * (len(lines) > 3)
            where = ", ".join(shown[:-1]) + f" and {shown[-1]}"
            found.append(
                f"quote fragment {excerpt(part)} is found at {len(lines)} places in the source (lines "
                f"{where} of the source file), so it does not say which passage is meant; extend it with the "
                "words around it until it is found at one place only"
            )
    return found


def _body_places(part: str, source: SourceText) -> list[int]:
    """Original start offsets of every occurrence of a normalized fragment within one body paragraph."""
    view = _view_of(source)
    places: list[int] = []
    found = view.text.find(part)
    while found >= 0:
        start = view.original(found)
        index = _paragraph_of(source, start, view.original(found + len(part) - 1) + 1)
        if index is not None and source.paragraphs[index].kind == "body":  # a repeat is the same passage
            places.append(start)
        found = view.text.find(part, found + 1)
    return places


def _across_paragraphs(parts: list[str], source: SourceText) -> list[str]:
    """Why a quote is not found when it would be, run across a paragraph break: where to put the elision."""
    match = _find_parts(parts, source, within_paragraph=False)
    if match is None:
        return []
    for start, end in match.spans:
        first = source.paragraph_at(start)
        if first is not None and end > source.paragraphs[first].end:
            before = source.text[start : source.paragraphs[first].end]
            if len(before) > 40:
                before = before[-40:].split(" ", 1)[-1]  # the last words the quote has before the break
            return [
                f"quote runs across a paragraph break (after {excerpt(before)}); a fragment must lie within "
                "one paragraph: put an elision (… or [...]) where the paragraph ends"
            ]
    return []


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _empty_fragment_at(quote: str) -> int:
    """1-based position of the elision that closes the first empty interior fragment."""
    elisions = list(_ELISION.finditer(quote))
    for before, after in pairwise(elisions):
        if not quote[before.end() : after.start()].strip(_FRAGMENT_EDGES):
            return after.start() + 1
    return 1


def _build_view(text: str) -> _View:
    """The normalized search view of a source text."""
    spaced = _replace_all(_replace_all(text, _FOLD), _SPACE_LIKE)
    breaks, shifts, removed = [0], [0], 0
    for run in _SPACE_RUN.finditer(spaced):
        removed += run.end() - run.start() - 1
        breaks.append(run.end() - removed)
        shifts.append(removed)
    return _View(_SPACE_RUN.sub(" ", spaced), breaks, shifts)


def _view_of(source: SourceText) -> _View:
    """The search view of a source, built once and kept with it (it lives as long as the source)."""
    # SourceText is frozen, which blocks attribute assignment but not its instance dict (as cached_property).
    view = source.__dict__.get("_search_view")
    if view is None:
        view = source.__dict__["_search_view"] = _build_view(source.text)
    return view


def _paragraph_of(source: SourceText, start: int, end: int) -> int | None:
    """The paragraph that holds all of ``[start, end)`` if it is not boilerplate, else None."""
    index = source.paragraph_at(start)
    if index is None:
        return None
    paragraph = source.paragraphs[index]
    if paragraph.kind == "boilerplate" or end > paragraph.end:
        return None
    return index


def _in_body_across(source: SourceText, start: int, end: int) -> int | None:
    """The paragraph where ``[start, end)`` starts if the span touches no boilerplate (breaks allowed)."""
    first = source.paragraph_at(start)
    if first is None or source.paragraphs[first].kind == "boilerplate":
        return None
    last = source.paragraph_at(end - 1)
    if last is None or any(p.kind == "boilerplate" for p in source.paragraphs[first + 1 : last + 1]):
        return None
    return first


def find_quote(quote: str, source: SourceText) -> QuoteMatch | None:
    """The first body occurrence of ``quote`` in ``source`` under the documented normalization, or None."""
    return _find_parts([normalize(part) for part in fragments(quote)], source)


def _find_parts(parts: list[str], source: SourceText, *, within_paragraph: bool = True) -> QuoteMatch | None:
    """The first body occurrence of normalized fragments in order, each within one paragraph, or None.

    ``within_paragraph=False`` lets fragments run across paragraph breaks, to say where an elision is missing.
    """
    found = _search(parts, source, within_paragraph=within_paragraph)
    return None if found is None else found[0]


def _search(
    parts: list[str], source: SourceText, *, within_paragraph: bool = True
) -> tuple[QuoteMatch, list[int]] | None:
    """As ``_find_parts``, with where the search view holds each fragment's match."""
    if not parts or "" in parts:
        return None
    view = _view_of(source)
    text, breaks, shifts = view.text, view.breaks, view.shifts
    starts, paragraphs_of = source.paragraph_starts, source.paragraphs
    spans: list[tuple[int, int]] = []
    paragraphs: list[int] = []
    places: list[int] = []
    position = 0
    for part in parts:
        while True:
            found = text.find(part, position)
            if found < 0:
                return None
            last = found + len(part) - 1
            # _View.original, SourceText.paragraph_at and _paragraph_of inlined: this runs for every find.
            start = found + shifts[bisect_right(breaks, found) - 1]
            end = last + shifts[bisect_right(breaks, last) - 1] + 1
            if within_paragraph:
                index = bisect_right(starts, start) - 1
                if index >= 0:
                    paragraph = paragraphs_of[index]
                    if end <= paragraph.end and paragraph.kind != "boilerplate":
                        break
            else:
                across = _in_body_across(source, start, end)
                if across is not None:
                    index = across
                    break
            position = found + 1
        spans.append((start, end))
        paragraphs.append(index)
        places.append(found)
        position = found + len(part)
    return QuoteMatch(tuple(spans), tuple(paragraphs)), places


_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[\"'”’)]*(?=\s|$)|$)")


def _candidates(source: SourceText) -> list[tuple[int, int]]:
    """Body paragraphs and windows of one to three consecutive sentences in them, as original spans."""
    spans: list[tuple[int, int]] = []
    for paragraph in source.paragraphs:
        if paragraph.kind != "body":
            continue
        spans.append((paragraph.start, paragraph.end))
        text = source.text[paragraph.start : paragraph.end]
        base = paragraph.start
        sentences = [(base + m.start(), base + m.end()) for m in _SENTENCE.finditer(text)]
        for width in (1, 2, 3):
            for i in range(len(sentences) - width + 1):
                window = (sentences[i][0], sentences[i + width - 1][1])
                if window != (paragraph.start, paragraph.end):
                    spans.append(window)
    return spans


def closest_passage(quote: str, source: SourceText, limit: int = 200) -> str:
    """The body passage most like ``quote``, cut to ``limit`` characters around the best match."""
    target = normalize(" ".join(fragments(quote)))
    if not target:
        return ""
    # A one-for-one fold keeps candidate offsets equal to original ones, so the cut can use the source text.
    folded = _replace_all(_replace_all(source.text, _FOLD), _SPACE_LIKE)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    best, best_span = -1.0, (0, 0)
    for start, end in _candidates(source):
        matcher.set_seq1(folded[start:end])
        # The quick upper bounds skip most candidates without the quadratic ratio().
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, best_span = ratio, (start, end)
    start, end = best_span
    passage = source.text[start:end]
    if len(passage) <= limit:
        return passage
    matcher.set_seq1(folded[start:end])
    block = matcher.find_longest_match(0, end - start, 0, len(target))
    # Align the quote on its longest common block, then centre the window on where the quote would sit.
    centre = block.a - block.b + len(target) // 2
    room = max(limit - 2, 1)
    left = min(max(centre - room // 2, 0), len(passage) - room)
    right = left + room
    # Cut at word boundaries when one is near, so the passage reads cleanly.
    if left > 0 and not passage[left - 1].isspace():
        space = passage.find(" ", left, left + 20)
        left = space + 1 if space >= 0 else left
    if right < len(passage) and not passage[right].isspace():
        space = passage.rfind(" ", right - 20, right)
        right = space if space > left else right
    return ("…" if left > 0 else "") + passage[left:right].strip() + ("…" if right < len(passage) else "")


def fits(match: QuoteMatch, source: SourceText) -> bool:
    """Whether ``match`` has the shape of a place in ``source``: ordered spans in it, a paragraph each."""
    position, size, paragraphs = 0, len(source.text), len(source.paragraphs)
    if len(match.spans) != len(match.paragraphs) or not match.spans:
        return False
    for (start, end), paragraph in zip(match.spans, match.paragraphs, strict=True):
        if not (type(start) is int and type(end) is int and position <= start < end <= size):
            return False
        if not (type(paragraph) is int and 0 <= paragraph < paragraphs):
            return False
        position = end
    return True


def remember_match(quote: str, source: SourceText, match: QuoteMatch) -> None:
    """Record ``match`` as the result of checking ``quote`` against ``source`` (one already confirmed)."""
    source.__dict__.setdefault("_checked", {}).setdefault(quote, ([], match))


def checked_match(quote: str, source: SourceText) -> QuoteMatch | None:
    """The place found when ``quote`` was checked against ``source`` without defects, if it was."""
    result = source.__dict__.get("_checked", {}).get(quote)
    return result[1] if result is not None and not result[0] else None
