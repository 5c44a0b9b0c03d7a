"""Checked data files kept in the cache folder (record_cache.py), so a restart re-reads only the files that
changed.

An entry is found by the sha256 of a data file's bytes, its path and the loader's own version. It holds the
file's parsed value, the line of each record, and where each of its quotes was found, with the sha256 of each
source it was found in. Only files that loaded without a problem are kept. A hit skips the YAML parse and the
search for each quote; everything else runs as on a miss (pydantic validates every record, every rule across
files is applied), and each cached quote place is checked against the source text before use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from stancemap.check.quotes import checked_match, fits, remember_match
from stancemap.check.record_cache import RecordCache, text_sha256
from stancemap.model.dataset import Dataset, QuoteMatch
from stancemap.model.problems import NodePath, Problem
from stancemap.model.sourcetext import SourceText
from stancemap.yamlio.doc import YamlDoc
from stancemap.yamlio.fast import item_marks_known, lazy_doc


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
