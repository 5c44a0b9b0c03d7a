"""The matrix on a phone: one card per issue listing every party's stance, each a link to its evidence.

Streamlit cannot read the viewport on the server, so the page holds both layouts and a CSS media query shows
one: below NARROW_PX the matrix table is hidden and the cards shown, above it the reverse. Text is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from stancemap.derive.frames import Cells
from stancemap.derive.matrix import NO_POSITION
from stancemap.derive.strength import evidence_strength
from stancemap.model.codebook import NO_POSITION_MEANING
from stancemap.model.dataset import Dataset
from stancemap.ui import render
from stancemap.ui.render import SMALL, esc

# Streamlit folds its sidebar away below 768 px; the matrix needs about 920 px, so the cards take over there.
NARROW_PX = 767
# Past this many cells the cards would be a very long page (and a heavy one); the table stays, scrolling.
CARDS_MAX_CELLS = 2_500
CARDS_CLASS = "sm-cards"
TABLE_KEY_CLASS = "st-key-matrix"  # the element holding st.dataframe(key="matrix")
CARD_STYLE = "border:1px solid #e4e7eb;border-radius:6px;padding:.5rem .7rem;margin:0 0 .7rem 0"
ROW_STYLE = (
    "display:flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:baseline;padding:.45rem 0;"
    "border-top:1px solid #f0f2f4;color:inherit;text-decoration:none"
)
PARTY_STYLE = "font-weight:600;min-width:7rem"

Link = Callable[[str, str], str]  # (party, issue) -> the link that opens the cell's evidence


def style() -> str:
    """The media queries that choose the layout by the viewport's width."""
    narrow = f".{CARDS_CLASS}{{display:block}}.{TABLE_KEY_CLASS}{{display:none}}"
    return f"<style>.{CARDS_CLASS}{{display:none}}@media (max-width:{NARROW_PX}px){{{narrow}}}</style>"


def _stance(data: Dataset, cells: Cells, party: str, issue: str, today: dt.date) -> str:
    record = cells.get((party, issue))
    if record is None:
        return f'<span title="{esc(NO_POSITION_MEANING)}">{render.chip(NO_POSITION)}</span>'
    stance = record.stance
    unit = data.issues[issue].quantity
    quantity = f" {esc(f'{stance.quantity:g} {unit.short}')}" if stance.quantity is not None and unit else ""
    red = f" {render.red_line_tag()}" if stance.red_line else ""
    strength = evidence_strength(data, record, today).mark
    return (
        f"{render.chip(stance.level)}{quantity}{red}"
        f' <span style="{SMALL}">({len(stance.evidence)}) {esc(strength)}</span>'
    )


def issue_cards(
    data: Dataset,
    cells: Cells,
    *,
    parties: Sequence[str],
    issues: Sequence[str],
    link: Link,
    today: dt.date,
) -> str:
    """One card per issue with one row per party: its name, level, marks and a link to the evidence."""
    cards = []
    for issue in issues:
        rows = "".join(
            f'<a class="sm-card-row" href="{esc(link(party, issue))}" style="{ROW_STYLE}">'
            f'<span class="sm-party" style="{PARTY_STYLE}">{esc(data.parties[party].name)}</span>'
            f"<span>{_stance(data, cells, party, issue, today)}</span></a>"
            for party in parties
        )
        title = f'<div style="font-weight:600;font-size:1.05rem">{esc(data.issues[issue].title)}</div>'
        cards.append(f'<section class="sm-card" style="{CARD_STYLE}">{title}{rows}</section>')
    hint = render.note("Tap a party's stance to read the quotes behind it.")
    return f'<div class="{CARDS_CLASS}">{hint}{"".join(cards)}</div>'
