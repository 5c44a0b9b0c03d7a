"""The evidence panel for one party × issue cell: the stance, its history and every quote in its source."""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from stancemap.derive.citation import cite
from stancemap.derive.frames import (
    empty_cell_explanation,
    history_frame,
    previous_version_note,
    quantity_text,
)
from stancemap.derive.matrix import NO_POSITION, current, history
from stancemap.derive.strength import evidence_strength
from stancemap.model.codebook import KIND_LABELS, KIND_MEANINGS, LEVEL_MEANINGS
from stancemap.model.dataset import Dataset, QuoteMatch, StanceRecord
from stancemap.model.schema import Evidence
from stancemap.paths import CELL_PAGE, SITE_URL_VARIABLE, site_permalink
from stancemap.ui import controls, render
from stancemap.ui.render import SMALL, esc

WARNING_STYLE = "background:#fff4e5;border-left:3px solid #f0a030;padding:.3rem .6rem;margin:.3rem 0"


def stance_html(data: Dataset, record: StanceRecord, today: dt.date) -> str:
    """The current stance: level, red line, summary, quantity, conditions, date and evidence strength."""
    stance = record.stance
    red = f" {render.red_line_tag()}" if stance.red_line else ""
    counts_from = "" if record.as_of.is_day else f" (counts from {record.as_of.latest})"
    head = (
        f'<div style="font-size:1.05rem;margin:.2rem 0">'
        f"{render.chip(stance.level, title=LEVEL_MEANINGS[stance.level])}"
        f"{red} {esc(stance.summary)}</div>"
    )
    details = render.lines(
        [
            ("Quantity", quantity_text(data, record)),
            ("Conditions", "; ".join(stance.conditions)),
            ("As of", f"{record.as_of}{counts_from}"),
            ("Evidence", evidence_strength(data, record, today).describe()),
            ("Note", stance.note),
            ("Version", previous_version_note(data, record)),
        ]
    )
    return f"<div>{head}{details}</div>"


def evidence_html(data: Dataset, ev: Evidence, match: QuoteMatch, number: int, total: int) -> str:
    """One evidence item: who said it, how it is reported, the quote marked in its paragraph, the source."""
    source = data.sources[ev.source]
    role = f", {esc(ev.speaker.role)}" if ev.speaker.role else ""
    when = f"said {ev.said_on}" if ev.said_on else f"published {source.published}"
    kind = f'<span title="{esc(KIND_MEANINGS[ev.kind])}">{esc(KIND_LABELS[ev.kind])}</span>'
    attribution = (
        "party named in the source" if ev.attribution == "stated" else "party inferred by the curator"
    )
    inferred = (
        f'<div style="{WARNING_STYLE}">⚠ Attribution inferred, not stated in the source: {esc(ev.note)}</div>'
        if ev.attribution == "inferred"
        else ""
    )
    note = (
        f'<div style="{SMALL}">Note: {esc(ev.note)}</div>' if ev.note and ev.attribution == "stated" else ""
    )
    chain = " → ".join(source.syndication)
    copy = (
        f" · a copy of {esc(data.sources[source.copy_of].headline)} (the same story)"
        if source.copy_of in data.sources
        else ""
    )
    link = render.http_link(source.url, "open the original")
    origin = (
        f'<div style="{SMALL}">Source: “{esc(source.headline)}” — {esc(source.outlet or "outlet not stated")}'
        + (f" · via {esc(chain)}" if chain else "")
        + f" · published {esc(source.published)} (basis: {esc(source.published_basis)})"
        + copy
        + (f" · {link}" if link else "")
        + "</div>"
    )
    return (
        f'<div style="{render.CARD_STYLE}">'
        f'<div style="{SMALL}">Evidence {number} of {total}</div>'
        f"<div><strong>{esc(ev.speaker.name)}</strong>{role}</div>"
        f'<div style="{SMALL}">{kind} · {attribution} · {esc(when)}</div>'
        f"{inferred}{render.quote_in_context(data.texts[ev.source], match.spans)}{origin}{note}</div>"
    )


def cite_this(data: Dataset, record: StanceRecord, index: int, number: int) -> None:
    """A copyable citation of evidence item `index` (st.code has a copy button), BibTeX and CSL-JSON below."""
    citation = cite(data, record, index, permalink=controls.cell_link(record.party, record.issue))
    st.html(render.note(f"Cite evidence {number} (copy with the button at the right of the box):"))
    st.code(citation.text(), language=None, wrap_lines=True)
    with st.expander(f"BibTeX and CSL-JSON of evidence {number}"):
        st.code(citation.bibtex(), language="bibtex", wrap_lines=True)
        st.code(citation.csl_json(), language="json", wrap_lines=True)


def show(
    data: Dataset, party: str, issue: str, *, as_of: dt.date | None, quoted_only: bool, today: dt.date
) -> None:
    """The evidence panel for `party` on `issue`, under the date and quote filters."""
    topic = data.issues[issue]
    st.html(
        render.heading(
            f"{data.parties[party].name} on {topic.title}", sub=f"Proposition: {topic.proposition}"
        )
    )
    if (site := os.environ.get(SITE_URL_VARIABLE)) and history(data, party, issue):  # its published page
        page = site_permalink(site, CELL_PAGE.format(party=party, issue=issue))
        st.html(f'<p style="{SMALL}">{render.http_link(page, "Published page: permalink and citation")}</p>')
    record = current(data, as_of=as_of, quoted_only=quoted_only).get((party, issue))
    if record is None:
        sentences = empty_cell_explanation(data, party, issue, as_of=as_of, quoted_only=quoted_only)
        st.html(render.chip(NO_POSITION) + "".join(f"<p>{esc(s)}</p>" for s in sentences))
    else:
        st.html(stance_html(data, record, today))
    if history(data, party, issue):
        st.caption("Dated history of this cell (a stance counts from the latest date its evidence allows)")
        st.dataframe(history_frame(data, party, issue, record), hide_index=True)
    if record is None:
        return
    items = record.evidence()
    for number, (ev, match) in enumerate(items, start=1):
        st.html(evidence_html(data, ev, match, number, len(items)))
        cite_this(data, record, number - 1, number)
        with st.expander(f"Full source text of evidence {number}"):
            st.html(render.full_source(data.texts[ev.source], match.spans))
