"""A safe, fast YAML reader: plain values with line:col marks, and problems as data instead of exceptions."""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import BaseResolver

from stancemap.model.problems import Problem, excerpt

try:  # rapidyaml makes clean files fast; without it every file takes the precise (libyaml) path
    import ryml as _ryml

    # The fast path's screen was fuzzed against 0.15; other versions accept different odd inputs.
    if tuple(_ryml.version_tuple[:2]) != (0, 15):  # pragma: no cover
        _ryml = None
except ImportError:  # pragma: no cover - exercised only where rapidyaml is missing
    _ryml = None

__all__ = ["MAX_DEPTH", "NodePath", "StrictResolver", "YamlDoc", "clear_cache", "parse_yaml", "read_yaml"]

# A node's place from the root: mapping keys and sequence indexes, as in pydantic error locations.
NodePath = tuple[str | int, ...]

# Deep enough for any real record; libyaml's composer segfaults near 25,000 levels, the pure one recurses.
MAX_DEPTH = 50

# libyaml's event parser keeps its own stack instead of recursing, so it is safe on hostile input.
if yaml.__with_libyaml__:
    from yaml.cyaml import CParser as _Parser
else:  # pragma: no cover - exercised only where libyaml is missing
    from yaml.loader import SafeLoader as _Parser

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"


class StrictResolver(BaseResolver):
    """Resolves plain scalars to bool, null, int and float only; dates, yes/no and 010 stay text."""


# YAML 1.2 core spellings only: YAML 1.1's yes/no/on/off, octals, sexagesimals and dates silently change data.
StrictResolver.add_implicit_resolver(
    _BOOL, re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z"), list("tTfF")
)
StrictResolver.add_implicit_resolver(_NULL, re.compile(r"(?:~|null|Null|NULL|)\Z"), ["~", "n", "N", ""])
StrictResolver.add_implicit_resolver(_INT, re.compile(r"[-+]?(?:0|[1-9][0-9_]*)\Z"), list("-+0123456789"))
StrictResolver.add_implicit_resolver(
    _FLOAT, re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z"), list("-+.0123456789")
)
# Stateless without path resolvers, so one shared instance is safe across threads.
_RESOLVER = StrictResolver()
_RESOLVABLE_FIRST = frozenset(key for key in StrictResolver.yaml_implicit_resolvers if key)

# The characters YAML allows (same set as PyYAML's Reader); anything else makes libyaml fail without a line.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks as YAML counts them, so our positions agree with the parser's marks.
_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")
_COMMENT_AFTER = re.compile(r"[ \t]+#")
_MAX_PARSER_TEXT = 100
_NUL_MESSAGE = "file contains NUL bytes, so it is binary, not YAML text; save it as plain UTF-8 text"


@dataclass(frozen=True)
class YamlDoc:
    """One parsed YAML file: its plain value and the (line, col) of every node keyed by path from the root."""

    path: str
    value: object
    marks: Mapping[NodePath, tuple[int, int]]

    def locate(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """The (line, col) of the longest prefix of ``loc`` that names a node; (1, 1) if none does."""
        marks = self.marks
        for end in range(len(loc), -1, -1):
            mark = marks.get(tuple(loc[:end]))
            if mark is not None:
                return mark
        return (1, 1)


def read_yaml(
    path: Path,
    *,
    root: Path,
    display: str | None = None,
    max_bytes: int = 5_000_000,
    final_line_break: bool = False,
) -> tuple[YamlDoc | None, list[Problem]]:
    """Read one YAML file that must lie inside ``root``: (doc, problems), doc None when reading had to stop.

    With ``final_line_break``, a file whose last line does not end in a line break gets a problem on that
    line: it may be a save still in progress, cut mid-line. Results are cached by path and content, so an
    unchanged file is parsed once per process.
    """
    shown = display if display is not None else _display(path, root)
    try:
        data, problem = _read_bytes(Path(path), Path(root), shown, max_bytes)
        if problem is not None:
            return None, [problem]
        text, problem = _decode(data, shown)
        if problem is not None:
            return None, [problem]
        key = (shown, text)
        result = _CACHE.get(key)
        if result is None:
            result = parse_yaml(text, shown)
            _CACHE.put(key, result)
        if final_line_break and result[0] is not None and text and not text.endswith(("\n", "\r")):
            line, col = _line_col(text, len(text))
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
            line, col = _line_col(text, bad.start())
            code = ord(bad.group())
            if code == 0:
                message = _NUL_MESSAGE
            else:
                message = f"character U+{code:04X} is not allowed in YAML (it may be invisible); delete it"
            return None, [Problem(display, line, col, message)]
        return _fast_parse(text, display) or _Builder(text, display).run()
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(display, exc)]


