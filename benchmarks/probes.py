"""Measurements that must run in a fresh process: `python -m benchmarks.probes load|apptest ROOT`.

Each prints one JSON object on its last line of stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.memory import peak_rss_mb

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The app's pages, as dashboard.py names them in its `view` link parameter.
PAGES = ("matrix", "search", "issue", "party", "agreement", "timeline", "strength", "sources", "data")


def probe_load(root: Path) -> dict[str, object]:
    """Cold import, cold load+validate+verify, an in-process reload once the load is kept, and this process's
    peak RSS.

    Times the app's own loader (`stancemap.ui.data.read`: `load_dataset`, then the result frozen out of the
    garbage collector's sight), without Streamlit's cache around it.
    """
    started = time.perf_counter()
    from stancemap.ui.data import read, wait_until_kept

    imported = time.perf_counter()
    today = dt.date.today()
    data, problems = read(root, today)
    loaded = time.perf_counter()
    # The first load is kept for the next on a writer thread; a reload while it writes would measure the
    # two contending for the interpreter, which a visitor clearing the cache later does not meet.
    wait_until_kept()
    kept = time.perf_counter()
    read(root, today)  # as after Streamlit's cache is cleared: same process, files unchanged
    reloaded = time.perf_counter()
    return {
        "import_s": imported - started,
        "cold_s": loaded - imported,
        "kept_s": kept - loaded,  # how long after the load its keeping finished
        "reload_s": reloaded - kept,
        "problems": len(problems),
        "stances": len(data.stances),
        "quotes": sum(len(record.stance.evidence) for record in data.stances),
        "peak_rss_mb": peak_rss_mb(),
    }


def probe_apptest(root: Path, reruns: int, timeout: float = 120) -> dict[str, object]:
    """Warm rerun times of dashboard.py and of the baseline script, measured alike in this one process."""
    from streamlit.testing.v1 import AppTest

    os.environ["STANCEMAP_DATA_ROOT"] = str(root)
    result: dict[str, object] = {}
    # The baseline first: whichever runs first pays for the cold load into the shared cache. Then every
    # page of the app, each opened from its link (`?view=`), the matrix as "app".
    runs = [("baseline", HERE / "baseline_app.py", None), ("app", REPO / "dashboard.py", None)]
    runs += [(f"page:{view}", REPO / "dashboard.py", view) for view in PAGES if view != "matrix"]
    for name, script, view in runs:
        if not script.is_file():
            result[name] = {"error": f"{script.name} not found"}
            continue
        app = AppTest.from_file(str(script), default_timeout=timeout)
        if view is not None:
            app.query_params["view"] = view
        times: list[float] = []
        try:
            started = time.perf_counter()
            app.run()
            first = time.perf_counter() - started
            for _ in range(reruns):
                started = time.perf_counter()
                app.run()
                times.append(time.perf_counter() - started)
        except RuntimeError as err:  # AppTest's timeout: the figure is "more than `timeout` seconds"
            result[name] = {"error": f"a run took over {timeout:.0f} s ({str(err)[:80]})"}
            continue
        errors = [str(element.value)[:200] for element in app.exception]
        result[name] = {
            "first_s": first,
            "warm_s": statistics.median(times),
            "warm_all_s": times,
            "dataframes": len(app.dataframe),
            "errors": errors,
        }
    return result


def main(argv: list[str]) -> int:
    kind, root = argv[0], Path(argv[1])
    if kind == "load":
        out = probe_load(root)
    elif kind == "apptest":
        out = probe_apptest(root, int(argv[2]) if len(argv) > 2 else 5)
    else:
        raise SystemExit(f"unknown probe {kind!r}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
