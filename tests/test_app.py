"""The dashboard end to end: the real dashboard.py (the pages app.py serves) over the real data (and broken
copies of it), via AppTest."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from benchmarks.generate import generate
from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.export import evidence_table, to_csv, to_json
from stancemap.derive.frames import ISSUE_COLUMN, Matrix, build_matrix
from stancemap.derive.matrix import LEVEL_COLOURS, NO_POSITION
from stancemap.model.codebook import KIND_LABELS, KIND_MEANINGS, LEVEL_MEANINGS
from stancemap.model.dataset import Dataset
from stancemap.model.schema import EVIDENCE_KINDS, LEVELS
from stancemap.ui import matrix_view
from stancemap.ui.data import ROOT_VARIABLE, fingerprint
from stancemap.ui.matrix_view import FILLED_MAX_CELLS
from stancemap.ui.state import Known, ViewState, parse_query, to_query
from stancemap.ui.views import CSV_LABEL, EVIDENCE_TABLE_KEY, EXPORT_NOTE, JSON_LABEL
from tests.test_bad_data import apply_case

APP = str(ROOT / "dashboard.py")
PARTIES = ["Ukraine", "Russia", "United States", "Europe"]
ISSUES = [
    "Territory",
    "Donbas",
    "Crimea",
    "Guarantee duration",
    "Elections",
    "Foreign troops",
    "Security guarantees",
    "NATO instead of guarantees",
    "Ratifying guarantees",
    "Ceasefire line",
    "Reconstruction funding",
]
EVIL = "![x](https://example.org/p.png) <b>bold</b> $x$ :red[hi]"
# Elements that render their text as plain text; everything else renders markdown and must never hold data.
PLAIN_ELEMENTS = frozenset(
    {"html", "dataframe", "code", "text", "selectbox", "multiselect", "vega_lite_chart"}
)


def run(params: dict[str, str] | None = None, **session: Any) -> AppTest:
    """Run the app once, as opened from a link with `params`, with `session` state seeded."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params or {})
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def matrix(at: AppTest) -> Any:
    """The matrix as drawn: issue titles × party names."""
    return next(df for df in at.dataframe if df.key == "matrix").value


def full_matrix(data: Dataset, today: dt.date) -> Matrix:
    """The matrix of every party on every issue, as the app computes it with no filter."""
    return build_matrix(
        data,
        parties=tuple(data.parties),
        issues=tuple(data.issues),
        as_of=None,
        quoted_only=False,
        today=today,
    )


def html(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.html)


def toasts(at: AppTest) -> list[str]:
    return [toast.value for toast in at.toast]


def nodes(at: AppTest) -> Iterator[Any]:
    """Every element and block on the page, sidebar included."""
    pending: list[Any] = [at.main, at.sidebar]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(getattr(node, "children", {}).values())


def test_matrix_shows_every_party_on_every_issue_with_a_legend() -> None:
    at = run()
    table = matrix(at)
    assert list(table.columns) == PARTIES
    assert list(table.index) == ISSUES
    assert table.loc["Crimea", "Russia"] == "demands · RED LINE (1) ●❝"
    assert table.loc["Crimea", "Ukraine"] == NO_POSITION
    assert table.loc["Guarantee duration", "Ukraine"].startswith("demands · 50 yrs (2)")
    legend = html(at)
    for level, meaning in LEVEL_MEANINGS.items():
        assert f">{level}</span>" in legend and meaning in legend
    assert NO_POSITION in legend and "RED LINE" in legend and "independent source" in legend
    assert toasts(at) == [] and at.query_params == {}
    assert "Select a cell to read the quotes behind it." in [c.value for c in at.main.caption]


def test_selecting_russia_on_crimea_shows_the_quote_in_its_paragraph() -> None:
    crimea, russia = ISSUES.index("Crimea"), "Russia"
    at = run(matrix={"selection": {"rows": [], "columns": [], "cells": [[crimea, russia]]}})
    assert at.query_params == {"party": "russia", "issue": "crimea"}
    page = html(at)
    assert "Russia on Crimea" in page and "Proposition: Crimea stays under Russian control" in page
    assert "<strong>Yuri Ushakov</strong>, foreign policy aide to Russian President Vladimir Putin" in page
    assert "partial quote" in page and "party named in the source" in page
    assert "Bloomberg News · via Bloomberg News → Tribune Content Agency · published 2025" in page
    assert "As an example, <mark" in page
    assert "Russia, “one million percent,” won’t cede control of the Crimean peninsula" in page
    assert "RED LINE" in page and "1 independent source; 1 quoted" in page
    expander = next(e for e in at.expander if e.label == "Full source text of evidence 1")
    full = expander.html[0].proto.body
    assert full.count("<mark") == 1 and "(site boilerplate)" in full
    history = at.dataframe[1].value
    assert list(history["Level"]) == ["demands"] and list(history["Shown"]) == ["◀ shown"]


