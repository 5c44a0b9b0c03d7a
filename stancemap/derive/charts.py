"""Altair chart builders for the insights views; each takes a frame from stancemap.derive.analysis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from stancemap.derive.analysis import MAX_DISTANCE
from stancemap.derive.matrix import LEVEL_COLOURS, NO_POSITION, NO_POSITION_COLOUR
from stancemap.model.schema import LEVELS

# The x axis of the strip chart: the scale in order, then a separate column for parties with no position.
POSITION_COLUMNS: list[str] = [*LEVELS, NO_POSITION]
LEVEL_SCALE = alt.Scale(domain=[*LEVELS, NO_POSITION], range=[*LEVEL_COLOURS.values(), NO_POSITION_COLOUR])
STANCE_SCALE = alt.Scale(domain=list(LEVELS), range=list(LEVEL_COLOURS.values()))
# Light levels ("conditional" is near white) need an outline to be seen on a white background.
OUTLINE = "#4d4d4d"
NOT_COMPARABLE_COLOUR = "#d9d9d9"
RED_LINE_RING = "#000000"
EVENT_COLOUR = "#525252"
LABEL_LIMIT = 260
# Stances and events dated only to a month or a year would stretch the time axis over a whole year and
# squeeze the dated ones into a sliver; the axis covers the precise ones and clips the rest.
PRECISE_DAYS = 31
# What alt.layer gives: a FacetChart only when every layer has the same facet encoding (none here do).
Layered = alt.LayerChart | alt.FacetChart


def positions_chart(frame: pd.DataFrame) -> Layered:
    """Strip chart: a mark per party on each issue row at its level; hollow marks for no position."""
    frame = with_order(frame, "issue_title", "party_name")
    base = alt.Chart(frame).encode(
        x=alt.X(
            "level:N",
            sort=POSITION_COLUMNS,
            scale=alt.Scale(domain=POSITION_COLUMNS),
            axis=alt.Axis(title=None, orient="top", labelAngle=0, labelLimit=LABEL_LIMIT),
        ),
        xOffset=alt.XOffset("party_name:N", sort=by_order("party_name")),
        y=alt.Y(
            "issue_title:N", sort=by_order("issue_title"), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)
        ),
        shape=alt.Shape("party_name:N", sort=by_order("party_name"), title="Party"),
        tooltip=[
            alt.Tooltip("party_name:N", title="Party"),
            alt.Tooltip("issue_title:N", title="Issue"),
            alt.Tooltip("level:N", title="Level"),
            alt.Tooltip("summary:N", title="Summary"),
            alt.Tooltip("evidence:Q", title="Evidence items"),
            alt.Tooltip("red_line:N", title="Red line"),
            alt.Tooltip("as_of:N", title="As of"),
        ],
    )
    known = (
        base.transform_filter(alt.datum.has_position)
        .mark_point(filled=True, size=160, opacity=1, stroke=OUTLINE)
        .encode(color=alt.Color("level:N", scale=LEVEL_SCALE, legend=alt.Legend(title="Level")))
    )
    # A ring around red lines, not a second colour: it shows on every level's colour.
    red = base.transform_filter(alt.datum.red_line).mark_point(
        filled=False, shape="circle", size=520, color=RED_LINE_RING, strokeWidth=2
    )
    missing = base.transform_filter(~alt.datum.has_position).mark_point(
        filled=False, size=110, color="#969696", strokeDash=[2, 2]
    )
    return alt.layer(known, red, missing).properties(
        height=alt.Step(32), title="Where each party stands, per issue (ring = red line)"
    )


def agreement_heatmap(frame: pd.DataFrame) -> Layered:
    """Party × party heatmap of mean level distance, the number of shared issues in each cell."""
    frame = with_order(frame, "party_a_name", "party_b_name")
    x = alt.X(
        "party_b_name:N", sort=by_order("party_b_name"), title=None, axis=alt.Axis(orient="top", labelAngle=0)
    )
    y = alt.Y("party_a_name:N", sort=by_order("party_a_name"), title=None)
    tooltip = [
        alt.Tooltip("party_a_name:N", title="Party"),
        alt.Tooltip("party_b_name:N", title="Compared with"),
        alt.Tooltip("distance:Q", title="Mean distance (levels)", format=".2f"),
        alt.Tooltip("shared:Q", title="Issues compared"),
        alt.Tooltip("issues:N", title="Issues"),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    comparable = (
        base.transform_filter(alt.datum.comparable)
        .mark_rect()
        .encode(
            color=alt.Color(
                "distance:Q",
                scale=alt.Scale(domain=[0, MAX_DISTANCE], scheme="orangered"),
                legend=alt.Legend(title="Mean distance (0 = same level)"),
            )
        )
    )
    # Not comparable (no shared issue) and the diagonal are drawn grey, never on the agreement colour scale.
    other = base.transform_filter(~alt.datum.comparable).mark_rect(color=NOT_COMPARABLE_COLOUR)
    text = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition(alt.datum.distance >= MAX_DISTANCE / 2, alt.value("white"), alt.value("black")),
    )
    return alt.layer(comparable, other, text).properties(
        width=alt.Step(130), height=alt.Step(48), title="Distance between parties on shared issues"
    )


def with_order(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with an `<column>_order` field per column: each value's place in order of first appearance.

    Charts sort by these fields rather than by lists of every value: altair checks such a list against the
    Vega-Lite schema item by item, once per layer (0.3 s a rerun at 89 parties × 246 issues).
    """
    return frame.assign(**{f"{column}_order": pd.factorize(frame[column])[0] for column in columns})


