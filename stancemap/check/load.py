"""Load and check the whole data set; never raises on bad data, returns (dataset, problems)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import re
import stat
import threading
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from stancemap.check.messages import did_you_mean, validation_problems
from stancemap.check.quotes import QuoteMatch, check_quote, closest_passage
from stancemap.model.dataset import Dataset, EventRecord, Origin, StanceRecord
from stancemap.model.dates import FuzzyDate
from stancemap.model.problems import Problem, StancemapError
from stancemap.model.schema import QUOTED_KINDS, Event, Evidence, Issue, Party, Source, Stance
from stancemap.model.sourcetext import SourceText, parse_source_text
from stancemap.paths import (
    EVENTS_FILE,
    ISSUES_FILE,
    PARTIES_FILE,
    ROOT,
    SOURCE_MAX_BYTES,
    SOURCES_FILE,
    STANCES_DIR,
)
from stancemap.yamlio.parse import YamlDoc, read_yaml

M = TypeVar("M", bound=BaseModel)
SINGULAR = {"parties": "party", "issues": "issue"}
_QUOTE_MARK = re.compile('["“”„‟«»]')


def _locator(doc: YamlDoc, loc: tuple[str | int, ...]) -> Callable[[], tuple[int, int]]:
    """Where `loc` is in `doc`, looked up only when a problem needs it (fast-parsed files lack marks)."""
    return lambda: doc.locate(loc)


def _read(root: Path, rel: str, problems: list[Problem]) -> tuple[YamlDoc | None, list[int]]:
    """The file's doc (None when it could not be read) and the lines of YAML problems that came with it."""
    doc, found = read_yaml(root / rel, root=root, display=rel, final_line_break=True)
    problems.extend(found)
    return doc, [p.line for p in found]


def _top_mapping(
    doc: YamlDoc | None, rel: str, keys: tuple[str, ...], problems: list[Problem]
) -> dict[str, Any]:
    """The file's top-level mapping, reporting an empty file, a wrong shape and unknown keys."""
    if doc is None:
        return {}
    shape = ", ".join(f"'{k}:'" for k in keys)
    if doc.value is None:
        problems.append(Problem(rel, 1, 1, f"file is empty; expected a mapping with {shape}"))
        return {}
    if not isinstance(doc.value, dict):
        kind = "a list" if isinstance(doc.value, list) else "a single value"
        problems.append(
            Problem(rel, *doc.locate(()), f"expected a mapping with {shape} at the top, got {kind}")
        )
        return {}
    for key in doc.value:
        if key not in keys:
            hint = did_you_mean(str(key), keys)
            problems.append(Problem(rel, *doc.locate((key,)), f"unknown top-level key {key!r}{hint}"))
    return doc.value


def _items(
    doc: YamlDoc, rel: str, key: str, model: type[M], problems: list[Problem], tainted: list[int]
) -> Iterator[tuple[int, Origin, M]]:
    """Validate each item of the list under `key` on its own, so one bad record spares the rest.

    Items holding a line in `tainted` (a duplicate key, a cut value) are skipped: their problem is reported.
    """
    items = doc.value.get(key) if isinstance(doc.value, dict) else None
    if items is None:
        if isinstance(doc.value, dict):
            problems.append(Problem(rel, *doc.locate(()), f"missing required key {key!r}"))
        return
    if not isinstance(items, list):
        problems.append(Problem(rel, *doc.locate((key,)), f"{key}: expected a list of records"))
        return
    starts = [doc.locate((key, index))[0] for index in range(len(items))]
    if starts and any(line < starts[0] for line in tainted):
        return  # a problem above the first record (e.g. a duplicate top-level key) makes the file unreliable
    ends = [*starts[1:], 10**9]
    validate = model.model_validate
    for index, item in enumerate(items):
        origin = Origin(rel, starts[index])
        if tainted and any(starts[index] <= line < ends[index] for line in tainted):
            continue
        try:
            yield index, origin, validate(item)
        except ValidationError as err:
            problems.extend(validation_problems(err, model, rel, doc.locate, (key, index)))


