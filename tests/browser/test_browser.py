"""The issue's scenario in a real browser: the matrix, a clicked cell's evidence, links, and bad data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request

from benchmarks.generate import generate
from stancemap.check.load import load_dataset
from stancemap.derive.matrix import LEVEL_COLOURS, NO_POSITION
from stancemap.model.codebook import LEVEL_MEANINGS
from stancemap.ui.matrix_view import FILLED_MAX_CELLS, PARTY_WIDTH
from tests.browser.conftest import (
    DATAFRAME,
    MATRIX,
    REPO,
    VIEWPORT,
    AppServerFactory,
    cell_point,
    click_cell,
    expected_matrix,
    grid,
    open_app,
    painted,
    screenshot,
    settled,
    wait_for_app,
)
from tests.conftest import copy_data

pytestmark = pytest.mark.browser

PARTIES = ["Ukraine", "Russia", "United States", "Europe"]
ISSUE_COUNT = 11
QUOTE = (
    "Russia, “one million percent,” won’t cede control of the Crimean peninsula it annexed in 2014, he said."
)
# The first of the quote's marks is in the quote's paragraph; the second in the collapsed full source text.
QUOTE_MARK = "mark >> text=one million percent"
EVIL = "<img src=x onerror=alert(1)> ![p](https://example.org/p.png) $x$"


@pytest.fixture(scope="module")
def bundled(app_server: AppServerFactory) -> str:
    """The app over the repository's own data."""
    return app_server(REPO)


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def html_texts(page: Page) -> list[str]:
    """The visible text of every st.html block in the main area and the evidence dialog (headings, stance,
    evidence cards)."""
    return page.locator(
        '[data-testid="stMain"] [data-testid="stHtml"], [role="dialog"] [data-testid="stHtml"]'
    ).all_inner_texts()


def evidence_card(page: Page, number: int = 1) -> str:
    card = page.locator('[data-testid="stHtml"]').filter(has_text=f"Evidence {number} of ")
    return card.inner_text()


def assert_russia_on_crimea(page: Page) -> None:
    """The drill-down of Russia × Crimea: the quote marked in its paragraph, speaker, outlet and dates."""
    mark = page.locator(QUOTE_MARK).first
    mark.wait_for()
    assert mark.is_visible() and mark.inner_text() == QUOTE
    page.get_by_text("Russia on Crimea", exact=True).wait_for()
    stance = next(text for text in html_texts(page) if "RED LINE" in text and "As of:" in text)
    assert 'Will "one million percent" not cede control of Crimea' in stance
    assert "As of: 2025 (counts from 2025-12-31)" in stance
    card = evidence_card(page)
    assert "Yuri Ushakov, foreign policy aide to Russian President Vladimir Putin" in card
    assert "partial quote · party named in the source" in card
    assert "Bloomberg News · via Bloomberg News → Tribune Content Agency · published 2025" in card
    assert "As an example, " + QUOTE in card  # marked inside its paragraph, not cut out of it
    # The matrix draws the focused cell as selected (Russia is grid column 2, Crimea row 2).
    selected = page.locator(f'{MATRIX} [data-testid="glide-cell-2-2"]')
    assert selected.get_attribute("aria-selected") == "true"


def test_matrix_shows_four_parties_on_eleven_issues_with_a_legend(page: Page, bundled: str) -> None:
    open_app(page, bundled)
    rows = grid(page)
    expected, problems = expected_matrix(REPO)
    assert problems == []
    assert rows[0] == ["Issue", *PARTIES]
    assert len(rows) == 1 + ISSUE_COUNT and all(len(row) == 1 + len(PARTIES) for row in rows)
    assert rows == expected  # every cell text, as the page logic computes it from the files
    cells = [cell for row in rows[1:] for cell in row[1:]]
    assert sum("demands" in cell for cell in cells) >= 5 and NO_POSITION in cells
    assert rows[3][:3] == ["Crimea", NO_POSITION, "demands · RED LINE (1) ●❝"]
    legend = page.locator('[data-testid="stHtml"]').filter(has_text="independent source")
    for level, meaning in LEVEL_MEANINGS.items():
        chip = legend.locator(f'span[title="{meaning}"]')
        assert chip.inner_text() == level and chip.is_visible()
    assert "no recorded position" in legend.inner_text() and "RED LINE" in legend.inner_text()
    assert page.get_by_text("Select a cell to read the quotes behind it.").is_visible()
    assert query(page.url) == {}
    screenshot(page, "matrix.png")