class _ParseCache:
    """Parse results keyed by (display path, text), least recently used first out, bounded by text size.

    Streamlit lets any visitor clear its own cache, so a reload must not re-parse unchanged files. Callers
    never mutate a doc's value (the loader only validates it), which is what makes sharing one safe.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.entries: OrderedDict[tuple[str, str], tuple[YamlDoc | None, list[Problem]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[YamlDoc | None, list[Problem]] | None:
        """The cached result for `key`, or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0], list(found[1])
            return None

    def put(self, key: tuple[str, str], result: tuple[YamlDoc | None, list[Problem]]) -> None:
        """Remember `result`, dropping the oldest entries past the size bound."""
        size = len(key[1])
        if size > self.max_chars:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (result[0], list(result[1]))
            self.chars += size
            while self.chars > self.max_chars:
                old, _ = self.entries.popitem(last=False)
                self.chars -= len(old[1])

    def clear(self) -> None:
        """Forget everything (tests use it to measure a cold parse)."""
        with self.lock:
            self.entries.clear()
            self.chars = 0


# 64 million characters is ten times the YAML of the 10,000-stance benchmark.
_CACHE = _ParseCache(64_000_000)
clear_cache = _CACHE.clear


# --- fast path ----------------------------------------------------------------------------------------
#
# rapidyaml parses about fifteen times faster than libyaml's event stream can be read from Python. The fast
# path takes only what it can show it reads exactly as the precise path does: it screens the text for what
# the two parsers treat differently, parses with rapidyaml, has it write JSON, and checks every key and
# value of the result. Anything else goes to the precise path, which gives each problem its line and column.
# The screen uses only substring searches (whole-text regular expressions would cost more than parsing);
# tests/test_yamlfast.py fuzzes both paths against each other. Marks are found lazily: the start of each
# top-level list item from the text, any other by a precise re-parse of that one file when a problem asks.

# Tabs and line breaks other than \n: the parsers count and fold them differently, even in comments.
_ODD_CHARACTERS = ("\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff")
# Characters that start an anchor, alias, tag, directive, block scalar or a reserved token at a node start.
_NODE_INDICATORS = "&*!@`%|>?"
# Where a node starts, judged from the last non-space character before a spot.
_NODE_START_BEFORE = frozenset(":-[{,\n")
# A colon right before a flow indicator: libyaml refuses what rapidyaml reads as a key or text.
_COLON_FLOW = re.compile(r":[\[\]{},?]")
_ESCAPE = re.compile(r"\\(?![\"\\/nt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})")
# A second item after a quoted or flow one on the same line ("- 'a' - b"): rapidyaml reads two items.
_ITEM_AFTER = tuple(re.compile(rf"{re.escape(c)} +-(?: |\n|\Z)") for c in "'\"]}")
# A trailing comment is safe after a key alone or a one-word plain value: only a plain value with a space
# in it can be the silently cut kind the precise path reports.
_SAFE_COMMENT_LINE = re.compile(r"[ ]*(?:#|-[ ]+#|[A-Za-z_][\w.-]*:[ ]+(?:[^\s'\"\[{#][^\s]*[ ]+)?#)")
# Plain spellings the strict resolver types (and rapidyaml's rewrites of inf and nan): as JSON text they
# could have been quoted or plain, so a file holding one as a string goes to the precise path. So does a
# string starting with an indicator, which libyaml refuses as a plain scalar and rapidyaml may not.
_TYPED_WORDS = frozenset(
    (
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "null",
        "Null",
        "NULL",
        "~",
        "<<",
        ".inf",
        "-.inf",
        ".nan",
    )
)
# First characters of strings worth a closer look: typed words and numbers, indicators, "- ".
_SUSPECT_FIRST = frozenset(".-+0123456789]},?&*!|>@`%#:")
_INDICATOR_FIRST = frozenset("]},?&*!|>@`%#:")
# Keys already known to be ordinary text (data files use a few dozen); bounded against hostile files.
_PLAIN_KEYS: set[str] = set()
_CONTAINERS = frozenset((dict, list))
_NUMBER_FIRST = frozenset("-+.0123456789")
_INT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_FLOAT_TEXT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# What rapidyaml prints to stderr before it raises a parse error.
_RYML_NOISE = re.compile(rb"line=\d+ col=\d+ |/project/|.*\(detected here\)|.*ERROR: \[")
_STDERR_LOCK = threading.Lock()


