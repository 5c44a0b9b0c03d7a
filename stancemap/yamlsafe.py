"""A safe, fast YAML reader: plain values with line:col marks, and problems as data instead of exceptions."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
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

from stancemap.problems import Problem, excerpt

__all__ = ["MAX_DEPTH", "NodePath", "StrictResolver", "YamlDoc", "parse_yaml", "read_yaml"]

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
    marks: dict[NodePath, tuple[int, int]]

    def locate(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """The (line, col) of the longest prefix of ``loc`` that names a node; (1, 1) if none does."""
        marks = self.marks
        for end in range(len(loc), -1, -1):
            mark = marks.get(tuple(loc[:end]))
            if mark is not None:
                return mark
        return (1, 1)


def read_yaml(
    path: Path, *, root: Path, display: str | None = None, max_bytes: int = 5_000_000
) -> tuple[YamlDoc | None, list[Problem]]:
    """Read one YAML file that must lie inside ``root``; the doc is None when reading had to stop; other problems come with the doc."""
    shown = display if display is not None else _display(path, root)
    try:
        data, problem = _read_bytes(Path(path), Path(root), shown, max_bytes)
        if problem is not None:
            return None, [problem]
        text, problem = _decode(data, shown)
        if problem is not None:
            return None, [problem]
        return parse_yaml(text, shown)
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(shown, exc)]


def parse_yaml(text: str, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse YAML text already read; the doc is None when reading had to stop; other problems come with the doc."""
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
        return _Builder(text, display).run()
    except Exception as exc:  # the contract is "never raise"
        return None, [_unexpected(display, exc)]


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
        finally:
            os.close(fd)
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
        # Duplicate or non-text keys and cut values leave a usable tree: the caller drops the records they touch.
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
