"""Tests for the safe YAML reader: golden bad inputs, file checks, resolvers, marks and fuzzing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stancemap.model.problems import Problem
from stancemap.yamlio import precise
from stancemap.yamlio.parse import MAX_DEPTH, YamlDoc, parse_yaml, read_yaml

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad_yaml"
CASES = sorted(BAD.glob("*.yaml"))
KEEPS_LAST = "PyYAML would silently keep the last one: remove one"
TAG_FIX = "is not allowed; remove it (put the value in quotes if it is text)"
NO_ANCHORS = (
    "anchors and aliases are not allowed (they can expand into huge data); write the value out in full"
)
# YAML 1.1 turns these into bools, octals, sexagesimals, dates (or crashes); here they must stay text.
LOOKALIKES = [
    "no",
    "No",
    "NO",
    "yes",
    "on",
    "off",
    "y",
    "n",
    "010",
    "0o17",
    "0x1F",
    "1:30",
    "2026-01-03",
    "2024-02-30",
    "2026-01-03T10:00:00Z",
    "1e5",
    ".inf",
    "-.inf",
    ".nan",
    "1_0.5",
    "+",
    "-x",
    "0b101",
    "tru",
    "nulls",
]


def parse_ok(text: str) -> YamlDoc:
    """Parse text that must have no problems."""
    doc, problems = parse_yaml(text, "t.yaml")
    assert problems == []
    assert doc is not None
    return doc


def parse_bad(text: str) -> list[str]:
    """Parse text that must have problems, and return them as printed lines."""
    _, problems = parse_yaml(text, "t.yaml")
    assert problems
    return [str(problem) for problem in problems]


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 20, "the bad_yaml glob found too few cases"
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), f"{case.name} has no .expected file"


SOFT_CASES = {"bool_int_keys", "comment_cut", "complex_key", "duplicate_key", "merge_key"}


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_golden_bad_yaml(case: Path) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    if not yaml.__with_libyaml__ and any("YAML syntax error" in line for line in expected):
        pytest.skip("syntax error texts are libyaml's")
    doc, problems = read_yaml(case, root=DATA)
    assert [str(problem) for problem in problems] == expected
    # Key and cut-value problems leave a usable tree (the loader drops the records they touch); the rest stop.
    assert (doc is None) == (bool(expected) and case.stem not in SOFT_CASES)


@pytest.mark.parametrize("case", ["empty", "only_comments"])
def test_empty_files_give_a_doc_with_none(case: str) -> None:
    doc, problems = read_yaml(BAD / f"{case}.yaml", root=DATA)
    assert problems == []
    assert doc == YamlDoc("bad_yaml/" + case + ".yaml", None, {})
    assert doc.locate(("anything", 0)) == (1, 1)


def test_bom_file_loads_with_columns_counted_after_the_bom() -> None:
    doc, problems = read_yaml(BAD / "bom.yaml", root=DATA)
    assert problems == []
    assert doc is not None
    assert doc.value == {"party": "ukraine", "quote": "“no”"}
    assert doc.marks[("party",)] == (1, 8)


def test_text_with_bom_character_parses() -> None:
    assert parse_ok("\ufeffa: 1\n").value == {"a": 1}


def test_display_defaults_to_path_relative_to_root_and_can_be_overridden() -> None:
    _, problems = read_yaml(BAD / "anchor.yaml", root=DATA, display="shown/as.yaml")
    assert problems[0].path == "shown/as.yaml"
    _, problems = read_yaml(BAD / "anchor.yaml", root=BAD)
    assert problems[0].path == "anchor.yaml"


# --- file checks ---------------------------------------------------------------------------------------


def test_symlink_out_of_root_is_refused_without_reading(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    secret = tmp_path / "secrets.yaml"
    secret.write_text("token: SECRET-TOKEN\n", encoding="utf-8")
    link = root / "evil.yaml"
    link.symlink_to(secret)
    (root / "dir_link").symlink_to(tmp_path)
    for path in (link, root / "dir_link" / "secrets.yaml", root / ".." / "secrets.yaml"):
        doc, problems = read_yaml(path, root=root)
        assert doc is None
        assert len(problems) == 1
        assert problems[0].line == 0 and problems[0].col == 0
        assert "outside the data folder" in problems[0].message
        assert "SECRET-TOKEN" not in str(problems[0])
        assert "secrets" not in problems[0].message


def test_symlink_inside_root_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    doc, problems = read_yaml(tmp_path / "link.yaml", root=tmp_path)
    assert problems == []
    assert doc is not None and doc.path == "link.yaml" and doc.value == {"a": 1}


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    doc, problems = read_yaml(tmp_path / "nope.yaml", root=tmp_path)
    assert doc is None
    assert problems == [
        Problem(
            "nope.yaml", 0, 0, "file not found (moved or deleted while loading?); check the path and reload"
        )
    ]


def test_file_deleted_between_listing_and_reading(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    listed = sorted(tmp_path.glob("*.yaml"))
    listed[0].unlink()
    doc, problems = read_yaml(listed[0], root=tmp_path)
    assert doc is None
    assert [p.message for p in problems] == [
        "file not found (moved or deleted while loading?); check the path and reload"
    ]


def test_directory_and_fifo_are_refused_without_hanging(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")
    for name in ("dir.yaml", "pipe.yaml"):
        doc, problems = read_yaml(tmp_path / name, root=tmp_path)
        assert doc is None
        assert problems == [
            Problem(
                name, 0, 0, "not a regular file (a folder, pipe or device); only plain YAML files are read"
            )
        ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    path.chmod(0)
    doc, problems = read_yaml(path, root=tmp_path)
    assert doc is None
    assert [p.message for p in problems] == ["cannot read file: permission denied; make it readable"]


def test_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2_497 + "\n", encoding="utf-8")
    doc, problems = read_yaml(path, root=tmp_path, max_bytes=1_000)
    assert doc is None
    assert problems == [Problem("big.yaml", 0, 0, "file is 2.5 KB, over the 1 KB limit; split it")]
    doc, problems = read_yaml(path, root=tmp_path, max_bytes=2_501)
    assert problems == [] and doc is not None


def test_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(6_000_000_000)  # sparse: costs no disk, but reading it would take minutes and 6 GB
    started = time.perf_counter()
    doc, problems = read_yaml(path, root=tmp_path)
    assert time.perf_counter() - started < 1
    assert doc is None
    assert problems == [Problem("huge.yaml", 0, 0, "file is 6000 MB, over the 5 MB limit; split it")]


# --- decoding ------------------------------------------------------------------------------------------


def test_latin1_byte_is_reported_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: Zo\xe9\n")
    _, problems = read_yaml(path, root=tmp_path)
    assert problems == [
        Problem(
            "l.yaml",
            3,
            6,
            "byte 0xe9 is not valid UTF-8 (the file may be Latin-1 or Windows-1252); save the file as UTF-8",
        )
    ]


def test_bad_byte_after_bom_and_multibyte_characters_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes("\ufeffa: 1\nb: «é» ".encode() + b"\xff\n")
    _, problems = read_yaml(path, root=tmp_path)
    assert [(p.line, p.col) for p in problems] == [(2, 8)]


def test_lone_surrogate_and_control_characters_in_text() -> None:
    assert parse_bad("a: x\ud800\n") == [
        "t.yaml:1:5: character U+D800 is not allowed in YAML (it may be invisible); delete it"
    ]
    assert parse_bad("a: 1\nb: \x1b[31m\n") == [
        "t.yaml:2:4: character U+001B is not allowed in YAML (it may be invisible); delete it"
    ]


def test_nul_in_text_is_binary() -> None:
    assert parse_bad("a: 1\n\x00") == [
        "t.yaml:2:1: file contains NUL bytes, so it is binary, not YAML text; save it as plain UTF-8 text"
    ]


# --- structure checks ----------------------------------------------------------------------------------


def test_deep_nesting_stops_with_a_problem_in_process() -> None:
    started = time.perf_counter()
    lines = parse_bad("[" * 100_000)
    assert time.perf_counter() - started < 5
    assert lines == ["t.yaml:1:51: nesting is deeper than 50 levels; flatten the data"]


def test_nesting_limit_is_exactly_max_depth() -> None:
    doc = parse_ok("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    value = doc.value
    for _ in range(MAX_DEPTH - 1):
        assert isinstance(value, list)
        value = value[0]
    assert value == []
    depth = MAX_DEPTH + 1
    assert parse_bad("[" * depth + "]" * depth) == [
        f"t.yaml:1:{depth}: nesting is deeper than 50 levels; flatten the data"
    ]


def test_deep_block_nesting_is_caught() -> None:
    text = "".join(f"{'  ' * level}k{level}:\n" for level in range(60)) + "  " * 60 + "leaf\n"
    assert parse_bad(text) == ["t.yaml:51:101: nesting is deeper than 50 levels; flatten the data"]


def test_billion_laughs_stops_at_the_first_anchor_quickly() -> None:
    text = (BAD / "alias_bomb.yaml").read_text(encoding="utf-8")
    started = time.perf_counter()
    lines = parse_bad(text)
    assert time.perf_counter() - started < 1
    assert len(lines) == 1 and "anchors and aliases are not allowed" in lines[0]


def test_problems_before_a_stop_are_kept_in_order() -> None:
    assert parse_bad("a: 1\na: 2\nb: &x 3\n") == [
        "t.yaml:2:1: duplicate key 'a' (first at line 1); " + KEEPS_LAST,
        "t.yaml:3:4: anchor '&x' found: " + NO_ANCHORS,
    ]


def test_explicit_document_markers_are_one_document() -> None:
    assert parse_ok("---\na: 1\n...\n").value == {"a": 1}
    assert parse_ok("%YAML 1.1\n---\na: 1\n").value == {"a": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: ! x\n",
            "t.yaml:1:4: explicit tag '!' " + TAG_FIX,
        ),
        (
            "a: !!timestamp abc\n",
            "t.yaml:1:4: explicit tag '!!timestamp' " + TAG_FIX,
        ),
        (
            "a: !!map {b: 1}\n",
            "t.yaml:1:4: explicit tag '!!map' " + TAG_FIX,
        ),
    ],
)
def test_every_explicit_tag_is_refused(text: str, expected: str) -> None:
    assert parse_bad(text) == [expected]


def test_key_checks() -> None:
    assert parse_bad("~: a\nnull: b\n1.5: c\n") == [
        "t.yaml:1:1: key must be text; quote it: '~'",
        "t.yaml:2:1: key must be text; quote it: 'null'",
        "t.yaml:3:1: key must be text; quote it: '1.5'",
    ]
    assert parse_bad("? \n: x\n") == ["t.yaml:1:2: key is empty; write a name before ':'"]
    assert parse_ok('"1": a\n"true": b\n"<<": c\n"": d\n').value == {
        "1": "a",
        "true": "b",
        "<<": "c",
        "": "d",
    }


def test_duplicate_keys_are_found_in_nested_and_flow_mappings() -> None:
    assert parse_bad("s:\n  - {a: 1, 'a': 2}\n  - b: 1\n    c: 2\n    b: 3\n") == [
        "t.yaml:2:12: duplicate key 'a' (first at line 2); " + KEEPS_LAST,
        "t.yaml:5:5: duplicate key 'b' (first at line 3); " + KEEPS_LAST,
    ]


def test_long_keys_and_values_are_quoted_only_as_an_excerpt() -> None:
    long = "k" * 500
    lines = parse_bad(f"{long}: 1\n{long}: 2\nq: {'word ' * 100}# cut\n")
    assert all(len(line) < 220 for line in lines)
    assert all("k" * 50 not in line for line in lines)


def test_comment_cut_rules() -> None:
    assert parse_ok("level: demands  # why\nq: 'price is #1'\nr: price is#1 in town\n").value == {
        "level": "demands",
        "q": "price is #1",
        "r": "price is#1 in town",
    }
    assert parse_bad("- a b\t# c\n") == [
        "t.yaml:1:7: value ends at ' #': the rest of the line is a YAML comment and was dropped "
        "(it loads as 'a b'); put the value in quotes"
    ]
    # A plain value folded over lines then cut on its last line.
    assert parse_bad("q: first line\n  second part # dropped\n") == [
        "t.yaml:2:15: value ends at ' #': the rest of the line is a YAML comment and was dropped "
        "(it loads as 'first line second part'); put the value in quotes"
    ]


def test_integer_too_long_for_python() -> None:
    assert parse_bad("n: " + "1" * 5_000 + "\n") == [
        "t.yaml:1:4: number has too many digits; put it in quotes if it is text"
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a:\n\tb: 1\n", "indent with spaces, not tabs"),
        ("- a\n\t- b\n", "indent with spaces, not tabs"),
        ('a: "x\\q"\n', "a backslash starts an escape"),
        ("a: @x\n", "a value starts with a character YAML reserves"),
        ("a: b\n- c\n", "fix its indentation"),
        ("a: {b: 1\n", "a '[' or '{' is never closed"),
    ],
)
def test_syntax_errors_carry_a_hint(text: str, hint: str) -> None:
    lines = parse_bad(text)
    assert len(lines) == 1
    assert "YAML syntax error: " in lines[0] and hint in lines[0]


def test_unexpected_failures_become_a_problem_at_line_one() -> None:
    doc, problems = parse_yaml(12345, "t.yaml")  # type: ignore[arg-type]
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col) == (1, 1)
    assert problems[0].message.startswith("could not read this file (AttributeError: ")


# --- resolvers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", LOOKALIKES)
def test_yaml11_lookalikes_stay_text(raw: str) -> None:
    assert parse_ok(f"v: {raw}\n").value == {"v": raw}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("12", 12),
        ("-3", -3),
        ("+7", 7),
        ("0", 0),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1.", 1.0),
        (".5", 0.5),
        ("1.5e3", 1500.0),
        ("2.0E-2", 0.02),
        ("null", None),
        ("~", None),
        ("", None),
    ],
)
def test_core_scalars_resolve(raw: str, value: object) -> None:
    got = parse_ok(f"v: {raw}\n").value
    assert got == {"v": value}
    assert type(got["v"]) is type(value)  # type: ignore[index]


def test_quoted_scalars_stay_text() -> None:
    assert parse_ok("a: 'true'\nb: \"12\"\nc: ''\nd: \"null\"\n").value == {
        "a": "true",
        "b": "12",
        "c": "",
        "d": "null",
    }


def test_block_scalars_stay_text() -> None:
    assert parse_ok("a: |\n  12\nb: >\n  true # not a comment\n").value == {
        "a": "12\n",
        "b": "true # not a comment\n",
    }


# --- marks and locate ----------------------------------------------------------------------------------

MARKED = """\
stances:
  - party: ukraine
    quote: "hi"
    nested:
      deep: 1
    tags: [a, b]
  - {party: russia, level: rejects}
  - []
