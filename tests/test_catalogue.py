"""The bad-input catalogue: every hostile or broken input gives a clear path:line problem (or is handled)
while the rest of the data still loads. Cases that are just files live in tests/data/bad/<case>/."""

from __future__ import annotations

import hashlib
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancemap.check.files as files_module
import stancemap.check.stages as load_module
from stancemap.check.load import ROOT, load_dataset
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.problems import Problem, StancemapError
from tests.conftest import TODAY, copy_data
from tests.test_bad_data import apply_case, assert_nothing_dropped_silently

BAD = Path(__file__).parent / "data" / "bad"
STANCES = Path("positions") / "stances"
QUOTE_15_YEARS = "Current proposals set out a 15-year term with the possibility for an extension."
SECRET = "SECRET-TOKEN-123"

# Catalogue entries that are just files: each is a golden case run by tests/test_bad_data.py.
GOLDEN = {
    "empty file": "empty_file",
    "only comments": "only_comments",
    "a list where a mapping is expected": "list_not_mapping",
    "tabs for indentation": "tab_indentation",
    "a byte-order mark (loads fine)": "byte_order_mark",
    "non-UTF-8 bytes": "latin1_bytes",
    "an alias bomb": "alias_bomb",
    "duplicate keys": "duplicate_key",
    "1: and true: as keys of one mapping": "bool_int_keys",
    "a value cut by ' #'": "comment_cut",
    "2024-02-30": "impossible_date",
    "explicit tags": "explicit_tags",
    "multi-document files": "multi_document",
    "javascript: and data: links": "unsafe_links",
    "a quote spanning an elision": "elision_order",
    "a seed file changed after its quotes were verified": "seed_changed",
    "two stances for the same party, issue and date": "duplicate_stance",
    "ids differing only in case or by a Cyrillic look-alike": "unknown_ids",
    "a file cut off mid-line while being written": "cut_mid_line",
    "YAML 1.1 surprises (no, on, 2025, 2026-02-30)": "yaml11_types",
    "two parties with one name, two issues with one title": "duplicate_names",
    "a one-letter quote, one-word fragments, a fragment found at two places": "evidence_floor",
    "a quote joining the end of one paragraph to the start of the next": "quote_across_paragraphs",
    "crimea.yaml holding issue: donbas": "stance_file_issue_mismatch",
    "a wrong sha256, a seed file in a folder, blank and two-line text": "pattern_messages",
    "a negative number of years or dollars, a 401-digit number, infinity": "quantity_out_of_range",
    "a U+2028 line separator in a note": "line_separator",
    "bidi controls and zero-width characters in displayed text": "displayed_text_invisible",
    "a folder and a stray file under positions/stances/": "folder_in_stances",
    "seeds/sources.yaml missing": "missing_sources_file",
    "positions/ missing": "missing_positions_folder",
    # A registry file that cannot be read at all: one root-cause line per file that refers into it.
    "parties.yaml saved as UTF-16": "registry_utf16",
    "an anchor in parties.yaml": "registry_anchor",
    "a second '---' document in parties.yaml": "registry_second_document",
    "an empty parties.yaml": "registry_empty",
    "a list instead of a mapping in issues.yaml": "registry_list_not_mapping",
    "a stray 0xff byte in issues.yaml": "registry_stray_byte",
    "nesting too deep in issues.yaml": "registry_too_deep",
    "seeds/sources.yaml a folder, not a file": "sources_not_a_file",
}


def overlay(root: Path, case: str) -> None:
    """Apply a golden case to a data root: its deletions, then its files."""
    apply_case(BAD / case, root)


def load(root: Path) -> tuple[Dataset, list[Problem]]:
    return load_dataset(root, today=TODAY)


