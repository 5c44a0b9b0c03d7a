"""Time and size the static site: `python -m benchmarks.publish` (goals from issue 9).

Generates a data root (default: the 10,000-stance "target" scale), loads it, builds the site, and prints the
build time, the site's size, index.html gzipped, the largest cell page, and the first contentful paint of
index.html served by `python -m http.server` on loopback, read from Chromium's performance API.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.memory import peak_rss_mb, reset_peak_rss
from stancemap.check.load import load_dataset
from stancemap.publish.site import Extras, build
from stancemap.publish.version import version_of

DATE = dt.date(2026, 11, 24)
GOALS = {"build s": 10.0, "index.html gzip KB": 300.0, "largest cell page KB": 50.0, "FCP s": 0.5}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def first_contentful_paint(site: Path, runs: int) -> list[float]:
    """FCP of index.html in seconds, one fresh browser context per run, from a local static server."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import static_server

    with static_server(site) as base:
        url = base + "index.html"
        paints = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(url, wait_until="load")
                paint = page.evaluate(
                    """() => new Promise(done => {
                        const read = () => performance.getEntriesByName("first-contentful-paint")[0];
                        const found = read();
                        if (found) return done(found.startTime);
                        new PerformanceObserver(() => done(read().startTime))
                            .observe({type: "paint", buffered: true});
                    })"""
                )
                paints.append(paint / 1000)
                context.close()
            browser.close()
        return paints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.publish", description=__doc__)
    parser.add_argument("--scale", default="target", help="benchmarks.generate scale (default: target)")
    parser.add_argument("--runs", type=int, default=3, help="FCP runs (median)")
    parser.add_argument("--no-browser", action="store_true", help="skip the first contentful paint")
    parser.add_argument("--no-images", action="store_true", help="leave out matrix.svg and matrix.png")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stancemap-publish-") as temp:
        root, out = Path(temp) / "data", Path(temp) / "site"
        generate(root, args.scale)
        reset_peak_rss()  # the figure is the load's and the build's, not the generator's
        start = time.perf_counter()
        data, problems = load_dataset(root, today=DATE)
        load = time.perf_counter() - start
        assert problems == [], problems[:3]

        start, cpu = time.perf_counter(), time.process_time()
        site = build(data, out, version=version_of(data, DATE), extras=Extras(images=not args.no_images))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu

        index = (out / "index.html").read_bytes()
        cells = sorted((p.stat().st_size, str(p.relative_to(out))) for p in out.glob("cell/*/*/index.html"))
        figures = {
            "stances": len(data.stances),
            "load s": load,
            "build s": wall,
            "build CPU s": cpu,
            "files": len(site.files),
            "site MB": site.size() / 1e6,
            "index.html KB": len(index) / 1e3,
            "index.html gzip KB": len(gzip.compress(index, compresslevel=6)) / 1e3,
            "cell pages": len(cells),
            "largest cell page KB": cells[-1][0] / 1e3,
            "median cell page KB": cells[len(cells) // 2][0] / 1e3,
            "peak RSS MB": peak_rss_mb(),
        }
        if not args.no_browser:
            paints = first_contentful_paint(out, args.runs)
            figures["FCP s"] = statistics.median(paints)
        print(f"scale {args.scale}; largest cell page {cells[-1][1]}")
        for name, value in figures.items():
            goal = GOALS.get(name)
            verdict = "" if goal is None else f"  goal ≤ {goal:g}: {'met' if value <= goal else 'MISSED'}"
            shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
            print(f"{name:>22}  {shown:>10}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