def test_a_link_restores_filters_date_cell_and_view() -> None:
    link = {"parties": "russia,europe", "issues": "crimea,foreign-troops", "asof": "2025-12-31"}
    at = run({**link, "party": "europe", "issue": "foreign-troops"})
    table = matrix(at)
    assert list(table.columns) == ["Russia", "Europe"] and list(table.index) == ["Crimea", "Foreign troops"]
    assert at.multiselect(key="w_parties").value == ["russia", "europe"]
    assert at.multiselect(key="w_issues").value == ["crimea", "foreign-troops"]
    assert at.date_input(key="w_asof").value == dt.date(2025, 12, 31)
    assert at.session_state["matrix"]["selection"]["cells"] == [(1, "Europe")]
    assert "Europe on Foreign troops" in html(at) and ">conditional</span>" in html(at)
    assert at.query_params == {**link, "party": "europe", "issue": "foreign-troops"}
    assert toasts(at) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"view": "issue", "issue": "guarantee-duration", "party": "us"},
            "United States on Guarantee duration",
        ),
        ({"view": "party", "party": "europe", "issue": "foreign-troops"}, "Europe on Foreign troops"),
        ({"view": "sources", "source": "bloomberg-berlin-talks"}, "Zelenskyy eyes US guarantees"),
        ({"view": "data"}, None),
    ],
    ids=lambda value: value.get("view") if isinstance(value, dict) else "",
)
def test_every_view_opens_from_a_link(params: dict[str, str], expected: str | None) -> None:
    at = run(params)
    assert at.radio(key="w_view").value == params["view"]
    assert at.query_params == params
    if expected:
        assert expected in html(at)


def test_issue_view_compares_parties_and_charts_quantities() -> None:
    at = run({"view": "issue", "issue": "guarantee-duration"})
    table = at.dataframe[0].value
    assert (
        table.loc["Ukraine", "Quantity"] == "50 years"
        and table.loc["United States", "Quantity"] == "15 years"
    )
    assert table.loc["Russia", "Level"] == NO_POSITION
    chart = at.get("vega_lite_chart")
    assert len(chart) == 1 and "Kyiv hosts allies" in str(chart[0].proto)


def test_party_view_lists_every_issue() -> None:
    at = run({"view": "party", "party": "russia"})
    table = at.dataframe[0].value
    assert list(table.index) == ISSUES
    assert table.loc["Crimea", "Level"] == "demands" and table.loc["Crimea", "Red line"] == "yes"


def test_sources_view_lists_sources_and_marks_every_quote() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    at = run({"view": "sources", "source": "bloomberg-berlin-talks"})
    assert list(at.dataframe[0].value.index) == list(data.sources)
    citing = at.dataframe[1].value
    assert ("Russia", "Crimea") in set(zip(citing["Party"], citing["Issue"], strict=True))
    assert html(at).count("<mark") >= len(citing)


def test_data_view_downloads_exactly_the_export() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    table = evidence_table(data)
    at = run({"view": "data"})
    assert len(at.dataframe[0].value) == len(table) == sum(len(r.stance.evidence) for r in data.stances)
    buttons = {button.proto.label: button.proto.url for button in at.get("download_button")}
    # The media store names a file by a hash of its bytes, type and name: equal names mean equal bytes.
    csv_id = _calculate_file_id(to_csv(table).encode(), "text/csv", "stancemap-evidence.csv")
    json_id = _calculate_file_id(to_json(table).encode(), "application/json", "stancemap-evidence.json")
    assert list(buttons) == [CSV_LABEL, JSON_LABEL]  # the only downloads, each naming the evidence export
    assert csv_id in buttons[CSV_LABEL] and json_id in buttons[JSON_LABEL]
    # The buttons come before the table (they are what the page is for) and the export is explained.
    kinds = [node.type for node in at.main if node.type in ("download_button", "dataframe")]
    assert kinds.index("download_button") < kinds.index("dataframe")
    assert EXPORT_NOTE in [caption.value for caption in at.caption]
    # The table's own toolbar download is hidden on this table, so it cannot be mistaken for the export.
    assert any(
        EVIDENCE_TABLE_KEY in block.proto.body and "Download as CSV" in block.proto.body
        for block in at.get("html")
    )


