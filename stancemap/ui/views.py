"""The Issue, Party, Sources and Data pages, and the list of data problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from stancemap.derive.export import COLUMNS, evidence_table, to_csv, to_json
from stancemap.derive.frames import (
    citations,
    citing_frame,
    issue_frame,
    party_frame,
    quantity_frame,
    sources_frame,
)
from stancemap.derive.matrix import LEVEL_COLOURS, current, level_css
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem
from stancemap.model.schema import LEVELS
from stancemap.ui import controls, drilldown, render
from stancemap.ui.suggestions import suggestions_panel

FULL_DATA_NOTE = "The sidebar filters do not apply here: this page covers the whole data set."
CSV_FILE, JSON_FILE = "stancemap-evidence.csv", "stancemap-evidence.json"


def problems_list(problems: Sequence[Problem]) -> None:
    """A collapsed list of the data problems, one `path:line:col: message` per line."""
    if not problems:
        return
    with st.expander(f"⚠ {len(problems)} data problem{'s' * (len(problems) != 1)}"):
        st.caption("Records with a problem are left out; everything else is shown. Fix the files and reload.")
        st.code("\n".join(map(str, problems)), language=None, wrap_lines=True)


def _styled_levels(frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    return frame.style.map(level_css, subset=["Level"])


def quantity_chart(frame: pd.DataFrame, unit: str) -> alt.Chart:
    """Bars of each party's number on an issue, coloured by level, with the source in the tooltip."""
    levels = [level for level in LEVELS if level in set(frame["level"])]
    return (  # type: ignore[no-any-return]  # altair types its mark_* methods as returning Any
        alt.Chart(frame)
        .mark_bar(stroke="#6b7280", strokeWidth=0.5)
        .encode(
            x=alt.X("quantity:Q", title=unit),
            y=alt.Y("party:N", title=None, sort=None),
            color=alt.Color(
                "level:N",
                scale=alt.Scale(domain=levels, range=[LEVEL_COLOURS[level] for level in levels]),
                legend=alt.Legend(title="Level"),
            ),
            tooltip=[
                alt.Tooltip("party:N", title="Party"),
                alt.Tooltip("quantity:Q", title=unit),
                alt.Tooltip("level:N", title="Level"),
                alt.Tooltip("summary:N", title="Summary"),
                alt.Tooltip("as_of:N", title="As of"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(height=alt.Step(36))
    )


def _pick_or_first(label: str, param: str, names: dict[str, str], placeholder: str) -> str:
    """The id chosen in a picker bound to link parameter `param`; the first one when none is chosen yet."""
    chosen = controls.pick(label, list(names), param, format_func=names.__getitem__, placeholder=placeholder)
    if chosen is None:
        chosen = next(iter(names))
        controls.update(**{param: chosen})
    return chosen


def issue_page(data: Dataset, today: dt.date) -> None:
    """Every party on one issue, side by side, with the numbers charted and one party's evidence below."""
    state = controls.state()
    if not data.issues:
        st.info("No issues were loaded; see the data problems above.")
        return
    issue = _pick_or_first(
        "Issue", "issue", {i: topic.title for i, topic in data.issues.items()}, "Choose an issue"
    )
    topic = data.issues[issue]
    st.html(render.heading(topic.title, sub=f"Proposition: {topic.proposition}"))
    parties = state.parties or tuple(data.parties)
    cells = current(data, as_of=state.as_of, quoted_only=state.direct)
    st.dataframe(_styled_levels(issue_frame(data, issue, parties, cells, today)), height="content")
    if topic.quantity is not None:
        numbers = quantity_frame(data, issue, parties, cells)
        if numbers.empty:
            st.html(
                render.note(f"No party states a number in {topic.quantity.unit} under the current filters.")
            )
        else:
            st.html(
                render.note(f"The numbers each party names, in {topic.quantity.unit} (hover for the source)")
            )
            st.altair_chart(quantity_chart(numbers, topic.quantity.unit), use_container_width=True)
    party = controls.pick(
        "Read the evidence of",
        list(parties),
        "party",
        format_func=lambda p: data.parties[p].name,
        placeholder="Choose a party",
    )
    if party is not None:
        drilldown.show(data, party, issue, as_of=state.as_of, quoted_only=state.direct, today=today)


def party_page(data: Dataset, today: dt.date) -> None:
    """One party across every issue, who speaks for it, and its evidence on one issue below."""
    state = controls.state()
    if not data.parties:
        st.info("No parties were loaded; see the data problems above.")
        return
    party = _pick_or_first(
        "Party", "party", {p: who.name for p, who in data.parties.items()}, "Choose a party"
    )
    who = data.parties[party]
    st.html(render.heading(who.name, sub="Also called: " + ", ".join(who.aliases) if who.aliases else None))
    issues = state.issues or tuple(data.issues)
    cells = current(data, as_of=state.as_of, quoted_only=state.direct)
    st.dataframe(_styled_levels(party_frame(data, party, issues, cells, today)), height="content")
    if who.speakers or who.members:
        with st.expander("Speakers and members"):
            if who.speakers:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {"Speaker": s.name, "Role": s.role or "", "Also called": ", ".join(s.aliases)}
                            for s in who.speakers
                        ]
                    ),
                    hide_index=True,
                )
            if who.members:
                st.dataframe(
                    pd.DataFrame(
                        [{"Member": m.name, "Also called": ", ".join(m.aliases)} for m in who.members]
                    ),
                    hide_index=True,
                )
    issue = controls.pick(
        "Read the evidence on",
        list(issues),
        "issue",
        format_func=lambda i: data.issues[i].title,
        placeholder="Choose an issue",
    )
    if issue is not None:
        drilldown.show(data, party, issue, as_of=state.as_of, quoted_only=state.direct, today=today)


