"""benchmarks/stages.py run for real on the bundled data: each stage of a load timed, the bounds in order."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from benchmarks.coldstart import REPO
from benchmarks.stage_times import PARTS
from benchmarks.stages import measure, report
from stancemap.check.load import ROOT
from stancemap.check.stages import STAGES


def test_a_fresh_process_times_every_stage_and_each_part_of_the_stance_stage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.stage_times", str(ROOT)],
        cwd=REPO,
        env={**os.environ, "STANCEMAP_CACHE_DIR": os.devnull},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    steps = ["imports", *(name for name, _ in STAGES)]
    assert list(figures["seconds"]) == [*steps, *PARTS]
    assert list(figures["rss_mb"]) == steps
    assert all(seconds > 0 for seconds in figures["seconds"].values())
    peaks = list(figures["rss_mb"].values())
    assert peaks == sorted(peaks)  # a peak never falls
    # What the validate command imports is timed: it cannot take no time at all.
    assert figures["seconds"]["imports"] > 0.01


def test_the_report_sets_each_bound_beside_the_floor_and_below_the_measured_run() -> None:
    figures = measure(ROOT, rounds=1)
    text = report(figures, "1x", 1)
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([0-9.]+) \| [0-9.]+× \|", text, re.MULTILINE))
    whole = float(rows["validate --no-cache, as it runs"])
    split = float(rows[f"every stage split perfectly over {os.cpu_count() or 1} cores"])
    free = float(rows["… and parse, schema and quotes free in the stance stage"])
    assert whole == round(figures.seconds["validate"], 3)
    assert free <= split <= whole
    for name, _ in STAGES:
        assert f"| {name} | " in text