def by_order(column: str) -> alt.EncodingSortField:
    """Sort a column's values by the field `with_order` made for it."""
    return alt.EncodingSortField(field=f"{column}_order", op="min")


def timeline_chart(stances: pd.DataFrame, events: pd.DataFrame) -> Layered:
    """Each stance's as_of interval as a bar with a point at its latest date; events as rules or bands."""
    stances = with_order(stances, "row")
    tooltip = [
        alt.Tooltip("row:N", title="Cell"),
        alt.Tooltip("level:N", title="Level"),
        alt.Tooltip("summary:N", title="Summary"),
        alt.Tooltip("as_of:N", title="As of"),
        alt.Tooltip("sources:N", title="Sources"),
        alt.Tooltip("step:Q", title="Stance no."),
    ]
    domain = time_domain(stances, events)
    scale = alt.Scale(domain=domain) if domain else alt.Undefined
    x = alt.X("start:T", title="Date (as precise as the sources allow)", scale=scale)
    y = alt.Y("row:N", sort=by_order("row"), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    colour = alt.Color("level:N", scale=STANCE_SCALE, legend=alt.Legend(title="Level"))
    base = alt.Chart(stances).encode(y=y, tooltip=tooltip)
    spans = base.mark_bar(height=10, opacity=0.8, stroke=OUTLINE, strokeWidth=0.5, clip=True).encode(
        x=x, x2="end:T", color=colour
    )
    latest = base.mark_point(filled=True, size=90, stroke=OUTLINE, clip=True).encode(
        x=alt.X("end:T", scale=scale), color=colour
    )
    layers: list[alt.Chart] = [spans, latest]
    if not events.empty:
        # pandas-stubs types clip's bounds as numbers; pandas takes a Timestamp bound on a datetime column.
        label_at = events["start"].clip(lower=domain[0]) if domain else events["start"]  # type: ignore[call-overload]
        events = events.assign(label_at=label_at)
        event_tooltip = [
            alt.Tooltip("title:N", title="Event"),
            alt.Tooltip("date:N", title="Date"),
            alt.Tooltip("kind:N", title="Kind"),
            alt.Tooltip("source:N", title="Source"),
        ]
        event_base = alt.Chart(events).encode(tooltip=event_tooltip)
        ex = alt.X("start:T", scale=scale)
        # A day is a rule; a month or year is a faint band, so an event dated only to the year is not
        # drawn as if it happened on one day.
        layers.append(
            event_base.transform_filter(alt.datum.exact)
            .mark_rule(strokeDash=[4, 3], color=EVENT_COLOUR, clip=True)
            .encode(x=ex)
        )
        layers.append(
            event_base.transform_filter(~alt.datum.exact)
            .mark_rect(opacity=0.08, color=EVENT_COLOUR, clip=True)
            .encode(x=ex, x2="end:T")
        )
        layers.append(
            event_base.mark_text(
                align="right",
                angle=270,
                dx=-2,
                dy=4,
                fontSize=10,
                baseline="top",
                color=EVENT_COLOUR,
                clip=True,
            ).encode(x=alt.X("label_at:T", scale=scale), y=alt.value(0), text="title:N")
        )
    return alt.layer(*layers).properties(height=alt.Step(30), title="Stances and key events over time")


def time_domain(stances: pd.DataFrame, events: pd.DataFrame) -> list[pd.Timestamp] | None:
    """The time axis range: the precisely dated stances and events, padded; None when none is precise."""
    spans = pd.concat([stances[["start", "end"]], events[["start", "end"]]], ignore_index=True)
    precise = spans[(spans["end"] - spans["start"]).dt.days <= PRECISE_DAYS]
    if precise.empty:
        return None
    return [precise["start"].min() - pd.Timedelta(days=7), spans["end"].max() + pd.Timedelta(days=3)]
