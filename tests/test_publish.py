"""The static site (`python -m stancemap publish`): built from the bundled data and a generated large set,
then read back as files: links, escaping, JSON-LD, data files, versions, reproducibility."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from benchmarks.generate import generate
from stancemap.check.load import ROOT, load_dataset
from stancemap.cli import main
from stancemap.derive.changes import releases
from stancemap.derive.export import COLUMNS, evidence_table
from stancemap.derive.matrix import current
from stancemap.derive.version import dataset_version
from stancemap.model.dataset import Dataset
from stancemap.model.problems import StancemapError
from stancemap.paths import SITE_URL_VARIABLE
from stancemap.publish import layout
from stancemap.publish.site import Extras, Site, build
from stancemap.publish.version import DatasetVersion, last_data_commit, release_date, version_of
from tests.conftest import TODAY, copy_data

BASE_URL = "https://example.org/stancemap/"


# ── reading a built site back ──────────────────────────────────────────────────────────────────────────


@dataclass
class Parsed:
    """The parts of one HTML page the tests look at."""

    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    ids: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    handlers: list[str] = field(default_factory=list)  # on* attributes: there must be none
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Parsed()
        self._in_jsonld = False
        self._in_mark = 0
        self._mark = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.add(tag)
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.page.handlers.append(f"<{tag} {name}>")
            if name in ("href", "src") and value is not None:
                self.page.links.append((tag, name, value))
        if values.get("id"):
            self.page.ids.add(values["id"])
        if tag == "script":
            self.page.scripts.append(values)
            self._in_jsonld = values.get("type") == "application/ld+json"
            if self._in_jsonld:
                self.page.jsonld.append("")
        if tag == "mark":
            self._in_mark += 1
            self._mark = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False
        if tag == "mark":
            self._in_mark -= 1
            self.page.marks.append(self._mark)

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.page.jsonld[-1] += data
        if self._in_mark:
            self._mark += data


def parse(path: Path) -> Parsed:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.page


def html_pages(site: Site) -> list[str]:
    return [name for name in site.files if name.endswith(".html")]


def source_urls(data: Dataset) -> set[str]:
    return {source.url for source in data.sources.values() if source.url}


def broken_links(site: Site, data: Dataset) -> Iterator[str]:
    """Every href/src of every page that does not resolve to a file (and id) of the site, or that leaves the
    site for anything but a source's own http(s) address."""
    parsed = {name: parse(site.out / name) for name in html_pages(site)}
    allowed_outside = source_urls(data)
    for name, page in parsed.items():
        for tag, attribute, value in page.links:
            where = f"{name}: <{tag} {attribute}={value!r}>"
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https") or value not in allowed_outside:
                    yield f"{where}: leaves the site (only source urls may)"
                continue
            if value.startswith("/"):
                yield f"{where}: absolute path (the site must work from any sub-path)"
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            if not parts.path:
                target = name
            if target.startswith("..") or not (site.out / target).is_file():
                yield f"{where}: {target} is not a file of the site (file:// needs index.html, not folders)"
                continue
            if parts.fragment and target in parsed and parts.fragment not in parsed[target].ids:
                yield f"{where}: no id {parts.fragment!r} in {target}"


def reachable(site: Site) -> set[str]:
    """Every page reached by following links from index.html."""
    seen, todo = {layout.INDEX}, [layout.INDEX]
    while todo:
        name = todo.pop()
        for _, _, value in parse(site.out / name).links:
            parts = urlsplit(value)
            if parts.scheme or not parts.path.endswith(".html"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), parts.path))
            if target not in seen and (site.out / target).is_file():
                seen.add(target)
                todo.append(target)
    return seen


def all_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ── fixtures: the bundled data and a large generated set, each built once ─────────────────────────────


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, Site, DatasetVersion]:
    data, problems = load_dataset(ROOT, today=TODAY)
    assert problems == []
    version = version_of(data, TODAY)
    history = releases(ROOT, limit=5, today=TODAY)
    out = tmp_path_factory.mktemp("site") / "bundled"
    site = build(data, out, version=version, base_url=BASE_URL, extras=Extras(releases=history))
    return data, site, version


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, Site, DatasetVersion]:
    """100x: 40 parties × 110 issues, 2,000 stances, 500 sources."""
    root = tmp_path_factory.mktemp("large") / "data"
    generate(root, "100x")
    data, problems = load_dataset(root, today=TODAY)
    assert problems == []
    version = version_of(data, TODAY)
    out = tmp_path_factory.mktemp("site") / "large"
    site = build(data, out, version=version, extras=Extras(images=False))
    return data, site, version