def _unique(
    records: Iterator[tuple[int, Origin, M]], what: str, doc: YamlDoc, key: str, problems: list[Problem]
) -> dict[str, tuple[int, M]]:
    by_id: dict[str, tuple[int, M]] = {}
    first_line: dict[str, int] = {}
    for index, origin, record in records:
        rid = record.id
        if rid in by_id:
            problems.append(
                Problem(
                    doc.path,
                    *doc.locate((key, index, "id")),
                    f"duplicate {what} id {rid!r} (first at line {first_line[rid]}); ids must be unique",
                )
            )
            continue
        by_id[rid] = (index, record)
        first_line[rid] = origin.line
    return by_id


def _load_sources(root: Path, data: Dataset, today: dt.date, problems: list[Problem]) -> None:
    doc, tainted = _read(root, SOURCES_FILE, problems)
    if doc is None or not _top_mapping(doc, SOURCES_FILE, ("sources",), problems):
        return
    loaded: dict[str, int] = {}
    for sid, (index, source) in _unique(
        _items(doc, SOURCES_FILE, "sources", Source, problems, tainted), "source", doc, "sources", problems
    ).items():
        at = (SOURCES_FILE, "sources", index)
        if source.published.earliest > today:
            problems.append(
                Problem(
                    SOURCES_FILE,
                    *doc.locate((*at[1:], "published")),
                    f"published: {source.published} is in the future (today is {today})",
                )
            )
            continue
        text = _read_text(root, source, doc, index, problems)
        if text is not None:
            data.sources[sid] = source
            data.texts[sid] = text
            loaded[sid] = index
    data.broken_sources.update(_unloaded(doc, "sources", loaded))
    for sid, source in data.sources.items():
        if source.copy_of is not None and source.copy_of not in data.sources:
            index = loaded[sid]
            problems.append(
                Problem(
                    SOURCES_FILE,
                    *doc.locate(("sources", index, "copy_of")),
                    _copy_of_message(data, source.copy_of),
                )
            )


def _copy_of_message(data: Dataset, copy_of: str) -> str:
    """Why a source's copy_of does not name a loaded source: broken, or unknown."""
    broken = data.broken_sources.get(copy_of)
    if broken is not None:
        return f"copy_of: {copy_of!r} has problems of its own ({SOURCES_FILE}:{broken}); fix that entry first"
    return f"copy_of: unknown source {copy_of!r}{did_you_mean(copy_of, data.sources)}"


def _read_text(
    root: Path, source: Source, doc: YamlDoc, index: int, problems: list[Problem]
) -> SourceText | None:
    def where() -> tuple[str, int, int]:
        return (SOURCES_FILE, *doc.locate(("sources", index, "file")))

    name = f"seeds/{source.file}"
    try:
        raw = _read_seed(root / "seeds", source.file)
        if raw is None:
            problems.append(Problem(*where(), f"file: {name} is not a regular file inside seeds/"))
            return None
        if len(raw) > SOURCE_MAX_BYTES:
            problems.append(
                Problem(
                    *where(),
                    f"file: {name} is over the {SOURCE_MAX_BYTES // 1_000_000} MB limit for a source; "
                    "store the article text only",
                )
            )
            return None
        if source.sha256 is not None and hashlib.sha256(raw).hexdigest() != source.sha256:
            problems.append(
                Problem(
                    *where(),
                    f"file: {name} changed since it was registered (sha256 "
                    "differs); sources are evidence: restore the file, or add the new "
                    "text as a new source",
                )
            )
            return None
        return _source_text(raw.decode("utf-8"))
    except FileNotFoundError:
        problems.append(Problem(*where(), f"file: {name} does not exist; add it or fix the name"))
    except UnicodeDecodeError as err:
        problems.append(
            Problem(*where(), f"file: {name} is not UTF-8 text (byte {err.start}); save it as UTF-8")
        )
    except OSError as err:
        problems.append(Problem(*where(), f"file: {name} cannot be read ({err.strerror})"))
    return None


