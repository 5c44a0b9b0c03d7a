"""Time the matrix image (SVG and PNG) and print its sizes: `python -m benchmarks.matrix_image`.

For the bundled data and a generated scale (cut to the busiest parties and issues, as the image does
on its own): the first SVG in a fresh process (it starts vl-convert's JavaScript engine), a second one
from a fresh load, the PNG rasterised from it, and the byte sizes and pixel dimensions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import struct
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from stancemap.check.load import load_dataset
from stancemap.derive.matrix_image import matrix_png, matrix_svg, shown
from stancemap.paths import ROOT

AS_OF = dt.date(2026, 12, 2)
VERSION = "benchmark000"


def measure(root: Path, name: str) -> None:
    data, _ = load_dataset(root, today=AS_OF)
    start = time.perf_counter()
    matrix_svg(data, AS_OF, version=VERSION)
    first = time.perf_counter() - start
    data, _ = load_dataset(root, today=AS_OF)  # a new dataset: nothing cached
    start = time.perf_counter()
    svg = matrix_svg(data, AS_OF, version=VERSION)
    second = time.perf_counter() - start
    start = time.perf_counter()
    png = matrix_png(data, AS_OF, version=VERSION)
    raster = time.perf_counter() - start
    width, height = struct.unpack(">II", png[16:24])
    chosen = shown(data, AS_OF)
    print(
        f"{name}: {len(chosen.parties)} × {len(chosen.issues)} cells shown; SVG {first:.2f} s first, "
        f"{second:.2f} s again, {len(svg) / 1024:.0f} KB; PNG (scale 2) {raster:.2f} s, "
        f"{len(png) / 1024:.0f} KB, {width} × {height} px"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="target", help="generated scale besides the bundled data")
    args = parser.parse_args(argv)
    measure(ROOT, "bundled data")
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "data", args.scale)
        measure(Path(tmp) / "data", f"{args.scale} data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
