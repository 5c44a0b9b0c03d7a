"""Streamlit views for agreement, red lines, change over time and evidence strength; logic lives in analysis.

Data text (summaries, quotes, titles) goes only into st.text, st.dataframe, chart tooltips and selectbox
options, which render it as plain text; markdown-rendering calls get fixed strings only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from stancemap.derive import analysis, charts
from stancemap.derive.matrix import current
from stancemap.model.dataset import Dataset
from stancemap.ui.state import ViewState

EVERYTHING = ViewState()  # no filter: every party and issue, the latest data
AGREEMENT_NOTE = (
    "Each cell is the mean distance between two parties' levels over the issues both have a recorded "
    "position on (0 = same level, 4 = demands vs rejects), with the number of issues compared. "
    "A cell based on one or two issues says little: one shared issue at distance 0 is not general agreement. "
    "Grey cells share no issue and are not comparable."
)
# Column headings for the tables (fixed text; the cells hold the data).
LABELS: dict[str, str] = {
    "party_name": "Party",
    "issue_title": "Issue",
    "level": "Level",
    "summary": "Summary",
    "as_of": "As of",
    "evidence": "Evidence items",
    "outlook": "Outlook",
    "known": "Positions known",
    "spread": "Spread (levels)",
    "stances": "Positions",
    "red_lines": "Red lines",
    "quantities_differ": "Quantities differ",
    "mark": "Strength",
    "independent_sources": "Independent stories",
    "quoted": "Quoted",
    "reported": "Paraphrase or readout",
    "newest": "Newest evidence",
    "age_days": "Age (days)",
}
OUTLOOK_NOTE = (
    "Bridgeable: at least two parties have a position and all are within one level of each other. "
    "Blocked: one party's red line at supports or above meets another party at opposes or below "
    "(or the reverse). Levels can be close while quantities differ; check the quantities column."
)


def _show_evidence(data: Dataset, issue: str, *, as_of: dt.date | None, quoted_only: bool) -> None:
    """Every current stance on one issue with its quotes, as plain text."""
    cells = current(data, as_of=as_of, quoted_only=quoted_only)
    for party in data.parties:
        record = cells.get((party, issue))
        if record is None:
            continue
        stance = record.stance
        flag = " (red line)" if stance.red_line else ""
        st.text(f"{data.parties[party].name}: {stance.level}{flag} — {stance.summary} (as of {record.as_of})")
        for ev in stance.evidence:
            role = f", {ev.speaker.role}" if ev.speaker.role else ""
            st.text(f"{ev.quote}\n    — {ev.speaker.name}{role} [{ev.kind}], source: {ev.source}")


def _evidence_picker(
    data: Dataset, issues: list[str], *, key: str, as_of: dt.date | None, quoted_only: bool
) -> None:
    """A selectbox over `issues` that shows the chosen issue's quotes."""
    if not issues:
        return
    choice = st.selectbox(
        "Show the evidence for",
        issues,
        index=None,
        format_func=lambda issue: data.issues[issue].title,
        key=key,
        placeholder="choose an issue",
    )
    if choice is not None:
        _show_evidence(data, choice, as_of=as_of, quoted_only=quoted_only)


def render_agreement(data: Dataset, view: ViewState = EVERYTHING) -> None:
    """The per-issue strip chart of positions and the party × party agreement heatmap, for the view's
    parties and issues (empty: all), date and quote filter."""
    cells = analysis.positions(
        data, parties=view.parties, issues=view.issues, as_of=view.as_of, quoted_only=view.direct
    )
    filter_note(data, view)
    st.subheader("Where each party stands")
    st.altair_chart(charts.positions_chart(cells))
    st.caption("Hollow marks: no recorded position. A black ring marks a red line. Hover for the summary.")
    st.subheader("Agreement between parties")
    st.altair_chart(charts.agreement_heatmap(analysis.agreement(cells)))
    st.info(AGREEMENT_NOTE)


def filter_note(data: Dataset, view: ViewState) -> None:
    """Say how much of the data the sidebar's Parties and Issues filters leave on the page, when they do."""
    chosen = ((view.parties, data.parties, "parties"), (view.issues, data.issues, "issues"))
    shown = [f"{len(some)} of {len(known)} {what}" for some, known, what in chosen if some]
    if not shown:
        return
    st.caption(f"Showing {' and '.join(shown)}, as chosen in the sidebar.")