empty:
"""


def test_marks_point_at_value_nodes() -> None:
    doc = parse_ok(MARKED)
    assert doc.marks == {
        (): (1, 1),
        ("stances",): (2, 3),
        ("stances", 0): (2, 5),
        ("stances", 0, "party"): (2, 12),
        ("stances", 0, "quote"): (3, 12),
        ("stances", 0, "nested"): (5, 7),
        ("stances", 0, "nested", "deep"): (5, 13),
        ("stances", 0, "tags"): (6, 11),
        ("stances", 0, "tags", 0): (6, 12),
        ("stances", 0, "tags", 1): (6, 15),
        ("stances", 1): (7, 5),
        ("stances", 1, "party"): (7, 13),
        ("stances", 1, "level"): (7, 28),
        ("stances", 2): (8, 5),
        ("empty",): (9, 7),
    }


def test_locate_uses_the_longest_existing_prefix() -> None:
    doc = parse_ok(MARKED)
    assert doc.locate(("stances", 0, "quote")) == (3, 12)
    assert doc.locate(("stances", 0, "nested", "deep", "extra")) == (5, 13)
    assert doc.locate(("stances", 1, "missing_field")) == (7, 5)
    assert doc.locate(("stances", 9, "party")) == (2, 3)
    assert doc.locate(("nope",)) == (1, 1)
    assert doc.locate(()) == (1, 1)
    assert YamlDoc("x", None, {}).locate(("a",)) == (1, 1)


def test_marks_count_characters_not_bytes() -> None:
    doc = parse_ok("«ключ»: значение\nb: 😀 x\n")
    assert doc.marks[("«ключ»",)] == (1, 9)
    assert doc.marks[("b",)] == (2, 4)


def test_scalar_root_and_values_are_plain_python() -> None:
    assert parse_ok("just text\n").value == "just text"
    doc = parse_ok("a: [1, {b: [true, null]}]\n")
    assert doc.value == {"a": [1, {"b": [True, None]}]}
    assert type(doc.value) is dict


def test_pure_python_parser_gives_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [MARKED, "a: 1\na: 2\n", "[" * 1000, "a: &x 1\n", "q: a b # c\n", "1: x\n", "a: 1\n---\nb: 2\n"]
    with_c = [parse_yaml(text, "t.yaml") for text in texts]
    monkeypatch.setattr(precise, "_Parser", yaml.SafeLoader)
    assert [parse_yaml(text, "t.yaml") for text in texts] == with_c


# --- fuzzing -------------------------------------------------------------------------------------------

COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLISH = st.text(
    alphabet=st.sampled_from(list("-:?[]{},#&*!|>'\"%@` \t\n\r.ab01~<\\é\x85\u2028")), max_size=200
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    doc, problems = read_yaml(path, root=tmp_path)
    assert doc is not None or problems
    assert all(isinstance(problem, Problem) for problem in problems)


@settings(max_examples=500, deadline=None)
@given(text=YAMLISH)
@example(text="{}!")  # rapidyaml read this as an empty scalar
@example(text="[] |")
def test_yamlish_text_never_raises_and_agrees_with_pyyaml(text: str) -> None:
    doc, problems = parse_yaml(text, "t.yaml")
    assert doc is not None or problems
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1
        assert not problem.message.startswith("could not read this file"), problem
    if doc is not None and not problems:
        # Whatever we accept, libyaml's own composer accepts too, with the same shape.
        assert same_shape(doc.value, yaml.compose(text, Loader=COMPOSER))


def same_shape(value: object, node: yaml.Node | None) -> bool:
    """Whether a built value has the containers and keys of a composed node tree."""
    if isinstance(node, yaml.MappingNode):
        keys = [key.value for key, _ in node.value]
        return (
            isinstance(value, dict)
            and list(value) == keys
            and all(same_shape(value[key.value], child) for key, child in node.value)
        )
    if isinstance(node, yaml.SequenceNode):
        return (
            isinstance(value, list)
            and len(value) == len(node.value)
            and all(same_shape(item, child) for item, child in zip(value, node.value, strict=True))
        )
    return not isinstance(value, dict | list)