def test_stale_and_unknown_link_parts_are_ignored_with_a_notice() -> None:
    at = run(
        {
            "view": "nowhere",
            "parties": "russia,atlantis",
            "asof": "2025-13-45",
            "party": "<script>",
            "direct": "maybe",
            "utm_source": "mail",
        }
    )
    notices = toasts(at)
    assert len(notices) == 6
    assert "Ignored an unknown view `nowhere` in the link." in notices
    assert "Ignored an unknown party `atlantis` in the link." in notices
    assert "Ignored an unknown party in the link." in notices  # not echoed: it is no plain id
    assert all("<script>" not in notice for notice in notices)
    assert at.radio(key="w_view").value == "matrix"
    assert list(matrix(at).columns) == ["Russia"]
    assert at.query_params == {"parties": "russia"}


def test_a_future_date_in_a_link_is_ignored() -> None:
    at = run({"asof": "2999-01-01"})
    assert at.date_input(key="w_asof").value is None and len(toasts(at)) == 1


def test_as_of_shows_the_matrix_as_it_stood_that_day() -> None:
    at = run()
    assert matrix(at).loc["Foreign troops", "Europe"].startswith("supports")
    at.date_input(key="w_asof").set_value(dt.date(2025, 12, 31)).run()
    assert matrix(at).loc["Foreign troops", "Europe"].startswith("conditional")
    assert matrix(at).loc["Donbas", "Russia"] == NO_POSITION  # its evidence is from January 2026
    assert at.query_params == {"asof": "2025-12-31"}


def test_direct_quotes_only_hides_stances_without_a_quote() -> None:
    at = run()
    assert matrix(at).loc["Donbas", "Russia"].startswith("demands")
    at.toggle(key="w_direct").set_value(True).run()
    assert matrix(at).loc["Donbas", "Russia"] == NO_POSITION
    assert matrix(at).loc["Crimea", "Russia"].startswith("demands")
    assert at.query_params == {"direct": "1"}


def test_direct_quotes_only_from_a_link_explains_a_hidden_cell() -> None:
    at = run({"direct": "1", "party": "russia", "issue": "donbas"})
    assert at.toggle(key="w_direct").value is True
    assert matrix(at).loc["Donbas", "Russia"] == NO_POSITION
    assert "rest on paraphrases or official readouts only" in html(at)


def test_filters_and_view_changes_are_written_to_the_link() -> None:
    at = run()
    at.multiselect(key="w_parties").set_value(["europe", "russia"]).run()
    assert list(matrix(at).columns) == ["Russia", "Europe"]
    at.radio(key="w_view").set_value("party").run()
    assert at.query_params == {"view": "party", "parties": "russia,europe", "party": "ukraine"}


def test_an_empty_cell_says_why_and_how_to_fill_it() -> None:
    at = run({"party": "russia", "issue": "elections"})
    page = html(at)
    assert "No recorded position: none of the 5 sources states a position of Russia on Elections." in page
    assert "party: russia to positions/stances/elections.yaml" in page


def test_a_cell_hidden_by_the_date_explains_when_it_starts() -> None:
    at = run({"party": "russia", "issue": "donbas", "asof": "2025-12-31"})
    assert "The first recorded stance counts from 2026-01-05" in html(at)