class _NotExact(Exception):
    """Raised inside the fast path when its result might differ from the precise path's."""


def _fast_parse(text: str, display: str) -> tuple[YamlDoc, list[Problem]] | None:
    """The doc of a clean, ordinary file read with rapidyaml, or None to take the precise path."""
    if _ryml is None or not _ordinary(text):
        return None
    try:
        with _quiet_stderr():
            tree = _ryml.parse_in_arena(text.encode("utf-8"))
            root_type = tree.type(tree.root_id())
            # Only a mapping or list root: streams, documents, scalars and empty files go the precise way.
            stream = root_type & _ryml.STREAM == _ryml.STREAM
            if stream or root_type & _ryml.DOC or not root_type & (_ryml.MAP | _ryml.SEQ):
                return None
            size = tree.size()
            json_text = _ryml.emit_json(tree)
        del tree
        value = json.loads(json_text, parse_float=_json_float, parse_constant=_json_constant)
        # Duplicate keys collapse in JSON: fewer nodes in the value than in the tree gives them away.
        if _node_count(value, 1) + 1 != size:
            return None
    except (_NotExact, ValueError, RecursionError):
        return None
    except Exception as exc:  # rapidyaml's parse errors; the precise path reports them exactly
        if _ryml is not None and isinstance(exc, _ryml.ExceptionBasic):
            return None
        raise
    return YamlDoc(display, value, _LazyMarks(text, display, _item_marks(text, value))), []


def _ordinary(text: str) -> bool:
    """Whether the text is free of everything the fast path leaves to the precise one."""
    if any(odd in text for odd in _ODD_CHARACTERS):
        return False
    if "\\" in text and _ESCAPE.search(text) is not None:
        return False
    for char in _NODE_INDICATORS:
        at = text.find(char)
        while at >= 0:
            before = at - 1
            while before >= 0 and text[before] == " ":
                before -= 1
            at_node_start = before < 0 or text[before] in _NODE_START_BEFORE
            if at_node_start and not _in_safe_comment(text, at):
                return False
            at = text.find(char, at + 1)
    for pattern in (_COLON_FLOW, *_ITEM_AFTER):
        found = pattern.search(text)
        while found is not None:
            if not _in_safe_comment(text, found.start()):
                return False
            found = pattern.search(text, text.find("\n", found.start()) + 1 or len(text))
    # A trailing comment could have cut a plain value short, unless it follows a key or a one-word value.
    at = text.find(" #")
    while at >= 0:
        if _SAFE_COMMENT_LINE.match(text, text.rfind("\n", 0, at) + 1) is None:
            return False
        at = text.find(" #", text.find("\n", at) + 1 or len(text))
    return True


def _in_safe_comment(text: str, at: int) -> bool:
    """Whether offset `at` lies in a comment: a whole-line one, or one after a key or a one-word value."""
    comment = _SAFE_COMMENT_LINE.match(text, text.rfind("\n", 0, at) + 1)
    return comment is not None and at >= comment.end() - 1


def _json_float(raw: str) -> object:
    """A JSON number with a fraction or exponent, typed as the strict resolver types its plain text."""
    return float(raw) if _FLOAT_TEXT.fullmatch(raw) else raw  # 1e5 is text to the strict resolver


