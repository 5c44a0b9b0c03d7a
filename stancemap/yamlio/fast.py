"""The fast YAML path: rapidyaml reads clean, ordinary files, and a screen sends everything else to the
precise path so that both give the same values."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar, overload

from stancemap.model.problems import NodePath, Problem
from stancemap.yamlio.doc import MAX_DEPTH, YamlDoc

T = TypeVar("T")

try:  # rapidyaml makes clean files fast; without it every file takes the precise (libyaml) path
    import ryml as _ryml

    # The fast path's screen was fuzzed against 0.15; other versions accept different odd inputs.
    if tuple(_ryml.version_tuple[:2]) != (0, 15):  # pragma: no cover
        _ryml = None
except ImportError:  # pragma: no cover - exercised only where rapidyaml is missing
    _ryml = None


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
# Where a node starts, judged from the last non-space character before a spot; after a closing bracket an
# indicator is trailing garbage that rapidyaml reads as an empty scalar (`{}!`) and libyaml refuses.
_NODE_START_BEFORE = frozenset(":-[{,\n]}")
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
_NUMBER_FIRST = frozenset("-+.0123456789")
_INT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_FLOAT_TEXT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# What rapidyaml prints to stderr before it raises a parse error.
_RYML_NOISE = re.compile(rb"line=\d+ col=\d+ |/project/|.*\(detected here\)|.*ERROR: \[")
_STDERR_LOCK = threading.Lock()


class _NotExact(Exception):
    """Raised inside the fast path when its result might differ from the precise path's."""


def parse_fast(text: str, display: str) -> tuple[YamlDoc, list[Problem]] | None:
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
    return lazy_doc(text, display, value, _item_marks(text, value)), []


def lazy_doc(text: str, display: str, value: object, known: dict[NodePath, tuple[int, int]]) -> YamlDoc:
    """The doc of a file read exactly as `value`, its marks beyond `known` found by a precise re-parse."""
    return YamlDoc(display, value, _LazyMarks(text, display, known))


def item_marks_known(doc: YamlDoc) -> dict[NodePath, tuple[int, int]] | None:
    """The marks a fast-parsed doc knows without a re-parse, or None for a doc the fast path did not read."""
    return dict(doc.marks._known) if isinstance(doc.marks, _LazyMarks) else None


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
    # A flow collection that runs on past its line: libyaml refuses a key split across those lines, which
    # rapidyaml joins ("{p\n  arty: 0}"). A line whose brackets do not balance goes the precise way.
    for opener in "{[":
        at = text.find(opener)
        while at >= 0:
            start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
            line = text[start:] if end < 0 else text[start:end]
            if line.count("{") + line.count("[") != line.count("}") + line.count("]"):
                return False
            at = -1 if end < 0 else text.find(opener, end)
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


def _node_count(root: dict[str, object] | list[object], depth: int) -> int:
    """Nodes below a value built from JSON; raise unless it is shallow and every string reads as text.

    One loop over an explicit stack, not a call per mapping and list: at 10,000 stances this walks 60,000
    of them, and the walk is most of the cost of the fast path's checks.
    """
    count = 0
    suspect, plain = _SUSPECT_FIRST, _PLAIN_KEYS
    pending: list[tuple[dict[str, object] | list[object], int]] = [(root, depth)]
    while pending:
        node, level = pending.pop()
        if level > MAX_DEPTH:
            raise _NotExact("too deep")
        count += len(node)
        if type(node) is dict:
            if not node.keys() <= plain:
                for key in node:
                    if not key:
                        raise _NotExact("empty key")
                    _check_text(key)
                    if len(plain) < 10_000:
                        plain.add(key)
            children: Iterable[object] = node.values()
        else:
            children = node
        for child in children:
            if type(child) is str:
                # Typed words are short; numbers and indicators show in the first character.
                if len(child) < 6 or child[0] in suspect:
                    _check_text(child)
            elif type(child) is dict or type(child) is list:
                pending.append((child, level + 1))
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
        self._all: Mapping[NodePath, tuple[int, int]] | None = None

    def _everything(self) -> Mapping[NodePath, tuple[int, int]]:
        if self._all is None:
            from stancemap.yamlio.precise import parse_precise  # PyYAML, loaded only when a mark is asked

            doc, _ = parse_precise(self._text or "", self._display)
            self._all = doc.marks if doc is not None else dict(self._known)
            self._text = None
        return self._all

    def __getitem__(self, path: NodePath) -> tuple[int, int]:
        found = self._known.get(path)
        if found is not None:
            return found
        return self._everything()[path]

    @overload
    def get(self, path: NodePath, /) -> tuple[int, int] | None: ...
    @overload
    def get(self, path: NodePath, /, default: tuple[int, int] | T) -> tuple[int, int] | T: ...

    def get(self, path: NodePath, /, default: object = None) -> object:
        """As Mapping.get, without a precise re-parse for the marks known up front."""
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
