"""A safe, fast YAML reader: plain values with line:col marks, and problems as data instead of exceptions.

read_yaml reads a file (reader.py), parses it once per content (cache.py) on the fast path when rapidyaml
can read it exactly (fast.py) and on the precise path otherwise (precise.py, syntax_hints.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from stancemap.model.characters import LINE_SEPARATORS, character_name
from stancemap.model.problems import NodePath, Problem, excerpt
from stancemap.paths import MAX_FILE_BYTES
from stancemap.yamlio.cache import CACHE, clear_cache
from stancemap.yamlio.doc import MAX_DEPTH, YamlDoc, line_col
from stancemap.yamlio.fast import parse_fast
from stancemap.yamlio.reader import NUL_MESSAGE, read_data_text

__all__ = [
    "MAX_DEPTH",
    "NodePath",
    "YamlDoc",
    "clear_cache",
    "parse_cached",
    "parse_yaml",
    "read_yaml",
]

# The characters YAML allows (same set as PyYAML's Reader); anything else makes libyaml fail without a line.
# The line separators NEL, LS and PS are allowed there, but YAML breaks the line at them where an editor shows
# one line (and then reports a misleading syntax error), so they are refused here too, by name.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def read_yaml(
    path: Path,
    *,
    root: Path,
    display: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    final_line_break: bool = False,
) -> tuple[YamlDoc | None, list[Problem]]:
    """Read one YAML file that must lie inside ``root``: (doc, problems), doc None when reading had to stop.

    With ``final_line_break``, a file whose last line does not end in a line break gets a problem on that
    line: it may be a save still in progress, cut mid-line. Results are cached by path and content, so an
    unchanged file is parsed once per process.
    """
    shown = display if display is not None else _display(path, root)
    try:
        text, problem = read_data_text(Path(path), Path(root), shown, max_bytes)
        if problem is not None:
            return None, [problem]
        return parse_cached(text, shown, final_line_break=final_line_break)
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(shown, exc)]


def parse_cached(
    text: str, shown: str, *, final_line_break: bool = False
) -> tuple[YamlDoc | None, list[Problem]]:
    """parse_yaml of text already read, once per (path, text) in this process; see read_yaml."""
    try:
        key = (shown, text)
        result = CACHE.get(key)
        if result is None:
            result = parse_yaml(text, shown)
            CACHE.put(key, result)
        if final_line_break and result[0] is not None and text and not text.endswith(("\n", "\r")):
            line, col = line_col(text, len(text))
            cut = Problem(
                shown,
                line,
                col,
                "file does not end with a line break, so its last line may be cut off (a save still in "
                "progress?); the record there is skipped: add a line break at the end",
            )
            result = (result[0], sorted([*result[1], cut]))
        return result
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(shown, exc)]


def parse_yaml(text: str, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse YAML text already read: (doc, problems), the doc None when reading had to stop."""
    try:
        if text.startswith("\ufeff"):
            text = text[1:]
        bad = _NON_PRINTABLE.search(text)
        if bad is not None:
            line, col = line_col(text, bad.start())
            code = ord(bad.group())
            if code == 0:
                message = NUL_MESSAGE
            elif bad.group() in LINE_SEPARATORS:
                message = (
                    f"character {character_name(bad.group())} breaks the line here for YAML, though an "
                    "editor may show none; replace it with a space, or with a real line break"
                )
            else:
                message = f"character U+{code:04X} is not allowed in YAML (it may be invisible); delete it"
            return None, [Problem(display, line, col, message)]
        fast = parse_fast(text, display)
        if fast is not None:
            return fast
        # PyYAML is imported only for a file the fast path leaves to it (a clean data set never needs it).
        from stancemap.yamlio.precise import parse_precise

        return parse_precise(text, display)
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(display, exc)]


def _display(path: Path, root: Path) -> str:
    """The path shown in messages: relative to root when it is under it, else just the file name."""
    try:
        # abspath, not realpath: the shown path must not reveal where a symlink points.
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return Path(path).name


def _unexpected(shown: str, exc: BaseException) -> Problem:
    """A problem for a failure nothing else caught; shows only a short excerpt of the error text."""
    what = f"{type(exc).__name__}: {excerpt(str(exc))}"
    return Problem(shown, 1, 1, f"could not read this file ({what}); simplify the YAML or report this")