# ── the tests ──────────────────────────────────────────────────────────────────────────────────────────


def test_the_site_has_every_page_and_file(bundled: tuple[Dataset, Site, DatasetVersion]) -> None:
    data, site, _ = bundled
    files = set(site.files)
    expected = {
        layout.INDEX,
        layout.ABOUT,
        layout.CHANGELOG,
        layout.PARTIES,
        layout.ISSUES,
        layout.SOURCES,
        layout.EMBED_MATRIX,
        layout.STANCES_JSON,
        layout.EVIDENCE_CSV,
        layout.QUOTES_JS,
        layout.STYLESHEET,
        layout.SCRIPT,
        layout.MATRIX_SVG,
        layout.MATRIX_PNG,
    }
    expected |= {layout.cell_page(r.party, r.issue) for r in data.stances}
    expected |= {layout.party_page(p) for p in data.parties} | {layout.issue_page(i) for i in data.issues}
    expected |= {layout.embed_issue(i) for i in data.issues} | {layout.source_page(s) for s in data.sources}
    assert expected - files == set()
    assert (site.out / layout.MATRIX_PNG).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (site.out / layout.MATRIX_SVG).read_text(encoding="utf-8").lstrip().startswith("<svg")


@pytest.mark.parametrize("which", ["bundled", "large"])
def test_every_link_resolves_and_only_source_urls_leave_the_site(
    which: str, request: pytest.FixtureRequest
) -> None:
    data, site, _ = request.getfixturevalue(which)
    pages = html_pages(site)
    assert len(pages) > len(data.parties) + len(data.issues)
    assert list(broken_links(site, data)) == []
    # Nothing is an orphan: every page but the embeds' own is reached from the matrix.
    assert set(pages) - reachable(site) == set()


def test_the_site_is_byte_identical_when_built_twice(
    bundled: tuple[Dataset, Site, DatasetVersion], tmp_path: Path
) -> None:
    data, site, version = bundled
    history = releases(ROOT, limit=5, today=TODAY)
    again = build(
        data, tmp_path / "again", version=version, base_url=BASE_URL, extras=Extras(releases=history)
    )
    first, second = all_bytes(site.out), all_bytes(again.out)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_every_page_and_data_file_names_the_dataset_version(
    bundled: tuple[Dataset, Site, DatasetVersion],
) -> None:
    data, site, version = bundled
    assert version.digest == dataset_version(data) and str(version) == f"2026-11-24.{version.digest}"
    data_files = [name for name in site.files if name.endswith((".html", ".json", ".csv", ".svg"))]
    missing = [
        name
        for name in [*data_files, layout.QUOTES_JS]
        if version.digest not in (site.out / name).read_text(encoding="utf-8")
    ]
    assert len(data_files) > 50 and missing == []


