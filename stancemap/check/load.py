"""Load and check the whole data set; never raises on bad data, returns (dataset, problems).

A full load runs the stages of stages.py; with a cache, a load whose inputs are as they were at a kept load
is replayed instead (replay.py), and the parser and the checks are not even imported.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from concurrent.futures import Executor, Future
from pathlib import Path

from stancemap.check.gc_pause import gc_paused
from stancemap.check.record_cache import RecordCache
from stancemap.check.replay import Replay
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem, StancemapError
from stancemap.paths import ROOT

_LOG = logging.getLogger(__name__)


def load_dataset(
    root: Path = ROOT,
    *,
    today: dt.date | None = None,
    fallback: Mapping[str, str] | None = None,
    cache: RecordCache | None = None,
    keeper: Executor | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Read every file under `root`; return what validated and every problem found, sorted by place.

    `fallback`: the last good text of data files by relative path (the app's; `validate` passes none). A
    file whose version on disk has problems is loaded from it when that loads cleanly, and is recorded in
    the dataset's `stale`; its problems are still returned.

    With a `cache`, a load whose inputs are all as they were at a load kept there is replayed from it
    (replay.py); otherwise files that loaded without problems before are not parsed again and their quotes
    not searched again (checked_files.py), and every other check runs. A full load is kept for the next
    before this returns, or by `keeper` after it (the app's: no visitor waits for the 7 MB write).
    """
    if not Path(root).is_dir():
        # Not a data problem: there is no data to report problems in (a wrong path or setting).
        raise StancemapError(
            f"data folder {root} is missing or not a folder; it must hold seeds/ and positions/"
        )
    root, today = Path(root), today or dt.date.today()
    with gc_paused():
        replay = Replay.open(cache, root, today, fallback or {}) if cache is not None else None
        if replay is not None and replay.found is not None:
            return replay.found
        # Imported here, not above: the parsers, the quote search and the models' validators are a third of
        # the start-up time of a process whose load is replayed.
        from stancemap.check.checked_files import CacheSession
        from stancemap.check.context import LoadContext
        from stancemap.check.stages import STAGES

        session = CacheSession(cache) if cache is not None else None
        versions = replay.fallback if replay is not None else fallback or {}
        context = LoadContext(root, today, versions, cache=session)
        for _name, stage in STAGES:
            stage(context)
        if session is not None:
            session.store(context.data, context.problems)
            session.cache.prune()
        for stale in context.data.stale.values():
            context.problems.extend(stale.problems)  # wrong on disk, though its last good version loaded
        problems = sorted(set(context.problems))
        if replay is not None and keeper is not None:
            keeper.submit(replay.keep, context.data, problems).add_done_callback(_report_failure)
        elif replay is not None:
            replay.keep(context.data, problems)
    return context.data, problems


def _report_failure(kept: Future[None]) -> None:
    """A load kept in the background that failed: it only costs the next start its replay, so say so."""
    if kept.exception() is not None:
        _LOG.error("keeping the load for the next start failed", exc_info=kept.exception())


__all__ = ["ROOT", "load_dataset"]
