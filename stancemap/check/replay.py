"""Whole loads kept on disk and replayed: a restart with nothing changed gets the last load's result without
parsing, validating or searching a quote again.

A load's result is a function of its inputs: the bytes of every file and folder under seeds/ and positions/,
the day it checks dates against, the last good versions it consulted (only a file with problems consults
one), and the loader itself (its source, and the Python, pydantic and YAML libraries it runs on). An entry
holds that result (records as JSON rows, quote places, origins, problems) under a digest of those inputs,
one entry per data root; a load whose inputs have that digest is rebuilt from it (model/rebuild.py).
Entries are signed like the checked files of record_cache.py: a truncated, edited or foreign entry, or one
not in this loader's shape, is ignored and the load runs in full. A load with an input the digest cannot pin
down (a symlink, a special or unreadable file, a file over the size limit) is never replayed or kept, nor is
one served partly from last good versions (what it reports depends on when a file was saved).
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pydantic
import pydantic_core

from stancemap.check.record_cache import RecordCache, loader_version
from stancemap.model.dataset import Dataset, EventRecord, Origin, QuoteMatch, StanceRecord
from stancemap.model.dates import parse_date
from stancemap.model.problems import Problem
from stancemap.model.rebuild import Rows, row
from stancemap.model.schema import Event, Issue, Party, Source, Stance
from stancemap.model.sourcetext import Paragraph, ParagraphKind, SourceText
from stancemap.yamlio.reader import Refused, read_regular

FOLDERS = ("seeds", "positions")  # everything a load reads is in these (paths.LAYOUT)
_FORMAT = 1
_INPUTS = "inputs"


@cache
def _runtime() -> str:
    """What besides the loader's source decides what a load gives: the interpreter and the libraries it
    parses and validates with. The YAML parsers are known by their installed files (an upgrade rewrites
    them), not their versions: importing them to ask would cost a replay a tenth of its time."""
    parts = [sys.version, pydantic.VERSION, pydantic_core.__version__]
    for package in ("yaml", "_yaml", "ryml"):
        spec = importlib.util.find_spec(package)
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
        if folder is None:
            parts.append(f"{package}: none")
            continue
        parts.append(f"{package}: {folder}")
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda each: each.name):
                if entry.is_file():
                    info = entry.stat()
                    parts.append(f"{entry.name} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


@dataclass(frozen=True)
class Inputs:
    """The digest of a load's inputs on disk, the sha256 of each file, and (when asked for) its bytes."""

    digest: str
    sha256: dict[str, str]
    raw: dict[str, bytes]


def read_inputs(root: Path, today: dt.date, *, keep_bytes: bool) -> Inputs | None:
    """The inputs of a load of `root` on `today`; None when one of them cannot be pinned down by its bytes."""
    lines = [f"format {_FORMAT}", os.fspath(root.resolve()), today.isoformat(), loader_version(), _runtime()]
    raw: dict[str, bytes] = {}
    sha256: dict[str, str] = {}
    listed: list[str] = []
    pending: list[str] = []
    try:
        for rel in FOLDERS:
            if not os.path.lexists(root / rel):
                listed.append(f"{rel}\0missing")
            elif os.path.isdir(root / rel) and not os.path.islink(root / rel):
                pending.append(rel)
            else:
                return None
        while pending:
            folder = pending.pop()
            listed.append(f"{folder}\0folder")
            with os.scandir(root / folder) as entries:
                for entry in entries:
                    rel = f"{folder}/{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(rel)
                    elif entry.is_file(follow_symlinks=False):  # listed unfollowed: not a link
                        data = read_regular(entry.path)
                        sha256[rel] = hashlib.sha256(data).hexdigest()
                        listed.append(f"{rel}\0{sha256[rel]}")
                        if keep_bytes:
                            raw[rel] = data
                    else:
                        return None
    except (OSError, Refused):
        return None
    digest = hashlib.sha256("\n".join([*lines, *sorted(listed)]).encode("utf-8", "surrogateescape"))
    return Inputs(digest.hexdigest(), sha256, raw)