def _json_constant(raw: str) -> object:
    """NaN or Infinity in rapidyaml's JSON: not something the fast path reproduces exactly."""
    raise _NotExact(raw)


def _node_count(node: dict[str, object] | list[object], depth: int) -> int:
    """Nodes below a value built from JSON; raise unless it is shallow and every string reads as text."""
    if depth > MAX_DEPTH:
        raise _NotExact("too deep")
    count = len(node)
    if type(node) is dict:
        if not node.keys() <= _PLAIN_KEYS:
            for key in node:
                if not key:
                    raise _NotExact("empty key")
                _check_text(key)
                if len(_PLAIN_KEYS) < 10_000:
                    _PLAIN_KEYS.add(key)
        children = node.values()
    else:
        children = node  # type: ignore[assignment]
    suspect = _SUSPECT_FIRST
    for child in children:
        kind = type(child)
        if kind is str:
            # Typed words are short; numbers and indicators show in the first character.
            if len(child) < 6 or child[0] in suspect:  # type: ignore[arg-type, index]
                _check_text(child)  # type: ignore[arg-type]
        elif kind in _CONTAINERS:
            count += _node_count(child, depth + 1)  # type: ignore[arg-type]
    return count


def _check_text(text: str) -> None:
    """Raise unless a string rapidyaml wrote as JSON is text to the precise path too."""
    if text in _TYPED_WORDS:
        raise _NotExact(text)
    first = text[:1]
    if first in _INDICATOR_FIRST or (first == "-" and text[1:2] in ("", " ")):
        raise _NotExact(text)
    if first in _NUMBER_FIRST and _typed_number(text):
        raise _NotExact(text)


def _typed_number(text: str) -> bool:
    """Whether plain `text` would resolve to an int or a float."""
    return _INT_TEXT.fullmatch(text) is not None or _FLOAT_TEXT.fullmatch(text) is not None


def _item_marks(text: str, value: object) -> dict[NodePath, tuple[int, int]]:
    """Marks of the items of each top-level list of mappings, found from their '- ' lines; {} if unsure."""
    if not isinstance(value, dict):
        return {}
    marks: dict[NodePath, tuple[int, int]] = {}
    keys = list(value)
    for number, key in enumerate(keys):
        items = value[key]
        if not isinstance(items, list) or not items or not all(type(item) is dict and item for item in items):
            continue
        start = 0 if text.startswith(f"{key}:") else text.find(f"\n{key}:") + 1
        if start == 0 and not text.startswith(f"{key}:"):
            return {}
        after = [text.find(f"\n{later}:", start) for later in keys[number + 1 :]]
        end = min((at for at in after if at >= 0), default=len(text))
        first_item = text.find("-", text.find("\n", start) + 1, end)
        if first_item < 0:
            return {}
        head = text.rfind("\n", 0, first_item) + 1
        prefix = "\n" + text[head:first_item] + "-"
        if prefix.strip("\n -"):  # something other than indentation before the first '-'
            return {}
        line = text.count("\n", 0, head) + 1
        at, previous, index = head, head, 0
        while 0 <= at < end:
            content = at + len(prefix) - 1
            if text[content : content + 1] != " ":
                return {}
            while text[content] == " ":
                content += 1
            if index >= len(items) or not text.startswith(next(iter(items[index])), content):
                return {}
            line += text.count("\n", previous, at)
            marks[(key, index)] = (line, content - at + 1)
            previous, index = at, index + 1
            at = text.find(prefix, at + 1, end)
            at = at + 1 if at >= 0 else -1
        if index != len(items):
            return {}
    return marks


