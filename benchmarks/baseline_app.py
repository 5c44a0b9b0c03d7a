"""The baseline for the app's warm rerun: the same cached dataset, then one st.dataframe of the matrix.

It does only what showing the matrix needs (each cell's current stance and its label), so the ratio shows
what the app adds on top.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from stancemap.derive.matrix import cell_label, current
from stancemap.ui import data

dataset, problems = data.load(data.data_root(), dt.date.today())
cells = current(dataset)
table = pd.DataFrame(
    [
        [cell_label(dataset, cells.get((party, issue))) for issue in dataset.issues]
        for party in dataset.parties
    ],
    index=[party.name for party in dataset.parties.values()],
    columns=[issue.title for issue in dataset.issues.values()],
)
st.dataframe(table)
