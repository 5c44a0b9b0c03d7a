"""The published static site in real headless Chromium: from file:// and from a local static server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.matrix import current
from stancemap.publish import layout
from stancemap.publish.site import Extras, Site, build
from stancemap.publish.version import version_of
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, static_server

pytestmark = pytest.mark.browser
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    data, problems = load_dataset(ROOT, today=TODAY)
    assert problems == []
    out = tmp_path_factory.mktemp("published") / "site"
    return build(data, out, version=version_of(data, TODAY), extras=Extras(images=False))


@pytest.fixture(scope="module")
def served(site: Site) -> Iterator[str]:
    """The site served by `python -m http.server` on a free loopback port, under a sub-path /sub/."""
    root = site.out.parent / "www"
    root.mkdir(exist_ok=True)
    (root / "sub").symlink_to(site.out, target_is_directory=True)
    with static_server(root) as url:
        yield url + "sub/"


def open_page(browser: Browser, width: int = 1280) -> tuple[Page, list[str]]:
    """A fresh page, and the list it fills with every request it makes to anywhere but the site."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("file://", "http://127.0.0.1"))
            else None
        ),
    )
    return page, outside


def click_through(page: Page, start: str) -> None:
    """Matrix → Russia on Crimea → quote marked, cite block → back to the matrix."""
    page.goto(start + "index.html")
    cell = page.locator("#matrix tbody tr[data-issue=crimea] td a", has_text="demands")
    assert cell.count() == 1
    cell.click()
    page.wait_for_url("**/cell/russia/crimea/index.html")
    page.get_by_role("heading", name="Russia on Crimea").wait_for()
    mark = page.locator("blockquote.quote mark").first
    assert mark.is_visible()
    assert "one million percent" in mark.inner_text()
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background == "rgb(255, 224, 138)"  # the app's quote highlight, #ffe08a
    cite = page.locator("details.cite").first
    cite.locator("summary").click()
    assert cite.locator("pre.cite-bibtex").is_visible()
    assert "@article{stancemap-russia-crimea-" in cite.locator("pre.cite-bibtex").inner_text()
    page.go_back()
    page.wait_for_url("**/index.html")
    assert page.locator("#matrix").is_visible()


def test_from_file_url_the_matrix_leads_to_a_cell_and_back(browser: Browser, site: Site) -> None:
    page, outside = open_page(browser)
    click_through(page, site.out.as_uri() + "/")
    assert outside == []
    page.context.close()


def test_from_a_static_server_under_a_sub_path(browser: Browser, served: str) -> None:
    page, outside = open_page(browser)
    click_through(page, served)
    # The quote search loads its index on first use, then lists matches linking to cell pages.
    page.goto(served + "index.html")
    page.locator("#search-quotes").fill("million percent")
    result = page.locator("#search-results li a").first
    result.wait_for()
    assert result.inner_text() == "Russia on Crimea"
    page.locator("#filter-parties").fill("ukr")
    assert page.locator("#matrix thead th:visible").all_inner_texts() == ["Issue", "Ukraine"]
    assert outside == []
    page.context.close()


def test_at_390_px_every_party_shows_without_sideways_scroll(browser: Browser, served: str) -> None:
    data, _ = load_dataset(ROOT, today=TODAY)
    page, _ = open_page(browser, width=390)
    page.goto(served + "index.html")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    card = page.locator("#matrix tbody tr[data-issue=territory]")
    labels = card.locator("td").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content.replaceAll('\"', ''))"
    )
    assert labels == [party.name for party in data.parties.values()]
    for cell in card.locator("td").all():
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    shown = current(data, as_of=TODAY)
    assert card.locator("td a").count() == sum((p, "territory") in shown for p in data.parties)
    page.context.close()


def test_the_page_reads_without_javascript(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site.out / layout.INDEX).as_uri())
    assert page.locator("#matrix tbody tr").count() == 11
    assert not page.locator("#controls").is_visible()  # the filters need the script; the matrix does not
    context.close()


def test_screenshot_of_the_published_matrix(browser: Browser, served: str) -> None:
    """artifacts/site.png: the published matrix (copied to docs/img/site.png for the README)."""
    page, _ = open_page(browser, width=1200)
    page.goto(served + "index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "site.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    page.context.close()
