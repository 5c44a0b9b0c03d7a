"""The files a load reads: data files parsed with their problems, stance files listed, seeds read safely."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stancemap.check.context import LoadContext
from stancemap.model.problems import NodePath, Problem, Problems
from stancemap.model.schema import Source
from stancemap.model.sourcetext import SourceText, parse_source_text
from stancemap.paths import SOURCE_MAX_BYTES, STANCES_DIR
from stancemap.yamlio.parse import YamlDoc, read_yaml


@dataclass(frozen=True)
class DataFile:
    """One parsed data file, the collector for its problems, and the lines of the YAML problems it had."""

    rel: str
    doc: YamlDoc
    problems: Problems
    tainted: list[int]


def read_data_file(context: LoadContext, rel: str) -> DataFile | None:
    """The file under the data root, parsed; None (with its problems reported) when it could not be read."""
    doc, found = read_yaml(context.root / rel, root=context.root, display=rel, final_line_break=True)
    context.problems.extend(found)
    if doc is None:
        return None
    return DataFile(rel, doc, Problems(rel, doc, context.problems), [p.line for p in found])


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


def read_source_text(root: Path, source: Source, problems: Problems, at: NodePath) -> SourceText | None:
    """The text of a source's seed file; None with a problem at its `file:` when it cannot be used."""
    where = (*at, "file")
    name = f"seeds/{source.file}"
    try:
        raw = _read_seed(root / "seeds", source.file)
        if raw is None:
            problems.add(where, f"file: {name} is not a regular file inside seeds/")
            return None
        if len(raw) > SOURCE_MAX_BYTES:
            problems.add(
                where,
                f"file: {name} is over the {SOURCE_MAX_BYTES // 1_000_000} MB limit for a source; "
                "store the article text only",
            )
            return None
        if source.sha256 is not None and hashlib.sha256(raw).hexdigest() != source.sha256:
            problems.add(
                where,
                f"file: {name} changed since it was registered (sha256 "
                "differs); sources are evidence: restore the file, or add the new "
                "text as a new source",
            )
            return None
        return _source_text(raw.decode("utf-8"))
    except FileNotFoundError:
        problems.add(where, f"file: {name} does not exist; add it or fix the name")
    except UnicodeDecodeError as err:
        problems.add(where, f"file: {name} is not UTF-8 text (byte {err.start}); save it as UTF-8")
    except OSError as err:
        problems.add(where, f"file: {name} cannot be read ({err.strerror})")
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
