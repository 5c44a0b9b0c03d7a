"""The home page: the issues × parties matrix and its legend; a selected cell opens its evidence dialog."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from stancemap.derive.frames import ISSUE_COLUMN, Axes, Matrix, build_matrix
from stancemap.derive.matrix import current
from stancemap.model.dataset import Dataset
from stancemap.ui import cards, controls, drilldown, render

MATRIX_KEY = "matrix"
# Up to this many cells in the whole data set, cells are filled with their level's colour; beyond it each
# cell's text is a coloured label. Filled cells go through pandas' Styler, which visits every cell in Python
# on every rerun (about 11 µs a cell: 0.25 s of each rerun at 89 parties × 246 issues), where labels are
# drawn from the Arrow data (0.03 s). Decided by the data set, not the filters, so a view never flips.
FILLED_MAX_CELLS = 2_500
# Fixed column widths (px) keep the layout steady and let browser tests find a cell on the canvas.
ISSUE_WIDTH, PARTY_WIDTH = 200, 180
# The axes and the selected cells of the matrix as last drawn, to tell a new selection from an old one.
DRAWN_KEY = "matrix_drawn"

Cell = tuple[int, str]


def _cells(value: Any) -> list[Cell]:
    """The selected cells of a dataframe selection state, as (row position, column name)."""
    try:
        return [(int(row), str(column)) for row, column in value["selection"]["cells"]]
    except (KeyError, TypeError, ValueError):
        return []


def _adopt_selection(axes: Axes) -> None:
    """Focus the cell selected since the last run (a click, or a test seeding it); clear on deselect."""
    if MATRIX_KEY not in st.session_state:
        return  # the table was not on screen in the last run, so nothing was selected
    selected = _cells(st.session_state[MATRIX_KEY])
    # A selection refers to the table as drawn in the last run, before any filter change in this one.
    drawn, cells = st.session_state.get(DRAWN_KEY, (axes, []))
    if selected == cells:
        return
    cell = drawn.cell_at(*selected[0]) if selected else None
    if not selected:
        controls.update(party=None, issue=None)
    elif cell is not None:
        controls.update(party=cell[0], issue=cell[1])


class _LabelColumn(dict[str, Any]):
    """A coloured-label column's settings, whose deep copy copies only the settings' own two levels.

    st.dataframe deep-copies each column's settings on every run so it can add keys to the copy, at the top
    level only. The label options are what made that dear: 3,000 small dicts at 89 parties × 246 issues, whose
    copying took 10 ms of every run of every session. They are a tuple here, shared by every copy; nothing
    changes them. A copy is a plain dict, as st.dataframe's own would be, and encodes to the same JSON.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {**self, "type_config": {**self["type_config"]}}


def _issue_column() -> ColumnConfig:
    return st.column_config.TextColumn("Issue", width=ISSUE_WIDTH, pinned=True)


def _label_columns(matrix: Matrix) -> dict[str, Any]:
    """The column settings of the coloured-label table: each party column's texts with their colours."""
    columns: dict[str, Any] = {ISSUE_COLUMN: _issue_column()}
    for name, (options, colours) in matrix.colours.items():
        column = _LabelColumn(
            st.column_config.MultiselectColumn(width=PARTY_WIDTH, options=options, color=colours)
        )
        column["type_config"]["options"] = tuple(column["type_config"]["options"])
        columns[name] = column
    return columns


def _drawn(data: Dataset, matrix: Matrix, *, filled: bool) -> tuple[Any, dict[str, Any]]:
    """The table to draw and its column settings: filled cells, or coloured labels (see FILLED_MAX_CELLS).

    The label settings are built once per data set and the filters the matrix was built for, like the matrix
    itself, and shared by every run of every session: building them took 2 to 4 ms of each run.
    """
    if filled:
        columns: dict[str, Any] = {"_index": _issue_column()}
        columns |= {name: st.column_config.TextColumn(width=PARTY_WIDTH) for name in matrix.axes.names}
        return matrix.text.style.apply(lambda _: matrix.css, axis=None), columns
    return matrix.labels, data.derived(
        ("matrix label columns", matrix.filters), lambda: _label_columns(matrix)
    )


def _close_evidence() -> None:
    """The reader closed the dialog: unfocus the cell, so the link and the selection follow."""
    controls.update(party=None, issue=None)


# A dialog, not a panel under the matrix: at 900 px a panel began below the fold (only its heading showed).
# The title is fixed text (dialog titles render markdown); the party and issue are in the escaped heading.
@st.dialog("Evidence", width="large", on_dismiss=_close_evidence)
def _evidence_dialog(
    data: Dataset, party: str, issue: str, *, as_of: dt.date | None, quoted_only: bool, today: dt.date
) -> None:
    drilldown.show(data, party, issue, as_of=as_of, quoted_only=quoted_only, today=today)


def show(data: Dataset, today: dt.date) -> None:
    """The matrix under the current filters, its legend, and the selected cell's evidence."""
    state = controls.state()
    parties = state.parties or tuple(data.parties)
    issues = state.issues or tuple(data.issues)
    if not parties or not issues:
        st.info("No parties or issues were loaded; see the data problems above.")
        return
    matrix = build_matrix(
        data, parties=parties, issues=issues, as_of=state.as_of, quoted_only=state.direct, today=today
    )
    _adopt_selection(matrix.axes)
    state = controls.state()

    when = f"as of {state.as_of}" if state.as_of else "latest"
    quotes = ", direct quotes only" if state.direct else ""
    st.subheader(f"Where the parties stand ({when}{quotes})")
    legend, codebook = st.columns([5, 1], vertical_alignment="top")
    legend.html(render.legend())
    with codebook.popover("Codebook", help="What each level and mark means"):
        st.html(render.codebook())
    position = matrix.axes.position(*state.cell) if state.cell else None
    selection = [position] if position else []
    if _cells(st.session_state.get(MATRIX_KEY)) != selection:
        # Draw the focused cell as selected, e.g. after opening a link or changing a filter.
        st.session_state[MATRIX_KEY] = {"selection": {"rows": [], "columns": [], "cells": selection}}
    filled = len(data.parties) * len(data.issues) <= FILLED_MAX_CELLS
    table, columns = _drawn(data, matrix, filled=filled)
    st.dataframe(
        table,
        key=MATRIX_KEY,
        on_select="rerun",
        selection_mode="single-cell",
        column_config=columns,
        hide_index=not filled,
        width="content",
        height="content",
    )
    st.session_state[DRAWN_KEY] = (matrix.axes, selection)
    if len(parties) * len(issues) <= cards.CARDS_MAX_CELLS:
        cells = current(data, as_of=state.as_of, quoted_only=state.direct)
        focused = controls.state()
        st.html(
            cards.style()
            + cards.issue_cards(
                data,
                cells,
                parties=parties,
                issues=issues,
                link=lambda party, issue: controls.link(replace(focused, party=party, issue=issue)),
                today=today,
            )
        )

    if state.cell is None:
        st.caption("Select a cell to read the quotes behind it.")
    elif position is None:
        st.info("The selected cell is hidden by the Parties or Issues filter; clear the filter to see it.")
    else:
        st.caption("Select a cell to read the quotes behind it; close the evidence to come back here.")
        _evidence_dialog(data, *state.cell, as_of=state.as_of, quoted_only=state.direct, today=today)
