"""Stancemap's server: `streamlit run app.py` (as Community Cloud runs it) serves dashboard.py.

Before the server accepts its first visitor, it loads and checks the data and builds the matrix the first
page shows (importing what the pages use), so a burst of visitors to a freshly started server finds it
ready instead of waiting behind the first one's load.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from stancemap.ui import data


def _warm() -> None:
    """The data set in the shared cache, and the default view's matrix built from it."""
    data.preload()
    from stancemap.derive.frames import build_matrix
    from stancemap.ui import controls, insights, matrix_view, views  # noqa: F401 - imported for dashboard.py

    today = dt.date.today()
    try:
        dataset, _ = data.load(data.data_root(), today)
    except Exception:  # preload logged it; the first page shows it
        return
    if dataset.parties and dataset.issues:  # as the matrix page draws it with no filters set
        build_matrix(
            dataset,
            parties=tuple(dataset.parties),
            issues=tuple(dataset.issues),
            as_of=None,
            quoted_only=False,
            today=today,
        )


@asynccontextmanager
async def _preload(_app: st.App) -> AsyncIterator[None]:
    await asyncio.to_thread(_warm)
    yield


app = st.App(Path(__file__).with_name("dashboard.py"), lifespan=_preload)