def _read_seed(seeds: Path, file: str) -> bytes | None:
    """A seed file's bytes (at most one past the size limit), or None when it is not a regular file in seeds/.

    `file` has no slashes (the schema says so), so only a symlink can lead out of seeds/.
    """
    path = os.path.join(seeds, file)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        real, real_seeds = os.path.realpath(path), os.path.realpath(seeds)
        if os.path.commonpath([real, real_seeds]) != real_seeds:
            return None
        path = real
    # O_NONBLOCK: a FIFO must not hang the server; O_NOFOLLOW: a file swapped for a link is not followed.
    fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > SOURCE_MAX_BYTES:
            return bytes(SOURCE_MAX_BYTES + 1)  # reported as too big without reading it
        chunks = []
        total = 0
        while total <= SOURCE_MAX_BYTES:
            chunk = os.read(fd, max(info.st_size - total, 0) + 1)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# Parsed sources by text: a reload after Streamlit's cache is cleared reuses them and their search views.
_source_text = lru_cache(maxsize=8192)(parse_source_text)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _load_named(
    root: Path,
    rel: str,
    key: str,
    model: type[M],
    label: str,
    problems: list[Problem],
    broken: dict[str, int],
) -> dict[str, M]:
    """Parties or issues by id. Each must also have its own `label` (name or title): the pages show them by
    it, so a second record with the same one could be drawn as the first. Entries with an id that are not
    loaded go in `broken` (id -> line), so what refers to them can say why."""
    doc, tainted = _read(root, rel, problems)
    if doc is None or not _top_mapping(doc, rel, (key,), problems):
        return {}
    what = SINGULAR[key]
    found = _unique(_items(doc, rel, key, model, problems, tainted), what, doc, key, problems)
    loaded: dict[str, M] = {}
    first: dict[str, str] = {}  # label -> id of the record that has it
    for rid, (index, record) in found.items():
        text = getattr(record, label)
        if text in first:
            problems.append(
                Problem(
                    rel,
                    *doc.locate((key, index, label)),
                    f"duplicate {what} {label} {text!r} (the {what} {first[text]!r} has it); "
                    f"the pages show {key} by {label}, so give each its own",
                )
            )
            continue
        first[text] = rid
        loaded[rid] = record
    broken.update(_unloaded(doc, key, loaded))
    return loaded


def _unloaded(doc: YamlDoc, key: str, loaded: Container[str]) -> dict[str, int]:
    """id -> line of each entry under `key` that has an id but did not load (for an id written twice, the
    later entry). Lines are looked up only for these: locating every entry would cost a precise re-parse."""
    items = doc.value.get(key) if isinstance(doc.value, dict) else None
    entry_of: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            entry_of[item["id"]] = index
    return {rid: doc.locate((key, index))[0] for rid, index in entry_of.items() if rid not in loaded}


def _verify_quote(
    data: Dataset,
    source_id: str,
    quote: str,
    kind: str | None,
    rel: str,
    where: Callable[[], tuple[int, int]],
    problems: list[Problem],
) -> QuoteMatch | None:
    """Check one quote against its source; report defects, a miss with the closest passage or a wrong kind."""
    text = data.texts[source_id]
    defects, match = check_quote(quote, text)
    if defects:
        at = where()
        problems.extend(Problem(rel, *at, f"quote: {d}") for d in defects)
        return None
    if match is None:
        near = closest_passage(quote, text, limit=120)
        problems.append(
            Problem(
                rel,
                *where(),
                f"quote not found in source {source_id!r} "
                f"(seeds/{data.sources[source_id].file}); closest passage: {near!r}",
            )
        )
        return None
    if kind in QUOTED_KINDS:
        start, end = match.spans[0][0], match.spans[-1][1]
        if _QUOTE_MARK.search(text.text, max(0, start - 2), end + 2) is None:
            problems.append(
                Problem(
                    rel,
                    *where(),
                    f"kind: {kind} but the source shows no quotation marks in or "
                    "around this passage; use kind: paraphrase",
                )
            )
    return match


def _known_source(
    data: Dataset, sid: str, rel: str, where: Callable[[], tuple[int, int]], problems: list[Problem]
) -> bool:
    """True when `sid` names a loaded source; otherwise report why not."""
    if sid in data.sources:
        return True
    message = _not_loaded("source", "sources", sid, data.sources, data.broken_sources, SOURCES_FILE)
    problems.append(Problem(rel, *where(), message))
    return False


