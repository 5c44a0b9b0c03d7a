"""One uncached load timed step by step, in this process: `python -m benchmarks.stage_times ROOT`.

Prints one JSON line: the seconds of what `validate --no-cache` imports and of each stage of the load, with
the process's peak RSS after each, then the seconds of the three big parts of the stance stage again on
their own, with nothing memoized. Imports nothing of stancemap before timing it (benchmarks/stages.py runs
it in a fresh process each round).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from benchmarks.memory import peak_rss_mb

PARTS = ("stances: parse", "stances: schema", "stances: quotes")


def one(root: Path) -> dict[str, dict[str, float]]:
    """Seconds of each step of one uncached load in this process and peak RSS (MB) after it, then seconds of
    each part of the stance stage."""
    started = time.perf_counter()
    # What `validate --no-cache` imports (benchmarks/coldstart.py's IMPORTS["validate"]).
    import stancemap.check.checked_files
    import stancemap.check.stages
    import stancemap.cli  # noqa: F401

    figures = {"imports": time.perf_counter() - started}
    rss = {"imports": peak_rss_mb()}
    from stancemap.check.context import LoadContext
    from stancemap.check.files import stance_files
    from stancemap.check.gc_pause import gc_paused
    from stancemap.check.quotes import check_quote
    from stancemap.check.stages import STAGES
    from stancemap.model.schema import Stance
    from stancemap.yamlio.cache import CACHE
    from stancemap.yamlio.parse import parse_yaml

    CACHE.disable()  # as `python -m stancemap` does (stancemap/__main__.py); the gc is paused below as there
    context = LoadContext(root, dt.date.today())
    with gc_paused():
        for name, stage in STAGES:
            started = time.perf_counter()
            stage(context)
            figures[name] = time.perf_counter() - started
            rss[name] = peak_rss_mb()
        texts = [((root / rel).read_text("utf-8"), rel) for rel in stance_files(root, [])]
        for source in context.data.texts.values():
            source.__dict__.pop("_search_view", None)  # built on a source's first quote check
            source.__dict__.pop("_checked", None)
        started = time.perf_counter()
        docs = [parse_yaml(text, rel)[0] for text, rel in texts]
        figures[PARTS[0]] = time.perf_counter() - started
        started = time.perf_counter()
        items = [item for doc in docs if doc is not None for item in doc.value["stances"]]  # type: ignore[index]
        stances = [Stance.model_validate(item, context=context.validation) for item in items]
        figures[PARTS[1]] = time.perf_counter() - started
        started = time.perf_counter()
        for stance in stances:
            for evidence in stance.evidence:
                check_quote(evidence.quote, context.data.texts[evidence.source])
        figures[PARTS[2]] = time.perf_counter() - started
    return {"seconds": figures, "rss_mb": rss}


if __name__ == "__main__":
    print(json.dumps(one(Path(sys.argv[1]))))
