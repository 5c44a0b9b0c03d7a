"""A reader's experience in a real browser at desktop (1400×900) and phone (390×844) sizes: the red-line mark
drawn without an emoji font, the phone layout, the evidence in view after a click, search, the Data page's
downloads, and a console free of chart warnings."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, ViewportSize, expect

from stancemap.derive.matrix import RED_LINE_COLOUR, RED_LINE_MARK
from stancemap.ui.cards import NARROW_PX
from tests.browser.conftest import (
    MATRIX,
    REPO,
    TIMEOUT_MS,
    AppServerFactory,
    click_cell,
    grid,
    open_app,
    screenshot,
    settled,
    wait_for_app,
)

pytestmark = pytest.mark.browser

DESKTOP: ViewportSize = {"width": 1400, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
PARTIES = ["Ukraine", "Russia", "United States", "Europe"]
QUOTE_MARK = "mark >> text=one million percent"
DIALOG = '[role="dialog"]'
LEGEND = '[data-testid="stHtml"]:has-text("independent source")'


@pytest.fixture(scope="module")
def bundled(app_server: AppServerFactory) -> str:
    return app_server(REPO)


@pytest.fixture
def size() -> ViewportSize:
    return DESKTOP


@pytest.fixture
def console(browser: Browser, size: ViewportSize) -> Iterator[tuple[Page, list[str]]]:
    """A page at `size` and the warnings and errors its console logs."""
    context = browser.new_context(viewport=size)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in ("warning", "error"):
            messages.append(f"{message.type}: {message.text[:300]}")

    page.on("console", keep)
    yield page, messages
    context.close()


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def in_viewport(page: Page, element: Locator) -> bool:
    """True when the element's box lies inside the window, wholly across and at least partly down."""
    box = element.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["x"] >= 0 and box["x"] + box["width"] <= size["width"] and 0 <= box["y"] < size["height"]


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                  ...(() => { const m = document.querySelector('[data-testid="stMain"]');
                              return [m.scrollWidth, m.clientWidth]; })()]"""
    )
    page_scroll, page_width, main_scroll, main_width = widths
    assert page_scroll <= page_width and main_scroll <= main_width, widths


# ── the red-line mark ────────────────────────────────────────────────────────────────────────────────────

# Draws a text in the element's own font on a canvas, and a character no font has (U+E000, private use):
# equal pixels mean the browser had no glyph for the text and drew the same fallback box ("tofu").
TOFU_JS = """(element, text) => {
    const font = getComputedStyle(element).font;
    const draw = (t) => {
        const canvas = document.createElement("canvas");
        canvas.width = 120; canvas.height = 40;
        const ctx = canvas.getContext("2d");
        ctx.font = font; ctx.fillStyle = "#000"; ctx.fillText(t, 4, 28);
        return Array.from(ctx.getImageData(0, 0, 120, 40).data).join(",");
    };
    const box = draw("\\uE000");
    return [...text].filter(ch => ch.trim()).map(ch => [ch, draw(ch) === box]);
}"""


def has_glyph_font(codepoint: str) -> bool:
    """True when fontconfig knows a font with a glyph for the hex `codepoint` (unknown: assume it does)."""
    if shutil.which("fc-list") is None:
        return True
    found = subprocess.run(["fc-list", f":charset={codepoint}"], capture_output=True, text=True, check=True)
    return bool(found.stdout.strip())


def tofu(element: Locator, text: str) -> list[str]:
    """The characters of `text` the browser has no glyph for in `element`'s font."""
    return [char for char, missing in element.evaluate(TOFU_JS, text) if missing]