def _not_loaded(
    what: str, plural: str, rid: str, known: Iterable[str], broken: dict[str, int], file: str
) -> str:
    """Why a reference to `rid` finds nothing: its entry has problems of its own, or no entry has that id."""
    if rid in broken:
        return f"{what}: {rid!r} has problems of its own ({file}:{broken[rid]}); fix that entry first"
    return f"{what}: unknown {what} {rid!r}{did_you_mean(rid, known)}; {plural} are listed in {file}"


def _check_evidence(
    data: Dataset, ev: Evidence, at: tuple[int, ...], doc: YamlDoc, today: dt.date, problems: list[Problem]
) -> QuoteMatch | None:
    rel = doc.path
    if not _known_source(data, ev.source, rel, _locator(doc, (*at, "source")), problems):
        return None
    published = data.sources[ev.source].published
    if ev.said_on is not None:
        if ev.said_on.earliest > today:
            problems.append(
                Problem(
                    rel,
                    *doc.locate((*at, "said_on")),
                    f"said_on: {ev.said_on} is in the future (today is {today})",
                )
            )
        elif ev.said_on.earliest > published.latest:
            problems.append(
                Problem(
                    rel,
                    *doc.locate((*at, "said_on")),
                    f"said_on: {ev.said_on} is after its source was published ({published})",
                )
            )
    return _verify_quote(data, ev.source, ev.quote, ev.kind, rel, _locator(doc, (*at, "quote")), problems)


def _load_stance_file(
    root: Path,
    rel: str,
    data: Dataset,
    today: dt.date,
    problems: list[Problem],
    seen: dict[tuple[str, str, str], Origin],
) -> None:
    doc, tainted = _read(root, rel, problems)
    top = _top_mapping(doc, rel, ("issue", "stances"), problems)
    if doc is None or not top:
        return
    issue = top.get("issue")
    if not isinstance(issue, str):
        problems.append(
            Problem(
                rel,
                *doc.locate(("issue",) if "issue" in top else ()),
                "issue: expected the id of an issue in " + ISSUES_FILE,
            )
        )
        return
    if issue not in data.issues:
        message = _not_loaded("issue", "issues", issue, data.issues, data.broken_issues, ISSUES_FILE)
        problems.append(Problem(rel, *doc.locate(("issue",)), message))
        return
    for index, origin, stance in _items(doc, rel, "stances", Stance, problems, tainted):
        record = _check_stance(data, issue, stance, ("stances", index), origin, doc, today, problems)
        if record is None:
            continue
        key = (record.party, issue, str(record.as_of))
        if key in seen:
            problems.append(
                Problem(
                    rel,
                    origin.line,
                    doc.locate(("stances", index))[1],
                    f"duplicate stance: {record.party} on {issue} as of {record.as_of} is already "
                    f"at {seen[key]}; merge the evidence or give each its own as_of",
                )
            )
            continue
        seen[key] = origin
        data.stances.append(record)


def _check_stance(
    data: Dataset,
    issue: str,
    stance: Stance,
    at: tuple[Any, ...],
    origin: Origin,
    doc: YamlDoc,
    today: dt.date,
    problems: list[Problem],
) -> StanceRecord | None:
    rel, before = doc.path, len(problems)
    if stance.party not in data.parties:
        message = _not_loaded(
            "party", "parties", stance.party, data.parties, data.broken_parties, PARTIES_FILE
        )
        problems.append(Problem(rel, *doc.locate((*at, "party")), message))
    if stance.quantity is not None and data.issues[issue].quantity is None:
        problems.append(
            Problem(
                rel,
                *doc.locate((*at, "quantity")),
                f"quantity: issue {issue!r} has no quantity unit; remove it or add one to the issue",
            )
        )
    matches = [
        _check_evidence(data, ev, (*at, "evidence", i), doc, today, problems)
        for i, ev in enumerate(stance.evidence)
    ]
    if len(problems) > before:
        return None
    dates = [data.evidence_date(ev) for ev in stance.evidence]
    newest = max(dates, key=lambda d: (d.latest, d.earliest))
    as_of = stance.as_of or newest
    if stance.as_of is not None:
        where = (*at, "as_of")
        oldest = min(d.earliest for d in dates)
        if stance.as_of.earliest > today:
            problems.append(
                Problem(rel, *doc.locate(where), f"as_of: {stance.as_of} is in the future (today is {today})")
            )
            return None
        if stance.as_of.latest < oldest:
            problems.append(
                Problem(
                    rel,
                    *doc.locate(where),
                    f"as_of: {stance.as_of} is before any of its evidence (the earliest is {oldest})",
                )
            )
            return None
    return StanceRecord(issue, stance, as_of, origin, tuple(m for m in matches if m is not None))


