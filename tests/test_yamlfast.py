"""The rapidyaml fast path reads exactly what the precise (libyaml) path reads, or steps aside for it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stancemap.check.load import ROOT, load_dataset
from stancemap.yamlio import fast as fast_path
from stancemap.yamlio import parse as yamlsafe
from stancemap.yamlio.fast import parse_fast
from stancemap.yamlio.parse import parse_yaml
from stancemap.yamlio.precise import parse_precise
from tests.conftest import TODAY

pytestmark = pytest.mark.skipif(fast_path._ryml is None, reason="rapidyaml is not installed")

# Characters that make YAML interesting: indicators, quotes, escapes, spaces, breaks, non-ASCII.
CHARS = list("-:?[]{},#&*!|>'\"%@` \t\n.ab01~<\\é“”’…\r\x85\u2028")
PIECES = [*CHARS, "\r\n", "true", "null", "1e5", "inf", ": ", " #", "- ", "\n  "]
WORDS = st.sampled_from(
    [
        "ukraine",
        "true",
        "True",
        "no",
        "null",
        "~",
        "010",
        "12",
        "-3",
        "1.5",
        ".5",
        "1.",
        "1e5",
        "inf",
        ".nan",
        "2026-01-03",
        "a b",
        "x: y",
        "a # b",
        "it's",
        "“quoted”",
        "[x]",
        "{y}",
        "&a",
        "*a",
        "!t",
        "@x",
        "`x`",
        "%x",
        "- x",
        "? x",
        "a\\b",
        "",
        " ",
        "é",
        "1_000",
        "+7",
        "0x1F",
        "<<",
        "---",
        "...",
        "a\tb",
        "|",
        ">",
    ]
)
# Mostly ordinary text (so the fast path runs), sometimes a lookalike word or a string of odd characters.
ORDINARY = st.text(alphabet=st.sampled_from(list("abcdefg hijk.,;()/é“”’'-0123")), min_size=1, max_size=20)
TEXT = st.one_of(
    ORDINARY, ORDINARY, ORDINARY, ORDINARY, WORDS, st.text(alphabet=st.sampled_from(CHARS), max_size=12)
)
SAFE_WORDS = st.sampled_from(
    ["ukraine", "no", "010", "12", "-3", "1.5", "2026-01-03", "a b", "it's", "“q”", "é"]
)
SAFE_KEYS = st.sampled_from(
    ["party", "level", "quote", "source", "id", "a", "b", "c", "d", "e", "f", "g", "h", "kind", "note"]
)
KEYS = st.sampled_from(
    ["party", "level", "quote", "source", "id", "a", "b", "1", "true", "", "<<", "k y", "x:y"]
)


def same(a: object, b: object) -> bool:
    """Equal with the same types all the way down (True is not 1, 1 is not 1.0) and the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))  # type: ignore[arg-type]
    return a == b


def scalar_text(value: str, style: str) -> str:
    """One scalar written plain, single- or double-quoted."""
    if style == "double":
        return json.dumps(value, ensure_ascii=False)
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


@st.composite
def scalars(draw: st.DrawFn, wild: bool) -> str:
    text = draw(TEXT if wild else ORDINARY | SAFE_WORDS)
    return scalar_text(text, draw(st.sampled_from(["plain", "plain", "single", "double"])))


