"""The altair charts: valid Vega-Lite specs over the bundled data, encoding what the views promise."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from stancemap.derive import analysis, charts
from stancemap.derive.matrix import LEVEL_COLOURS, NO_POSITION, NO_POSITION_COLOUR
from stancemap.model.dataset import Dataset
from stancemap.model.schema import LEVELS


def spec(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite dict (altair validates it against the schema here)."""
    result = chart.to_dict()
    json.dumps(result)  # it must serialise as it is sent to the browser
    return result


def sorted_values(result: dict[str, Any], channel: dict[str, Any]) -> list[Any]:
    """A channel's distinct values in the order its sort field puts them (as Vega-Lite would draw them)."""
    sort = channel["sort"]
    assert sort["op"] == "min"
    field = channel["field"]
    order = {row[field]: row[sort["field"]] for row in rows(result) if field in row}
    return sorted(order, key=order.__getitem__)


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """All data rows of a spec (altair moves frames into `datasets`)."""
    return [row for dataset in result.get("datasets", {}).values() for row in dataset]


def test_positions_chart(dataset: Dataset) -> None:
    frame = analysis.positions(dataset)
    result = spec(charts.positions_chart(frame))
    known, red, missing = result["layer"]
    assert known["transform"] == [{"filter": "datum.has_position"}]
    assert missing["transform"] == [{"filter": "(!datum.has_position)"}]
    assert missing["mark"]["filled"] is False  # hollow: no recorded position
    assert red["transform"] == [{"filter": "datum.red_line"}]
    x = known["encoding"]["x"]
    assert x["sort"] == [*LEVELS, NO_POSITION] == x["scale"]["domain"]
    colour = known["encoding"]["color"]["scale"]
    assert colour["domain"] == [*LEVELS, NO_POSITION]
    assert colour["range"] == [*LEVEL_COLOURS.values(), NO_POSITION_COLOUR]
    assert known["encoding"]["shape"]["field"] == "party_name"
    assert sorted_values(result, known["encoding"]["y"]) == [issue.title for issue in dataset.issues.values()]
    assert sorted_values(result, known["encoding"]["shape"]) == [
        party.name for party in dataset.parties.values()
    ]
    tooltip = {t["field"] for t in known["encoding"]["tooltip"]}
    assert {"summary", "evidence", "party_name", "level"} <= tooltip
    assert len(rows(result)) == len(dataset.parties) * len(dataset.issues)


def test_agreement_heatmap(dataset: Dataset) -> None:
    result = spec(charts.agreement_heatmap(analysis.agreement(analysis.positions(dataset))))
    comparable, other, text = result["layer"]
    assert comparable["transform"] == [{"filter": "datum.comparable"}]
    assert comparable["encoding"]["color"]["scale"]["domain"] == [0, analysis.MAX_DISTANCE]
    assert other["mark"]["color"] == charts.NOT_COMPARABLE_COLOUR
    assert text["encoding"]["text"]["field"] == "label"
    labels = {row["label"] for row in rows(result)}
    assert analysis.NOT_COMPARABLE in labels and "0.5 · 2 issues" in labels and "1.0 · 1 issue" in labels


def test_timeline_chart_with_events(dataset: Dataset) -> None:
    stances = analysis.timeline(dataset)
    events = analysis.events(dataset)
    result = spec(charts.timeline_chart(stances, events))
    marks = [layer["mark"]["type"] for layer in result["layer"]]
    assert marks == ["bar", "point", "rule", "rect", "text"]
    bar = result["layer"][0]["encoding"]
    assert (bar["x"]["field"], bar["x2"]["field"]) == ("start", "end")
    assert sorted_values(result, bar["y"]) == list(dict.fromkeys(stances["row"]))
    assert {t["field"] for t in bar["tooltip"]} >= {"summary", "sources"}
    # The axis covers the precisely dated records: the year-long 2025 spans are clipped in the data (no
    # explicit scale domain, which made Vega-Lite warn), not stretched over; their text keeps the true date.
    assert "domain" not in bar["x"]["scale"]
    drawn = [row for row in rows(result) if "row" in row]
    starts = [pd.Timestamp(row["start"]) for row in drawn]
    ends = [pd.Timestamp(row["end"]) for row in drawn]
    assert pd.Timestamp(2025, 10, 1) < min(starts) < pd.Timestamp(2025, 11, 1)
    assert max(ends) >= pd.Timestamp(2026, 1, 5)
    year_long = [row for row in drawn if row["as_of"] == "2025"]
    assert year_long and all(pd.Timestamp(row["start"]) == min(starts) for row in year_long)
    titles = {row.get("title") for row in rows(result)}
    assert "Coalition of the Willing leaders to meet in Paris" in titles


def test_timeline_domain_needs_a_precise_record(dataset: Dataset) -> None:
    stances = analysis.timeline(dataset)
    events = analysis.events(dataset)
    year_only = stances[stances["as_of"] == "2025"]
    assert charts.time_domain(year_only, events.iloc[0:0]) is None
    assert charts.time_domain(stances, events) is not None


def test_timeline_chart_without_events(dataset: Dataset) -> None:
    stances = analysis.timeline(dataset, several_only=True)
    result = spec(charts.timeline_chart(stances, analysis.events(dataset).iloc[0:0]))
    assert [layer["mark"]["type"] for layer in result["layer"]] == ["bar", "point"]
    assert len(rows(result)) == 4