def sources_page(data: Dataset) -> None:
    """Every source with its metadata; one source's citing stances and full text with every quote marked."""
    st.caption(FULL_DATA_NOTE)
    if not data.sources:
        st.info("No sources were loaded; see the data problems above.")
        return
    st.dataframe(
        sources_frame(data),
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
    )
    cited = citations(data)
    uncited = [sid for sid, uses in cited.items() if not uses and sid in data.sources]
    if uncited:
        st.caption("Sources not yet cited by any stance")
        st.dataframe(sources_frame(data).loc[uncited, ["Headline", "Outlet", "Published"]])
    else:
        st.caption("Every source is cited by at least one stance.")
    source_id = controls.pick(
        "Source",
        list(data.sources),
        "source",
        format_func=lambda s: data.sources[s].headline,
        placeholder="Choose a source",
    )
    if source_id is None:
        return
    source = data.sources[source_id]
    st.html(
        render.heading(
            source.headline, sub=f"{source.outlet or 'outlet not stated'} · published {source.published}"
        )
        + render.lines(
            [
                ("Id", source_id),
                ("File", f"seeds/{source.file}"),
                ("Syndication", " → ".join(source.syndication)),
                ("Author", source.author),
                ("Date basis", source.published_basis),
                ("Copy of", source.copy_of),
                ("Note", source.note),
            ]
        )
        + render.http_link(source.url, "open the original")
    )
    st.caption("Stances citing this source")
    st.dataframe(_styled_levels(citing_frame(data, source_id)), hide_index=True)
    suggestions_panel(data, source_id)
    spans = [span for record, index in cited[source_id] for span in record.matches[index].spans]
    st.caption("Full text, with every quote used as evidence marked; boilerplate greyed")
    st.html(render.full_source(data.texts[source_id], spans))


def data_page(data: Dataset) -> None:
    """The flat evidence table with CSV and JSON downloads identical to `python -m stancemap export`."""
    st.caption(FULL_DATA_NOTE)
    # Built once per data set: 16,000 evidence rows and their two files took 0.6 s of every rerun.
    table = data.derived("evidence-table", lambda: evidence_table(data))
    st.dataframe(table, hide_index=True, placeholder="")
    left, right, _ = st.columns([1, 1, 4])
    csv = data.derived("evidence-csv", lambda: to_csv(table))
    left.download_button("Download CSV", csv, file_name=CSV_FILE, mime="text/csv", on_click="ignore")
    json = data.derived("evidence-json", lambda: to_json(table))
    right.download_button(
        "Download JSON", json, file_name=JSON_FILE, mime="application/json", on_click="ignore"
    )
    with st.expander("What the columns mean"):
        st.dataframe(
            pd.DataFrame({"Column": list(COLUMNS), "Meaning": list(COLUMNS.values())}), hide_index=True
        )