def render_red_lines(
    data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False, key: str = "insights"
) -> None:
    """Red lines, blocked issues and bridgeable issues, each with its evidence one selection away."""
    st.subheader("Red lines")
    lines = analysis.red_lines(data, as_of=as_of, quoted_only=quoted_only)
    if lines.empty:
        st.text("No current stance is marked as a red line.")
    else:
        st.dataframe(
            lines[["party_name", "issue_title", "level", "summary", "as_of", "evidence"]],
            hide_index=True,
            column_config=LABELS,
        )
    outlook = analysis.issue_outlook(data, as_of=as_of, quoted_only=quoted_only)
    blocked = analysis.blocked_issues(data, as_of=as_of, quoted_only=quoted_only)
    st.subheader("Blocked issues")
    if blocked.empty:
        st.text("No red line meets a stance on the opposite side of the scale.")
    else:
        st.dataframe(
            blocked[
                [
                    "issue_title",
                    "red_line_name",
                    "red_line_level",
                    "red_line_summary",
                    "other_name",
                    "other_level",
                    "other_summary",
                ]
            ],
            hide_index=True,
            column_config={
                "issue_title": "Issue",
                "red_line_name": "Red line of",
                "red_line_level": "Its level",
                "red_line_summary": "Its stance",
                "other_name": "Against",
                "other_level": "Their level",
                "other_summary": "Their stance",
            },
        )
    st.subheader("Bridgeable issues")
    bridgeable = outlook[outlook["outlook"] == analysis.BRIDGEABLE]
    if bridgeable.empty:
        st.text("No issue has two or more positions within one level of each other.")
    else:
        st.dataframe(
            bridgeable[["issue_title", "stances", "spread", "quantities_differ"]],
            hide_index=True,
            column_config=LABELS,
        )
    st.caption(OUTLOOK_NOTE)
    listed = list(dict.fromkeys([*blocked["issue"], *bridgeable["issue"], *lines["issue"]]))
    _evidence_picker(data, listed, key=f"{key}-evidence", as_of=as_of, quoted_only=quoted_only)
    st.subheader("All issues")
    st.dataframe(
        outlook[["issue_title", "outlook", "known", "spread", "stances", "red_lines"]],
        hide_index=True,
        column_config=LABELS,
    )


def render_timeline(data: Dataset, view: ViewState = EVERYTHING, key: str = "insights") -> None:
    """The stance timeline with key events, and what changed between two chosen dates, for the view's
    parties and issues (empty: all) and quote filter."""
    parties, issues, quoted_only = view.parties, view.issues, view.direct
    filter_note(data, view)
    st.subheader("Change over time")
    several = st.checkbox("Only cells with several dated stances", value=False, key=f"{key}-several")
    everything = analysis.timeline(data, parties=parties, issues=issues)
    stances = everything[everything["steps"] >= 2] if several else everything
    if stances.empty:
        st.text("No dated stances to show.")
    else:
        st.altair_chart(charts.timeline_chart(stances, analysis.events(data)))
        st.caption(
            "Bars run from the earliest to the latest date a stance can hold (a source dated only by year "
            "spans the year); the dot is its latest date. Dashed rules are events dated to a day, faint "
            "bands events dated to a month or year."
        )
    st.subheader("What changed between two dates")
    latest = max(everything["end"]).date() if not everything.empty else dt.date.today()
    earliest = min(everything["end"]).date() if not everything.empty else latest
    left, right = st.columns(2)
    before = left.date_input("From (date A)", value=earliest, key=f"{key}-before")
    after = right.date_input("To (date B)", value=latest, key=f"{key}-after")
    table = analysis.changes(data, before, after, parties=parties, issues=issues, quoted_only=quoted_only)
    if table.empty:
        st.text("Nothing changed between these dates.")
    else:
        st.dataframe(
            table[
                [
                    "party_name",
                    "issue_title",
                    "change",
                    "before_level",
                    "before_summary",
                    "after_level",
                    "after_summary",
                ]
            ],
            hide_index=True,
            column_config={
                "party_name": "Party",
                "issue_title": "Issue",
                "change": "Change",
                "before_level": "Level at A",
                "before_summary": "Summary at A",
                "after_level": "Level at B",
                "after_summary": "Summary at B",
            },
        )


def render_strength(data: Dataset, *, today: dt.date, current_only: bool = True) -> None:
    """The evidence strength of each stance as a table."""
    st.subheader("Evidence strength")
    table = analysis.strength_table(data, today)
    if current_only:
        table = table[table["current"]]
    st.dataframe(
        _strength_view(table),
        hide_index=True,
        column_config=LABELS,
    )
    st.caption(
        "Independent stories count syndicated copies of one story once. ● one per independent story "
        "(up to three); ❝ at least one quote in the speaker's own words."
    )


def _strength_view(table: pd.DataFrame) -> pd.DataFrame:
    return table[
        [
            "party_name",
            "issue_title",
            "level",
            "mark",
            "independent_sources",
            "evidence",
            "quoted",
            "reported",
            "newest",
            "age_days",
        ]
    ]


def render_insights(
    data: Dataset, *, today: dt.date, as_of: dt.date | None = None, quoted_only: bool = False
) -> None:
    """All insights views in tabs: agreement, red lines, change over time, evidence strength."""
    agreement, lines, time, strength = st.tabs(["Agreement", "Red lines", "Over time", "Evidence strength"])
    with agreement:
        render_agreement(data, ViewState(as_of=as_of, direct=quoted_only))
    with lines:
        render_red_lines(data, as_of=as_of, quoted_only=quoted_only)
    with time:
        render_timeline(data, ViewState(direct=quoted_only))
    with strength:
        render_strength(data, today=today)