def test_injected_markup_in_the_data_stays_inert_text(tmp_path: Path) -> None:
    root = copy_data(tmp_path / "data")
    script = "<script>alert('summary')</script>"
    image = '<img src=x onerror="alert(1)">'
    stances = root / "positions/stances/crimea.yaml"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(
        text.replace('summary: Will "one million percent" not cede control of Crimea', f"summary: {script}"),
        encoding="utf-8",
    )
    sources = root / "seeds/sources.yaml"
    text = sources.read_text(encoding="utf-8")
    headline = "headline: Kyiv hosts allies to hash out security guarantees, investment"
    assert headline in text
    sources.write_text(
        text.replace(headline, f"headline: '{image} and </script><b>bold</b>'"), encoding="utf-8"
    )
    data, problems = load_dataset(root, today=TODAY)
    assert problems == []
    assert any(r.stance.summary == script for r in data.stances)
    site = build(data, tmp_path / "site", version=version_of(data, TODAY), extras=Extras(images=True))

    seen_script = seen_image = 0
    for name in site.files:
        content = (site.out / name).read_bytes().decode("utf-8", errors="replace")
        if name.endswith((".html", ".svg")):
            assert script not in content and "<img" not in content and "<b>bold" not in content, name
            seen_script += script in html.unescape(content)
            seen_image += image in html.unescape(content)
        if name.endswith(".html"):
            page = parse(site.out / name)
            assert page.handlers == [], name
            assert page.tags <= ALLOWED_TAGS, (name, page.tags - ALLOWED_TAGS)
            for attributes in page.scripts:
                assert attributes.get("type") == "application/ld+json" or attributes.get("src", "").endswith(
                    layout.SCRIPT
                ), (name, attributes)
            for block in page.jsonld:
                assert "</" not in block and "<script" not in block
                json.loads(block)
        if name == layout.QUOTES_JS:
            assert "</script" not in content and "<" not in content.split("=", 1)[1]
    # The text is still there, as text: on the cell page, its party and issue pages, embeds...
    assert seen_script >= 3 and seen_image >= 3


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "nav", "main", "footer", "a", "p",
    "h1", "h2", "span", "strong", "em", "code", "pre", "br", "div", "label", "input", "output", "table",
    "caption", "thead", "tbody", "tr", "th", "td", "section", "article", "blockquote", "mark", "details",
    "summary", "dl", "dt", "dd", "ul", "ol", "li",
}  # fmt: skip


def test_cell_pages_carry_json_ld_claims_of_quotations_based_on_news_articles(
    bundled: tuple[Dataset, Site, DatasetVersion],
) -> None:
    data, site, version = bundled
    shown = current(data, as_of=TODAY)
    checked = 0
    for (party, issue), record in shown.items():
        page = parse(site.out / layout.cell_page(party, issue))
        assert len(page.jsonld) == 1
        claim = json.loads(page.jsonld[0])
        assert claim["@context"] == "https://schema.org" and claim["@type"] == "Claim"
        assert claim["text"] == record.stance.summary and claim["version"] == str(version)
        assert claim["url"] == f"{BASE_URL}cell/{party}/{issue}/"
        quotations = claim["appearance"]
        assert [q["text"] for q in quotations] == [ev.quote for ev in record.stance.evidence]
        for quotation, ev in zip(quotations, record.stance.evidence, strict=True):
            assert quotation["@type"] == "Quotation"
            assert quotation["spokenByCharacter"]["name"] == ev.speaker.name
            article = quotation["isBasedOn"]
            source = data.sources[ev.source]
            assert article["@type"] == "NewsArticle" and article["headline"] == source.headline
            assert article.get("url") == source.url
        checked += 1
    assert checked == len(shown) > 10


def test_a_cell_page_shows_the_quote_in_its_paragraph_and_how_to_cite_it(
    bundled: tuple[Dataset, Site, DatasetVersion],
) -> None:
    data, site, version = bundled
    record = current(data, as_of=TODAY)[("russia", "crimea")]
    path = site.out / layout.cell_page("russia", "crimea")
    page, text = parse(path), html.unescape(path.read_text(encoding="utf-8"))
    ev = record.stance.evidence[0]
    assert ev.quote in page.marks  # the whole quote, marked inside its paragraph
    plain = " ".join(re.sub(r"<[^>]+>", "", text).split())
    assert "As an example, " + ev.quote in plain  # in its paragraph
    assert ev.speaker.name in text and "partial quote" in text and str(record.as_of) in text
    assert "Cite this" in text and "@article{stancemap-russia-crimea-" in text
    assert f"Permalink: {BASE_URL}cell/russia/crimea/" in plain
    csl = re.search(r'<pre class="cite-csl">(.*?)</pre>', text, re.S)
    assert csl is not None
    item = json.loads(csl.group(1))[0]
    assert (
        item["title"] == data.sources[ev.source].headline and item.get("URL") == data.sources[ev.source].url
    )
    assert f"dataset {version}: {BASE_URL}cell/russia/crimea/" in text  # the plain-text citation


