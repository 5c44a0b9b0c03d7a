"""Stancemap dashboard pages: each session runs this script (served by app.py). Thin: load the data, draw the
controls, call the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from stancemap.ui import controls, data, insights, matrix_view, search_view, views
from stancemap.ui.state import Known

st.set_page_config(page_title="Stancemap", page_icon="🗺️", layout="wide")

today = dt.date.today()
dataset, problems = data.load(data.data_root(), today)


def agreement_page() -> None:
    view = controls.state()
    insights.render_agreement(dataset, view)
    insights.render_red_lines(dataset, as_of=view.as_of, quoted_only=view.direct)


# Every page: its id (the `view` link parameter), its label, and what draws it.
PAGES: dict[str, tuple[str, Callable[[], None]]] = {
    "matrix": ("Matrix", lambda: matrix_view.show(dataset, today)),
    "search": ("Search", lambda: search_view.show(dataset)),
    "issue": ("Issue", lambda: views.issue_page(dataset, today)),
    "party": ("Party", lambda: views.party_page(dataset, today)),
    "agreement": ("Agreement", agreement_page),
    "timeline": ("Timeline", lambda: insights.render_timeline(dataset, controls.state())),
    "strength": ("Evidence strength", lambda: insights.render_strength(dataset, today=today)),
    "sources": ("Sources", lambda: views.sources_page(dataset)),
    "data": ("Data", lambda: views.data_page(dataset)),
}


known = Known(
    views=tuple(PAGES),
    parties=tuple(dataset.parties),
    issues=tuple(dataset.issues),
    sources=tuple(dataset.sources),
    today=today,
)
controls.restore(known)
controls.sidebar(dataset, known, {page: label for page, (label, _) in PAGES.items()})

st.title("Stancemap")
st.caption(
    "Where each party to the Russia–Ukraine peace talks stands on each contested issue, and why: "
    "every stance rests on verbatim quotes checked against the source documents."
)
data.notices(data.data_root(), dataset)
views.problems_list(problems)
PAGES[controls.state().view][1]()
controls.publish()