class ConsultedVersions(Mapping[str, str]):
    """The last good versions, noting which files a load looked up: only those decide what it gives."""

    def __init__(self, versions: Mapping[str, str]) -> None:
        self._versions = versions
        self.asked: set[str] = set()

    def __getitem__(self, rel: str) -> str:
        self.asked.add(rel)
        return self._versions[rel]

    def __iter__(self) -> Iterator[str]:
        self.asked.update(self._versions)
        return iter(self._versions)

    def __len__(self) -> int:
        return len(self._versions)

    def digests(self) -> dict[str, str | None]:
        return {rel: _sha256_of(self._versions.get(rel)) for rel in sorted(self.asked)}


def _sha256_of(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Replay:
    """One load's use of the kept loads: the result to replay, or where to keep the result of a full load."""

    cache: RecordCache
    root: Path
    today: dt.date
    inputs: Inputs | None
    fallback: ConsultedVersions
    found: tuple[Dataset, list[Problem]] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, cache: RecordCache, root: Path, today: dt.date, fallback: Mapping[str, str]) -> Replay:
        replay = cls(
            cache, root, today, read_inputs(root, today, keep_bytes=True), ConsultedVersions(fallback)
        )
        if replay.inputs is not None:
            replay.found = replay._lookup(replay.inputs, fallback)
            replay.inputs.raw.clear()  # decoded into the replayed texts, or not needed by a full load
        return replay

    @property
    def path(self) -> Path:
        name = hashlib.sha256(os.fspath(self.root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
        return self.cache.folder / "loads" / f"{name}.json"

    def _lookup(self, inputs: Inputs, fallback: Mapping[str, str]) -> tuple[Dataset, list[Problem]] | None:
        body = self.cache.read_signed(self.path)
        # The digest is the entry's first field: an entry about other inputs is known before it is parsed.
        if body is None or not body.startswith(b'{"%s":"%s"' % (_INPUTS.encode(), inputs.digest.encode())):
            return None
        try:
            entry = json.loads(body)
            del body
            if entry[_INPUTS] != inputs.digest:
                return None
            for rel, digest in entry["fallback"].items():
                if _sha256_of(fallback.get(rel)) != digest:
                    return None
            return _rebuilt(entry, inputs.raw)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # signed, but not our shape
            return None

    def keep(self, data: Dataset, problems: list[Problem]) -> None:
        """Keep the result of this full load, if its inputs were pinned down and did not change during it."""
        if self.inputs is None or data.stale:
            return
        # Read again: a file that changed while the load ran is not what the load read.
        after = read_inputs(self.root, self.today, keep_bytes=False)
        if after is None or after.digest != self.inputs.digest:
            return
        entry = _entry(data, problems, after.sha256)
        if entry is None:
            return
        entry = {_INPUTS: self.inputs.digest, "fallback": self.fallback.digests(), **entry}
        # ASCII JSON: its text takes a byte a character in memory, where one curly quote makes Python keep
        # a whole text at two; the entry is written at the end of a load, when memory is at its peak.
        self.cache.write_signed(self.path, json.dumps(entry, separators=(",", ":")).encode("ascii"))


def _text(raw: bytes, without_bom: bool) -> str:
    """A file's text as the load decoded it: data files lose a UTF-8 BOM, source texts keep it."""
    return (raw[len(codecs.BOM_UTF8) :] if without_bom else raw).decode("utf-8")


def _entry(data: Dataset, problems: list[Problem], sha256: dict[str, str]) -> dict[str, Any] | None:
    """The JSON form of a load's result; None when a text it holds is not one of the files (by their
    sha256) decoded as _text decodes it."""
    clean: list[list[object]] = []
    for rel, text in data.clean.items():
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no file decodes to it
            return None
        if sha256.get(rel) == hashlib.sha256(encoded).hexdigest():
            clean.append([rel, False])
        elif sha256.get(rel) == hashlib.sha256(codecs.BOM_UTF8 + encoded).hexdigest():
            clean.append([rel, True])
        else:
            return None
    texts: list[list[object]] = []
    for sid, source_text in data.texts.items():
        rel = f"seeds/{data.sources[sid].file}" if sid in data.sources else ""
        if data.clean.get(rel) != source_text.text:
            return None
        texts.append([sid, rel, [v for p in source_text.paragraphs for v in _paragraph_row(p)]])
    return {
        "sources": [[sid, row(source)] for sid, source in data.sources.items()],
        "texts": texts,
        "parties": [[pid, row(party)] for pid, party in data.parties.items()],
        "issues": [[iid, row(issue)] for iid, issue in data.issues.items()],
        "stances": _stance_runs(data.stances),
        "events": [[row(e.event), e.origin.path, e.origin.line, _match_row(e.match)] for e in data.events],
        "broken_sources": data.broken_sources,
        "broken_parties": data.broken_parties,
        "broken_issues": data.broken_issues,
        "unread": sorted(data.unread),
        "clean": clean,
        "problems": [[p.path, p.line, p.col, p.message] for p in problems],
    }


def _stance_runs(stances: list[StanceRecord]) -> list[list[object]]:
    """Stances in order, in runs from one file on one issue: [path, issue, [[row, as_of, line, *matches]]]."""
    runs: list[list[Any]] = []
    for record in stances:
        if not runs or runs[-1][:2] != [record.origin.path, record.issue]:
            runs.append([record.origin.path, record.issue, []])
        matches = [_match_row(match) for match in record.matches]
        runs[-1][2].append([row(record.stance), record.as_of.text, record.origin.line, *matches])
    return runs


def _rebuilt(entry: dict[str, Any], raw: dict[str, bytes]) -> tuple[Dataset, list[Problem]]:
    """The dataset and problems an entry holds, the texts decoded from (and taken out of) `raw`; raises
    KeyError, TypeError or ValueError for an entry that does not fit this loader."""
    data, rows = Dataset(), Rows()
    for rel, without_bom in entry["clean"]:
        data.clean[rel] = _text(raw.pop(rel), bool(without_bom))  # the bytes are freed as they are decoded
    for sid, values in entry["sources"]:
        data.sources[sid] = rows.rebuild(Source, values)
    for sid, rel, paragraphs in entry["texts"]:
        data.texts[sid] = SourceText(data.clean[rel], _paragraphs(paragraphs))
    for pid, values in entry["parties"]:
        data.parties[pid] = rows.rebuild(Party, values)
    for iid, values in entry["issues"]:
        data.issues[iid] = rows.rebuild(Issue, values)
    for path, issue, records in entry["stances"]:
        for values, as_of, line, *matches in records:
            data.stances.append(
                StanceRecord(
                    issue,
                    rows.rebuild(Stance, values),
                    parse_date(as_of),
                    Origin(path, line),
                    _matches(matches),
                )
            )
    for values, path, line, flat in entry["events"]:
        match = _match(flat)
        data.events.append(EventRecord(rows.rebuild(Event, values), Origin(path, line), match))
    data.broken_sources.update(entry["broken_sources"])
    data.broken_parties.update(entry["broken_parties"])
    data.broken_issues.update(entry["broken_issues"])
    data.unread.update(entry["unread"])
    problems = [Problem(path, line, col, message) for path, line, col, message in entry["problems"]]
    data.replayed = True
    return data, problems


# Quote places and paragraphs are written flat, a few numbers each in one list: JSON reads a list of
# numbers faster than lists of lists, and a load has tens of thousands of each.
_KINDS: tuple[ParagraphKind, ...] = get_args(ParagraphKind)


def _match_row(match: QuoteMatch) -> list[int]:
    return [
        n
        for (start, end), paragraph in zip(match.spans, match.paragraphs, strict=True)
        for n in (start, end, paragraph)
    ]


def _match(flat: list[int]) -> QuoteMatch:
    if len(flat) == 3:  # one fragment, as most quotes are
        return QuoteMatch(((flat[0], flat[1]),), (flat[2],))
    spans = tuple(zip(flat[0::3], flat[1::3], strict=True))
    return QuoteMatch(spans, tuple(flat[2::3]))


def _matches(matches: list[list[int]]) -> tuple[QuoteMatch, ...]:
    return tuple(_match(flat) for flat in matches)


def _paragraph_row(paragraph: Paragraph) -> tuple[int, int, int, int]:
    repeat_of = -1 if paragraph.repeat_of is None else paragraph.repeat_of
    return paragraph.start, paragraph.end, _KINDS.index(paragraph.kind), repeat_of


def _paragraphs(flat: list[int]) -> tuple[Paragraph, ...]:
    fields = zip(flat[0::4], flat[1::4], flat[2::4], flat[3::4], strict=True)
    return tuple(
        Paragraph(start, end, _KINDS[kind], None if repeat_of < 0 else repeat_of)
        for start, end, kind, repeat_of in fields
    )
