"""The cache folder: checked data files (checked_files.py) and whole loads (replay.py), kept on disk so a
restart re-reads only what changed.

Every entry is found by the loader's own version (a hash of the source of stancemap/model, yamlio and check,
and paths.py) with what it was made from. Entries are JSON signed with HMAC-SHA256 under a key kept in the
folder, which is private (0700): a truncated, edited or foreign entry fails the check and is rebuilt, never
trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from functools import cache
from pathlib import Path

from stancemap.model.sourcetext import SourceText

CACHE_VARIABLE = "STANCEMAP_CACHE_DIR"
UNUSED_DAYS = 30
_DAY = 24 * 60 * 60
# (folder, file pattern, age in seconds past which a file there is removed)
_PRUNED = (
    *((folder, "*.json", UNUSED_DAYS * _DAY) for folder in ("checked", "loads")),
    *((folder, ".tmp-*", _DAY) for folder in ("checked", "loads")),
)
_MAGIC = b"stancemap-checked-file 1 "
_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def loader_version() -> str:
    """A hash of the loader's source (model, yamlio, check and paths.py): an edit makes entries stale."""
    digest = hashlib.sha256()
    for folder in ("model", "yamlio", "check"):
        for path in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update((_PACKAGE / "paths.py").read_bytes())
    return digest.hexdigest()


def default_folder() -> Path:
    """$STANCEMAP_CACHE_DIR, else $XDG_CACHE_HOME/stancemap, else ~/.cache/stancemap."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "stancemap"


def text_sha256(source: SourceText) -> str:
    """The sha256 of a source's bytes (its text is decoded as plain UTF-8), computed once per source."""
    found: str | None = source.__dict__.get("_sha256")
    if found is None:
        found = source.__dict__["_sha256"] = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    return found


class RecordCache:
    """The entries in one private folder; `open()` gives None when the folder cannot be used."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._key = key

    @classmethod
    def open(cls, folder: Path | None = None) -> RecordCache | None:
        """The cache in `folder` (default_folder() when None), made private (0700) with its key."""
        folder = Path(folder) if folder is not None else default_folder()
        try:
            (folder / "checked").mkdir(parents=True, exist_ok=True, mode=0o700)
            key_path = folder / "key"
            try:
                fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                key = key_path.read_bytes()
            else:
                key = secrets.token_bytes(32)
                with os.fdopen(fd, "wb") as out:
                    out.write(key)
            if len(key) != 32:  # a key cut short by a crash: start over with a new one (old entries fail)
                key = secrets.token_bytes(32)
                _write_atomic(key_path, key)
        except OSError:
            return None
        return cls(folder, key)

    def entry_path(self, rel: str, sha256: str) -> Path:
        name = hashlib.sha256(f"{loader_version()}\0{rel}\0{sha256}".encode()).hexdigest()
        return self.folder / "checked" / f"{name}.json"

    def read(self, rel: str, sha256: str) -> dict[str, object] | None:
        """The entry for this file's content, or None when there is none or it fails any check."""
        body = self.read_signed(self.entry_path(rel, sha256))
        if body is None:
            return None
        try:
            entry = json.loads(body)
        except ValueError:
            return None
        expected = {"version": loader_version(), "rel": rel, "sha256": sha256}
        if not isinstance(entry, dict) or any(entry.get(k) != v for k, v in expected.items()):
            return None
        return entry

    def write(self, rel: str, sha256: str, entry: dict[str, object]) -> None:
        body = json.dumps(
            {"version": loader_version(), "rel": rel, "sha256": sha256, **entry},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        self.write_signed(self.entry_path(rel, sha256), body)

    def read_signed(self, path: Path) -> bytes | None:
        """The body of the file at `path` when it is there and signed with this cache's key, else None; an
        entry read is marked used (its modification time), so `prune` keeps it."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        head, _, body = raw.partition(b"\n")
        if not head.startswith(_MAGIC) or not hmac.compare_digest(head[len(_MAGIC) :], self._sign(body)):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return body

    def prune(self) -> list[Path]:
        """Remove the entries not used for UNUSED_DAYS and the temporary files a crash left, at most once a
        day (each full load asks), so the folder does not grow with every version of every file; returns
        what it removed."""
        marker, now = self.folder / "pruned", time.time()
        with contextlib.suppress(FileNotFoundError):
            if now - marker.stat().st_mtime < _DAY:
                return []
        removed: list[Path] = []
        with contextlib.suppress(OSError):
            marker.touch()
            for folder, pattern, age in _PRUNED:
                for path in (self.folder / folder).glob(pattern):
                    with contextlib.suppress(OSError):
                        if now - path.stat().st_mtime > age:
                            path.unlink()
                            removed.append(path)
        return removed

    def write_signed(self, path: Path, body: bytes) -> None:
        """`body` signed into `path`, whole or not at all; a cache that cannot be written only costs time."""
        with contextlib.suppress(OSError):
            path.parent.mkdir(exist_ok=True, mode=0o700)
            _write_atomic(path, _MAGIC + self._sign(body) + b"\n" + body)

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).hexdigest().encode()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file in the same folder, then a rename."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