class _LazyMarks(Mapping[NodePath, tuple[int, int]]):
    """The marks of a fast-parsed file: list items known up front, everything else from a precise re-parse."""

    def __init__(self, text: str, display: str, known: dict[NodePath, tuple[int, int]]) -> None:
        self._text: str | None = text
        self._display = display
        self._known = known
        self._all: dict[NodePath, tuple[int, int]] | None = None

    def _everything(self) -> dict[NodePath, tuple[int, int]]:
        if self._all is None:
            doc, _ = _Builder(self._text or "", self._display).run()
            self._all = doc.marks if doc is not None else dict(self._known)  # type: ignore[assignment]
            self._text = None
        return self._all  # type: ignore[return-value]

    def __getitem__(self, path: NodePath) -> tuple[int, int]:
        found = self._known.get(path)
        if found is not None:
            return found
        return self._everything()[path]

    def get(self, path: NodePath, default: tuple[int, int] | None = None) -> tuple[int, int] | None:  # type: ignore[override]
        found = self._known.get(path)
        if found is not None:
            return found
        return self._everything().get(path, default)

    def __iter__(self) -> Iterator[NodePath]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Keep rapidyaml's printout of a parse error off stderr; anything else written meanwhile passes on."""
    with _STDERR_LOCK:
        try:
            saved = os.dup(2)
            read_end, write_end = os.pipe()
        except OSError:  # no stderr to protect
            yield
            return
        os.dup2(write_end, 2)
        os.close(write_end)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            chunks = []
            while chunk := os.read(read_end, 65536):
                chunks.append(chunk)
            os.close(read_end)
            kept = [
                line for line in b"".join(chunks).splitlines(keepends=True) if _RYML_NOISE.match(line) is None
            ]
            if kept:
                os.write(2, b"".join(kept))


def _display(path: Path, root: Path) -> str:
    """The path shown in messages: relative to root when it is under it, else just the file name."""
    try:
        # abspath, not realpath: the shown path must not reveal where a symlink points.
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return Path(path).name


