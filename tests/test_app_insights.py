"""The insight pages in the real app: reachable by link, drawn with real charts, following the filters."""

from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from tests.test_app import run


def charts(at: AppTest) -> list[dict]:
    return [json.loads(node.proto.spec) for node in at.get("vega_lite_chart")]


def chart_rows(at: AppTest) -> list[dict]:
    """Every data row of every chart on the page (Streamlit ships chart data as Arrow)."""
    rows: list[dict] = []
    for node in at.get("vega_lite_chart"):
        for named in node.proto.datasets:
            rows.extend(convert_arrow_bytes_to_pandas_df(named.data.data).to_dict(orient="records"))
    return rows


@pytest.mark.parametrize(
    ("view", "headings"),
    [
        (
            "agreement",
            ["Where each party stands", "Agreement between parties", "Red lines", "Blocked issues"],
        ),
        ("timeline", ["Change over time", "What changed between two dates"]),
        ("strength", ["Evidence strength"]),
    ],
)
def test_insight_pages_open_from_a_link(view: str, headings: list[str]) -> None:
    at = run({"view": view})
    assert at.radio(key="w_view").value == view
    shown = [h.value for h in at.subheader]
    assert all(h in shown for h in headings), shown


def test_agreement_page_draws_the_heatmap_with_issue_counts() -> None:
    at = run({"view": "agreement"})
    assert len(charts(at)) >= 2
    cells = {(r["party_a"], r["party_b"]): r for r in chart_rows(at) if "party_b" in r}
    # Territory (opposes vs demands: 3 levels) and Donbas (rejects vs demands: 4) are the shared issues.
    assert cells[("ukraine", "russia")]["label"] == "3.5 · 2 issues"
    assert cells[("russia", "europe")]["comparable"] is False


def test_agreement_page_follows_the_direct_quotes_filter() -> None:
    everything = run({"view": "agreement"})
    quoted = run({"view": "agreement", "direct": "1"})
    assert chart_rows(everything) != chart_rows(quoted)


def test_timeline_page_draws_dated_history_and_events() -> None:
    at = run({"view": "timeline"})
    text = json.dumps(chart_rows(at), ensure_ascii=False, default=str)
    assert "Coalition of the Willing leaders to meet in Paris" in text
    assert "conditional" in text and "supports" in text


def test_strength_marks_show_in_the_matrix_and_on_the_strength_page() -> None:
    at = run({"party": "russia", "issue": "donbas"})
    cells = at.dataframe[0].value
    assert "●●" in cells.loc["Donbas", "Russia"]
    page = run({"view": "strength"})
    table = page.dataframe[0].value
    assert len(table) == 18  # one row per current stance: 20 stances, two of them superseded


@pytest.mark.parametrize("view", ["agreement", "timeline"])
def test_agreement_and_timeline_follow_the_parties_and_issues_filters(view: str) -> None:
    at = run({"view": view, "parties": "ukraine,russia", "issues": "territory,donbas"})
    assert "Showing 2 of 4 parties and 2 of 11 issues, as chosen in the sidebar." in [
        c.value for c in at.caption
    ]
    rows = chart_rows(at)
    parties = {r[key] for r in rows for key in ("party", "party_a", "party_b") if key in r}
    issues = {r["issue"] for r in rows if "issue" in r}
    assert parties == {"ukraine", "russia"} and issues <= {"territory", "donbas"} and issues
