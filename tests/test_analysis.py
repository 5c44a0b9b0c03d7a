"""Agreement, red lines, change over time and evidence strength: on the bundled data and on small fixtures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancemap.check.load import ROOT
from stancemap.derive import analysis
from stancemap.derive.matrix import LEVEL_RANK, NO_POSITION, current
from stancemap.derive.strength import evidence_strength
from stancemap.model.dataset import Dataset, Origin, StanceRecord
from stancemap.model.dates import FuzzyDate
from stancemap.model.schema import LEVELS, Evidence, Speaker, Stance
from tests.conftest import TODAY


def pairs_of(data: Dataset, **chosen: Any) -> pd.DataFrame:
    """`agreement` over the `positions` cells that `chosen` filters give, indexed by (party_a, party_b)."""
    return analysis.agreement(analysis.positions(data, **chosen)).set_index(["party_a", "party_b"])


def record(
    party: str,
    issue: str,
    level: str,
    *,
    red_line: bool = False,
    as_of: str = "2026-01-03",
    summary: str = "s",
) -> StanceRecord:
    """A stance record for fixtures (its quote is never checked here)."""
    evidence = Evidence(
        source="bloomberg-kyiv-talks", quote="x", speaker=Speaker(name="someone"), kind="paraphrase"
    )
    stance = Stance(party=party, level=level, summary=summary, red_line=red_line, evidence=[evidence])
    return StanceRecord(issue, stance, FuzzyDate.parse(as_of), Origin("fixture.yaml", 1), ())


def with_stances(data: Dataset, records: list[StanceRecord]) -> Dataset:
    """The real parties, issues and sources with `records` as the only stances."""
    return dataclasses.replace(data, stances=records, events=[])


# --- positions ------------------------------------------------------------------------------------------


def test_positions_has_every_cell_and_marks_missing_ones(dataset: Dataset) -> None:
    frame = analysis.positions(dataset)
    assert len(frame) == len(dataset.parties) * len(dataset.issues)
    assert frame["has_position"].sum() == len(current(dataset))
    missing = frame[~frame["has_position"]]
    assert set(missing["level"]) == {NO_POSITION}
    crimea = frame.set_index(["party", "issue"]).loc[("russia", "crimea")]
    assert crimea["level"] == "demands" and crimea["red_line"] and crimea["evidence"] == 1


def test_positions_respect_as_of(dataset: Dataset) -> None:
    before = analysis.positions(dataset, as_of=dt.date(2025, 12, 31)).set_index(["party", "issue"])
    assert before.loc[("europe", "foreign-troops"), "level"] == "conditional"
    assert before.loc[("russia", "territory"), "level"] == NO_POSITION


# --- agreement ------------------------------------------------------------------------------------------


def test_agreement_on_the_bundled_data(dataset: Dataset) -> None:
    frame = pairs_of(dataset)
    assert len(frame) == len(dataset.parties) ** 2
    ukraine_russia = frame.loc[("ukraine", "russia")]
    # Territory: opposes (2) vs demands (5) = 3; Donbas: rejects (1) vs demands (5) = 4.
    assert ukraine_russia["shared"] == 2 and ukraine_russia["distance"] == pytest.approx(3.5)
    assert ukraine_russia["issues"] == "Territory, Donbas"
    ukraine_europe = frame.loc[("ukraine", "europe")]
    assert ukraine_europe["shared"] == 2 and ukraine_europe["distance"] == pytest.approx(0.5)
    russia_us = frame.loc[("russia", "us")]
    assert russia_us["shared"] == 1 and russia_us["label"] == "1.0 · 1 issue"
    assert not frame.loc[("russia", "europe"), "comparable"]
    assert frame.loc[("russia", "europe"), "label"] == analysis.NOT_COMPARABLE
    assert math.isnan(frame.loc[("russia", "europe"), "distance"])
    assert frame.loc[("us", "us"), "label"] == analysis.SAME_PARTY


def test_agreement_matches_a_direct_count(dataset: Dataset) -> None:
    cells = current(dataset)
    frame = analysis.agreement(analysis.positions(dataset))
    for row in frame.itertuples():
        if row.party_a == row.party_b:
            continue
        shared = [i for i in dataset.issues if (row.party_a, i) in cells and (row.party_b, i) in cells]
        assert row.shared == len(shared)
        if shared:
            gaps = [
                abs(
                    LEVEL_RANK[cells[(row.party_a, i)].stance.level]
                    - LEVEL_RANK[cells[(row.party_b, i)].stance.level]
                )
                for i in shared
            ]
            assert row.distance == pytest.approx(sum(gaps) / len(gaps))


def test_agreement_uses_quoted_only_and_as_of(dataset: Dataset) -> None:
    quoted = pairs_of(dataset, quoted_only=True)
    # Only stances with a direct or partial quote count: Ukraine's territory stance is a paraphrase.
    assert quoted.loc[("ukraine", "russia"), "shared"] == 0
    early = pairs_of(dataset, as_of=dt.date(2025, 12, 31))
    assert early.loc[("ukraine", "us"), "issues"] == "Donbas"


LEVEL_LISTS = st.lists(st.sampled_from([*LEVELS, None]), min_size=4, max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(LEVEL_LISTS, min_size=1, max_size=5), st.lists(st.booleans(), min_size=20, max_size=20))
def test_agreement_and_outlook_invariants(
    dataset: Dataset, grid: list[list[str | None]], reds: list[bool]
) -> None:
    parties = list(dataset.parties)
    issues = list(dataset.issues)[: len(grid)]
    records = [
        record(parties[p], issues[i], level, red_line=reds[(i * 4 + p) % len(reds)])
        for i, row in enumerate(grid)
        for p, level in enumerate(row)
        if level is not None
    ]
    data = with_stances(dataset, records)
    frame = pairs_of(data)
    for (a, b), row in frame.iterrows():
        mirror = frame.loc[(b, a)]
        assert row["shared"] == mirror["shared"]
        if row["comparable"]:
            assert 0 <= row["distance"] <= analysis.MAX_DISTANCE
            assert row["distance"] == pytest.approx(mirror["distance"])
        else:
            assert row["shared"] == 0 or a == b
    outlook = analysis.issue_outlook(data).set_index("issue")
    for _, row in outlook.iterrows():
        if row["outlook"] == analysis.BRIDGEABLE:
            assert row["known"] >= 2 and row["spread"] <= 1
        if row["outlook"] == analysis.BLOCKED:
            assert row["spread"] >= 2 and row["red_lines"]
    blocked = analysis.blocked_issues(data)
    assert set(blocked["issue"]) == set(outlook.index[outlook["outlook"] == analysis.BLOCKED])


# --- red lines, blocked and bridgeable issues -----------------------------------------------------------


def test_red_lines_on_the_bundled_data(dataset: Dataset) -> None:
    lines = analysis.red_lines(dataset)
    assert set(zip(lines["party"], lines["issue"], strict=True)) == {
        ("russia", "territory"),
        ("russia", "crimea"),
        ("ukraine", "security-guarantees"),
    }


def test_territory_is_blocked_on_the_bundled_data(dataset: Dataset) -> None:
    blocked = analysis.blocked_issues(dataset)
    assert blocked[
        ["issue", "red_line_party", "red_line_level", "other_party", "other_level"]
    ].values.tolist() == [["territory", "russia", "demands", "ukraine", "opposes"]]
    assert blocked.loc[0, "red_line_summary"].startswith("Says some points, including territorial issues")


def test_outlook_on_the_bundled_data(dataset: Dataset) -> None:
    outlook = analysis.issue_outlook(dataset).set_index("issue")
    assert outlook.loc["territory", "outlook"] == analysis.BLOCKED
    assert outlook.loc["donbas", "outlook"] == analysis.DIVIDED  # spread 4, but no red line
    assert outlook.loc["elections", "outlook"] == analysis.DIVIDED  # conditional vs demands
    assert outlook.loc["crimea", "outlook"] == analysis.SINGLE
    bridgeable = analysis.bridgeable_issues(dataset)
    assert set(bridgeable["issue"]) == {"guarantee-duration", "foreign-troops", "security-guarantees"}
    # 50 years vs 15 years: close levels, far-apart numbers; the frame says so.
    duration = bridgeable.set_index("issue").loc["guarantee-duration"]
    assert (
        duration["quantities_differ"] and duration["stances"] == "Ukraine: demands; United States: supports"
    )


@pytest.mark.parametrize(
    ("red", "other", "blocked"),
    [
        ("demands", "opposes", True),
        ("supports", "rejects", True),
        ("rejects", "supports", True),  # a red line against the proposition, the other way round
        ("opposes", "demands", True),
        ("demands", "conditional", False),  # conditional leaves room
        ("rejects", "conditional", False),
        ("demands", "supports", False),
        ("conditional", "rejects", False),  # a red line at the middle of the scale blocks nothing
    ],
)
def test_blocked_definition(dataset: Dataset, red: str, other: str, blocked: bool) -> None:
    data = with_stances(
        dataset, [record("russia", "crimea", red, red_line=True), record("ukraine", "crimea", other)]
    )
    found = analysis.blocked_issues(data)
    assert (len(found) == 1) is blocked
    assert (
        analysis.issue_outlook(data).set_index("issue").loc["crimea", "outlook"] == analysis.BLOCKED
    ) is blocked


def test_opposite_stances_without_a_red_line_are_divided_not_blocked(dataset: Dataset) -> None:
    data = with_stances(
        dataset, [record("russia", "crimea", "demands"), record("ukraine", "crimea", "rejects")]
    )
    assert analysis.blocked_issues(data).empty
    assert analysis.issue_outlook(data).set_index("issue").loc["crimea", "outlook"] == analysis.DIVIDED


def test_bridgeable_needs_two_stances_within_one_level(dataset: Dataset) -> None:
    data = with_stances(
        dataset,
        [
            record("russia", "crimea", "conditional"),
            record("ukraine", "crimea", "opposes"),
            record("us", "crimea", "supports"),
            record("russia", "donbas", "supports"),
        ],
    )
    outlook = analysis.issue_outlook(data).set_index("issue")
    assert outlook.loc["crimea", "outlook"] == analysis.DIVIDED  # supports vs opposes: two levels apart
    assert outlook.loc["donbas", "outlook"] == analysis.SINGLE
    assert outlook.loc["territory", "outlook"] == analysis.NONE_KNOWN
    data = with_stances(
        dataset, [record("russia", "crimea", "conditional"), record("us", "crimea", "opposes")]
    )
    assert list(analysis.bridgeable_issues(data)["issue"]) == ["crimea"]


def test_cell_evidence_lists_every_quote(dataset: Dataset) -> None:
    donbas = current(dataset)[("russia", "donbas")]
    table = analysis.cell_evidence(dataset, donbas)
    assert list(table["quote"]) == [ev.quote for ev in donbas.stance.evidence]
    assert list(table["story"]) == ["menafn-kyiv-talks", "bloomberg-kyiv-talks", "bloomberg-kyiv-talks"]


# --- change over time -----------------------------------------------------------------------------------


def test_timeline_shows_the_cells_with_several_stances(dataset: Dataset) -> None:
    frame = analysis.timeline(dataset, several_only=True)
    assert set(zip(frame["party"], frame["issue"], strict=True)) == {
        ("europe", "foreign-troops"),
        ("ukraine", "ratification"),
    }
    troops = frame[frame["issue"] == "foreign-troops"]
    assert list(troops["level"]) == ["conditional", "supports"]
    assert list(troops["step"]) == [1, 2] and set(troops["steps"]) == {2}
    assert (frame["start"] <= frame["end"]).all()
    assert list(troops["row"].unique()) == ["Europe · Foreign troops"]


def test_timeline_has_every_stance(dataset: Dataset) -> None:
    frame = analysis.timeline(dataset)
    assert len(frame) == len(dataset.stances)
    crimea = frame[frame["issue"] == "crimea"].iloc[0]
    # Dated only by the year of its source: the interval spans 2025.
    assert (crimea["start"], crimea["end"]) == (pd.Timestamp(2025, 1, 1), pd.Timestamp(2025, 12, 31))


def test_events_frame(dataset: Dataset) -> None:
    frame = analysis.events(dataset)
    assert len(frame) == len(dataset.events) == 5
    assert list(frame["start"]) == sorted(frame["start"])
    exact = dict(zip(frame["id"], frame["exact"], strict=True))
    assert exact["paris-coalition-summit"] and not exact["us-plan-november"] and not exact["berlin-talks"]


def test_changes_between_two_dates(dataset: Dataset) -> None:
    frame = analysis.changes(dataset, dt.date(2025, 12, 31), dt.date(2026, 1, 6)).set_index(
        ["party", "issue"]
    )
    troops = frame.loc[("europe", "foreign-troops")]
    assert troops["change"] == analysis.CHANGED_LEVEL
    assert (troops["before_level"], troops["after_level"]) == ("conditional", "supports")
    ratification = frame.loc[("ukraine", "ratification")]
    assert ratification["change"] == analysis.CHANGED_LEVEL
    assert (ratification["before_level"], ratification["after_level"]) == ("demands", "supports")
    assert ratification["before_summary"].startswith("Insists the US guarantee document")
    assert ratification["after_summary"].startswith("Says parliaments of the Coalition")
    assert frame.loc[("russia", "territory"), "change"] == analysis.NEW
    assert frame.loc[("russia", "territory"), "before_level"] == ""
    # Unchanged cells are left out.
    assert ("russia", "crimea") not in frame.index and ("ukraine", "donbas") not in frame.index
    assert set(frame["change"]) <= set(analysis.CHANGE_KINDS)


def test_changes_same_date_is_empty_and_reversed_dates_drop_cells(dataset: Dataset) -> None:
    day = dt.date(2026, 1, 6)
    assert analysis.changes(dataset, day, day).empty
    back = analysis.changes(dataset, dt.date(2026, 1, 6), dt.date(2025, 12, 31)).set_index(["party", "issue"])
    assert back.loc[("russia", "territory"), "change"] == analysis.NO_LONGER
    assert back.loc[("europe", "foreign-troops"), "change"] == analysis.CHANGED_LEVEL


def test_change_in_red_line_or_quantity(dataset: Dataset) -> None:
    data = with_stances(
        dataset,
        [
            record("russia", "crimea", "demands", as_of="2025-12-01"),
            record("russia", "crimea", "demands", red_line=True, as_of="2026-01-02"),
            record("ukraine", "crimea", "opposes", as_of="2025-12-01"),
            record("ukraine", "crimea", "opposes", as_of="2026-01-02"),  # new evidence, same stance
        ],
    )
    frame = analysis.changes(data, dt.date(2025, 12, 15), dt.date(2026, 1, 5))
    assert frame[["party", "change"]].values.tolist() == [["russia", analysis.CHANGED_RED_LINE]]


# --- evidence strength ----------------------------------------------------------------------------------


def test_strength_counts_syndicated_copies_once(dataset: Dataset) -> None:
    donbas = current(dataset)[("russia", "donbas")]
    strength = evidence_strength(dataset, donbas, TODAY)
    # Three items from three sources, but arcamax-paris-talks is a copy of bloomberg-kyiv-talks.
    assert len({ev.source for ev in donbas.stance.evidence}) == 3
    assert strength.independent_sources == 2
    assert (strength.quoted, strength.reported) == (0, 3)
    assert strength.mark == "●●"
    assert strength.describe().startswith("2 independent sources; 0 quoted, 3 paraphrased or readout")


def test_strength_table_on_the_bundled_data(dataset: Dataset) -> None:
    table = analysis.strength_table(dataset, TODAY)
    assert len(table) == len(dataset.stances)
    assert table["current"].sum() == len(current(dataset))
    rows = table.set_index(["party", "issue", "as_of"])
    donbas = rows.loc[("russia", "donbas", "2026-01-03/2026-01-05")]
    assert (donbas["evidence"], donbas["sources"], donbas["independent_sources"]) == (3, 3, 2)
    guarantees = rows.loc[("ukraine", "security-guarantees", "2026-01-03/2026-01-05")]
    assert (guarantees["independent_sources"], guarantees["quoted"], guarantees["mark"]) == (3, 1, "●●●❝")
    # Ukraine's elections stance: three items, but all from one Bloomberg story.
    elections = rows.loc[("ukraine", "elections", "2026-01-03/2026-01-05")]
    assert (elections["evidence"], elections["independent_sources"]) == (3, 1)
    assert (table["age_days"] == [(TODAY - FuzzyDate.parse(n).latest).days for n in table["newest"]]).all()
    older = rows.loc[("europe", "foreign-troops", "2025-12-23/2025-12-31")]
    assert not older["current"]


# --- the domain package stays free of streamlit ---------------------------------------------------------


def test_domain_modules_do_not_import_streamlit() -> None:
    modules = ("derive.analysis", "derive.charts", "curate.coverage", "curate.jsonschema")
    imports = ", ".join(f"stancemap.{name}" for name in (*modules, "curate.add_source", "curate.suggest"))
    code = f"import sys, {imports}; assert 'streamlit' not in sys.modules, 'streamlit'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_filters_choose_the_cells_of_agreement_timeline_and_changes(dataset: Dataset) -> None:
    parties, issues = ("ukraine", "russia"), ("territory", "donbas")
    pairs = pairs_of(dataset, parties=parties)
    assert set(pairs.index) == {(a, b) for a in parties for b in parties}
    assert pairs.equals(pairs_of(dataset).loc[pairs.index])
    one_issue = pairs_of(dataset, parties=parties, issues=("donbas",))
    assert one_issue.loc[("ukraine", "russia"), "label"] == "4.0 · 1 issue"  # rejects vs demands
    stances = analysis.timeline(dataset, parties=parties, issues=issues)
    assert set(stances["party"]) == set(parties) and set(stances["issue"]) == set(issues)
    whole = analysis.timeline(dataset)
    assert len(stances) == len(whole[whole["party"].isin(parties) & whole["issue"].isin(issues)])
    cells = analysis.positions(dataset, parties=parties, issues=issues)
    assert len(cells) == 4 and list(cells["party"]) == ["ukraine", "ukraine", "russia", "russia"]
    start, end = dt.date(2025, 1, 1), dt.date(2026, 11, 24)
    changed = analysis.changes(dataset, start, end, parties=("europe",))
    assert set(changed["party"]) == {"europe"}
    assert len(changed) == (analysis.changes(dataset, start, end)["party"] == "europe").sum()
