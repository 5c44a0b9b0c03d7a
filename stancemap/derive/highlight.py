"""Which parts of a source's text a quote covers: marked pieces of a paragraph, and the paragraphs touched.

Pure text, no markup: the app's HTML (ui/render.py) and the published site (publish/) both draw from these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from stancemap.model.sourcetext import SourceText

Span = tuple[int, int]


class Piece(NamedTuple):
    """A run of text and whether a quote covers it."""

    text: str
    marked: bool


def pieces(text: str, start: int, end: int, spans: Iterable[Span]) -> list[Piece]:
    """`text[start:end]` cut into runs inside and outside `spans` (overlapping or touching spans merge)."""
    found: list[Piece] = []
    position = start
    for span_start, span_end in _merged(spans):
        left, right = max(span_start, position), min(span_end, end)
        if left >= right:
            continue
        if left > position:
            found.append(Piece(text[position:left], False))
        found.append(Piece(text[left:right], True))
        position = right
    if end > position or not found:
        found.append(Piece(text[position:end], False))
    return found


def _merged(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for span_start, span_end in sorted(spans):
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return merged


def quote_paragraphs(source: SourceText, spans: Sequence[Span]) -> list[int]:
    """Indexes of every paragraph a quote's spans touch, in order."""
    touched: set[int] = set()
    for start, end in spans:
        first, last = source.paragraph_at(start), source.paragraph_at(end - 1)
        if first is not None and last is not None:
            touched.update(range(first, last + 1))
    return sorted(touched)


class ContextParagraph(NamedTuple):
    """A paragraph of a quote's context: its index, its pieces, whether paragraphs are left out before it."""

    paragraph: int
    pieces: list[Piece]
    gap_before: bool


def quote_context(source: SourceText, spans: Sequence[Span]) -> list[ContextParagraph]:
    """The paragraphs holding a quote, its runs marked; `gap_before` where paragraphs are left out."""
    found: list[ContextParagraph] = []
    previous: int | None = None
    for index in quote_paragraphs(source, spans):
        paragraph = source.paragraphs[index]
        gap = previous is not None and index != previous + 1
        found.append(ContextParagraph(index, pieces(source.text, paragraph.start, paragraph.end, spans), gap))
        previous = index
    return found