def _size(n: int) -> str:
    """A byte count in decimal units, e.g. '7.3 MB', '5 MB', '120 bytes'."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if n >= scale:
            return f"{n / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} bytes"


def _read_bytes(path: Path, root: Path, shown: str, max_bytes: int) -> tuple[bytes, Problem | None]:
    """The file's bytes, refusing links out of root, non-regular files and files over max_bytes."""

    def fail(message: str) -> tuple[bytes, Problem]:
        return b"", Problem(shown, 0, 0, message)

    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    # Checked before any open, so a link to a secrets file is never read (and never echoed in an error).
    if os.path.commonpath([real_root, real]) != real_root:
        return fail(
            "file points outside the data folder (a symlink?) and was not read; "
            "put the real file inside the data folder"
        )
    try:
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            return fail("not a regular file (a folder, pipe or device); only plain YAML files are read")
        if info.st_size > max_bytes:
            return fail(f"file is {_size(info.st_size)}, over the {_size(max_bytes)} limit; split it")
        # O_NONBLOCK: a file swapped for a FIFO after the stat must not hang the server on open.
        # O_NOFOLLOW: a file swapped for a symlink after realpath must not be followed.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return fail("not a regular file (a folder, pipe or device); only plain YAML files are read")
            chunks: list[bytes] = []
            total = 0
            # The file may grow after the stat; read at most one byte past the limit to notice.
            while total <= max_bytes:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            after = os.fstat(fd)
        finally:
            os.close(fd)
        if total <= max_bytes and (after.st_size != total or after.st_mtime_ns != info.st_mtime_ns):
            return fail("file changed while it was being read (a save in progress?); reload to read it again")
    except FileNotFoundError:
        return fail("file not found (moved or deleted while loading?); check the path and reload")
    except PermissionError:
        return fail("cannot read file: permission denied; make it readable")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return fail("file became a symlink while loading and was not read; replace it with a real file")
        reason = exc.strerror or type(exc).__name__
        return fail(f"cannot read file ({reason}); check that it is a readable file")
    if total > max_bytes:
        return fail(f"file grew past the {_size(max_bytes)} limit while loading; split it")
    return b"".join(chunks), None


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """UTF-8 text (BOM optional), or a problem at the line and column of the first bad byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Problem(shown, 1, 1, "file is saved as UTF-16; save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        prefix = data[:nul].decode("utf-8", errors="replace")
        line, col = _line_col(prefix, len(prefix))
        return "", Problem(shown, line, col, _NUL_MESSAGE)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # Everything before the first bad byte is valid, so it can be decoded to count lines and columns.
        prefix = data[: exc.start].decode("utf-8")
        line, col = _line_col(prefix, len(prefix))
        message = (
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (the file may be Latin-1 or Windows-1252); "
            "save the file as UTF-8"
        )
        return "", Problem(shown, line, col, message)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of a character index, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _BREAK.finditer(text, 0, index):
        line += 1
        start = match.end()
    return line, index - start + 1


def _unexpected(shown: str, exc: BaseException) -> Problem:
    """A problem for a failure nothing else caught; shows only a short excerpt of the error text."""
    what = f"{type(exc).__name__}: {excerpt(str(exc))}"
    return Problem(shown, 1, 1, f"could not read this file ({what}); simplify the YAML or report this")


def _tag_text(tag: str) -> str:
    """A tag as written in the file: 'tag:yaml.org,2002:float' back to '!!float'."""
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return excerpt(tag)


class _Frame:
    """An open mapping or sequence while its events are read."""

    __slots__ = ("first_line", "is_map", "key", "mark", "path", "value")

    def __init__(
        self, is_map: bool, value: dict[str, object] | list[object], path: NodePath | None, mark: yaml.Mark
    ) -> None:
        self.is_map = is_map
        self.value = value
        self.path = path
        self.mark = mark
        self.key: object = _EXPECT_KEY
        self.first_line: dict[str, int] = {}


# Mapping states: waiting for a key, or holding a key that was refused (its value is read and dropped).
_EXPECT_KEY = object()
_BAD_KEY = object()


class _Stop(Exception):
    """Raised inside the builder to stop at the first problem that makes reading further unsafe."""


class _Builder:
    """Builds plain values and marks straight from the parser's events, in one non-recursive pass."""

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.problems: list[Problem] = []
        self.marks: dict[NodePath, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        self.root: object = None

    def problem(self, mark: yaml.Mark, message: str) -> None:
        """Record a problem at a parser mark."""
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))

    def stop(self, mark: yaml.Mark, message: str) -> _Stop:
        """Record a problem that ends reading, and return the exception that ends it."""
        self.problem(mark, message)
        return _Stop()

    def run(self) -> tuple[YamlDoc | None, list[Problem]]:
        """Read every event; a problem that stops reading means no doc, others come with the doc."""
        parser = _Parser(self.text)
        try:
            self._events(parser)
        except _Stop:
            fatal = True
        except yaml.MarkedYAMLError as exc:
            fatal = True
            if "nesting depth" in (exc.problem or "") and exc.problem_mark is not None:
                self._too_deep(exc.problem_mark)
            else:
                self._syntax_error(exc)
        except yaml.YAMLError as exc:
            fatal = True
            self.problems.append(
                Problem(
                    self.display,
                    1,
                    1,
                    f"YAML error: {excerpt(str(exc), 100)}; check the file for unusual characters",
                )
            )
        else:
            fatal = False
        finally:
            parser.dispose()
        if fatal:
            return None, sorted(self.problems)
        # Duplicate or non-text keys and cut values leave a usable tree: the loader drops what they touch.
        return YamlDoc(self.display, self.root, self.marks), sorted(self.problems)

    def _events(self, parser: _Parser) -> None:
        """The event loop: resolve scalars, open and close collections, refuse what is unsafe."""
        get_event = parser.get_event
        stack = self.stack
        marks = self.marks
        resolve = _RESOLVER.resolve
        comment_after = _COMMENT_AFTER.match
        resolvable = _RESOLVABLE_FIRST
        text = self.text
        documents = 0
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_properties(event)
                mark = event.start_mark
                raw = event.value
                value: object = raw
                plain = event.implicit[0]
                if plain:
                    # Most scalars start with a letter no resolver claims; skip the resolver call for them.
                    if not raw or raw[0] in resolvable:
                        tag = resolve(ScalarNode, raw, (True, False))
                        if tag != _STR:
                            value = self._convert(tag, raw, mark)
                    if value is raw and " " in raw:
                        end = event.end_mark
                        cut = comment_after(text, end.index)
                        if cut is not None:
                            self._cut_value(raw, end, cut.end() - 1 - end.index)
                # Inlined _child_path/_attach for the commonest cases: this loop runs once per scalar.
                top = stack[-1] if stack else None
                if top is not None and top.is_map:
                    key = top.key
                    if key is _EXPECT_KEY:
                        first_line = top.first_line
                        if type(value) is str and value not in first_line and value != "<<":
                            first_line[value] = mark.line + 1
                            top.key = value
                        else:
                            top.key = self._check_key(top, value, raw if plain else None, mark)
                        continue
                    if key is not _BAD_KEY and top.path is not None:
                        marks[(*top.path, key)] = (mark.line + 1, mark.column + 1)
                        top.value[key] = value  # type: ignore[index]
                        top.key = _EXPECT_KEY
                        continue
                path = self._child_path()
                if path is not None:
                    marks[path] = (mark.line + 1, mark.column + 1)
                self._attach(value, raw if plain else None, mark)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_properties(event)
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    raise self.stop(mark, f"nesting is deeper than {MAX_DEPTH} levels; flatten the data")
                path = self._child_path()
                if path is not None:
                    marks[path] = (mark.line + 1, mark.column + 1)
                is_map = kind is MappingStartEvent
                stack.append(_Frame(is_map, {} if is_map else [], path, mark))
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                self._attach(frame.value, None, frame.mark)
            elif kind is AliasEvent:
                raise self.stop(
                    event.start_mark,
                    f"alias {excerpt('*' + str(event.anchor))} found: anchors and aliases are not allowed "
                    "(they can expand into huge data); write the value out in full",
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.stop(
                        event.start_mark,
                        "file holds more than one YAML document ('---'); keep one document per file",
                    )
            elif kind is StreamEndEvent:
                return

    def _child_path(self) -> NodePath | None:
        """Path of the node about to start: None for a mapping key or anything under a refused key."""
        stack = self.stack
        if not stack:
            return ()
        top = stack[-1]
        if top.path is None:
            return None
        if not top.is_map:
            return (*top.path, len(top.value))
        key = top.key
        if key is _EXPECT_KEY or key is _BAD_KEY:
            return None
        return (*top.path, key)  # type: ignore[misc]

    def _attach(self, value: object, raw: str | None, mark: yaml.Mark) -> None:
        """Put a finished node into its parent: append, take it as a key, or store it under the key."""
        stack = self.stack
        if not stack:
            self.root = value
            return
        top = stack[-1]
        if not top.is_map:
            top.value.append(value)  # type: ignore[union-attr]
            return
        key = top.key
        if key is _EXPECT_KEY:
            top.key = self._check_key(top, value, raw, mark)
            return
        if key is not _BAD_KEY:
            top.value[key] = value  # type: ignore[index]
        top.key = _EXPECT_KEY

    def _check_key(self, top: _Frame, key: object, raw: str | None, mark: yaml.Mark) -> object:
        """The key if it is usable text, else record why not and return the refused-key marker."""
        if not isinstance(key, str):
            if raw is None and isinstance(key, dict | list):
                self.problem(mark, "key must be text, not a list or mapping; write a plain name before ':'")
            elif raw == "":
                self.problem(mark, "key is empty; write a name before ':'")
            else:
                self.problem(mark, f"key must be text; quote it: {excerpt(str(raw))}")
            return _BAD_KEY
        if key == "<<" and raw is not None:
            self.problem(mark, "merge keys '<<' are not allowed; write the keys out in full")
            return _BAD_KEY
        first = top.first_line.get(key)
        if first is not None:
            self.problem(
                mark,
                f"duplicate key {excerpt(key)} (first at line {first}); "
                "PyYAML would silently keep the last one: remove one",
            )
            return _BAD_KEY
        top.first_line[key] = mark.line + 1
        return key

    def _cut_value(self, raw: str, end: yaml.Mark, gap: int) -> None:
        """Report a plain value that a ' #' comment cut short, pointing at the '#'."""
        self.problems.append(
            Problem(
                self.display,
                end.line + 1,
                end.column + gap + 1,
                f"value ends at ' #': the rest of the line is a YAML comment and was dropped "
                f"(it loads as {excerpt(raw)}); put the value in quotes",
            )
        )

    def _convert(self, tag: str, raw: str, mark: yaml.Mark) -> object:
        """The Python value of a plain scalar the resolver recognised."""
        if tag == _INT:
            try:
                return int(raw.replace("_", ""))
            except ValueError:
                # Python refuses to convert integers of more than 4300 digits.
                self.problem(mark, "number has too many digits; put it in quotes if it is text")
                return raw
        if tag == _FLOAT:
            return float(raw)
        if tag == _BOOL:
            return raw[0] in "tT"
        return None

    def _refuse_properties(self, event: ScalarEvent | MappingStartEvent | SequenceStartEvent) -> None:
        """Stop at an anchor or an explicit tag."""
        mark = event.start_mark
        if event.anchor is not None:
            raise self.stop(
                mark,
                f"anchor {excerpt('&' + str(event.anchor))} found: anchors and aliases are not allowed "
                "(they can expand into huge data); write the value out in full",
            )
        raise self.stop(
            mark,
            f"explicit tag {_tag_text(str(event.tag))} is not allowed; remove it "
            "(put the value in quotes if it is text)",
        )

    def _too_deep(self, mark: yaml.Mark) -> None:
        """Report where nesting first passes MAX_DEPTH, when libyaml's own limit stopped it further on.

        libyaml (PyYAML 6.0.3 and later) refuses 1,000 levels while scanning ahead, before it hands over the
        first event; the text before that point is within its limit, so reading it finds our limit's place.
        """
        _, found = _Builder(self.text[: mark.index], self.display).run()
        deep = [p for p in found if p.message.startswith("nesting is deeper")]
        if deep:
            self.problems.append(deep[0])
        else:
            self.problem(mark, f"nesting is deeper than {MAX_DEPTH} levels; flatten the data")

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> None:
        """A parser error as a problem at its mark, with a hint on how to fix it."""
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML")[:_MAX_PARSER_TEXT]
        context = ""
        opened = exc.context_mark
        if exc.context and opened is not None and mark is not None and opened.line != mark.line:
            context = f", {exc.context[:_MAX_PARSER_TEXT]} that starts at line {opened.line + 1}"
        hint = self._hint(exc, mark)
        message = f"YAML syntax error: {problem}{context}; {hint}"
        if mark is None:
            self.problems.append(Problem(self.display, 1, 1, message))
        else:
            self.problem(mark, message)

    def _hint(self, exc: yaml.MarkedYAMLError, mark: yaml.Mark | None) -> str:
        """How to fix the commonest causes of a parser error."""
        problem = (exc.problem or "").lower()
        context = (exc.context or "").lower()
        if "tab" in problem or (mark is not None and self._tab_near(mark)):
            return "indent with spaces, not tabs"
        if "mapping values are not allowed" in problem:
            return (
                "a value contains ': ', or this line is indented deeper than the one above; "
                "put the value in quotes or fix the indentation"
            )
        if "block sequence entries" in problem:
            return "'- ' starts a list item here; put the value in quotes or fix the indentation"
        if "escape" in problem:
            return "in double quotes a backslash starts an escape; write \\\\ or use single quotes"
        if "end of stream" in problem and "quoted" in context:
            return "a quoted value is never closed; add the closing quote"
        if "flow" in context:
            return "a '[' or '{' is never closed; close it, or put the value in quotes if the bracket is text"
        if "alias" in context or "anchor" in context or "cannot start any token" in problem:
            return "a value starts with a character YAML reserves (@ ` % * & !); put the value in quotes"
        if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
            return "this line is not lined up with the keys or items above it; fix its indentation"
        if "expected ':'" in problem:
            return "a key lacks ': ' after it, or a quote is left open; check this line and the one above"
        return "check the indentation and quoting on this line and the one above"

    def _tab_near(self, mark: yaml.Mark) -> bool:
        """Whether the line at a mark has a tab in its indentation or right at the mark."""
        lines = self.text.splitlines()
        if not 0 <= mark.line < len(lines):
            return False
        line = lines[mark.line]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        return "\t" in indent or line[mark.column : mark.column + 1] == "\t"