def test_clicking_russia_on_crimea_shows_the_quote_marked_with_its_source(page: Page, bundled: str) -> None:
    open_app(page, bundled)
    click_cell(page, "Crimea", "Russia")
    page.wait_for_url(lambda url: query(url) == {"party": "russia", "issue": "crimea"})
    assert_russia_on_crimea(page)
    wait_for_app(page)
    screenshot(page, "drilldown.png")


def test_the_drilldown_url_reopens_the_same_drilldown_in_a_new_context(
    browser: Browser, bundled: str
) -> None:
    first = browser.new_context(viewport=VIEWPORT)
    second = browser.new_context(viewport=VIEWPORT)
    try:
        clicked = first.new_page()
        open_app(clicked, bundled)
        click_cell(clicked, "Crimea", "Russia")
        assert_russia_on_crimea(clicked)
        wait_for_app(clicked)
        link = clicked.url
        assert query(link) == {"party": "russia", "issue": "crimea"}

        opened = second.new_page()  # a new context: no cookies, storage or Streamlit session in common
        open_app(opened, link)
        assert_russia_on_crimea(opened)
        assert opened.url == link and grid(opened) == grid(clicked)
        assert html_texts(opened) == html_texts(clicked)
    finally:
        first.close()
        second.close()


def widget_state(page: Page) -> dict[str, object]:
    """What the sidebar widgets show: the view, the chosen parties and issues, the date and the toggle.
    Every widget sits in an element with the class st-key-<its key>."""

    def tags(key: str) -> list[str | None]:
        return [tag.get_attribute("aria-label") for tag in page.locator(f".st-key-{key} [data-tag]").all()]

    return {
        "view": page.locator(
            '.st-key-w_view [data-testid="stRadioOption"][data-selected="true"]'
        ).inner_text(),
        "parties": tags("w_parties"),
        "issues": tags("w_issues"),
        "as_of": page.locator('.st-key-w_asof input[type="date"]').input_value(),
        "direct": page.locator('.st-key-w_direct input[role="switch"]').is_checked(),
    }


def test_a_hand_written_matrix_link_restores_filters_date_and_cell(page: Page, bundled: str) -> None:
    link = {
        "parties": "russia,europe",
        "issues": "crimea,foreign-troops",
        "asof": "2025-12-31",
        "party": "europe",
        "issue": "foreign-troops",
    }
    open_app(page, bundled + "/?" + "&".join(f"{name}={value}" for name, value in link.items()))
    widgets = {
        "view": "Matrix",
        "parties": ["Russia", "Europe"],
        "issues": ["Crimea", "Foreign troops"],
        "as_of": "2025-12-31",
        "direct": False,
    }
    assert settled(lambda: widget_state(page), widgets) == widgets
    expected, _ = expected_matrix(
        REPO, parties=("russia", "europe"), issues=("crimea", "foreign-troops"), as_of=dt.date(2025, 12, 31)
    )
    rows = grid(page)
    assert rows == expected and [row[0] for row in rows] == ["Issue", "Crimea", "Foreign troops"]
    assert rows[2][2].startswith("conditional")  # Europe on foreign troops as it stood that day
    assert page.locator(f'{MATRIX} [data-testid="glide-cell-2-1"]').get_attribute("aria-selected") == "true"
    assert page.get_by_text("Where the parties stand (as of 2025-12-31)").is_visible()
    page.get_by_text("Europe on Foreign troops", exact=True).wait_for()
    assert any(text.startswith("conditional") for text in html_texts(page))
    assert query(page.url) == link
    assert page.locator('[data-testid="stToast"]').count() == 0


