"""`add-source` on a copy of the repository data: the copy, the appended entry, duplicates and bad files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stancemap.check.load import load_dataset
from stancemap.cli import main
from stancemap.curate.add_source import DEFAULT_BASIS, slug
from tests.conftest import TODAY

ARTICLE = Path(__file__).parent / "data" / "articles" / "ap-guarantees-elections.txt"
REQUIRED = [
    "--title",
    "Zelenskyy says Ukraine will vote only after a ceasefire",
    "--outlet",
    "AP (synthetic)",
]


def add(root: Path, path: Path, *extra: str) -> int:
    return main(["add-source", str(path), *extra, "--root", str(root), "--today", TODAY.isoformat()])


def snapshot(root: Path) -> tuple[bytes, list[str]]:
    """sources.yaml bytes and the seed file names, to prove that a refusal wrote nothing."""
    seeds = root / "seeds"
    return (seeds / "sources.yaml").read_bytes(), sorted(p.name for p in seeds.iterdir())


def test_adds_a_source_that_validates(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, names = snapshot(data_copy)
    args = [
        *REQUIRED,
        "--published",
        "2026-01-11",
        "--basis",
        "dateline 'Sunday'",
        "--url",
        "https://example.org/a",
    ]
    assert add(data_copy, ARTICLE, *args, "--author", "Test Writer") == 0
    raw = ARTICLE.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    name = f"005_{digest[:16]}.txt"
    assert (data_copy / "seeds" / name).read_bytes() == raw
    after = (data_copy / "seeds" / "sources.yaml").read_bytes()
    assert after.startswith(before), "the file is appended to, never rewritten (comments stay)"
    assert b"# The source documents." in after
    out = capsys.readouterr().out
    assert out.startswith(f"added seeds/{name} as source 'zelenskyy-says-ukraine-will-vote-only'")
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    source = data.sources["zelenskyy-says-ukraine-will-vote-only"]
    assert (source.file, source.outlet, source.author, str(source.published)) == (
        name,
        "AP (synthetic)",
        "Test Writer",
        "2026-01-11",
    )
    assert source.url == "https://example.org/a" and source.published_basis == "dateline 'Sunday'"
    if "sha256" in type(source).model_fields:
        assert source.sha256 == digest
    assert len(data.sources) == sum(n.endswith(".txt") for n in names) + 1


def test_numbers_continue_and_optional_fields_default(data_copy: Path) -> None:
    wire = ARTICLE.with_name("wire-kremlin-troops.txt")
    assert add(data_copy, ARTICLE, *REQUIRED, "--published", "2026-01", "--id", "ap-vote") == 0
    assert (
        add(data_copy, wire, "--title", "Kremlin rejects troops", "--outlet", "-", "--published", "2026") == 0
    )
    names = sorted(p.name for p in (data_copy / "seeds").glob("*.txt"))
    assert [n[:4] for n in names[-2:]] == ["005_", "006_"]
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == []
    assert data.sources["ap-vote"].published_basis == DEFAULT_BASIS
    assert data.sources["kremlin-rejects-troops"].outlet is None


def test_awkward_headlines_round_trip(data_copy: Path) -> None:
    title = 'Peskov: "no troops" #1 priority — it\'s {final}: yes'
    assert (
        add(data_copy, ARTICLE, "--title", title, "--outlet", "A: B", "--published", "2026", "--id", "odd")
        == 0
    )
    data, problems = load_dataset(data_copy, today=TODAY)
    assert problems == [] and data.sources["odd"].headline == title and data.sources["odd"].outlet == "A: B"


def test_refuses_the_same_text_again(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = data_copy / "seeds" / "000_22e137ba24d682d4.txt"
    # The same article with Windows line endings and straight quotes normalises to the same text.
    variant = data_copy / "variant.txt"
    text = seed.read_text(encoding="utf-8").replace("\n", "\r\n").replace("“", '"').replace("”", '"')
    variant.write_bytes(text.encode("utf-8"))
    before = snapshot(data_copy)
    assert add(data_copy, variant, *REQUIRED, "--published", "2026") == 2
    err = capsys.readouterr().err.strip()
    seed_name = "seeds/000_22e137ba24d682d4.txt"
    assert err == f"{variant}: the same text is already in {seed_name} (source 'bloomberg-kyiv-talks')"
    assert snapshot(data_copy) == before


def test_refuses_an_existing_id(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(data_copy)
    assert add(data_copy, ARTICLE, *REQUIRED, "--published", "2026", "--id", "menafn-kyiv-talks") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{ARTICLE}: id 'menafn-kyiv-talks' is already in seeds/sources.yaml (line ")
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "file is empty"),
        (b" \n\t\n", "file is empty"),
        (b"Kyiv\x00talks", "binary file (NUL byte at offset 4)"),
        ("Kyiv café talks".encode("latin-1"), "not UTF-8 text (byte 0xe9 on line 1)"),
        (b"line one\nline two \xff\n", "not UTF-8 text (byte 0xff on line 2)"),
    ],
    ids=["missing", "empty", "blank", "binary", "latin-1", "bad-byte-line-2"],
)
def test_bad_files(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    before = snapshot(data_copy)
    assert add(data_copy, path, *REQUIRED, "--published", "2026") == 2
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{path}: {message}"), err
    assert captured.out == ""
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--published", "2026-02-30"], "--published: '2026-02-30' is not a real calendar date"),
        (["--published", "2027-01-01"], "--published: 2027-01-01 is in the future"),
        (["--published", "2026", "--url", "javascript:alert(1)"], "--url: links must start with http"),
        (["--published", "2026", "--id", "Bad Id"], "--id: String should match pattern"),
        (["--published", "2026", "--basis", "two\nlines"], "--basis: String should match pattern"),
    ],
)
def test_invalid_entries_are_refused(
    data_copy: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    before = snapshot(data_copy)
    assert add(data_copy, ARTICLE, *REQUIRED, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{ARTICLE}: {message}"), err
    assert snapshot(data_copy) == before


def test_missing_sources_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seeds").mkdir()
    assert add(tmp_path, ARTICLE, *REQUIRED, "--published", "2026") == 2
    assert "no seeds/sources.yaml here" in capsys.readouterr().err


def test_slug() -> None:
    assert (
        slug("Zelenskyy says US team to join Paris talks on security push")
        == "zelenskyy-says-us-team-to-join-paris"
    )
    assert slug("Élysée: «Ukraine» 2026") == "elysee-ukraine-2026"
    assert slug("2026 talks") == "source-2026-talks"
