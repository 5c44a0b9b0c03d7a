"""The files a load reads: data files parsed with their problems, the stance files listed, seed texts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stancemap.check.context import LoadContext
from stancemap.model.problems import NodePath, Problem, Problems
from stancemap.model.schema import Source
from stancemap.model.sourcetext import SourceText, parse_source_text
from stancemap.paths import MAX_FILE_BYTES, STANCES_DIR
from stancemap.yamlio.parse import YamlDoc, read_yaml
from stancemap.yamlio.reader import Refusal, Refused, read_bounded


@dataclass(frozen=True)
class DataFile:
    """One parsed data file, the collector for its problems, and the lines of the YAML problems it had."""

    rel: str
    doc: YamlDoc
    problems: Problems
    tainted: list[int]


def read_data_file(context: LoadContext, rel: str) -> DataFile | None:
    """The file under the data root, parsed; None (with its problems reported) when it could not be read."""
    cache = context.cache
    known = None if cache is None else lambda shown, text: cache.lookup(shown, text, context.data)
    doc, found = read_yaml(
        context.root / rel, root=context.root, display=rel, final_line_break=True, known=known
    )
    context.problems.extend(found)
    if doc is None:
        return None
    if cache is not None:
        cache.note(rel, doc)
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
        # `file` has no slashes (the schema says so), so only a symlink can lead out of seeds/.
        raw = read_bounded(root / "seeds" / source.file, inside=root / "seeds")
        if source.sha256 is not None and hashlib.sha256(raw).hexdigest() != source.sha256:
            problems.add(
                where,
                f"file: {name} changed since it was registered (sha256 "
                "differs); sources are evidence: restore the file, or add the new "
                "text as a new source",
            )
            return None
        return _source_text(raw.decode("utf-8"))
    except Refused as refused:
        problems.add(where, f"file: {name} {_REFUSED[refused.reason]}")
    except FileNotFoundError:
        problems.add(where, f"file: {name} does not exist; add it or fix the name")
    except UnicodeDecodeError as err:
        problems.add(where, f"file: {name} is not UTF-8 text (byte {err.start}); save it as UTF-8")
    except OSError as err:
        problems.add(where, f"file: {name} cannot be read ({err.strerror})")
    return None


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
