"""Loading the data for the app: once per change of the files, shared by every session."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st

from stancemap.check.lastgood import LastGood, snapshot_folder
from stancemap.check.load import ROOT, load_dataset
from stancemap.check.record_cache import RecordCache
from stancemap.derive.disappeared import Gone, Inventory, gone
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem
from stancemap.ui.notices import show

ROOT_VARIABLE = "STANCEMAP_DATA_ROOT"
_LOG = logging.getLogger(__name__)
# Keeps each full load for the next start (check/replay.py) after it is served: one thread, in order.
_keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stancemap-keep")
DATA_FOLDERS = ("seeds", "positions")

Fingerprint = tuple[tuple[str, int, int], ...]


def wait_until_kept() -> None:
    """Return once every load queued for keeping is written (tests and benchmarks; a server never waits)."""
    _keeper.submit(lambda: None).result()


def data_root() -> Path:
    """The data folder: $STANCEMAP_DATA_ROOT when set, else the repository."""
    return Path(os.environ.get(ROOT_VARIABLE) or ROOT)


def fingerprint(root: Path) -> Fingerprint:
    """(relative path, mtime_ns, size) of every entry under the data folders, folders as `path/` (0, 0), a
    data folder that cannot be listed as `path` (a missing one as -1, -1): cheap, and it changes on any
    edit and on any new or removed entry of any type (an empty folder where a file was is a change too)."""
    # Plain strings and os.scandir: every rerun of every session scans the folders, thousands of files.
    found: list[tuple[str, int, int]] = []
    pending = list(DATA_FOLDERS)
    base = os.fspath(root)
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(base, folder)))
        except OSError:
            # Reported by the loader. A data folder that is missing, or is a file now, is a state of its own.
            try:
                info = os.lstat(os.path.join(base, folder))
                found.append((folder, info.st_mtime_ns, info.st_size))
            except OSError:
                found.append((folder, -1, -1))
            continue
        found.append((f"{folder}/", 0, 0))
        for entry in entries:
            rel = f"{folder}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            else:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # deleted since the listing: the loader sees the folder as it is then
                found.append((rel, info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


def read(
    root: Path, today: dt.date, fallback: Mapping[str, str] | None = None
) -> tuple[Dataset, tuple[Problem, ...]]:
    """`load_dataset`, with what it built then kept out of the cyclic garbage collector's sight.

    A server keeps the data set for as long as its files stay unchanged: millions of acyclic objects that
    Python's automatic full collections, set off by the allocations of any rerun, would walk again and again
    (every other warm rerun took 0.42 s instead of 0.22 s at 10,000 stances). Frozen before collection is
    switched back on, so the load does not end with a full collection either (50 ms there). Frozen objects
    are still freed by reference counting when the cache lets go of them; cyclic garbage among them (a
    session's objects frozen while it was open) is collected here, at the next load, before freezing again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.unfreeze()
        gc.collect()
        data, problems = load_dataset(
            root, today=today, fallback=fallback, cache=RecordCache.open(), keeper=_keeper
        )
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    return data, tuple(problems)


# cache_resource, not cache_data: the dataset is read-only once loaded, so every rerun shares it without a
# pickle round trip. The fingerprint is in the key (it must not start with "_", or Streamlit skips hashing it)
# so an edited file is read on the next page load. It goes in as a digest: Streamlit hashing the tuple of
# thousands of entries itself took 70 ms of every rerun at 2,000 files.
@st.cache_resource(max_entries=4, show_spinner="Reading and checking the data…")
def _load(root: str, files: str, today: dt.date) -> tuple[Dataset, tuple[Problem, ...]]:
    # A file whose version on disk has problems is served from its last good version, which is validated
    # again with the rest; the files that loaded cleanly become the new last good versions.
    versions = last_good(Path(root))
    data, problems = read(Path(root), today, versions.fallback())
    versions.keep(data.clean, data.stale, dt.datetime.now(dt.UTC))
    return data, problems


_last_good: dict[str, LastGood] = {}
_last_good_lock = threading.Lock()


def last_good(root: Path) -> LastGood:
    """The last good versions of the files of `root`, read from its snapshot folder on first use."""
    key = os.fspath(root)
    with _last_good_lock:
        if key not in _last_good:
            _last_good[key] = LastGood(snapshot_folder(root))
        return _last_good[key]


class SharedScan:
    """The digest of a data folder's fingerprint, one scan at a time, shared by the reruns that wait for it.

    A scan of thousands of files makes thousands of system calls, each of which gives up the GIL and must
    win it back from the other sessions' threads: with 50 sessions rerunning at once, scanning took a third
    of the server's time. A caller still never gets a digest older than its own call: it takes the result of
    a scan that started after it asked, or scans itself.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, tuple[int, str]] = {}  # root -> (when its last scan started, digest)
        self.scans = 0

    def digest(self, root: Path) -> str:
        asked = time.monotonic_ns()
        key = os.fspath(root)
        with self._lock:
            started, digest = self._last.get(key, (asked, ""))
            if started > asked:
                return digest
            started = time.monotonic_ns()
            digest = hashlib.blake2b(repr(fingerprint(root)).encode(), digest_size=16).hexdigest()
            self._last[key] = (started, digest)
            self.scans += 1
            return digest


_scan = SharedScan()


def load(root: Path, today: dt.date) -> tuple[Dataset, tuple[Problem, ...]]:
    """The dataset and its problems for `root` as it is on disk now."""
    root = root.resolve()
    return _load(str(root), _scan.digest(root), today)


class ServedChanges:
    """What each data root's served data set lost against the one served before it, kept until the next
    data set is served: process-wide, so a reader who reloads the page is told as well."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, tuple[Dataset, Inventory, Gone]] = {}

    def gone(self, root: Path, data: Dataset) -> Gone:
        key = os.fspath(root.resolve())
        with self._lock:
            last = self._last.get(key)
            if last is not None and last[0] is data:
                return last[2]
            inventory = Inventory.of(data)
            lost = gone(last[1], inventory) if last is not None else Gone()
            self._last[key] = (data, inventory, lost)
            return lost


_served = ServedChanges()


def notices(root: Path, data: Dataset) -> None:
    """The banners for files served from their last good version and for what the data lost."""
    show(data, _served.gone(root, data), last_good(root.resolve()).noticed)


def preload() -> None:
    """Load the data into the shared cache as the server starts (app.py), so no visitor waits for it.

    A failure is left for the first page to show as it would without the preload (a missing data folder is
    a setting to fix, reported on the page), never raised at start-up.
    """
    try:
        load(data_root(), dt.date.today())
    except Exception:  # the page reports it; the server must start either way
        _LOG.exception("preloading the data failed; the first visitor's page will load it again")