def _load_events(root: Path, data: Dataset, today: dt.date, problems: list[Problem]) -> None:
    if not (root / EVENTS_FILE).exists():
        return
    doc, tainted = _read(root, EVENTS_FILE, problems)
    if doc is None or not _top_mapping(doc, EVENTS_FILE, ("events",), problems):
        return
    found = _unique(
        _items(doc, EVENTS_FILE, "events", Event, problems, tainted), "event", doc, "events", problems
    )
    for index, event in found.values():
        at = ("events", index)
        if not _known_source(data, event.source, EVENTS_FILE, _locator(doc, (*at, "source")), problems):
            continue
        match = _verify_quote(
            data, event.source, event.quote, None, EVENTS_FILE, _locator(doc, (*at, "quote")), problems
        )
        if match is not None:
            data.events.append(EventRecord(event, Origin(EVENTS_FILE, doc.locate(at)[0]), match))


def stance_files(root: Path, problems: list[Problem]) -> list[str]:
    """Relative paths of the stance files; anything else in the folder is reported, not skipped silently."""
    folder = root / STANCES_DIR
    if not folder.is_dir():
        problems.append(Problem(STANCES_DIR, 0, 0, "folder missing: stances go in positions/stances/*.yaml"))
        return []
    files = []
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".yaml":
            files.append(rel)
        elif not path.name.startswith("."):
            problems.append(Problem(rel, 0, 0, "ignored: stance files must end in .yaml"))
    return files


class _GcPause:
    """Holds off cyclic garbage collection while loads run; concurrent loads share one pause.

    A load allocates hundreds of thousands of objects and no cycles, and the collector would walk them all
    several times over (a quarter of the load time at 10,000 stances).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loads = 0
        self.restore = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.loads == 0:
                self.restore = gc.isenabled()
                gc.disable()
            self.loads += 1
        try:
            yield
        finally:
            with self.lock:
                self.loads -= 1
                if self.loads == 0 and self.restore:
                    gc.enable()


_gc_paused = _GcPause()


def load_dataset(root: Path = ROOT, *, today: dt.date | None = None) -> tuple[Dataset, list[Problem]]:
    """Read every file under `root`; return what validated and every problem found, sorted by place."""
    if not Path(root).is_dir():
        # Not a data problem: there is no data to report problems in (a wrong path or setting).
        raise StancemapError(
            f"data folder {root} is missing or not a folder; it must hold seeds/ and positions/"
        )
    today = today or dt.date.today()
    with _gc_paused():
        return _load(root, today)


def _load(root: Path, today: dt.date) -> tuple[Dataset, list[Problem]]:
    problems: list[Problem] = []
    data = Dataset()
    _load_sources(root, data, today, problems)
    data.parties = _load_named(root, PARTIES_FILE, "parties", Party, "name", problems, data.broken_parties)
    data.issues = _load_named(root, ISSUES_FILE, "issues", Issue, "title", problems, data.broken_issues)
    seen: dict[tuple[str, str, str], Origin] = {}
    for rel in stance_files(root, problems):
        _load_stance_file(root, rel, data, today, problems, seen)
    _load_events(root, data, today, problems)
    return data, sorted(set(problems))


__all__ = ["ROOT", "FuzzyDate", "load_dataset"]