@st.composite
def documents(draw: st.DrawFn, depth: int = 0, indent: int = 0, wild: bool | None = None) -> str:
    """A block mapping or sequence, with flow collections, comments and (when wild) odd scalars inside."""
    if wild is None:
        wild = draw(st.integers(0, 2)) == 0
    pad = " " * indent
    lines = []
    as_list = draw(st.booleans())
    keys = KEYS if wild else SAFE_KEYS
    for _ in range(draw(st.integers(1, 4))):
        head = f"{pad}- " if as_list else f"{pad}{draw(keys)}: "
        choice = draw(st.integers(0, 9 if depth < 3 else 5))
        if choice <= 3:
            line = head + draw(scalars(wild))
        elif choice == 4:
            items = draw(st.lists(scalars(wild), max_size=3))
            line = head + "[" + ", ".join(items) + "]"
        elif choice == 5:
            pairs = draw(st.lists(st.tuples(keys, scalars(wild)), max_size=3))
            line = head + "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        elif choice == 6 and depth < 3:
            # Nested and multi-line flow collections.
            inner = draw(st.lists(scalars(wild), max_size=2))
            items = [*draw(st.lists(scalars(wild), max_size=2)), "[" + ", ".join(inner) + "]"]
            joiner = draw(st.sampled_from([", ", ",\n" + pad + "  ", " ,", ",\n"]))
            line = head + "[" + joiner.join(items) + "]"
        else:
            nested = draw(documents(depth + 1, indent + 2, wild))
            line = head.rstrip() + "\n" + nested.rstrip("\n")
        if draw(st.integers(0, 9)) == 0:
            line += draw(st.sampled_from(["  # note", " #", " # `x` &a [y", *(["\t# tab"] if wild else [])]))
        lines.append(line)
        if draw(st.integers(0, 8)) == 0:
            lines.append(draw(st.sampled_from(["# comment", "", "  # indented comment", "   "])))
    return "\n".join(lines) + "\n"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A generated document with a few random characters inserted, deleted or replaced."""
    text = draw(documents())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if edit == "insert":
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + piece + text[at + 1 :]
    return text


REAL = [
    path.read_text(encoding="utf-8")
    for path in sorted([ROOT / "seeds" / "sources.yaml", *(ROOT / "positions").rglob("*.yaml")])
]


@st.composite
def mutated_real(draw: st.DrawFn) -> str:
    """A bundled data file with a few random edits: the typos people really make."""
    text = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(PIECES))
        cut = draw(st.integers(0, 2))
        text = text[:at] + piece + text[at + cut :]
    return text


def assert_fast_agrees(text: str) -> bool:
    """If the fast path accepts `text`, the precise path accepts it too with the same value and marks."""
    fast = parse_fast(text, "t.yaml")
    if fast is None:
        return False
    doc, problems = fast
    assert problems == []
    precise, precise_problems = parse_precise(text, "t.yaml")
    assert precise_problems == [], f"fast path accepted what the precise path rejects: {precise_problems}"
    assert precise is not None
    assert same(doc.value, precise.value), (doc.value, precise.value)
    known = doc.marks._known  # type: ignore[attr-defined]
    for path, mark in known.items():
        assert precise.marks[path] == mark, path
    assert dict(doc.marks) == precise.marks
    return True


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents())
def test_generated_documents_read_the_same(text: str) -> None:
    assert_fast_agrees(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated())
@example(text="- {p\n  arty: 0}\n")  # a flow mapping's key split across lines: rapidyaml joined it
def test_mutated_documents_read_the_same_or_step_aside(text: str) -> None:
    assert_fast_agrees(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_real())
def test_mutated_data_files_read_the_same_or_step_aside(text: str) -> None:
    assert_fast_agrees(text)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(CHARS), max_size=200))
def test_yamlish_text_reads_the_same_or_steps_aside(text: str) -> None:
    assert_fast_agrees(text)


def test_the_fast_path_is_taken_for_ordinary_files() -> None:
    """A plain record file goes the fast way, with item marks known without a precise parse."""
    text = (ROOT / "positions" / "stances" / "crimea.yaml").read_text(encoding="utf-8")
    assert assert_fast_agrees(text)
    doc, _ = parse_yaml(text, "crimea.yaml")
    assert doc is not None and doc.marks[("stances", 0)] == (4, 5)
    assert doc.marks._all is None  # type: ignore[attr-defined]


def test_generated_documents_mostly_take_the_fast_path() -> None:
    """Guards against a screen so strict the fast path never runs (which would pass every test above)."""
    taken = 0

    @settings(max_examples=300, database=None, deadline=None)
    @given(text=documents())
    def count(text: str) -> None:
        nonlocal taken
        taken += assert_fast_agrees(text)

    count()
    assert taken >= 30


def test_bundled_data_loads_the_same_without_rapidyaml(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fast_data, fast_problems = load_dataset(ROOT, today=TODAY)
    yamlsafe.clear_cache()
    monkeypatch.setattr(fast_path, "_ryml", None)
    slow_data, slow_problems = load_dataset(ROOT, today=TODAY)
    yamlsafe.clear_cache()
    assert fast_problems == slow_problems == []
    assert fast_data.stances == slow_data.stances
    assert fast_data.sources == slow_data.sources
    assert fast_data.events == slow_data.events


def test_a_disabled_parse_cache_keeps_nothing() -> None:
    """`python -m stancemap` reads each file once and turns the parse cache off (stancemap/__main__.py)."""
    from stancemap.yamlio.cache import _ParseCache

    kept = _ParseCache(1_000)
    result = yamlsafe.parse_yaml("a: 1\n", "x.yaml")
    kept.put(("x.yaml", "a: 1\n"), result)
    assert kept.get(("x.yaml", "a: 1\n")) is not None
    kept.disable()
    assert kept.get(("x.yaml", "a: 1\n")) is None
    kept.put(("x.yaml", "a: 1\n"), result)
    assert kept.get(("x.yaml", "a: 1\n")) is None and kept.chars == 0
