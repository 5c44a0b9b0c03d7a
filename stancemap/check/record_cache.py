"""Checked data files kept on disk, so a restart re-reads only the files that changed.

An entry is found by the sha256 of a data file's bytes, its path and the loader's own version (a hash of the
source of stancemap/model, yamlio and check). It holds the file's parsed value, the line of each record, and
where each of its quotes was found, with the sha256 of each source it was found in. Only files that loaded
without a problem are kept. A hit skips the YAML parse and the search for each quote; everything else runs
as on a miss (pydantic validates every record, every rule across files is applied), and each cached quote
place is checked against the source text before use. Entries are JSON signed with HMAC-SHA256 under a key
kept in the cache folder: a truncated, edited or foreign entry fails the check and is rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from stancemap.check.quotes import checked_match, fits, remember_match
from stancemap.model.dataset import Dataset, QuoteMatch
from stancemap.model.problems import NodePath, Problem
from stancemap.model.sourcetext import SourceText
from stancemap.yamlio.doc import YamlDoc
from stancemap.yamlio.fast import item_marks_known, lazy_doc

CACHE_VARIABLE = "STANCEMAP_CACHE_DIR"
_MAGIC = b"stancemap-checked-file 1 "
_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def loader_version() -> str:
    """A hash of the loader's source (model, yamlio, check): any edit there makes every entry stale."""
    digest = hashlib.sha256()
    for folder in ("model", "yamlio", "check"):
        for path in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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

    def session(self) -> CacheSession:
        """What one load reads from and adds to the cache."""
        return CacheSession(self)

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
        """The body of the file at `path` when it is there and signed with this cache's key, else None."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        head, _, body = raw.partition(b"\n")
        if not head.startswith(_MAGIC) or not hmac.compare_digest(head[len(_MAGIC) :], self._sign(body)):
            return None
        return body

    def write_signed(self, path: Path, body: bytes) -> None:
        """`body` signed into `path`, whole or not at all; a cache that cannot be written only costs time."""
        with contextlib.suppress(OSError):
            path.parent.mkdir(exist_ok=True, mode=0o700)
            _write_atomic(path, _MAGIC + self._sign(body) + b"\n" + body)

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).hexdigest().encode()


@dataclass
class _Seen:
    sha256: str
    doc: YamlDoc | None = None
    hit: bool = False


@dataclass
class CacheSession:
    """One load's use of the cache: the files it looked up, and which it found."""

    cache: RecordCache
    seen: dict[str, _Seen] = field(default_factory=dict)

    def lookup(self, rel: str, text: str, data: Dataset) -> YamlDoc | None:
        """The cached doc of this file's text, its quote places put where the quote check finds them."""
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.seen[rel] = _Seen(sha256)
        entry = self.cache.read(rel, sha256)
        if entry is None:
            return None
        try:
            doc = self._doc(rel, text, entry, data)
        except (KeyError, TypeError, ValueError):  # signed by us but not in our shape: not used
            return None
        if doc is not None:
            self.seen[rel].hit = True
        return doc

    def _doc(self, rel: str, text: str, entry: dict[str, object], data: Dataset) -> YamlDoc | None:
        sources = entry["sources"]
        assert isinstance(sources, dict)
        for sid, sha256 in sources.items():
            if sid not in data.texts or text_sha256(data.texts[sid]) != sha256:
                return None  # a cited source changed or is gone: its quotes must be searched again
        confirmed: list[tuple[str, SourceText, QuoteMatch]] = []
        for sid, quote, spans, paragraphs in entry["quotes"]:  # type: ignore[attr-defined]
            match = QuoteMatch(tuple(map(tuple, spans)), tuple(paragraphs))
            if not fits(match, data.texts[sid]):
                return None
            confirmed.append((quote, data.texts[sid], match))
        for quote, source, match in confirmed:
            remember_match(quote, source, match)
        marks: dict[NodePath, tuple[int, int]] = {
            (key, int(index)): (int(line), int(col))
            for key, index, line, col in entry["marks"]  # type: ignore[attr-defined]
        }
        return lazy_doc(text, rel, entry["value"], marks)

    def note(self, rel: str, doc: YamlDoc) -> None:
        """The doc this load uses for `rel` (stored at the end if the file loads without a problem)."""
        if rel in self.seen:
            self.seen[rel].doc = doc

    def store(self, data: Dataset, problems: list[Problem]) -> None:
        """Write an entry for each file looked up, missed and loaded without a problem."""
        with_problems = {problem.path for problem in problems}
        for rel, seen in self.seen.items():
            if seen.hit or seen.doc is None or rel in with_problems:
                continue
            entry = _entry(seen.doc, data)
            if entry is not None:
                self.cache.write(rel, seen.sha256, entry)


def _entry(doc: YamlDoc, data: Dataset) -> dict[str, object] | None:
    """What to keep of a clean file: None for one the fast parser did not read (odd files are re-read)."""
    marks = item_marks_known(doc)
    if marks is None:
        return None
    quotes: list[list[object]] = []
    sources: dict[str, str] = {}
    for sid, quote in _quotes(doc.value):
        source = data.texts.get(sid)
        match = checked_match(quote, source) if source is not None else None
        if source is None or match is None:
            return None
        sources[sid] = text_sha256(source)
        quotes.append([sid, quote, [list(span) for span in match.spans], list(match.paragraphs)])
    return {
        "sources": sources,
        "quotes": quotes,
        "marks": [[path[0], path[1], line, col] for path, (line, col) in marks.items()],
        "value": doc.value,
    }


def _quotes(value: object) -> list[tuple[str, str]]:
    """(source, quote) of every mapping in `value` that has both as text: evidence and events."""
    found: list[tuple[str, str]] = []
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            source, quote = node.get("source"), node.get("quote")
            if isinstance(source, str) and isinstance(quote, str):
                found.append((source, quote))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


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