def test_a_hand_written_link_opens_another_view_with_its_filters(page: Page, bundled: str) -> None:
    link = {
        "view": "issue",
        "parties": "ukraine,us",
        "direct": "1",
        "issue": "guarantee-duration",
        "party": "us",
    }
    open_app(page, bundled + "/?" + "&".join(f"{name}={value}" for name, value in link.items()))
    widgets = {
        "view": "Issue",
        "parties": ["Ukraine", "United States"],
        "issues": [],
        "as_of": "",
        "direct": True,
    }
    assert settled(lambda: widget_state(page), widgets) == widgets
    assert page.locator('.st-key-w_issue input[role="combobox"]').input_value() == "Guarantee duration"
    assert page.locator('.st-key-w_party input[role="combobox"]').input_value() == "United States"
    table = grid(page, DATAFRAME)
    assert [row[0] for row in table] == ["Party", "Ukraine", "United States"]
    # Both parties' durations rest on paraphrase only, so "direct quotes only" hides them, and says why.
    assert [row[1] for row in table[1:]] == [NO_POSITION, NO_POSITION]
    page.get_by_text("United States on Guarantee duration", exact=True).wait_for()
    assert page.get_by_text("rest on paraphrases or official readouts only").is_visible()
    assert query(page.url) == link


def test_stale_link_parameters_are_ignored_with_a_notice(page: Page, bundled: str) -> None:
    open_app(page, bundled + "/?party=atlantis&asof=2025-13-45&issues=crimea,narnia")
    toasts = page.locator('[data-testid="stToastText"]')
    toasts.nth(2).wait_for(timeout=5_000)  # a toast lasts 10 s
    assert sorted(toasts.all_inner_texts()) == [
        "Ignored an unknown issue narnia in the link.",
        "Ignored an unknown party atlantis in the link.",
        "Ignored the date 2025-13-45 in the link; write dates as YYYY-MM-DD.",
    ]
    rows = grid(page)
    assert [row[0] for row in rows] == ["Issue", "Crimea"] and rows[0][1:] == PARTIES
    widgets = {"view": "Matrix", "parties": [], "issues": ["Crimea"], "as_of": "", "direct": False}
    assert settled(lambda: widget_state(page), widgets) == widgets
    assert page.get_by_text("Select a cell to read the quotes behind it.").is_visible()
    page.wait_for_url(lambda url: query(url) == {"issues": "crimea"})  # the link is cleaned up
    wait_for_app(page)