def test_broken_data_still_shows_every_valid_record_and_lists_the_problem(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stances = data_copy / "positions/stances/crimea.yaml"
    stances.write_text(stances.read_text().replace("one million percent", "two million percent"))
    _, problems = load_dataset(data_copy, today=dt.date.today())
    assert len(problems) == 1 and problems[0].path == "positions/stances/crimea.yaml"
    monkeypatch.setenv(ROOT_VARIABLE, str(data_copy))
    at = run()
    assert [e.label for e in at.expander] == ["⚠ 1 data problem"]
    assert f"positions/stances/crimea.yaml:{problems[0].line}:" in at.code[0].value
    assert str(problems[0]) in at.code[0].value
    table = matrix(at)
    assert table.loc["Crimea", "Russia"] == NO_POSITION
    assert table.loc["Foreign troops", "Europe"].startswith("supports") and table.shape == (11, 4)


@pytest.mark.parametrize("view", ["matrix", "issue", "party", "sources", "data"])
def test_an_empty_data_folder_renders_every_view_with_its_problems(
    view: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, problems = load_dataset(tmp_path, today=dt.date.today())
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    at = run({"view": view})
    assert at.expander[0].label == f"⚠ {len(problems)} data problems"
    assert at.code[0].value == "\n".join(map(str, problems))


def test_an_edited_file_shows_on_the_next_page_load(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ROOT_VARIABLE, str(data_copy))
    assert matrix(run()).loc["Crimea", "Russia"].startswith("demands")
    stances = data_copy / "positions/stances/crimea.yaml"
    before = fingerprint(data_copy)
    stances.write_text(stances.read_text().replace("level: demands", "level: rejects"))
    assert fingerprint(data_copy) != before
    assert matrix(run()).loc["Crimea", "Russia"].startswith("rejects")


def _add_markup_record(root: Path) -> None:
    """Add a source and a stance whose every text field is markdown, HTML and LaTeX."""
    (root / "seeds/evil.txt").write_text(
        f"A test page\nThe envoy wrote: {EVIL} and left.\n", encoding="utf-8"
    )
    with (root / "seeds/sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write(
            "\n  - id: evil-source\n    file: evil.txt\n"
            f'    headline: "{EVIL}"\n    outlet: "{EVIL}"\n    syndication: ["{EVIL}"]\n'
            f'    published: 2026-01-02\n    published_basis: "{EVIL}"\n    note: "{EVIL}"\n'
        )
    with (root / "positions/stances/elections.yaml").open("a", encoding="utf-8") as stances:
        stances.write(
            "\n  - party: russia\n    level: rejects\n"
            f'    summary: "{EVIL}"\n    conditions: ["{EVIL}"]\n    note: "{EVIL}"\n    evidence:\n'
            # The evidence floor asks for 5 words, and the markup alone has 4.
            f'      - source: evil-source\n        quote: "The envoy wrote: {EVIL}"\n'
            f'        speaker: {{name: "{EVIL}", role: "{EVIL}"}}\n        kind: paraphrase\n'
            f'        attribution: inferred\n        note: "{EVIL}"\n'
        )


@pytest.mark.parametrize(
    "params",
    [
        {"party": "russia", "issue": "elections"},
        {"view": "issue", "issue": "elections", "party": "russia"},
        {"view": "party", "party": "russia", "issue": "elections"},
        {"view": "sources", "source": "evil-source"},
        {"view": "data"},
        {"view": "search", "q": "bold"},  # the query is markup too, and every field of the hit
    ],
    ids=lambda params: params.get("view", "matrix"),
)
def test_markup_in_the_data_reaches_the_page_only_escaped(
    params: dict[str, str], data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_markup_record(data_copy)
    assert load_dataset(data_copy, today=dt.date.today())[1] == []
    monkeypatch.setenv(ROOT_VARIABLE, str(data_copy))
    at = run(params)
    page = html(at)
    assert "<img" not in page and "<b>bold" not in page
    if params.get("view") != "data":
        assert "&lt;b&gt;bold&lt;/b&gt;" in page
    for node in nodes(at):
        if getattr(node, "type", "") not in PLAIN_ELEMENTS and hasattr(node, "proto"):
            text = str(node.proto)
            assert "example.org" not in text and ":red[" not in text, node.type


def test_view_state_round_trips_through_the_link() -> None:
    known = Known(
        ("matrix", "issue"), ("ukraine", "russia"), ("crimea", "donbas"), ("a",), dt.date(2026, 1, 1)
    )
    ids = st.sampled_from

    @given(
        view=ids(known.views),
        parties=st.lists(ids(known.parties), unique=True),
        issues=st.lists(ids(known.issues), unique=True),
        as_of=st.none() | st.dates(dt.date(2000, 1, 1), known.today),
        direct=st.booleans(),
        party=st.none() | ids(known.parties),
        issue=st.none() | ids(known.issues),
        source=st.none() | ids(known.sources),
        search=st.text(max_size=60).map(str.strip),
    )
    def round_trip(**fields: Any) -> None:
        for axis, order in (("parties", known.parties), ("issues", known.issues)):
            chosen = tuple(k for k in order if k in fields[axis])
            fields[axis] = () if len(chosen) == len(order) else chosen
        state = ViewState(**fields)
        assert parse_query(to_query(state), known) == (state, [])

    round_trip()


def test_codebook_covers_every_level_and_kind() -> None:
    assert tuple(LEVEL_MEANINGS) == LEVELS
    assert tuple(KIND_LABELS) == tuple(KIND_MEANINGS) == EVIDENCE_KINDS


def test_page_logic_imports_without_streamlit() -> None:
    code = (
        "import sys, stancemap.model.codebook, stancemap.ui.render, stancemap.ui.state, "
        "stancemap.derive.frames; "
        "sys.exit('streamlit' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


BAD_CASES = sorted(p for p in (Path(__file__).parent / "data" / "bad").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", BAD_CASES, ids=[case.name for case in BAD_CASES])
def test_every_golden_bad_case_is_served_with_its_problems_and_the_rest_of_the_data(
    case: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_case(case, data_copy)
    today = dt.date.today()  # the app's own today
    data, problems = load_dataset(data_copy, today=today)
    monkeypatch.setenv(ROOT_VARIABLE, str(data_copy))
    at = run()  # no exception, no traceback
    if problems:
        assert at.expander[0].label == f"⚠ {len(problems)} data problem{'s' * (len(problems) != 1)}"
        assert at.code[0].value == "\n".join(map(str, problems))
    else:  # handled: a byte-order mark is read past
        assert case.name == "byte_order_mark" and not at.expander
    if not data.parties or not data.issues:  # positions/ missing: nothing to draw, and the page says so
        assert "No parties or issues were loaded" in at.info[0].value
        return
    expected = full_matrix(data, today).text
    assert matrix(at).to_dict() == expected.to_dict()


@pytest.fixture(scope="module")
def large_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data root over FILLED_MAX_CELLS: 40 parties × 110 issues, 2,000 stances."""
    root = tmp_path_factory.mktemp("large") / "data"
    generate(root, "100x")
    return root


def test_a_large_matrix_colours_each_cell_by_a_label_and_still_drills_down(
    large_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ROOT_VARIABLE, str(large_root))
    today = dt.date.today()
    data, problems = load_dataset(large_root, today=today)
    assert problems == [] and len(data.parties) * len(data.issues) > FILLED_MAX_CELLS
    expected = full_matrix(data, today)
    at = run()
    drawn = next(df for df in at.dataframe if df.key == "matrix")
    cells = drawn.value.set_index(ISSUE_COLUMN)  # the issue titles, as the first column
    assert cells.map(list).to_dict() == expected.text.map(lambda text: [text]).to_dict()
    columns = json.loads(drawn.proto.columns)
    for party in expected.text.columns:
        config = columns[party]["type_config"]
        assert config["type"] == "multiselect"
        colour_of = {option["value"]: option["color"] for option in config["options"]}
        for text, level in zip(expected.text[party], expected.levels[party], strict=True):
            assert colour_of[text] == LEVEL_COLOURS.get(level, "#ffffff00"), (party, text)
    # Drill down from the first cell that holds a stance.
    row, party = next(
        (row, party)
        for row, levels in enumerate(expected.levels.itertuples(index=False))
        for party, level in zip(expected.text.columns, levels, strict=True)
        if level != NO_POSITION
    )
    at = run(matrix={"selection": {"rows": [], "columns": [], "cells": [[row, party]]}})
    party_id, issue_id = expected.axes.cell_at(row, party) or ("", "")
    assert at.query_params == {"party": party_id, "issue": issue_id}
    assert f"{data.parties[party_id].name} on {data.issues[issue_id].title}" in html(at)


def test_sessions_draw_a_large_matrix_from_one_shared_build_of_its_column_settings(
    large_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every run of every session draws the matrix; its label settings (each column's texts and colours) are
    built once per data set and filter, and st.dataframe's per-run copy of them leaves the shared ones as
    built. Filters no other test uses, so the one build is this test's."""
    monkeypatch.setenv(ROOT_VARIABLE, str(large_root))
    today = dt.date.today()
    data, _ = load_dataset(large_root, today=today)
    chosen = tuple(data.parties)[:3]
    built: list[dict[str, Any]] = []
    build = matrix_view._label_columns

    def counted(drawn: Matrix) -> dict[str, Any]:
        built.append(build(drawn))
        return built[-1]

    monkeypatch.setattr(matrix_view, "_label_columns", counted)
    params = {"parties": ",".join(chosen), "direct": "1"}
    first, second = run(params), run(params)
    first.run()
    second.run()
    drawn = [
        json.loads(next(df for df in at.dataframe if df.key == "matrix").proto.columns)
        for at in (first, second)
    ]
    assert len(built) == 1
    assert drawn[0] == drawn[1]
    expected = build_matrix(
        data, parties=chosen, issues=tuple(data.issues), as_of=None, quoted_only=True, today=today
    )
    assert built[0] == build(expected)  # as built: four runs drawing it changed nothing in it
    for party, (options, colours) in expected.colours.items():
        config = drawn[0][party]["type_config"]
        assert config["options"] == [
            {"value": text, "color": colour} for text, colour in zip(options, colours, strict=True)
        ]
