"""A source document as read, its site boilerplate recognised at read time (the file itself is never edited).

Every non-blank line is one paragraph (the seed files put one paragraph per line). Each paragraph is
``body`` (article text, headline included), ``boilerplate`` (site chrome, by-lines, credits, copyright,
comment widgets) or ``repeat`` (the same text as an earlier body paragraph, as when a page is scraped twice).
The boilerplate rules are the generic tables ``LINE_RULES`` and ``TRAILER_RULES`` below: no per-file offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

ParagraphKind = Literal["body", "boilerplate", "repeat"]

_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}"
_LANG = r"(?:en|ru|ua|uk|de|fr|es|it|pl|pt|zh|ja|ar|tr)"

# Site chrome that is a whole line on its own, matched against the stripped line (re.fullmatch).
# Only chrome belongs here: a lone content line such as a "$800 billion" cross-head stays body.
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern))
    for why, pattern in (
        ("HTTP error page", r"[45]\d\d(?: [A-Z][A-Za-z ]*)?|(?:Sorry|Oops)!*"),
        ("HTTP error page", r"(?:Error!\s*)?(?:We['’]re sorry, but )?the page you (?:were|are) looking.*"),
        ("site navigation", r"Current News|ArcaMax|Home|Menu|Search|Advertisement|Skip to (?:main )?content"),
        ("section label", r"Published in [\w&,' ]{1,40}"),
        ("language switcher", rf"{_LANG}(?:[\s|/]+{_LANG})+"),
        ("separator", r"[\W_]+"),
        ("by-line", rf"By\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*(?:\s*[|,]\s*.{{1,40}})?"),
        ("by-line", rf"{_NAME},\s+[\w&.' ]{{0,30}}\b(?:News|Press|Reuters|Agency|Times|Post|Wire)(?:\s+on)?"),
        ("credit", r"\((?:With assistance from|(?:Additional )?[Rr]eporting|Editing|Writing) .+\)\.?"),
        ("copyright", r"(?:©|\([cC]\)|Copyright\s*(?:©|\d{4})).*|Distributed by .*|All rights reserved\.?"),
        ("comment widget", r"Leave a (?:Reply|Comment)|Your email address will not be published\..*"),
        ("comment widget", r"Comments(?: \(\d+\))?|\d+ [Cc]omments?|No comments?(?: yet)?\.?"),
        ("comment widget", r"blog comments powered by Disqus"),
    )
)

# A line that starts the page trailer: it and everything after it is boilerplate (re.match on the line).
TRAILER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern))
    for why, pattern in (
        ("comments section", r"(?:Comments|Leave a (?:Reply|Comment))(?: \(\d+\))?$"),
        ("legal disclaimer", r"Legal Disclaimer:"),
    )
)

# All rules as one alternation, so classifying a line costs one regex call; the tables above name the rule.
_ANY_LINE_RULE = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in LINE_RULES))
_ANY_TRAILER_RULE = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in TRAILER_RULES))


@dataclass(frozen=True)
class Paragraph:
    """One non-blank line of a source: ``[start, end)`` into ``SourceText.text``, without its end blanks."""

    start: int
    end: int
    kind: ParagraphKind
    repeat_of: int | None = None


@dataclass(frozen=True)
class SourceText:
    """A source file's decoded text and its paragraphs in order."""

    text: str
    paragraphs: tuple[Paragraph, ...]

    @cached_property
    def paragraph_starts(self) -> list[int]:
        """Paragraph start offsets, for bisect (cached in the instance dict, which frozen does not block)."""
        return [paragraph.start for paragraph in self.paragraphs]

    def paragraph_at(self, offset: int) -> int | None:
        """Index of the paragraph containing ``offset``, or None when it falls between paragraphs."""
        index = bisect_right(self.paragraph_starts, offset) - 1
        if index >= 0 and offset < self.paragraphs[index].end:
            return index
        return None

    def paragraph_text(self, index: int) -> str:
        """The text of paragraph ``index``."""
        paragraph = self.paragraphs[index]
        return self.text[paragraph.start : paragraph.end]

    def body_text(self) -> str:
        """Body paragraphs (not boilerplate or repeats) joined by blank lines, for counts and suggestions."""
        return "\n\n".join(self.paragraph_text(i) for i, p in enumerate(self.paragraphs) if p.kind == "body")


def boilerplate_rule(line: str) -> str | None:
    """The name of the single-line boilerplate rule that ``line`` matches, or None."""
    stripped = line.strip()
    for why, pattern in LINE_RULES:
        if pattern.fullmatch(stripped):
            return why
    return None


def trailer_rule(line: str) -> str | None:
    """The name of the trailer rule that ``line`` starts, or None."""
    stripped = line.strip()
    for why, pattern in TRAILER_RULES:
        if pattern.match(stripped):
            return why
    return None


def parse_source_text(text: str) -> SourceText:
    """Split ``text`` into classified paragraphs."""
    paragraphs: list[Paragraph] = []
    first_body: dict[str, int] = {}
    in_trailer = False
    line_end = 0
    # str.splitlines is the line splitter: it knows \n, \r\n and \r (and Unicode line separators) and is fast.
    for line in text.splitlines(keepends=True):
        line_start, line_end = line_end, line_end + len(line)
        stripped = line.strip()
        if not stripped:
            continue
        start = line_start + len(line) - len(line.lstrip())
        end = start + len(stripped)
        # A trailer marker only counts once the article has begun, so a "Comments" menu item at the top
        # of a page cannot swallow the whole article.
        if not in_trailer and first_body and _ANY_TRAILER_RULE.match(stripped):
            in_trailer = True
        if in_trailer or _ANY_LINE_RULE.fullmatch(stripped):
            paragraphs.append(Paragraph(start, end, "boilerplate"))
        elif stripped in first_body:
            paragraphs.append(Paragraph(start, end, "repeat", first_body[stripped]))
        else:
            first_body[stripped] = len(paragraphs)
            paragraphs.append(Paragraph(start, end, "body"))
    return SourceText(text, tuple(paragraphs))


def read_source_text(path: Path) -> SourceText:
    """Read and parse a UTF-8 source file; raises OSError or UnicodeDecodeError for the caller to report."""
    # utf-8-sig: a byte-order mark is not text. Newlines stay as in the file (no universal-newline rewrite).
    return parse_source_text(path.read_bytes().decode("utf-8-sig"))
