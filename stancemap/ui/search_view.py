"""The Search page: every quote, speaker or source headline holding a word or phrase, each with its cell."""

from __future__ import annotations

import streamlit as st

from stancemap.derive.matrix import current
from stancemap.derive.search import Hit, search
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.ui import controls, render
from stancemap.ui.render import SMALL, esc
from stancemap.ui.state import MAX_SEARCH

SEARCH_KEY = "w_search"
MAX_SHOWN = 100  # hits drawn at once; a longer list asks for a narrower search
SEARCH_NOTE = (
    "Finds every quote, speaker or source headline holding the words, ignoring case and accents, across all "
    "sources and every dated stance, including earlier ones. The sidebar filters do not apply here."
)


def _commit() -> None:
    controls.update(search=str(st.session_state[SEARCH_KEY] or "").strip()[:MAX_SEARCH])


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    return render.marked(text, 0, len(text), spans)


def _not_shown(record: StanceRecord, shown: StanceRecord | None) -> str:
    """Why the matrix cell shows another stance than the one a hit belongs to."""
    if shown is None:
        return "hidden from the matrix by the date or quote filter"
    if shown.as_of.latest >= record.as_of.latest:
        return f"an earlier stance; the cell now shows the one as of {shown.as_of}"
    return "a later stance than the date filter shows"


def hit_html(data: Dataset, hit: Hit, shown: StanceRecord | None) -> str:
    """One hit: its cell and stance, the speaker, the quote and the source, each match marked."""
    record = hit.record
    evidence = record.stance.evidence[hit.index]
    source = data.sources[evidence.source]
    spans = hit.spans
    cell = f"{data.parties[record.party].name} on {data.issues[record.issue].title}"
    red = f" {render.red_line_tag()}" if record.stance.red_line else ""
    age = "" if shown is record else f' <span style="{SMALL}">· {_not_shown(record, shown)}</span>'
    role = f", {esc(evidence.speaker.role)}" if evidence.speaker.role else ""
    speaker = _marked(evidence.speaker.name, spans.get("speaker", ()))
    headline = _marked(source.headline, spans.get("headline", ()))
    quote = _marked(evidence.quote, spans.get("quote", ()))
    return (
        f'<div style="{render.CARD_STYLE}">'
        f"<div><strong>{esc(cell)}</strong> {render.chip(record.stance.level)}{red}"
        f' <span style="{SMALL}">as of {esc(record.as_of)}</span>{age}</div>'
        f"<div><strong>{speaker}</strong>{role}</div>"
        f'<blockquote style="{render.QUOTE_STYLE}">{quote}</blockquote>'
        f'<div style="{SMALL}">Source: “{headline}” — {esc(source.outlet or "outlet not stated")}'
        f" · published {esc(source.published)}</div></div>"
    )


def show(data: Dataset) -> None:
    """The search box and its hits; each hit's button opens its cell's evidence on the matrix."""
    state = controls.state()
    if st.session_state.get(SEARCH_KEY) != state.search:
        st.session_state[SEARCH_KEY] = state.search
    st.text_input(
        "Search the quotes",
        key=SEARCH_KEY,
        max_chars=MAX_SEARCH,
        placeholder="a word or phrase: Crimea, referendum, Ushakov …",
        on_change=_commit,
    )
    st.caption(SEARCH_NOTE)
    if not state.search:
        return
    hits = search(data, state.search)
    if not hits:
        st.html(render.note(f"No quote, speaker or headline holds “{state.search}”."))
        return
    cells = {hit.cell for hit in hits}
    items = "evidence item" + "s" * (len(hits) != 1)
    verb = "holds" if len(hits) == 1 else "hold"
    found = f"{len(hits)} {items} in {len(cells)} cell{'s' * (len(cells) != 1)} {verb} “{state.search}”"
    if len(hits) > MAX_SHOWN:
        found += f"; the first {MAX_SHOWN} are shown: add a word to narrow the search"
    st.html(render.note(found + "."))
    shown = current(data, as_of=state.as_of, quoted_only=state.direct)
    for number, hit in enumerate(hits[:MAX_SHOWN]):
        st.html(hit_html(data, hit, shown.get(hit.cell)))
        party, issue = hit.cell
        st.button(
            "Open this cell's evidence",
            key=f"search-hit-{number}",
            type="tertiary",
            icon=":material/arrow_forward:",
            on_click=controls.update,
            kwargs={"view": "matrix", "party": party, "issue": issue, "parties": (), "issues": ()},
        )