def share(image: Image.Image, colour: str, tolerance: int = 60) -> float:
    """The fraction of the image's pixels within `tolerance` (per channel) of `colour`."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(image.convert("RGB"), dtype=int).reshape(-1, 3)
    return float(np.mean(np.all(np.abs(pixels - target) <= tolerance, axis=1)))


@SIZES
def test_the_red_line_mark_is_drawn_in_red_with_no_missing_glyph(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, bundled)
    tag = page.locator(f"{LEGEND} .sm-red-line")
    assert tag.inner_text() == RED_LINE_MARK and tag.is_visible()
    # The tofu detector works here: a private-use character has no glyph, a letter has one.
    assert tofu(tag, "\ue001") == ["\ue001"] and tofu(tag, "R") == []
    if not has_glyph_font("26d4"):  # as on Debian's Chromium here: the old mark was an empty box
        assert tofu(tag, "⛔") == ["⛔"]
    assert tofu(tag, tag.inner_text()) == []
    image = Image.open(io.BytesIO(tag.screenshot()))
    assert share(image, RED_LINE_COLOUR) > 0.15  # the border and the letters, in the red-line colour
    assert share(image, "#ffffff", tolerance=8) > 0.3  # on a white ground: a tag, not a filled block
    if page.viewport_size == DESKTOP:
        # The matrix cell texts (painted on a canvas in the grid's font) have a glyph for every character.
        cells = "".join(cell for row in grid(page) for cell in row)
        assert RED_LINE_MARK in cells and "⛔" not in cells
        assert tofu(page.locator(MATRIX), "".join(sorted(set(cells)))) == []
    else:
        # On a phone the cards carry the tag, drawn the same way.
        card_tag = page.locator(".sm-cards .sm-red-line").first
        assert card_tag.is_visible() and tofu(card_tag, RED_LINE_MARK) == []
        assert share(Image.open(io.BytesIO(card_tag.screenshot())), RED_LINE_COLOUR) > 0.15
    screenshot(page, f"legend-{page.viewport_size['width'] if page.viewport_size else 0}.png")


# ── phones ───────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("size", [PHONE], ids=["phone"])
def test_on_a_phone_every_party_shows_on_every_issue_without_sideways_scrolling(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, bundled)
    page.locator(".sm-cards .sm-card").first.wait_for()
    assert page.locator(MATRIX).is_hidden()  # the wide table gives way to the cards
    cards = page.locator(".sm-cards .sm-card")
    assert cards.count() == 11
    for card in cards.all():
        card.scroll_into_view_if_needed()
        names = card.locator(".sm-party")
        assert names.all_inner_texts() == PARTIES
        for name in names.all():
            assert name.is_visible() and in_viewport(page, name), name.inner_text()
    no_sideways_scroll(page)
    screenshot(page, "phone-matrix.png")


def test_on_a_desktop_the_table_shows_and_the_cards_do_not(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, bundled)
    page.locator(MATRIX).wait_for()
    page.locator(".sm-cards").wait_for(state="hidden")
    assert page.locator(MATRIX).is_visible() and page.locator(".sm-cards").is_hidden()
    assert DESKTOP["width"] > NARROW_PX >= PHONE["width"]


# ── the evidence in view ─────────────────────────────────────────────────────────────────────────────────


def assert_quote_in_view(page: Page) -> None:
    mark = page.locator(f"{DIALOG} {QUOTE_MARK}").first
    mark.wait_for()
    wait_for_app(page)
    assert mark.is_visible() and in_viewport(page, mark), mark.bounding_box()


def test_clicking_a_cell_brings_its_quote_into_view_and_closing_returns(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, bundled)
    click_cell(page, "Crimea", "Russia")
    page.wait_for_url(lambda url: query(url) == {"party": "russia", "issue": "crimea"})
    assert_quote_in_view(page)
    screenshot(page, "desktop-drilldown.png")
    page.keyboard.press("Escape")
    page.locator(DIALOG).wait_for(state="detached")
    page.wait_for_url(lambda url: query(url) == {})  # closing unfocuses the cell
    wait_for_app(page)
    selected = page.locator(f'{MATRIX} [aria-selected="true"]')
    assert settled(selected.count, 0) == 0  # the grid drops the selection a moment after the run
    click_cell(page, "Crimea", "Russia")  # so the same cell opens again on the next click
    assert_quote_in_view(page)


@pytest.mark.parametrize("size", [PHONE], ids=["phone"])
def test_tapping_a_stance_on_a_phone_brings_its_quote_into_view(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, bundled)
    card = page.locator(".sm-card").filter(has=page.get_by_text("Crimea", exact=True))
    row = card.locator(".sm-card-row").filter(has=page.locator(".sm-party", has_text="Russia"))
    # The cards are drawn after the page's first paint; on a busy machine count() alone can run first.
    expect(card).to_have_count(1, timeout=60_000)
    expect(row).to_have_count(1)
    row.click()
    page.wait_for_url(lambda url: query(url) == {"party": "russia", "issue": "crimea"})
    assert_quote_in_view(page)
    no_sideways_scroll(page)
    screenshot(page, "phone-drilldown.png")


@SIZES
def test_the_citation_carries_a_link_that_reopens_the_cell(
    console: tuple[Page, list[str]], bundled: str, browser: Browser
) -> None:
    page, _ = console
    open_app(page, f"{bundled}/?party=russia&issue=crimea&parties=russia")
    code = page.locator(f'{DIALOG} [data-testid="stCode"]').first
    code.wait_for()
    text = code.inner_text()
    assert "“Russia, “one million percent,” won’t cede control" in text and "Yuri Ushakov" in text
    link = text.split(": ")[-1].strip()
    assert urlsplit(link).netloc == urlsplit(bundled).netloc
    assert query(link) == {"party": "russia", "issue": "crimea"}  # the Parties filter is not part of it
    fresh = browser.new_context(viewport=page.viewport_size)
    try:
        other = fresh.new_page()
        open_app(other, link)
        assert_quote_in_view(other)
    finally:
        fresh.close()


# ── search ───────────────────────────────────────────────────────────────────────────────────────────────


@SIZES
def test_searching_a_word_lists_its_quotes_and_opens_a_cell(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, messages = console
    open_app(page, f"{bundled}/?view=search")
    box = page.get_by_label("Search the quotes")
    box.fill("crimea")
    box.press("Enter")
    page.wait_for_url(lambda url: query(url) == {"view": "search", "q": "crimea"})
    wait_for_app(page)
    page.get_by_text("1 evidence item in 1 cell holds “crimea”.").wait_for()
    hit = page.locator('[data-testid="stHtml"]').filter(has_text="Russia on Crimea")
    assert hit.locator("mark").inner_text() == "Crimea"
    no_sideways_scroll(page)
    screenshot(page, f"search-{page.viewport_size['width'] if page.viewport_size else 0}.png")
    page.get_by_role("button", name="Open this cell's evidence").click()
    page.wait_for_url(lambda url: query(url) == {"party": "russia", "issue": "crimea", "q": "crimea"})
    assert_quote_in_view(page)
    assert messages == []


# ── the Data page ────────────────────────────────────────────────────────────────────────────────────────


def test_the_data_page_offers_one_csv_download_the_evidence_export(
    console: tuple[Page, list[str]], bundled: str
) -> None:
    page, _ = console
    open_app(page, f"{bundled}/?view=data")
    table = page.locator(".st-key-evidence_table [data-testid='stDataFrame']")
    table.hover()
    toolbar = page.locator(".st-key-evidence_table button[aria-label]")
    toolbar.first.wait_for()
    shown = {button.get_attribute("aria-label") for button in toolbar.all() if button.is_visible()}
    assert "Search" in shown and "Download as CSV" not in shown  # the toolbar is there, minus its download
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the evidence export (CSV)").click()
    assert download.value.suggested_filename == "stancemap-evidence.csv"
    csv = download.value.path().read_text(encoding="utf-8")
    assert csv.splitlines()[0].startswith("party,party_name,issue,issue_title,proposition")


# ── the console ──────────────────────────────────────────────────────────────────────────────────────────

PAGES = [
    "",
    "?party=russia&issue=crimea",
    "?view=search&q=guarantees",
    "?view=issue&issue=guarantee-duration&party=us",
    "?view=party&party=russia",
    "?view=agreement",
    "?view=timeline",
    "?view=strength",
    "?view=sources&source=bloomberg-berlin-talks",
    "?view=data",
]


@SIZES
def test_no_page_logs_a_warning_or_an_error(console: tuple[Page, list[str]], bundled: str) -> None:
    page, messages = console
    for link in PAGES:
        open_app(page, f"{bundled}/{link}")
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        for chart in charts.all():
            chart.locator("svg, canvas").first.wait_for()  # drawn, so Vega-Lite has had its say
        page.wait_for_timeout(300)
        assert messages == [], link
        no_sideways_scroll(page)
