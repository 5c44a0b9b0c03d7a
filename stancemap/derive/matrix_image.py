"""The comparison matrix as a still image (SVG, PNG) for print and social posts, drawn with Altair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import altair as alt
import pandas as pd
import vl_convert as vlc

from stancemap.derive.charts import LEVEL_SCALE, OUTLINE, by_order, with_order
from stancemap.derive.matrix import NO_POSITION, RED_LINE_MARK, level_colours, matrix_long
from stancemap.model.codebook import RED_LINE_MEANING
from stancemap.model.dataset import Dataset

# Liberation Sans is bundled inside vl-convert, so the PNG looks the same on every machine with no font
# download; an SVG viewer without it falls back to Arial, which has the same metrics.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
CELL_WIDTH, CELL_HEIGHT = 150, 46
ISSUE_LABEL_WIDTH = 220
LABEL_LIMIT = CELL_WIDTH - 8  # a longer label is cut with an ellipsis, not spilled into the next cell
RED_LINE_TEXT = "RED LINE"
RED_LINE_BORDER = "#000000"
GRID = "#cbd2d9"
CAPTION_COLOUR = "#52606d"
# The Vega-Lite that altair writes for ("6.4"), so a converter upgrade never changes the drawing.
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# No data request leaves the converter: the data is inline and no URL is allowed.
NO_REMOTE: list[str] = []


def matrix_chart(
    data: Dataset,
    as_of: dt.date,
    *,
    issues: Iterable[str] | None = None,
    parties: Iterable[str] | None = None,
    version: str | None = None,
) -> alt.LayerChart:
    """Issues (rows) × parties (columns) as coloured cells labelled with level, quantity, red line and count.

    The cells are the app's (`matrix_long`: each cell's newest stance documented by `as_of`); red lines get
    a thick black border and the words RED LINE, since emoji fonts are missing on many machines.
    """
    frame = cells_frame(data, as_of, issues=issues, parties=parties)
    rows, columns = frame["issue_title"].nunique(), frame["party_name"].nunique()
    base = alt.Chart(frame).encode(
        x=alt.X(
            "party_name:N",
            sort=by_order("party_name"),
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelFontSize=13,
                labelFontWeight="bold",
                labelLimit=LABEL_LIMIT,
                ticks=False,
                domain=False,
            ),
        ),
        y=alt.Y(
            "issue_title:N",
            sort=by_order("issue_title"),
            title=None,
            axis=alt.Axis(
                labelFontSize=12, labelLimit=ISSUE_LABEL_WIDTH, labelPadding=8, ticks=False, domain=False
            ),
        ),
    )
    cells = base.mark_rect(stroke=GRID, strokeWidth=1).encode(
        color=alt.Color(
            "level:N",
            scale=LEVEL_SCALE,
            legend=alt.Legend(
                title="Level",
                orient="bottom",
                direction="horizontal",
                symbolType="square",
                symbolStrokeColor=OUTLINE,
            ),
        )
    )
    # Drawn inset, so neighbouring cells' grid lines do not cover the border.
    red_lines = base.transform_filter(alt.datum.red_line).mark_rect(
        filled=False, stroke=RED_LINE_BORDER, strokeWidth=3, width=CELL_WIDTH - 6, height=CELL_HEIGHT - 6
    )
    colour = alt.Color("text_colour:N", scale=None)
    stated = alt.datum.level != NO_POSITION
    labels = (
        base.transform_filter(stated & ~alt.datum.red_line)
        .mark_text(fontSize=11, limit=LABEL_LIMIT)
        .encode(text="label:N", color=colour)
    )
    # Two lines (the label, then RED LINE), raised by half a line so the pair sits in the cell's middle.
    red_labels = (
        base.transform_filter(alt.datum.red_line)
        .mark_text(fontSize=11, lineHeight=14, dy=-7, limit=LABEL_LIMIT)
        .encode(text="lines:N", color=colour)
    )
    empty = (
        base.transform_filter(~stated)
        .mark_text(fontSize=11, fontStyle="italic", limit=LABEL_LIMIT)
        .encode(text="label:N", color=colour)
    )
    footer = (
        alt.Chart(pd.DataFrame({"caption": [caption(as_of, version)]}))
        .mark_text(align="left", baseline="top", fontSize=10, color=CAPTION_COLOUR)
        .encode(text="caption:N", x=alt.value(-ISSUE_LABEL_WIDTH), y=alt.value(rows * CELL_HEIGHT + 64))
    )
    return (
        alt.layer(cells, red_lines, labels, red_labels, empty, footer)
        .properties(
            width=columns * CELL_WIDTH,
            height=rows * CELL_HEIGHT,
            title=alt.TitleParams(
                f"Where the parties stand, as of {as_of.isoformat()}",
                subtitle=[
                    f"Each cell: the party's latest recorded stance on the issue; (n) = evidence items. "
                    f"{RED_LINE_TEXT} (thick border): {RED_LINE_MEANING.lower()}",
                ],
                anchor="start",
                fontSize=16,
                subtitleFontSize=11,
                subtitleColor=CAPTION_COLOUR,
                offset=12,
            ),
        )
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_legend(labelFontSize=11, titleFontSize=11)
    )


def cells_frame(
    data: Dataset,
    as_of: dt.date,
    *,
    issues: Iterable[str] | None = None,
    parties: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The app's matrix cells (`matrix_long`) with each cell's printed lines and text colour."""
    frame = matrix_long(data, parties=parties, issues=issues, as_of=as_of)
    # The app's label without its emoji (not in every font); a red line gets a second line in words.
    frame["label"] = frame["label"].str.replace(f" {RED_LINE_MARK}", "", regex=False)
    frame["lines"] = [[label, RED_LINE_TEXT] for label in frame["label"]]
    frame["text_colour"] = [level_colours(level)[1] for level in frame["level"]]
    return with_order(frame, "issue_title", "party_name")


def caption(as_of: dt.date, version: str | None) -> str:
    """The footer line naming the data release the image shows."""
    release = f"dataset version {version}" if version else "dataset version not stated"
    return f"Stancemap · {release} · stances documented by {as_of.isoformat()}"


def matrix_svg(data: Dataset, as_of: dt.date, *, version: str) -> str:
    """The matrix as an SVG document (text as text, so it stays searchable and sharp in print)."""
    return vlc.vegalite_to_svg(
        _spec(data, as_of, version), vl_version=VL_VERSION, allowed_base_urls=NO_REMOTE
    )


def matrix_png(data: Dataset, as_of: dt.date, *, version: str, scale: float = 2) -> bytes:
    """The matrix as a PNG image, `scale` pixels per CSS pixel (2 for sharp social-media cards)."""
    return vlc.vegalite_to_png(
        _spec(data, as_of, version), vl_version=VL_VERSION, scale=scale, allowed_base_urls=NO_REMOTE
    )


def _spec(data: Dataset, as_of: dt.date, version: str) -> dict[str, object]:
    return matrix_chart(data, as_of, version=version).to_dict()
