"""Sentences of a document for the curation assistant: exact ``[start, end)`` spans of its body text.

Body lines (boilerplate and repeated paragraphs dropped as for sources) are joined where a line break is a
soft wrap, then split after ``.``, ``!``, ``?`` or ``…`` (and any closing quote) when the next word starts
with a capital letter, a digit or an opening quote. A period after a known abbreviation (``Jan.``, ``Gen.``,
``Mr.``), an initial (``J.``, unless a quotation follows) or a dotted abbreviation (``U.S.``) does not end a
sentence, so two sentences may be merged but one is never cut: every sentence is a substring of the text.
(pysbd and sentencex, tried in the same blocks, scored no better in ``python -m benchmarks.suggest_eval``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stancemap.model.sourcetext import SourceText, parse_source_text

OPENING_QUOTES = '“„«"'
_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, for the word lists here and in the assistant."""
    return frozenset(text.split())


# Lower-case words (without their period) after which a period does not end a sentence.
ABBREVIATIONS = word_set(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr sen rep gov pres st jr sr rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc corp ltd co mt ft approx est dept
    univ e.g i.e"""
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``[start, end)`` into the document text, and the block (paragraph) it is in."""

    index: int
    start: int
    end: int
    text: str
    block: int


def _soft_wrap(before: str, after: str, gap: str) -> bool:
    """True when a single line break between two lines only wraps one paragraph."""
    if gap.count("\n") != 1 or re.search(r"[.!?:;\"”’)\]]$", before):
        return False
    return after[:1].islower() or before.endswith((",", "-")) or (len(before) >= 60 and after[:1].isalpha())


def _blocks(source: SourceText) -> list[tuple[int, int]]:
    """Spans of body text, consecutive lines joined where the break is a soft wrap."""
    blocks: list[tuple[int, int]] = []
    previous: int | None = None
    for index, paragraph in enumerate(source.paragraphs):
        if paragraph.kind != "body":
            previous = None
            continue
        if previous is not None:
            last = source.paragraphs[previous]
            gap = source.text[last.end : paragraph.start]
            if _soft_wrap(source.paragraph_text(previous), source.paragraph_text(index), gap):
                blocks[-1] = (blocks[-1][0], paragraph.end)
                previous = index
                continue
        blocks.append((paragraph.start, paragraph.end))
        previous = index
    return blocks


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the terminator `match` in `text` ends a sentence (see the module docstring)."""
    rest = text[match.end() :]
    if not rest[:1].isspace():
        return False
    opens_quote = rest.lstrip()[:1] in OPENING_QUOTES
    following = rest.lstrip().lstrip(OPENING_QUOTES + "‘'([")
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False
    if match.group() != ".":
        return True
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip(OPENING_QUOTES + "‘'([")
    if word.lower() in ABBREVIATIONS or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return False
    # An initial comes before a name, not a quotation: "said on X. “Only …" ends there.
    return opens_quote or not re.fullmatch(r"[A-Z]", word)


def split_sentences(text: str) -> list[Sentence]:
    """The body sentences of a document, each an exact substring of `text`."""
    source = parse_source_text(text)
    sentences: list[Sentence] = []
    for block, (start, end) in enumerate(_blocks(source)):
        chunk = text[start:end]
        cut = 0
        for match in _TERMINATOR.finditer(chunk):
            if _ends_sentence(chunk, match):
                sentences.append(_sentence(text, start + cut, start + match.end(), block, len(sentences)))
                cut = match.end()
        if chunk[cut:].strip():
            sentences.append(_sentence(text, start + cut, end, block, len(sentences)))
    return sentences


def _sentence(text: str, start: int, end: int, block: int, index: int) -> Sentence:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    start, end = start + lead, start + len(raw.rstrip())
    return Sentence(index, start, end, text[start:end], block)