def test_source_pages_mark_every_span_the_data_quotes(bundled: tuple[Dataset, Site, DatasetVersion]) -> None:
    data, site, _ = bundled
    checked = 0
    for record in data.stances:
        for ev, match in record.evidence():
            marks = parse(site.out / layout.source_page(ev.source)).marks
            source_text = data.texts[ev.source].text
            for start, end in match.spans:
                assert any(source_text[start:end] in mark for mark in marks), (ev.source, start, end)
                checked += 1
    assert checked > 30


def test_evidence_csv_is_the_export_table_with_the_version(
    bundled: tuple[Dataset, Site, DatasetVersion],
) -> None:
    data, site, version = bundled
    published = pd.read_csv(site.out / layout.EVIDENCE_CSV, dtype=str, keep_default_na=False)
    assert list(published.columns) == [*COLUMNS, "dataset_version"]
    assert set(published["dataset_version"]) == {str(version)}
    table = evidence_table(data)
    assert len(published) == len(table) == sum(len(r.stance.evidence) for r in data.stances)
    expected = pd.read_csv(io.StringIO(table.to_csv(index=False)), dtype=str, keep_default_na=False)
    expected["red_line"] = expected["red_line"].str.lower()
    assert published.drop(columns="dataset_version").equals(expected)


def test_stances_json_holds_every_stance_with_its_page(bundled: tuple[Dataset, Site, DatasetVersion]) -> None:
    data, site, version = bundled
    document = json.loads((site.out / layout.STANCES_JSON).read_text(encoding="utf-8"))
    assert document["dataset_version"] == str(version)
    assert [p["id"] for p in document["parties"]] == list(data.parties)
    stances = document["stances"]
    assert len(stances) == len(data.stances)
    for item, record in zip(stances, data.stances, strict=True):
        assert (item["party"], item["issue"], item["level"]) == (
            record.party,
            record.issue,
            record.stance.level,
        )
        assert (site.out / item["page"]).is_file()
        assert [e["quote"] for e in item["evidence"]] == [ev.quote for ev in record.stance.evidence]
    assert sum(item["shown"] for item in stances) == len(current(data, as_of=TODAY))


def test_the_matrix_page_has_every_cell_with_the_app_colours(
    bundled: tuple[Dataset, Site, DatasetVersion],
) -> None:
    data, site, _ = bundled
    text = (site.out / layout.INDEX).read_text(encoding="utf-8")
    cells = re.findall(r'<td class="(l-[a-z ]+)" data-p="([^"]*)">', text)
    assert len(cells) == len(data.parties) * len(data.issues)
    shown = current(data, as_of=TODAY)
    levels = [
        shown[(p, i)].stance.level if (p, i) in shown else None for i in data.issues for p in data.parties
    ]
    assert [css for css, _ in cells] == [f"l-{level}" if level else "l-none" for level in levels]
    css = (site.out / layout.STYLESHEET).read_text(encoding="utf-8")
    assert ".l-demands { background: #2166ac; color: #ffffff; }" in css
    assert "@media (max-width: 40rem)" in css and "@media print" in css


def test_publish_refuses_a_folder_it_did_not_write(tmp_path: Path, dataset: Dataset) -> None:
    (tmp_path / "keep.txt").write_text("not a site", encoding="utf-8")
    with pytest.raises(StancemapError, match="not empty"):
        build(dataset, tmp_path, version=version_of(dataset, TODAY), extras=Extras(images=False))
    assert (tmp_path / "keep.txt").is_file()


def test_a_rebuild_replaces_the_earlier_site(tmp_path: Path, dataset: Dataset) -> None:
    out = tmp_path / "site"
    build(dataset, out, version=version_of(dataset, TODAY), extras=Extras(images=False))
    (out / "cell/stale.html").write_text("old", encoding="utf-8")
    build(dataset, out, version=version_of(dataset, TODAY), extras=Extras(images=False))
    assert not (out / "cell/stale.html").exists() and (out / layout.INDEX).is_file()