def test_markup_in_the_data_is_shown_as_text(
    page: Page, app_server: AppServerFactory, tmp_path: Path
) -> None:
    root = copy_data(tmp_path / "data")
    stances = root / "positions/stances/crimea.yaml"
    text = stances.read_text(encoding="utf-8")
    summary = 'summary: Will "one million percent" not cede control of Crimea'
    note = "note: Given as an example of the 'absolutely unacceptable points'"
    assert summary in text and note in text
    text = text.replace(summary, f"summary: '{EVIL} {summary.removeprefix('summary: ')}'")
    text = text.replace(note, f'note: "{EVIL} {note.removeprefix("note: ")}', 1)
    text = text.replace("to state television.\n", 'to state television."\n', 1)
    stances.write_text(text, encoding="utf-8")
    assert expected_matrix(root)[1] == []  # valid data: the markup is only text
    base = app_server(root)

    fetched: list[str] = []
    dialogs: list[str] = []

    def record(request: Request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", None):
            fetched.append(request.url)

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("request", record)
    page.on("dialog", refuse)

    open_app(page, f"{base}/?party=russia&issue=crimea")
    page.locator(QUOTE_MARK).first.wait_for()
    html = page.locator('[data-testid="stHtml"]')  # the history table's cells hold the summary too
    summary_line = html.get_by_text(f"{EVIL} Will ")
    note_line = html.get_by_text(f"Note: {EVIL} Given as an example")
    assert summary_line.is_visible() and note_line.is_visible()  # shown literally, character for character
    screenshot(page, "markup.png")
    for link in ("", "?view=issue&issue=crimea&party=russia", "?view=data"):
        if link:
            open_app(page, f"{base}/{link}")
        if "view=data" in link:  # the evidence table: summary and note are cells of its ARIA grid
            cells = [cell for row in grid(page, DATAFRAME) for cell in row]
            assert any(cell.startswith(EVIL) for cell in cells)
        assert page.locator('img[src="x"], img[src*="example.org"], [onerror]').count() == 0, link
        assert page.locator(".katex, .katex-display, math").count() == 0, link
    assert fetched == [] and dialogs == []


def test_a_broken_stance_file_lists_the_problem_and_shows_everything_else(
    page: Page, app_server: AppServerFactory, tmp_path: Path
) -> None:
    root = copy_data(tmp_path / "data")
    stances = root / "positions/stances/crimea.yaml"
    stances.write_text(
        stances.read_text(encoding="utf-8").replace("one million percent", "two million percent")
    )
    expected, problems = expected_matrix(root)
    assert len(problems) == 1 and problems[0].path == "positions/stances/crimea.yaml"

    open_app(page, app_server(root))
    rows = grid(page)
    assert rows == expected and len(rows) == 1 + ISSUE_COUNT
    assert rows[3][:3] == ["Crimea", NO_POSITION, NO_POSITION]  # only the broken record is left out
    bundled_rows, _ = expected_matrix(REPO)
    changed = [
        (r, c) for r, row in enumerate(rows) for c, text in enumerate(row) if text != bundled_rows[r][c]
    ]
    assert changed == [(3, 2)]
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="data problem")
    expander.locator("summary").click()
    code = expander.locator('[data-testid="stCode"]')
    code.wait_for()
    assert expander.locator("summary").inner_text().endswith("1 data problem")
    listed = code.inner_text()
    assert f"positions/stances/crimea.yaml:{problems[0].line}:" in listed and str(problems[0]) in listed
    assert problems[0].line > 0
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in body and 'File "' not in body
    wait_for_app(page)
    screenshot(page, "problems.png")


def test_a_large_matrix_paints_coloured_labels_and_a_click_drills_down(
    page: Page, app_server: AppServerFactory, tmp_path: Path
) -> None:
    root = tmp_path / "data"
    generate(root, "100x")  # 40 parties × 110 issues: over FILLED_MAX_CELLS
    expected, problems = expected_matrix(root)
    assert problems == [] and (len(expected) - 1) * (len(expected[0]) - 1) > FILLED_MAX_CELLS
    open_app(page, app_server(root))
    rows = grid(page)
    # The grid lists the cells it has drawn (it draws only what can be seen); each is the expected text.
    assert len(rows[0]) > 3 and [row[0] for row in rows] == [row[0] for row in expected[: len(rows)]]
    assert all(row == expected[number][: len(row)] for number, row in enumerate(rows))
    _, issue, party = min(
        (len(text), row[0], rows[0][column])
        for row in rows[1:]
        for column, text in enumerate(row[1:4], start=1)
        if text.startswith("supports")
    )
    # Each label is painted in its level's colour from the left edge of its cell, as wide as its text (a
    # filled cell would be coloured to its right edge); an empty cell is not coloured at all.
    assert painted(page, *cell_point(page, issue, party, inset=14)) == LEVEL_COLOURS["supports"]
    assert painted(page, *cell_point(page, issue, party, inset=PARTY_WIDTH - 12)) == "#ffffff"
    empty_issue, empty_party = next(
        (row[0], rows[0][column])
        for row in rows[1:]
        for column, text in enumerate(row[1:4], start=1)
        if text == NO_POSITION
    )
    assert painted(page, *cell_point(page, empty_issue, empty_party, inset=14)) == "#ffffff"
    data, _ = load_dataset(root, today=dt.date.today())
    click_cell(page, issue, party)
    party_id = next(p for p, who in data.parties.items() if who.name == party)
    issue_id = next(i for i, topic in data.issues.items() if topic.title == issue)
    page.wait_for_url(lambda url: query(url) == {"party": party_id, "issue": issue_id})
    page.get_by_text(f"{party} on {issue}", exact=True).wait_for()
    wait_for_app(page)
