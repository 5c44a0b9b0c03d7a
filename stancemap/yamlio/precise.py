"""The precise YAML path: a strict resolver and a builder that reads libyaml's events into plain values,
with the line and column of every node and a problem for everything unsafe or ambiguous."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Final, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.loader import SafeLoader
from yaml.nodes import ScalarNode
from yaml.resolver import BaseResolver

from stancemap.model.problems import NodePath, Problem, excerpt
from stancemap.yamlio.doc import MAX_DEPTH, YamlDoc
from stancemap.yamlio.syntax_hints import syntax_message


class _EventSource(Protocol):
    """A YAML event parser: libyaml's, or PyYAML's own."""

    def get_event(self) -> Event | None: ...
    def dispose(self) -> None: ...


class Mark(Protocol):
    """Where a parser event starts or ends; libyaml's and PyYAML's marks both have these."""

    @property
    def index(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


# libyaml's event parser keeps its own stack instead of recursing, so it is safe on hostile input.
_Parser: Callable[[str], _EventSource]
if yaml.__with_libyaml__:
    from yaml._yaml import CParser  # where yaml.cyaml gets it from; cyaml does not re-export it

    _Parser = CParser
else:  # pragma: no cover - exercised only where libyaml is missing
    _Parser = SafeLoader

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

_COMMENT_AFTER = re.compile(r"[ \t]+#")


def _tag_text(tag: str) -> str:
    """A tag as written in the file: 'tag:yaml.org,2002:float' back to '!!float'."""
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return excerpt(tag)


class _KeyState(Enum):
    """A mapping waiting for a key, or holding a key that was refused (its value is read and dropped)."""

    EXPECT = 0
    BAD = 1


_EXPECT_KEY: Final = _KeyState.EXPECT
_BAD_KEY: Final = _KeyState.BAD


class _Frame:
    """An open mapping or sequence while its events are read; `key` is the mapping's current key."""

    __slots__ = ("first_line", "key", "mark", "path", "value")

    def __init__(self, value: dict[str, object] | list[object], path: NodePath | None, mark: Mark) -> None:
        self.value = value
        self.path = path
        self.mark = mark
        self.key: str | _KeyState = _EXPECT_KEY
        self.first_line: dict[str, int] = {}


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

    def problem(self, mark: Mark, message: str) -> None:
        """Record a problem at a parser mark."""
        self.problems.append(Problem(self.display, mark.line + 1, mark.column + 1, message))

    def stop(self, mark: Mark, message: str) -> _Stop:
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

    def _events(self, parser: _EventSource) -> None:
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
            # The parser sets every mark (only events made by hand lack them).
            if type(event) is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_properties(event)
                mark = event.start_mark
                assert mark is not None
                raw = event.value
                value: object = raw
                plain = event.implicit[0]
                if plain:
                    # Most scalars start with a letter no resolver claims; skip the resolver call for them.
                    if not raw or raw[0] in resolvable:
                        tag = resolve(ScalarNode, raw, (True, False))  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
                        if tag != _STR:
                            value = self._convert(tag, raw, mark)
                    if value is raw and " " in raw:
                        end = event.end_mark
                        assert end is not None
                        cut = comment_after(text, end.index)
                        if cut is not None:
                            self._cut_value(raw, end, cut.end() - 1 - end.index)
                # Inlined _child_path/_attach for the commonest cases: this loop runs once per scalar.
                top = stack[-1] if stack else None
                if top is not None and isinstance(mapping := top.value, dict):
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
                        mapping[key] = value
                        top.key = _EXPECT_KEY
                        continue
                path = self._child_path()
                if path is not None:
                    marks[path] = (mark.line + 1, mark.column + 1)
                self._attach(value, raw if plain else None, mark)
            elif type(event) is MappingStartEvent or type(event) is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    self._refuse_properties(event)
                mark = event.start_mark
                assert mark is not None
                if len(stack) >= MAX_DEPTH:
                    raise self.stop(mark, f"nesting is deeper than {MAX_DEPTH} levels; flatten the data")
                path = self._child_path()
                if path is not None:
                    marks[path] = (mark.line + 1, mark.column + 1)
                stack.append(_Frame({} if type(event) is MappingStartEvent else [], path, mark))
            elif type(event) is MappingEndEvent or type(event) is SequenceEndEvent:
                frame = stack.pop()
                self._attach(frame.value, None, frame.mark)
            elif type(event) is AliasEvent:
                assert event.start_mark is not None
                raise self.stop(
                    event.start_mark,
                    f"alias {excerpt('*' + str(event.anchor))} found: anchors and aliases are not allowed "
                    "(they can expand into huge data); write the value out in full",
                )
            elif type(event) is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    assert event.start_mark is not None
                    raise self.stop(
                        event.start_mark,
                        "file holds more than one YAML document ('---'); keep one document per file",
                    )
            elif type(event) is StreamEndEvent:
                return

    def _child_path(self) -> NodePath | None:
        """Path of the node about to start: None for a mapping key or anything under a refused key."""
        stack = self.stack
        if not stack:
            return ()
        top = stack[-1]
        if top.path is None:
            return None
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        key = top.key
        if key is _EXPECT_KEY or key is _BAD_KEY:
            return None
        return (*top.path, key)

    def _attach(self, value: object, raw: str | None, mark: Mark) -> None:
        """Put a finished node into its parent: append, take it as a key, or store it under the key."""
        stack = self.stack
        if not stack:
            self.root = value
            return
        top = stack[-1]
        container = top.value
        if isinstance(container, list):
            container.append(value)
            return
        key = top.key
        if key is _EXPECT_KEY:
            top.key = self._check_key(top, value, raw, mark)
            return
        if key is not _BAD_KEY:
            container[key] = value
        top.key = _EXPECT_KEY

    def _check_key(self, top: _Frame, key: object, raw: str | None, mark: Mark) -> str | _KeyState:
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

    def _cut_value(self, raw: str, end: Mark, gap: int) -> None:
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

    def _convert(self, tag: str, raw: str, mark: Mark) -> object:
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
        assert mark is not None
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

    def _too_deep(self, mark: Mark) -> None:
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
        message = syntax_message(exc, self.text)
        if mark is None:
            self.problems.append(Problem(self.display, 1, 1, message))
        else:
            self.problem(mark, message)


def parse_precise(text: str, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse `text` on the precise path: (doc, problems), the doc None when a problem stopped the reading."""
    return _Builder(text, display).run()
