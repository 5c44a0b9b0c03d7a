"""The files a load reads: data files parsed with their problems, the stance files listed, seed texts."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stancemap.check.context import LoadContext
from stancemap.model.dataset import StaleFile
from stancemap.model.problems import NodePath, Problem, Problems
from stancemap.model.schema import Source
from stancemap.model.sourcetext import SourceText, parse_source_text
from stancemap.paths import LAYOUT, MAX_FILE_BYTES, STANCES_DIR
from stancemap.yamlio.parse import YamlDoc, parse_cached
from stancemap.yamlio.reader import Refusal, Refused, read_bounded, read_data_text


@dataclass(frozen=True)
class DataFile:
    """One parsed data file, the collector for its problems, and the lines of the YAML problems it had."""

    rel: str
    doc: YamlDoc
    problems: Problems
    tainted: list[int]
    text: str


def read_data_file(context: LoadContext, rel: str, text: str | None = None) -> DataFile | None:
    """The file under the data root (or `text`, a version of it kept from before), parsed; None (with its
    problems reported) when it could not be read."""
    if text is None:
        gone = missing_from_layout(context.root, rel)
        if gone is not None:
            context.problems.append(gone)
            return None
        text, problem = read_data_text(context.root / rel, context.root, rel, MAX_FILE_BYTES)
        if problem is not None:
            context.problems.append(problem)
            return None
    cache = context.cache
    doc = cache.lookup(rel, text, context.data) if cache is not None else None
    if doc is not None:  # checked before without a problem (record_cache.py)
        found: list[Problem] = []
    else:
        doc, found = parse_cached(text, rel, final_line_break=True)
    context.problems.extend(found)
    if doc is None:
        return None
    if cache is not None:
        cache.note(rel, doc)
    return DataFile(rel, doc, Problems(rel, doc, context.problems), [p.line for p in found], text)


def missing_from_layout(root: Path, rel: str) -> Problem | None:
    """A problem for the outermost missing place of the data layout on the way to `rel`, if one is missing.

    Only places the layout requires are checked (paths.LAYOUT); a missing folder is reported once, not once
    for each file it should hold (the load keeps each problem once).
    """
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        place = "/".join(parts[:depth])
        if place in LAYOUT and not os.path.lexists(root / place):
            what = "folder" if depth < len(parts) or place == STANCES_DIR else "file"
            return Problem(
                place,
                0,
                0,
                f"{what} missing: the data layout expects {place}{'/' * (what == 'folder')} here, holding "
                f"{LAYOUT[place]}; restore it (from version control), or run Stancemap on the folder that "
                "holds seeds/ and positions/",
            )
    return None


def stance_files(root: Path, problems: list[Problem]) -> list[str]:
    """Relative paths of the stance files; anything else in the folder is reported, not skipped silently."""
    folder = root / STANCES_DIR
    if not folder.is_dir():
        gone = missing_from_layout(root, STANCES_DIR)
        problems.append(
            gone or Problem(STANCES_DIR, 0, 0, f"not a folder: it must hold {LAYOUT[STANCES_DIR]}")
        )
        return []
    files = []
    for path in sorted(folder.iterdir()):
        rel = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue
        if path.is_dir() and path.suffix != ".yaml":
            problems.append(Problem(rel, 0, 0, _FOLDER_IN_STANCES))
        elif path.suffix == ".yaml":
            files.append(rel)
        else:
            problems.append(Problem(rel, 0, 0, "ignored: stance files must end in .yaml"))
    return files


_FOLDER_IN_STANCES = (
    f"a folder does not belong in {STANCES_DIR}/, which holds {LAYOUT[STANCES_DIR]}; nothing in it is read: "
    "move its stance files up into positions/stances/, or the folder out of the data folder"
)


def read_source_text(
    context: LoadContext, source: Source, problems: Problems, at: NodePath
) -> SourceText | None:
    """The text of a source's seed file; None with a problem at its `file:` when it cannot be used.

    When the file on disk cannot be used but its last good version (in the context's fallback) still
    matches the source's sha256, that version is used and the seed file recorded as stale.
    """
    name = f"seeds/{source.file}"
    text, message = _seed_text(context.root, source)
    if message is None:
        context.data.clean[name] = text
        return _source_text(text)
    problem = Problem(problems.path, *problems.doc.locate((*at, "file")), f"file: {name} {message}")
    good = context.fallback.get(name)
    if good is not None and _fits(source, good.encode("utf-8")):
        context.data.stale[name] = stale_file(context.root, name, (problem,), good)
        return _source_text(good)
    problems.extend([problem])
    return None


def _fits(source: Source, raw: bytes) -> bool:
    return source.sha256 is None or hashlib.sha256(raw).hexdigest() == source.sha256


def _seed_text(root: Path, source: Source) -> tuple[str, str | None]:
    """The seed file's text, or what is wrong with it (to follow "file: seeds/<file> ")."""
    try:
        # `file` has no slashes (the schema says so), so only a symlink can lead out of seeds/.
        raw = read_bounded(root / "seeds" / source.file, inside=root / "seeds")
        if not _fits(source, raw):
            return "", (
                "changed since it was registered (sha256 differs); sources are evidence: restore the file, "
                "or add the new text as a new source"
            )
        return raw.decode("utf-8"), None
    except Refused as refused:
        return "", _REFUSED[refused.reason]
    except FileNotFoundError:
        return "", "does not exist; add it or fix the name"
    except UnicodeDecodeError as err:
        return "", f"is not UTF-8 text (byte {err.start}); save it as UTF-8"
    except OSError as err:
        return "", f"cannot be read ({err.strerror})"


def stale_file(root: Path, rel: str, problems: tuple[Problem, ...], good: str) -> StaleFile:
    """What to record about a file served from its last good version `good`."""
    try:
        saved = os.lstat(root / rel).st_mtime
        since: dt.datetime | None = dt.datetime.fromtimestamp(saved, dt.UTC)
    except OSError:
        since = None
    return StaleFile(problems, since, hashlib.sha256(good.encode("utf-8")).hexdigest())


_TOO_BIG = f"is over the {MAX_FILE_BYTES // 1_000_000} MB limit for a source; store the article text only"
_REFUSED: dict[Refusal, str] = {
    "outside": "is not a regular file inside seeds/",
    "not regular": "is not a regular file inside seeds/",
    "too big": _TOO_BIG,
    "grew": _TOO_BIG,
    "changed": "changed while it was being read (a save in progress?); reload to read it again",
}
# Parsed sources by text: a reload after Streamlit's cache is cleared reuses them and their search views.
_source_text = lru_cache(maxsize=8192)(parse_source_text)
