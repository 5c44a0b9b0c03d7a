"""The insights views render on the bundled data (Streamlit AppTest), and keep data text out of markdown."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from stancemap.derive.matrix import current
from stancemap.model.dataset import Dataset

TIMEOUT = 60


def agreement_app() -> None:
    import datetime as dt

    from stancemap.check.load import load_dataset
    from stancemap.ui.insights import render_agreement

    data, _ = load_dataset(today=dt.date(2026, 11, 24))
    render_agreement(data)


def red_lines_app() -> None:
    import datetime as dt

    from stancemap.check.load import load_dataset
    from stancemap.ui.insights import render_red_lines

    data, _ = load_dataset(today=dt.date(2026, 11, 24))
    render_red_lines(data)


def timeline_app() -> None:
    import datetime as dt

    from stancemap.check.load import load_dataset
    from stancemap.ui.insights import render_timeline

    data, _ = load_dataset(today=dt.date(2026, 11, 24))
    render_timeline(data)


def strength_app() -> None:
    import datetime as dt

    from stancemap.check.load import load_dataset
    from stancemap.ui.insights import render_strength

    data, _ = load_dataset(today=dt.date(2026, 11, 24))
    render_strength(data, today=dt.date(2026, 11, 24))


def insights_app() -> None:
    import datetime as dt

    from stancemap.check.load import load_dataset
    from stancemap.ui.insights import render_insights

    data, _ = load_dataset(today=dt.date(2026, 11, 24))
    render_insights(data, today=dt.date(2026, 11, 24))


def run(app: Callable[[], None]) -> AppTest:
    at = AppTest.from_function(app, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of the altair charts on the page."""
    return [json.loads(node.proto.spec) for node in at.get("vega_lite_chart")]


def markdown_texts(at: AppTest) -> list[str]:
    """Every string the page renders as markdown (labels included)."""
    found: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "subheader",
        "header",
        "title",
    ):
        found += [str(node.value) for node in at.get(kind)]
    found += [tab.label for tab in at.tabs] + [exp.label for exp in at.expander]
    found += [w.label for w in [*at.selectbox, *at.checkbox, *at.date_input]]
    return found


def data_texts(data: Dataset) -> list[str]:
    """Free text from the data files: summaries, quotes, notes, event titles."""
    texts = []
    for record in data.stances:
        texts.append(record.stance.summary)
        texts += [ev.quote for ev in record.stance.evidence]
    texts += [r.event.title for r in data.events]
    return texts


@pytest.mark.parametrize("app", [agreement_app, red_lines_app, timeline_app, strength_app, insights_app])
def test_no_data_text_in_markdown(app: Callable[[], None], dataset: Dataset) -> None:
    at = run(app)
    rendered = markdown_texts(at)
    assert rendered, "the page shows no markdown at all; is the view empty?"
    for text in data_texts(dataset):
        assert not any(text in shown for shown in rendered), text


def test_agreement_view() -> None:
    at = run(agreement_app)
    positions, heatmap = charts(at)
    assert len(positions["layer"]) == 3 and len(heatmap["layer"]) == 3
    assert any("not general agreement" in info.value for info in at.info)


def test_red_lines_view_opens_the_evidence(dataset: Dataset) -> None:
    at = run(red_lines_app)
    frames = [frame.value for frame in at.dataframe]
    red, blocked, bridgeable, everything = frames
    assert len(red) == 3
    row = blocked.iloc[0]
    assert [
        row[c] for c in ("issue_title", "red_line_name", "red_line_level", "other_name", "other_level")
    ] == [
        "Territory",
        "Russia",
        "demands",
        "Ukraine",
        "opposes",
    ]
    assert set(bridgeable["issue_title"]) == {"Guarantee duration", "Foreign troops", "Security guarantees"}
    assert len(everything) == len(dataset.issues)
    picker = at.selectbox(key="insights-evidence")
    assert picker.value is None and "Territory" in picker.options
    at = picker.set_value("territory").run()
    shown = "\n".join(text.value for text in at.text)
    for party in ("russia", "ukraine"):
        for ev in current(dataset)[(party, "territory")].stance.evidence:
            assert ev.quote in shown


def test_timeline_view_and_changes() -> None:
    at = run(timeline_app)
    (timeline,) = charts(at)
    assert [layer["mark"]["type"] for layer in timeline["layer"]] == ["bar", "point", "rule", "rect", "text"]
    before, after = at.date_input
    before.set_value(dt.date(2025, 12, 31))
    after.set_value(dt.date(2026, 1, 6))
    at.run()
    table = at.dataframe[0].value
    troops = table[(table["party_name"] == "Europe") & (table["issue_title"] == "Foreign troops")]
    assert troops[["change", "before_level", "after_level"]].values.tolist() == [
        ["changed level", "conditional", "supports"]
    ]
    at.date_input[0].set_value(dt.date(2026, 1, 6))
    at.run()
    assert not at.dataframe and any(t.value == "Nothing changed between these dates." for t in at.text)


def test_timeline_view_several_only() -> None:
    at = run(timeline_app)
    at.checkbox(key="insights-several").check().run()
    (node,) = at.get("vega_lite_chart")
    # Streamlit sends the chart's data frames separately, as Arrow.
    frames = [convert_arrow_bytes_to_pandas_df(named.data.data) for named in node.proto.datasets]
    stances = next(frame for frame in frames if "row" in frame.columns)
    assert set(stances["row"]) == {"Ukraine · Ratifying guarantees", "Europe · Foreign troops"}


def test_strength_view(dataset: Dataset) -> None:
    at = run(strength_app)
    table = at.dataframe[0].value
    assert len(table) == len(current(dataset))
    donbas = table[(table["party_name"] == "Russia") & (table["issue_title"] == "Donbas")].iloc[0]
    assert (donbas["independent_sources"], donbas["evidence"], donbas["mark"]) == (2, 3, "●●")


def test_all_insights_in_tabs() -> None:
    at = run(insights_app)
    assert [tab.label for tab in at.tabs] == ["Agreement", "Red lines", "Over time", "Evidence strength"]
    assert len(charts(at)) == 3
