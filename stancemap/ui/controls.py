"""The view state in the session and the URL, and the sidebar controls that change it.

The URL is read when a session starts or when it changed from outside (back/forward); each control writes its
value into the state through a callback, and the state is written back to the URL at the end of every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from stancemap.model.dataset import Dataset
from stancemap.ui.state import EARLIEST_AS_OF, Known, ViewState, parse_query, to_query

STATE_KEY = "view_state"
URL_KEY = "view_url"  # the query string this session last wrote
PICK_WIDTH = 420

AS_OF_HELP = (
    "Show each party's stance as it stood at the end of this day; leave empty for the latest. "
    "A stance counts from the latest date its evidence allows: a source dated only '2025' counts from "
    "31 December 2025, one dated '2026-01-03/2026-01-05' from 5 January 2026."
)
DIRECT_HELP = (
    "Count only stances backed by at least one direct or partial quote (the speaker's own words in "
    "quotation marks). Where a party's latest stance rests on paraphrase or an official readout only, its "
    "latest quoted stance is shown instead, if there is one."
)


def restore(known: Known) -> ViewState:
    """The state for this run: parsed from the URL for a new session or an outside URL change, else kept."""
    url = st.query_params.to_dict()
    if STATE_KEY not in st.session_state or st.session_state.get(URL_KEY) != url:
        state, notices = parse_query(url, known)
        st.session_state[STATE_KEY] = state
        for notice in notices:
            st.toast(notice, icon="ℹ️", duration="long")
    restored: ViewState = st.session_state[STATE_KEY]  # session state holds values of any type
    return restored


def state() -> ViewState:
    """The current view state."""
    current: ViewState = st.session_state[STATE_KEY]  # session state holds values of any type
    return current


def update(**changes: Any) -> None:
    """Change some fields of the view state."""
    st.session_state[STATE_KEY] = replace(state(), **changes)


def publish() -> None:
    """Write the state into the URL, so the address bar always holds the view on screen."""
    wanted = to_query(state())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[URL_KEY] = wanted


def _show(key: str, value: object) -> None:
    """Make widget `key` show `value` (before it is drawn; a no-op when it already does)."""
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


def _commit(key: str, field: str, convert: Callable[[Any], Any] = lambda value: value) -> Callable[[], None]:
    def callback() -> None:
        update(**{field: convert(st.session_state[key])})

    return callback


def _reset() -> None:
    """Back to the default view: the whole matrix as of today, nothing selected."""
    st.session_state[STATE_KEY] = ViewState()


def _in_order(known: Sequence[str]) -> Callable[[list[str]], tuple[str, ...]]:
    """Chosen ids in data order, so a link does not depend on the order of clicks."""
    return lambda chosen: tuple(k for k in known if k in chosen)


def sidebar(data: Dataset, known: Known, pages: Mapping[str, str]) -> None:
    """The page switch and the filters that every page shares."""
    current = state()
    with st.sidebar:
        _show("w_view", current.view)
        st.radio(
            "View",
            list(pages),
            format_func=pages.__getitem__,
            key="w_view",
            on_change=_commit("w_view", "view"),
        )
        _show("w_parties", list(current.parties))
        st.multiselect(
            "Parties",
            list(known.parties),
            format_func=lambda party: data.parties[party].name,
            key="w_parties",
            placeholder="All parties",
            on_change=_commit("w_parties", "parties", _in_order(known.parties)),
        )
        _show("w_issues", list(current.issues))
        st.multiselect(
            "Issues",
            list(known.issues),
            format_func=lambda issue: data.issues[issue].title,
            key="w_issues",
            placeholder="All issues",
            on_change=_commit("w_issues", "issues", _in_order(known.issues)),
        )
        _show("w_asof", current.as_of)
        st.date_input(
            "As of",
            value=None,
            min_value=EARLIEST_AS_OF,
            max_value=known.today,
            format="YYYY-MM-DD",
            key="w_asof",
            help=AS_OF_HELP,
            on_change=_commit("w_asof", "as_of"),
        )
        _show("w_direct", current.direct)
        st.toggle(
            "Direct quotes only", key="w_direct", help=DIRECT_HELP, on_change=_commit("w_direct", "direct")
        )
        st.button("Reset view", on_click=_reset)
        st.caption("The address bar holds this exact view: copy it to share what you see.")


def pick(
    label: str,
    options: Sequence[str],
    field: str,
    *,
    format_func: Callable[[str], str],
    placeholder: str,
) -> str | None:
    """A selectbox bound to one focus field of the state (party, issue or source)."""
    key = f"w_{field}"
    _show(key, getattr(state(), field))
    return st.selectbox(
        label,
        list(options),
        index=None,
        format_func=format_func,
        key=key,
        placeholder=placeholder,
        on_change=_commit(key, field),
        width=PICK_WIDTH,
    )