def lines(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def stance_file(root: Path, name: str, body: str) -> Path:
    path = root / STANCES / name
    path.write_text(body, encoding="utf-8")
    return path


def stance_yaml(summary: str = "A stance", quote: str = QUOTE_15_YEARS, extra: str = "") -> str:
    """A valid stance file on crimea for europe, with one evidence item from bloomberg-kyiv-talks."""
    return (
        "issue: crimea\nstances:\n  - party: europe\n    level: supports\n"
        f"    summary: {summary}\n{extra}    evidence:\n      - source: bloomberg-kyiv-talks\n"
        f"        quote: {quote}\n        speaker: {{name: Bloomberg News, role: reporter}}\n"
        "        kind: paraphrase\n"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_data(tmp_path / "data")


@pytest.fixture(scope="module")
def clean() -> Dataset:
    data, problems = load_dataset(ROOT, today=TODAY)
    assert problems == []
    return data


def assert_rest_loads(clean: Dataset, data: Dataset, problems: list[Problem]) -> None:
    """Everything of the bundled data still loads, or its absence is explained by a problem in its lines."""
    assert_nothing_dropped_silently(clean.stances, data.stances, problems)
    assert len(data.parties) == len(clean.parties) and len(data.issues) == len(clean.issues)


# --- golden cases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", sorted(GOLDEN), ids=sorted(GOLDEN.values()))
def test_catalogue_entry_has_a_golden_case(entry: str) -> None:
    case = BAD / GOLDEN[entry]
    assert (case / "expected.txt").is_file(), f"{entry}: no golden case at {case}"


def test_byte_order_mark_file_loads_its_stance(root: Path, clean: Dataset) -> None:
    overlay(root, "byte_order_mark")
    data, problems = load(root)
    assert problems == []
    assert [r.stance.summary for r in data.stances if r.origin.path.endswith("zz-bom.yaml")] == [
        "A byte-order mark at the start of the file is not part of the data"
    ]
    assert len(data.stances) == len(clean.stances) + 1


def test_elision_is_found_in_order_and_refused_out_of_order(root: Path) -> None:
    overlay(root, "elision_order")
    data, problems = load(root)
    found = [r for r in data.stances if r.origin.path.endswith("zz-elision.yaml")]
    assert [r.party for r in found] == ["ukraine"]
    (_, match), *_ = found[0].evidence()
    assert len(match.spans) == 2 and match.spans[0][1] < match.spans[1][0]
    assert len(problems) == 1 and "quote not found" in problems[0].message and problems[0].line == 18


def test_evidence_floor_keeps_a_short_quote_found_once(root: Path, clean: Dataset) -> None:
    """The floor refuses what proves nothing, not short evidence: a paragraph the page repeats counts once."""
    overlay(root, "evidence_floor")
    data, _ = load(root)
    (record,) = [r for r in data.stances if r.origin.path.endswith("zz-floor.yaml")]
    assert record.party == "us" and record.stance.level == "opposes"
    assert len(data.stances) == len(clean.stances) + 1


def test_an_elision_at_the_paragraph_break_makes_a_quote_of_two_paragraphs(root: Path) -> None:
    overlay(root, "quote_across_paragraphs")
    data, _ = load(root)
    (record,) = [r for r in data.stances if r.origin.path.endswith("zz-paragraphs.yaml")]
    (_, match), *_ = record.evidence()
    assert record.party == "us" and len(set(match.paragraphs)) == 2


# --- size, depth and bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["stance file", "seed file"])
def test_50_mb_file_is_refused_quickly_without_reading_it(root: Path, clean: Dataset, where: str) -> None:
    if where == "stance file":
        big = root / STANCES / "zz-big.yaml"
    else:
        big = root / "seeds" / "000_22e137ba24d682d4.txt"
        big.unlink()
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: no disk and no memory unless someone reads it
    tracemalloc.start()
    started = time.perf_counter()
    try:
        data, problems = load(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 20_000_000, f"the loader held {peak / 1e6:.0f} MB: it read the big file"
    if where == "stance file":
        assert lines(problems) == [
            "positions/stances/zz-big.yaml: file is 50 MB, over the 5 MB limit; split it"
        ]
    else:
        assert {
            "seeds/sources.yaml:6:11: file: seeds/000_22e137ba24d682d4.txt is over the 5 MB limit for a "
            "source; store the article text only",
            "seeds/sources.yaml:25:14: copy_of: 'bloomberg-kyiv-talks' has problems of its own "
            "(seeds/sources.yaml:5); fix that entry first",
        } <= set(lines(problems))
    assert_rest_loads(clean, data, problems)


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_nesting_100000_levels_deep_returns_in_process(root: Path, clean: Dataset, opener: str) -> None:
    stance_file(root, "zz-deep.yaml", "issue: crimea\nstances: " + opener * 100_000 + "x\n")
    started = time.perf_counter()
    data, problems = load(root)  # in-process: a segfault or RecursionError would end the test run
    assert time.perf_counter() - started < 10
    assert len(problems) == 1
    assert problems[0].path == "positions/stances/zz-deep.yaml" and problems[0].line == 2
    assert (
        "nesting is deeper than 50 levels" in problems[0].message
        or "YAML syntax error" in problems[0].message
    )
    assert_rest_loads(clean, data, problems)


# --- YAML 1.1 surprises stay text -----------------------------------------------------------------------


def test_unquoted_yaml11_words_stay_the_strings_written(root: Path) -> None:
    extra = "    conditions: [on, 010, 2026-01-03, yes]\n    note: no\n"
    stance_file(root, "zz-words.yaml", stance_yaml(summary="no", quote=f'"{QUOTE_15_YEARS}"', extra=extra))
    speaker = root / STANCES / "zz-words.yaml"
    speaker.write_text(speaker.read_text(encoding="utf-8").replace("name: Bloomberg News", "name: yes"))
    data, problems = load(root)
    assert problems == []
    (record,) = [r for r in data.stances if r.origin.path.endswith("zz-words.yaml")]
    assert record.stance.summary == "no"
    assert record.stance.note == "no"
    assert record.stance.conditions == ["on", "010", "2026-01-03", "yes"]
    assert record.stance.evidence[0].speaker.name == "yes"


# --- quotes: markup is data, invisible characters are errors ---------------------------------------------

MARKUP = (
    "Officials posted <b>bold</b> <script>alert(1)</script> and **strong** text, "
    "a formula $x^2$ and a [link](javascript:alert(1)) ![pixel](https://example.org/p.png) :red[alarm]."
)


def add_source(root: Path, sid: str, text: str) -> None:
    """Register a new seed document in the data copy, with its sha256."""
    name = f"900_{sid}.txt"
    data = (f"Synthetic page\n\n{text}\n").encode()
    (root / "seeds" / name).write_bytes(data)
    with (root / "seeds" / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            f"\n  - id: {sid}\n    file: {name}\n    sha256: {hashlib.sha256(data).hexdigest()}\n"
            "    headline: Synthetic page\n    published: 2026-01-05\n    published_basis: test\n"
        )


def test_visible_markup_in_a_quote_loads_verbatim(root: Path) -> None:
    add_source(root, "markup-page", MARKUP)
    body = stance_yaml(quote='"' + MARKUP.replace('"', '\\"') + '"').replace(
        "bloomberg-kyiv-talks", "markup-page"
    )
    stance_file(root, "zz-markup.yaml", body)
    data, problems = load(root)
    assert problems == []
    (record,) = [r for r in data.stances if r.origin.path.endswith("zz-markup.yaml")]
    assert record.stance.evidence[0].quote == MARKUP  # kept exactly; the app tests check it is never rendered


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("15-year\\u200b term", "U+200B ZERO WIDTH SPACE"),
        ("15-year\u200b term", "U+200B ZERO WIDTH SPACE"),
        ("15-year\\u200f term", "U+200F RIGHT-TO-LEFT MARK"),
        ("\\u202e15-year term", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("15-year\\u2066 term", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("15-year\\ufeff term", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_invisible_characters_in_a_quote_are_errors(
    root: Path, clean: Dataset, written: str, code: str
) -> None:
    stance_file(root, "zz-invisible.yaml", stance_yaml(quote=f'"Current proposals set out a {written}"'))
    data, problems = load(root)
    assert len(problems) == 1, lines(problems)
    assert problems[0].path == "positions/stances/zz-invisible.yaml" and problems[0].line == 8
    assert code in problems[0].message and "invisible" in problems[0].message
    assert_rest_loads(clean, data, problems)


# --- source files that cannot be read -----------------------------------------------------------------

SEED = "seeds/003_4d4b4e0dc82775e1.txt"  # bloomberg-berlin-talks, registered at line 39 of sources.yaml
BERLIN_FILE_AT = "seeds/sources.yaml:39:11"


def break_seed(root: Path, how: str) -> None:
    path = root / SEED
    path.unlink()
    if how == "directory":
        path.mkdir()
    elif how == "dangling symlink":
        path.symlink_to(root / "seeds" / "gone.txt")
    elif how == "symlink out of seeds":
        secret = root.parent / "secret.txt"
        secret.write_text(SECRET, encoding="utf-8")
        path.symlink_to(secret)
    elif how == "fifo":
        os.mkfifo(path)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "does not exist; add it or fix the name"),
        ("directory", "is not a regular file inside seeds/"),
        ("dangling symlink", "does not exist; add it or fix the name"),
        ("symlink out of seeds", "is not a regular file inside seeds/"),
        ("fifo", "is not a regular file inside seeds/"),
    ],
)
def test_unreadable_source_file_is_reported_and_the_rest_loads(
    root: Path, clean: Dataset, how: str, message: str
) -> None:
    break_seed(root, how)
    started = time.perf_counter()
    data, problems = load(root)
    assert time.perf_counter() - started < 5  # a FIFO must not block the read
    assert f"{BERLIN_FILE_AT}: file: {SEED} {message}" in lines(problems)
    assert "bloomberg-berlin-talks" not in data.sources and len(data.sources) == len(clean.sources) - 1
    assert all(SECRET not in str(problem) for problem in problems)
    # Stances quoting the broken source are dropped with a problem; every other one loads.
    assert_rest_loads(clean, data, problems)


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads any file; the directory, FIFO and symlink cases cover it"
)
def test_source_file_without_read_permission(root: Path) -> None:
    (root / SEED).chmod(0)
    _, problems = load(root)
    assert f"{BERLIN_FILE_AT}: file: {SEED} cannot be read (Permission denied)" in lines(problems)


def test_source_deleted_between_listing_and_reading(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sources.yaml is read, then the seed vanishes before the loader opens it."""
    real_read = files_module.read_data_text

    def read_then_delete(path: Path, *args: object) -> object:
        result = real_read(path, *args)  # type: ignore[arg-type]
        if Path(path).name == "sources.yaml" and (root / SEED).exists():
            (root / SEED).unlink()
        return result

    monkeypatch.setattr(files_module, "read_data_text", read_then_delete)
    data, problems = load(root)
    assert f"{BERLIN_FILE_AT}: file: {SEED} does not exist; add it or fix the name" in lines(problems)
    assert "bloomberg-berlin-talks" not in data.sources


def test_stance_file_deleted_between_listing_and_reading(
    root: Path, clean: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_list = load_module.stance_files

    def list_then_delete(data_root: Path, problems: list[Problem]) -> list[str]:
        found = real_list(data_root, problems)
        (data_root / STANCES / "crimea.yaml").unlink()
        return found

    monkeypatch.setattr(load_module, "stance_files", list_then_delete)
    data, problems = load(root)
    assert lines(problems) == [
        "positions/stances/crimea.yaml: file not found (moved or deleted while loading?); "
        "check the path and reload"
    ]
    others = [r for r in clean.stances if r.issue != "crimea"]
    assert_nothing_dropped_silently(others, data.stances, problems)
    assert len(data.stances) == len(others)


# --- a file read while it is being written ---------------------------------------------------------------


def test_every_prefix_of_a_stance_file_loads_only_whole_records(root: Path) -> None:
    """A reader can catch a file half-written: no prefix may load a record with a quote cut short."""
    name = "guarantee-duration.yaml"
    path = root / STANCES / name
    full_text = path.read_bytes()
    full, _ = load(root)
    whole = {r.origin.line: r for r in full.stances if r.origin.path.endswith(name)}
    assert len(whole) == 2
    silent = 0
    for cut in range(len(full_text)):
        prefix = full_text[:cut]
        path.write_bytes(prefix)
        data, problems = load(root)
        at_line_break = not prefix or prefix.endswith(b"\n")
        for record in (r for r in data.stances if r.origin.path.endswith(name)):
            original = whole[record.origin.line]
            if at_line_break:
                assert_whole_quotes(record, original, cut)
            else:  # cut mid-line: only records whose every line is present may load, and unchanged
                assert record.stance == original.stance, f"prefix of {cut} bytes loaded a cut record"
        if not [p for p in problems if p.path.endswith(name)]:
            silent += 1
            assert at_line_break, f"prefix of {cut} bytes loaded without a problem"
    assert silent < len(full_text) // 10, "most prefixes must be reported"


def assert_whole_quotes(record: StanceRecord, original: StanceRecord, cut: int) -> None:
    """The evidence that loaded is the full file's first items with whole quotes: none silently shorter.

    A cut exactly at a line break can leave a valid shorter record (its later evidence items or its
    trailing note not written yet): that cannot be told from an edit, and the app re-reads the file when
    it changes. What must never happen is a quote cut short.
    """
    loaded = record.stance.evidence
    full = original.stance.evidence
    assert len(loaded) <= len(full)
    for evidence, whole in zip(loaded, full, strict=False):
        assert (evidence.source, evidence.quote) == (whole.source, whole.quote), (
            f"prefix of {cut} cut a quote"
        )
    assert record.stance.summary == original.stance.summary


# --- symlinks and secrets ---------------------------------------------------------------------------------


def test_symlink_under_positions_to_a_secret_is_refused_and_never_echoed(root: Path, clean: Dataset) -> None:
    secret = root.parent / "secrets.yaml"
    secret.write_text(f"issue: {SECRET}\nstances: [{SECRET}]\ntoken: {SECRET}\n", encoding="utf-8")
    (root / STANCES / "zz-link.yaml").symlink_to(secret)
    (root / "positions" / "issues.yaml").rename(root / "positions" / "issues-real.yaml")
    (root / "positions" / "issues.yaml").symlink_to(root / "positions" / "issues-real.yaml")  # inside: fine
    data, problems = load(root)
    assert lines(problems) == [
        "positions/stances/zz-link.yaml: file points outside the data folder (a symlink?) and was not "
        "read; put the real file inside the data folder"
    ]
    assert all(SECRET not in str(problem) and "secrets" not in str(problem) for problem in problems)
    assert_rest_loads(clean, data, problems)


# --- ids ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party_id", "hint"),
    [
        ("Ukraine", "(did you mean 'ukraine'?)"),
        ("ukrаine", "(did you mean 'ukraine'?)"),  # Cyrillic а
        ("UKRAINE", "(did you mean 'ukraine'?)"),
    ],
)
def test_a_party_id_differing_only_in_case_or_lookalike_cannot_exist(
    root: Path, clean: Dataset, party_id: str, hint: str
) -> None:
    parties = root / "positions" / "parties.yaml"
    parties.write_text(
        parties.read_text(encoding="utf-8") + f"\n  - id: {party_id}\n    name: Ukraine again\n",
        encoding="utf-8",
    )
    data, problems = load(root)
    assert len(problems) == 1
    assert problems[0].path == "positions/parties.yaml"
    assert f"id: {party_id!r} is not a valid id {hint}" in problems[0].message
    assert [pid for pid in data.parties if pid.casefold() == "ukraine"] == ["ukraine"]
    assert_rest_loads(clean, data, problems)


def test_an_issue_id_with_a_lookalike_letter_is_refused(root: Path) -> None:
    issues = root / "positions" / "issues.yaml"
    issues.write_text(
        issues.read_text(encoding="utf-8") + "\n  - id: сrimea\n    title: C\n    proposition: P\n",
        encoding="utf-8",
    )
    _, problems = load(root)
    assert len(problems) == 1 and "'сrimea' is not a valid id (did you mean 'crimea'?)" in problems[0].message
    assert "U+0441 CYRILLIC SMALL LETTER ES" in problems[0].message


# --- fuzzing: arbitrary bytes never make the loader raise -------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data(tmp_path_factory.mktemp("fuzz") / "data")


def fuzz_once(root: Path, path: Path, payload: bytes, restore: Callable[[], None]) -> None:
    path.write_bytes(payload)
    try:
        data, problems = load_dataset(root, today=TODAY)
    finally:
        restore()
    assert isinstance(data, Dataset)
    assert all(isinstance(problem, Problem) for problem in problems)


YAMLISH_BYTES = st.binary(max_size=300) | st.text(
    alphabet=st.sampled_from([*"-:?[]{},#&*!|>'\"%@` \t\n\r.ab01~<\\é“”", "\x00", "\xe9", "\ufeff"]),
    max_size=300,
).map(lambda text: text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=YAMLISH_BYTES)
def test_arbitrary_bytes_as_a_stance_file_never_raise(fuzz_root: Path, payload: bytes) -> None:
    path = fuzz_root / STANCES / "zz-fuzz.yaml"
    fuzz_once(fuzz_root, path, payload, lambda: path.unlink())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=YAMLISH_BYTES)
def test_arbitrary_bytes_as_sources_yaml_never_raise(fuzz_root: Path, payload: bytes) -> None:
    path = fuzz_root / "seeds" / "sources.yaml"
    original = (ROOT / "seeds" / "sources.yaml").read_bytes()
    fuzz_once(fuzz_root, path, payload, lambda: path.write_bytes(original))


def test_a_missing_data_folder_is_a_stancemap_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(StancemapError, match="is missing or not a folder"):
        load_dataset(tmp_path / "nowhere", today=TODAY)
