"""The last good version of each data file: the text it had the last time it loaded without a problem.

The app serves a file's last good version while the file on disk has problems (`load_dataset(fallback=)`),
so one bad edit never takes what readers see off the page. The versions are kept in memory and in a private
snapshot folder (never inside the data folders), so a restarted server has them too. The folder is
content-addressed: `objects/<sha256>` holds a version's UTF-8 bytes and `index.json` names each file's
version; an object whose bytes do not hash to its name, or an index entry that is not a data file, is
ignored. The loader validates a last good version again before it serves it, against the other files as
they are then.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from stancemap.paths import MAX_FILE_BYTES
from stancemap.yamlio.atomic import write_atomic
from stancemap.yamlio.reader import Refused, read_bounded

SNAPSHOT_VARIABLE = "STANCEMAP_SNAPSHOT_DIR"
INDEX = "index.json"
OBJECTS = "objects"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATA_FOLDERS = ("positions", "seeds")
_INDEX_MAX_BYTES = 10_000_000


def snapshot_folder(root: Path) -> Path:
    """Where the versions of data root `root` are kept: $STANCEMAP_SNAPSHOT_DIR, else the user's cache
    folder ($XDG_CACHE_HOME or ~/.cache), one subfolder per data root."""
    base = os.environ.get(SNAPSHOT_VARIABLE)
    if base:
        parent = Path(base)
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        parent = Path(cache) / "stancemap" / "last-good"
    key = hashlib.blake2b(os.fsencode(os.path.realpath(root)), digest_size=8).hexdigest()
    return parent / key


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LastGood:
    """The last good text of each data file of one data root, by relative path."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._texts: dict[str, str] = {}
        self._noticed: dict[str, dt.datetime] = {}  # file -> when a load first served its last good version
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stancemap-snapshots")
        if folder is not None:
            self._texts = read_snapshots(folder)

    def fallback(self) -> dict[str, str]:
        """A copy of the versions, for `load_dataset(fallback=...)`."""
        with self._lock:
            return dict(self._texts)

    def keep(self, clean: Mapping[str, str], stale: Mapping[str, object], now: dt.datetime) -> None:
        """Remember the files that loaded cleanly as their last good versions (on disk as well); note when
        each stale file was first seen stale (cleared once it loads cleanly again)."""
        with self._lock:
            changed = {rel: text for rel, text in clean.items() if self._texts.get(rel) != text}
            self._texts.update(changed)
            for rel in clean:
                self._noticed.pop(rel, None)
            for rel in stale:
                self._noticed.setdefault(rel, now)
            if changed and self.folder is not None:
                # Written by one background thread, in order, so no load waits for the disk (0.6 s for
                # the first snapshot of 10,000 stances).
                self._writer.submit(_write_quietly, self.folder, dict(self._texts), changed)

    def flush(self) -> None:
        """Wait until the snapshot folder holds every version kept so far."""
        self._writer.submit(lambda: None).result()

    def noticed(self, rel: str) -> dt.datetime | None:
        """When this process first served the last good version of `rel` (for a file that is gone)."""
        with self._lock:
            return self._noticed.get(rel)


def is_data_path(rel: object) -> bool:
    """A relative path inside one of the data folders, with no way out of them."""
    if not isinstance(rel, str) or "\\" in rel or "\x00" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return len(parts) >= 2 and parts[0] in _DATA_FOLDERS and not ({"..", ".", ""} & set(parts))


def read_snapshots(folder: Path) -> dict[str, str]:
    """The versions the snapshot folder holds; anything corrupt, foreign or unreadable is left out."""
    try:
        index = json.loads(read_bounded(folder / INDEX, inside=folder, max_bytes=_INDEX_MAX_BYTES))
    except (OSError, Refused, ValueError):
        return {}
    files = index.get("files") if isinstance(index, dict) else None
    texts: dict[str, str] = {}
    for rel, sha in (files or {}).items() if isinstance(files, dict) else ():
        if not is_data_path(rel) or not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            continue
        try:
            raw = read_bounded(folder / OBJECTS / sha, inside=folder / OBJECTS, max_bytes=MAX_FILE_BYTES)
            if hashlib.sha256(raw).hexdigest() == sha:
                texts[rel] = raw.decode("utf-8")
        except (OSError, Refused, UnicodeDecodeError):
            continue
    return texts


def _write_quietly(folder: Path, texts: Mapping[str, str], changed: Mapping[str, str]) -> None:
    # A read-only or full disk: the versions are still kept in memory.
    with contextlib.suppress(OSError):
        write_snapshots(folder, texts, changed)


def write_snapshots(folder: Path, texts: Mapping[str, str], changed: Mapping[str, str]) -> None:
    """Store the `changed` versions and an index of all `texts`; drop the objects no entry names."""
    objects = folder / OBJECTS
    objects.mkdir(parents=True, exist_ok=True)
    names = {rel: sha256_text(text) for rel, text in texts.items()}
    for rel, text in changed.items():
        if not (objects / names[rel]).is_file():
            write_atomic(objects / names[rel], text, durable=False)  # checked by its sha256 when read
    index = json.dumps({"files": dict(sorted(names.items()))}, indent=1) + "\n"
    write_atomic(folder / INDEX, index, durable=False)
    wanted = set(names.values())
    for entry in objects.iterdir():
        if entry.name not in wanted and not entry.name.startswith("."):
            entry.unlink(missing_ok=True)
