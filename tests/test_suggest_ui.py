"""The curation assistant on the Sources page (AppTest over the real app and data)."""

from __future__ import annotations

import datetime as dt

import yaml
from streamlit.testing.v1 import AppTest

from stancemap.check.load import ROOT, load_dataset
from stancemap.curate.suggest import suggest
from stancemap.ui.suggestions import proposals_frame

APP = str(ROOT / "dashboard.py")
SOURCE = "bloomberg-berlin-talks"
CRIMEA = (
    "As an example, Russia, “one million percent,” won’t cede control of the Crimean peninsula it annexed in "
    "2014, he said."
)


def sources_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"view": "sources", "source": SOURCE})
    at.run()
    assert not at.exception
    return at


def test_suggestions_are_off_until_asked_for() -> None:
    at = sources_page()
    toggle = at.toggle(key=f"suggest-{SOURCE}")
    assert toggle.label == "Suggest evidence from this source" and toggle.value is False
    assert not [c for c in at.code if "Stance stubs suggested" in c.value]


def test_suggestions_list_the_proposals_and_their_yaml_stubs() -> None:
    data, _ = load_dataset(ROOT, today=dt.date.today())
    expected = proposals_frame(data, suggest(data.texts[SOURCE].text, data, source_id=SOURCE))
    at = sources_page()
    at.toggle(key=f"suggest-{SOURCE}").set_value(True).run()
    assert not at.exception
    shown = next(frame.value for frame in at.dataframe if "Level guess" in frame.value.columns)
    assert shown.equals(expected)
    crimea = shown[(shown["Sentence"] == CRIMEA) & (shown["Issue"] == "Crimea")].iloc[0]
    assert (crimea["Party"], crimea["Issue"], crimea["Speaker"]) == ("Russia", "Crimea", "Yuri Ushakov")
    assert crimea["Already evidence at"] == "positions/stances/crimea.yaml:4"
    stubs = next(c.value for c in at.code if "Stance stubs suggested" in c.value)
    loaded = yaml.safe_load(stubs)
    assert any(ev["quote"] == CRIMEA for stance in loaded["crimea"] for ev in stance["evidence"])
    # The source is already in the data: it is not reported as a copy of itself.
    assert "syndicated copy" not in stubs and f"same sentence in {SOURCE}" not in stubs
