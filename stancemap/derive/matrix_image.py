"""The comparison matrix as a still image (SVG, PNG) for print and social posts, drawn with Altair."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

from stancemap.derive.charts import LEVEL_SCALE, OUTLINE, by_order, with_order
from stancemap.derive.matrix import NO_POSITION, RED_LINE_MARK, current, level_colours, matrix_long
from stancemap.model.codebook import RED_LINE_MEANING
from stancemap.model.dataset import Dataset

# Liberation Sans is bundled inside vl-convert, so the PNG looks the same on every machine with no font
# download; an SVG viewer without it falls back to Arial, which has the same metrics.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
CELL_WIDTH, CELL_HEIGHT = 150, 46
ISSUE_LABEL_WIDTH = 220
# At most this many columns and rows unless asked for more: 1,700 × 1,600 px at scale 1, drawn in 3 s.
MAX_PARTIES, MAX_ISSUES = 10, 30
LABEL_LIMIT = CELL_WIDTH - 8  # px: a longer party name is cut with an ellipsis
# A cell label is cut to this many characters here rather than by Vega's `limit`, which measures every
# label and made drawing 300 cells 40 % slower; 25 characters of 11 px Liberation Sans fit a cell.
LABEL_CHARS = 25
_COUNT = re.compile(r" \(\d+\)$")  # the evidence count that ends a cell label
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
    a thick black border and the words RED LINE, since emoji fonts are missing on many machines. Without
    `issues` or `parties`, a large data set is cut to the busiest ones (`shown`), and the image says so.
    """
    chosen = shown(data, as_of, issues=issues, parties=parties)
    frame = cells_frame(data, as_of, issues=chosen.issues, parties=chosen.parties)
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
    # Each cell's aria-label is its sentence; the border and text layers repeat it, so they are hidden.
    cells = base.mark_rect(stroke=GRID, strokeWidth=1).encode(
        description="aria:N",
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
        ),
    )
    # Drawn inset, so neighbouring cells' grid lines do not cover the border.
    red_lines = base.transform_filter(alt.datum.red_line).mark_rect(
        filled=False,
        aria=False,
        stroke=RED_LINE_BORDER,
        strokeWidth=3,
        width=CELL_WIDTH - 6,
        height=CELL_HEIGHT - 6,
    )
    colour = alt.Color("text_colour:N", scale=None)
    stated = alt.datum.level != NO_POSITION
    labels = (
        base.transform_filter(stated & ~alt.datum.red_line)
        .mark_text(fontSize=11, aria=False)
        .encode(text="label:N", color=colour)
    )
    # Two lines (the label, then RED LINE), raised by half a line so the pair sits in the cell's middle.
    red_labels = (
        base.transform_filter(alt.datum.red_line)
        .mark_text(fontSize=11, lineHeight=14, dy=-7, aria=False)
        .encode(text="lines:N", color=colour)
    )
    empty = (
        base.transform_filter(~stated)
        .mark_text(fontSize=11, fontStyle="italic", aria=False)
        .encode(text="label:N", color=colour)
    )
    footer = (
        alt.Chart(pd.DataFrame({"caption": [caption(as_of, version)]}))
        .mark_text(align="left", baseline="top", fontSize=10, color=CAPTION_COLOUR)
        .encode(text="caption:N", x=alt.value(-ISSUE_LABEL_WIDTH), y=alt.value(rows * CELL_HEIGHT + 64))
    )
    chart: alt.LayerChart = (
        alt.layer(cells, red_lines, labels, red_labels, empty, footer)
        .properties(
            width=columns * CELL_WIDTH,
            height=rows * CELL_HEIGHT,
            title=alt.TitleParams(
                f"Where the parties stand, as of {as_of.isoformat()}",
                subtitle=[
                    f"Each cell: the party's latest recorded stance on the issue; (n) = evidence items. "
                    f"{RED_LINE_TEXT} (thick border): {RED_LINE_MEANING.lower()}",
                    *([chosen.note] if chosen.note else []),
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
    return chart


@dataclass(frozen=True)
class Shown:
    """The issues and parties an image shows, and a sentence saying what it leaves out ("" for nothing)."""

    issues: tuple[str, ...]
    parties: tuple[str, ...]
    note: str


def shown(
    data: Dataset,
    as_of: dt.date,
    *,
    issues: Iterable[str] | None = None,
    parties: Iterable[str] | None = None,
) -> Shown:
    """Those asked for; else every party and issue, or at most MAX_PARTIES × MAX_ISSUES of them.

    A cut keeps the parties with the most recorded positions, then the issues with the most among those,
    in the data's order: the full 89 × 246 matrix took 210 s to draw as a 13 MB SVG, and is unreadable
    as a picture anyway.
    """
    cells = current(data, as_of=as_of)
    left_out = []
    if parties is None:
        counts = Counter(party for party, _ in cells)
        parties = _busiest(list(data.parties), counts, MAX_PARTIES)
        if len(parties) < len(data.parties):
            left_out.append(f"{len(parties)} parties (of {len(data.parties)})")
    if issues is None:
        counts = Counter(issue for party, issue in cells if party in parties)
        issues = _busiest(list(data.issues), counts, MAX_ISSUES)
        if len(issues) < len(data.issues):
            left_out.append(f"{len(issues)} issues (of {len(data.issues)})")
    note = f"Showing the {' and '.join(left_out)} with the most recorded positions." if left_out else ""
    return Shown(tuple(issues), tuple(parties), note)


def _busiest(ids: list[str], counts: Counter[str], limit: int) -> list[str]:
    """The `limit` ids with the highest counts (the first in order on a tie), kept in order."""
    if len(ids) <= limit:
        return ids
    kept = set(sorted(ids, key=lambda i: -counts[i])[:limit])  # sorted is stable: ties keep data order
    return [i for i in ids if i in kept]


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
    frame["label"] = [fit(label.replace(f" {RED_LINE_MARK}", "")) for label in frame["label"]]
    frame["lines"] = [[label, RED_LINE_TEXT] for label in frame["label"]]
    frame["text_colour"] = [level_colours(level)[1] for level in frame["level"]]
    frame["aria"] = [
        f"{issue}, {party}: {label}{', red line' if red else ''}"
        for issue, party, label, red in zip(
            frame["issue_title"], frame["party_name"], frame["label"], frame["red_line"], strict=True
        )
    ]
    return with_order(frame, "issue_title", "party_name")


def fit(label: str) -> str:
    """The label cut to LABEL_CHARS with an ellipsis when longer, keeping its evidence count '(n)'."""
    if len(label) <= LABEL_CHARS:
        return label
    text, count = label, ""
    if found := _COUNT.search(label):
        text, count = label[: found.start()], found.group()
    return text[: LABEL_CHARS - len(count) - 1].rstrip() + "…" + count


def caption(as_of: dt.date, version: str | None) -> str:
    """The footer line naming the data release the image shows."""
    release = f"dataset version {version}" if version else "dataset version not stated"
    return f"Stancemap · {release} · stances documented by {as_of.isoformat()}"


def matrix_svg(
    data: Dataset,
    as_of: dt.date,
    *,
    version: str,
    issues: Iterable[str] | None = None,
    parties: Iterable[str] | None = None,
) -> str:
    """The matrix as an SVG document (text as text, so it stays searchable and sharp in print).

    Drawn once per dataset and arguments (`Dataset.derived`): drawing is the slow part (about 10 ms a
    cell), and the PNG is rasterised from the same SVG.
    """
    issues = tuple(issues) if issues is not None else None
    parties = tuple(parties) if parties is not None else None

    def draw() -> str:
        spec = matrix_chart(data, as_of, issues=issues, parties=parties, version=version).to_dict()
        return vlc.vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=NO_REMOTE)

    return data.derived(("matrix_svg", as_of, version, issues, parties), draw)


def matrix_png(
    data: Dataset,
    as_of: dt.date,
    *,
    version: str,
    scale: float = 2,
    issues: Iterable[str] | None = None,
    parties: Iterable[str] | None = None,
) -> bytes:
    """The matrix as a PNG image, `scale` pixels per CSS pixel (2 for sharp social-media cards)."""
    svg = matrix_svg(data, as_of, version=version, issues=issues, parties=parties)
    return vlc.svg_to_png(svg, scale=scale)
