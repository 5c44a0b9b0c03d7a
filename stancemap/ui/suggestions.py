"""The curation assistant on the Sources page: what `suggest` proposes from one source, on demand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stancemap.curate.stubs import render_yaml
from stancemap.curate.suggest import Candidate, suggest
from stancemap.model.dataset import Dataset

COLUMNS = ["Sentence", "Party", "Issue", "Level guess", "Speaker", "Kind", "Score", "Already evidence at"]


def proposals_frame(data: Dataset, found: list[Candidate]) -> pd.DataFrame:
    """One row per proposal, best first, with party and issue shown by name."""
    rows = [
        [
            c.sentence.text,
            data.parties[c.party].name,
            data.issues[c.issue].title,
            c.level,
            c.speaker,
            c.kind,
            c.score,
            ", ".join(c.curated),
        ]
        for c in found
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def _proposals(data: Dataset, source_id: str) -> list[Candidate]:
    # Once per source and data set: suggesting reads every source's sentences for near-duplicates.
    return data.derived(
        ("suggestions", source_id), lambda: suggest(data.texts[source_id].text, data, source_id=source_id)
    )


def suggestions_panel(data: Dataset, source_id: str) -> None:
    """A toggle that shows the assistant's proposals for the source and their YAML stubs."""
    if not st.toggle("Suggest evidence from this source", key=f"suggest-{source_id}"):
        return
    found = _proposals(data, source_id)
    st.caption(
        "Proposals of the curation assistant (`python -m stancemap suggest`): party, issue, level, speaker "
        "and kind are guesses to check. Sentences already used as evidence say where."
    )
    if not found:
        st.info("No sentence names both a tracked party and an issue keyword.")
        return
    st.dataframe(proposals_frame(data, found), hide_index=True)
    st.caption("The same proposals as stance stubs, to paste under `stances:` (set `source` to this id)")
    st.code(render_yaml(found, data, label=f"source {source_id}", total=len(found)), language="yaml")