def test_cli_publishes_what_validated_and_lists_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_data(tmp_path / "data")
    stances = root / "positions/stances/crimea.yaml"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(text.replace("won’t cede control", "will never cede control"), encoding="utf-8")
    out = tmp_path / "site"
    args = [
        "publish",
        str(out),
        "--root",
        str(root),
        "--date",
        "2026-11-24",
        "--no-images",
        "--releases",
        "0",
    ]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "positions/stances/crimea.yaml:" in err
    about = html.unescape((out / layout.ABOUT).read_text(encoding="utf-8"))
    problem = next(line for line in err.splitlines() if "crimea.yaml" in line)
    assert problem in about
    assert not (out / layout.cell_page("russia", "crimea")).exists()  # the record that failed is left out
    assert (out / layout.cell_page("russia", "donbas")).is_file()
    assert not (out / layout.CHANGELOG).exists()

    strict = tmp_path / "strict"
    assert main([*args[:1], str(strict), *args[2:], "--strict"]) == 1
    assert not strict.exists()


def test_cli_base_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["publish", str(tmp_path / "s"), "--base-url", "javascript:alert(1)"])


def test_release_date_prefers_the_given_date_then_source_date_epoch_then_git(tmp_path: Path) -> None:
    given = dt.date(2026, 1, 2)
    assert release_date(ROOT, given=given, env={"SOURCE_DATE_EPOCH": "0"}) == given
    assert release_date(ROOT, env={"SOURCE_DATE_EPOCH": "1767312000"}) == dt.date(2026, 1, 2)
    committed = subprocess.run(
        ["git", "log", "-1", "--first-parent", "--format=%cs", "--", "seeds", "positions"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if committed:
        assert release_date(ROOT, env={}) == dt.date.fromisoformat(committed) == last_data_commit(ROOT)
    outside = copy_data(tmp_path / "data")  # not in a git repository
    assert last_data_commit(outside) is None
    assert release_date(outside, env={}) == dt.date.today()


def test_publish_does_not_import_streamlit() -> None:
    code = "import sys, stancemap.publish.site; assert 'streamlit' not in sys.modules, 'streamlit'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_app_links_a_cell_to_its_published_page_when_a_site_url_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streamlit.testing.v1 import AppTest

    def drill_down() -> str:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        at.query_params.update({"party": "russia", "issue": "crimea"})
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return "\n".join(element.proto.body for element in at.html)

    monkeypatch.delenv(SITE_URL_VARIABLE, raising=False)
    assert "Published page" not in drill_down()
    monkeypatch.setenv(SITE_URL_VARIABLE, BASE_URL)
    page = drill_down()
    assert f'<a href="{BASE_URL}cell/russia/crimea/" target="_blank"' in page and "Published page" in page


def _versions_in(site: Path) -> set[str]:
    """The dataset versions named by the site's HTML pages (each page prints one)."""
    found: set[str] = set()
    for page in site.rglob("*.html"):
        found.update(re.findall(r"\d{4}-\d\d-\d\d\.[0-9a-f]{12}", page.read_text(encoding="utf-8")))
    return found


def test_a_killed_rebuild_leaves_one_whole_site(tmp_path: Path) -> None:
    """The old site or the new one, never a mix: a rebuild killed at any moment keeps every page in step."""
    out = tmp_path / "site"
    command = [sys.executable, "-m", "stancemap", "publish", str(out), "--no-images", "--releases", "0"]
    subprocess.run([*command, "--date", "2026-01-01"], check=True, cwd=ROOT, capture_output=True)
    old = _versions_in(out)
    assert len(old) == 1 and next(iter(old)).startswith("2026-01-01.")
    listing = {"old": sorted(p.relative_to(out) for p in out.rglob("*"))}
    new = tmp_path / "new"
    subprocess.run([*command[:4], str(new), *command[5:], "--date", "2026-02-02"], check=True, cwd=ROOT)
    listing["new"] = sorted(p.relative_to(new) for p in new.rglob("*"))
    for delay in (0.3, 0.6, 0.9):
        rebuild = subprocess.Popen([*command, "--date", "2026-02-02"], cwd=ROOT, stderr=subprocess.DEVNULL)
        try:
            rebuild.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            rebuild.kill()
            rebuild.wait()
        versions = _versions_in(out)
        assert len(versions) == 1, versions  # one release throughout, whichever it is
        which = "old" if versions == old else "new"
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == listing[which]
