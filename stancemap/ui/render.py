"""Safe HTML for st.html: all data text is escaped here; only our own tags and styles get through."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from stancemap.derive.highlight import Span, pieces, quote_paragraphs
from stancemap.derive.matrix import (
    LEVEL_COLOURS,
    NO_POSITION,
    RED_LINE_MARK,
    level_colours,
)
from stancemap.model.codebook import LEVEL_MEANINGS, NO_POSITION_MEANING, RED_LINE_MEANING, STRENGTH_MARKS
from stancemap.model.sourcetext import SourceText

MUTED = "#6b7280"
MARK_STYLE = "background:#ffe08a;color:#1f2933;padding:0 .1em;border-radius:2px"
CARD_STYLE = "border-left:3px solid #cbd2d9;padding:.3rem 0 .3rem .8rem;margin:.2rem 0 .6rem 0"
QUOTE_STYLE = "margin:.4rem 0;padding:.4rem .8rem;background:#f7f8fa;border-radius:4px;line-height:1.55"
SMALL = f"color:{MUTED};font-size:.85rem"


def esc(text: object) -> str:
    """HTML-escaped text, quotes included (safe in element content and attribute values)."""
    return html.escape(str(text), quote=True)


def chip(level: str, *, title: str | None = None) -> str:
    """A coloured label for a level; "no recorded position" gets a dashed outline and grey italics."""
    background, colour = level_colours(level)
    style = (
        f"background:{background};color:{colour};padding:.05rem .45rem;border-radius:3px;white-space:nowrap"
    )
    if level not in LEVEL_COLOURS:
        style += ";border:1px dashed #9aa0a6;font-style:italic"
    else:
        # The near-white "conditional" needs an outline to show on a white page.
        style += f";border:1px solid {'#9aa0a6' if level == 'conditional' else background}"
    hover = f' title="{esc(title)}"' if title else ""
    return f'<span style="{style}"{hover}>{esc(level)}</span>'


def legend() -> str:
    """The matrix legend: the five levels (meaning on hover), no recorded position, and the cell marks."""
    chips = " ".join(chip(level, title=meaning) for level, meaning in LEVEL_MEANINGS.items())
    empty = chip(NO_POSITION, title=NO_POSITION_MEANING)
    marks = " · ".join(
        [
            f'<span title="{esc(RED_LINE_MEANING)}">{RED_LINE_MARK} red line</span>',
            f'<span title="{esc(STRENGTH_MARKS["●"])}">● independent source</span>',
            f'<span title="{esc(STRENGTH_MARKS["❝"])}">❝ quoted</span>',
            "(n) evidence items",
        ]
    )
    return f'<div style="line-height:2">{chips} {empty}<br><span style="{SMALL}">{marks}</span></div>'


def codebook() -> str:
    """The codebook as a table: each level's colour and meaning, no recorded position, and the cell marks."""
    rows = [(chip(level), meaning) for level, meaning in LEVEL_MEANINGS.items()]
    rows.append((chip(NO_POSITION), NO_POSITION_MEANING))
    rows.append((f"{RED_LINE_MARK} red line", RED_LINE_MEANING))
    rows += [(esc(mark), meaning) for mark, meaning in STRENGTH_MARKS.items()]
    rows.append(("(n)", "the number of evidence items"))
    body = "".join(
        f'<tr><td style="padding:.15rem .5rem .15rem 0;vertical-align:top;white-space:nowrap">{key}</td>'
        f'<td style="padding:.15rem 0;{SMALL}">{esc(meaning)}</td></tr>'
        for key, meaning in rows
    )
    return f'<table style="border:none;border-collapse:collapse;font-size:.9rem">{body}</table>'


def marked(text: str, start: int, end: int, spans: Iterable[Span]) -> str:
    """Escaped `text[start:end]` with the parts inside `spans` wrapped in <mark>."""
    return "".join(
        f'<mark style="{MARK_STYLE}">{esc(piece.text)}</mark>' if piece.marked else esc(piece.text)
        for piece in pieces(text, start, end, spans)
    )


def quote_in_context(source: SourceText, spans: Sequence[Span]) -> str:
    """The paragraphs holding a quote, with the quote marked and '[…]' between paragraphs that are apart."""
    parts: list[str] = []
    previous: int | None = None
    for index in quote_paragraphs(source, spans):
        if previous is not None and index != previous + 1:
            parts.append(f'<p style="{SMALL};margin:.2rem 0">[…]</p>')
        paragraph = source.paragraphs[index]
        parts.append(
            f'<p style="margin:.2rem 0">{marked(source.text, paragraph.start, paragraph.end, spans)}</p>'
        )
        previous = index
    return f'<blockquote style="{QUOTE_STYLE}">{"".join(parts)}</blockquote>'


def full_source(source: SourceText, spans: Sequence[Span]) -> str:
    """Every paragraph of a source, numbered; boilerplate and repeated paragraphs greyed; `spans` marked."""
    parts: list[str] = []
    for index, paragraph in enumerate(source.paragraphs):
        number = f'<span style="{SMALL};user-select:none">¶{index + 1}</span> '
        text = marked(source.text, paragraph.start, paragraph.end, spans)
        if paragraph.kind == "body":
            parts.append(f'<p style="margin:.25rem 0">{number}{text}</p>')
            continue
        why = (
            "site boilerplate"
            if paragraph.kind == "boilerplate"
            else f"repeat of ¶{(paragraph.repeat_of or 0) + 1}"
        )
        parts.append(
            f'<p style="margin:.25rem 0;color:#9aa0a6;font-size:.85rem" '
            f'title="{esc(why)}: not searched for quotes">'
            f"{number}{text} <em>({esc(why)})</em></p>"
        )
    return f'<div style="max-height:32rem;overflow-y:auto;line-height:1.5">{"".join(parts)}</div>'


def http_link(url: str | None, label: str) -> str:
    """An escaped link when `url` is http(s) with a host, else nothing."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'


def note(text: str) -> str:
    """A small grey line of text that may hold data (escaped, unlike st.caption, which renders markdown)."""
    return f'<p style="{SMALL};margin:.2rem 0">{esc(text)}</p>'


def heading(text: str, *, sub: str | None = None) -> str:
    """A section heading from data text, with an optional grey line under it."""
    below = f'<div style="{SMALL}">{esc(sub)}</div>' if sub else ""
    title = f'<div style="font-size:1.35rem;font-weight:600">{esc(text)}</div>'
    return f'<div style="margin:.6rem 0 .3rem 0">{title}{below}</div>'


def lines(items: Iterable[tuple[str, str | None]]) -> str:
    """'Label: value' lines with the values escaped, skipping empty values."""
    rows = [
        f'<div><span style="{SMALL}">{esc(label)}:</span> {esc(value)}</div>'
        for label, value in items
        if value
    ]
    return "".join(rows)
