"""Issue #5: many sessions at once on one server see the same data, and see an edit on their next load.

Twenty tabs of one headless Chromium, driven concurrently with Playwright's async API. Every tab opens its own
websocket, so each is a Streamlit session of its own (with its own session state and sessionStorage); they
share one browser context only so that the 5 MB of static JavaScript is fetched and compiled once rather than
twenty times, which halves the run time on two cores (measured: about 100 s against 180 s for twenty
contexts). Playwright's sync objects are not thread-safe and its sync API cannot run inside an event loop, so
the scenario runs under `asyncio.run` in a worker thread of its own.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from stancemap.derive.frames import PREVIOUS_VERSION_MARK
from stancemap.derive.matrix import NO_POSITION
from tests.browser.conftest import (
    APP,
    CHROMIUM_ARGS,
    GRID_JS,
    MATRIX,
    VIEWPORT,
    AppServerFactory,
    Rows,
    expected_matrix,
)
from tests.conftest import copy_data

pytestmark = pytest.mark.browser

SESSIONS = 20
STEP_MS = 90_000  # any one wait of one session; twenty sessions share two cores
SCENARIO_S = 200.0  # the whole scenario
LINK = "/?party=russia&issue=crimea"  # every session shows the matrix with Russia × Crimea drilled down

CRIMEA = "positions/stances/crimea.yaml"
TERRITORY = "positions/stances/territory.yaml"
OLD_SUMMARY = 'Will "one million percent" not cede control of Crimea'
NEW_SUMMARY = "Will not cede Crimea (edited while twenty sessions were open)"
# A quote of Ukraine's in territory.yaml, which also holds Russia's stance on territory.
GOOD_QUOTE = "Kyiv, however, has stressed that conceding territory would encourage"
BAD_QUOTE = "Kyiv, however, has stressed that conceding territory would reward"


@dataclass(frozen=True)
class Seen:
    """What one session shows after a page load."""

    rows: Rows  # the matrix's ARIA grid, header first
    stance: str  # the drill-down's stance line
    problems: str  # the data problem list (label and entries), "" when there is none


async def wait_for_app(page: Page) -> None:
    """As conftest.wait_for_app: the first script run is over, and it raised nothing."""
    await page.get_by_role("heading", name="Stancemap").wait_for(timeout=STEP_MS)
    await page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]', timeout=STEP_MS)
    await page.wait_for_selector(f'{APP}[data-test-script-state="notRunning"]', timeout=STEP_MS)
    exceptions = page.locator('[data-testid="stException"]')
    assert await exceptions.count() == 0, await exceptions.all_inner_texts()


async def load(page: Page, shape: tuple[int, int], url: str | None = None) -> Seen:
    """Open `url` (or reload the page) and read the matrix (of `shape`: rows and columns of its ARIA grid,
    header and issue titles included), the drill-down's stance and the problem list."""
    if url is None:
        await page.reload(timeout=STEP_MS)
    else:
        await page.goto(url, timeout=STEP_MS)
    await wait_for_app(page)
    await page.get_by_text("Russia on Crimea", exact=True).wait_for(timeout=STEP_MS)
    matrix = page.locator(MATRIX)
    # The last cell of the grid's ARIA table (its body rows count from 0): the table is complete with it.
    last = f'[data-testid="glide-cell-{shape[1] - 1}-{shape[0] - 2}"]'
    await matrix.locator(last).wait_for(state="attached", timeout=STEP_MS)
    rows: Rows = await matrix.evaluate(GRID_JS)
    stance = page.locator('[data-testid="stHtml"]').filter(has_text="As of:")
    problems = page.locator('[data-testid="stExpander"]').filter(has_text="data problem")
    listed = ""
    if await problems.count():
        # The list is an st.code, whose component loads lazily: wait for it, not just for the expander.
        code = problems.locator('[data-testid="stCode"] code')
        await code.wait_for(state="attached", timeout=STEP_MS)
        label = await problems.locator("summary").text_content(timeout=STEP_MS)
        listed = f"{label}\n{await code.text_content(timeout=STEP_MS)}"
    return Seen(rows, await stance.inner_text(timeout=STEP_MS), listed)


async def load_all(pages: list[Page], shape: tuple[int, int], url: str | None = None) -> list[Seen]:
    return list(await asyncio.gather(*(load(page, shape, url) for page in pages)))


def disagreements(seen: list[Seen]) -> list[str]:
    """How each session that differs from the first one differs; empty when all agree."""
    found: list[str] = []
    for number, other in enumerate(seen[1:], start=1):
        for field in ("rows", "stance", "problems"):
            mine, first = getattr(other, field), getattr(seen[0], field)
            if mine != first:
                found.append(f"session {number} {field}: {mine!r} != {first!r}")
    return found


def rewrite(root: Path, name: str, old: str, new: str) -> None:
    """Replace `old` by `new` in data file `name` at once (write aside, then rename over it)."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (name, old)
    aside = root.parent / "edit.tmp"  # outside the data folders, so no reader ever sees it
    aside.write_text(text.replace(old, new), encoding="utf-8")
    os.replace(aside, path)


def cell(rows: Rows, issue: str, party: str) -> str:
    return rows[[row[0] for row in rows].index(issue)][rows[0].index(party)]


async def scenario(browser: Browser, base: str, root: Path) -> None:
    errors: list[str] = []
    expected, problems = expected_matrix(root)
    assert problems == []
    shape = (len(expected), len(expected[0]))  # the same in every step: no issue or party comes or goes
    context = await browser.new_context(viewport=VIEWPORT)
    warm_up = await context.new_page()  # fills the browser's cache with the app's static files
    await load(warm_up, shape, base + LINK)
    await warm_up.close()
    pages = [await context.new_page() for _ in range(SESSIONS)]
    for number, page in enumerate(pages):
        page.on("pageerror", lambda error, number=number: errors.append(f"session {number}: {error}"))

    # 1. Twenty sessions open the same drill-down at once: no errors, and all see the same, right data.
    seen = await load_all(pages, shape, base + LINK)
    assert disagreements(seen) == []
    assert seen[0].rows == expected and seen[0].problems == ""
    assert OLD_SUMMARY in seen[0].stance
    assert cell(seen[0].rows, "Crimea", "Russia").startswith("demands")

    # 2. Edit a stance while they are open: each one's next load shows it, with no server restart.
    rewrite(root, CRIMEA, "level: demands", "level: rejects")
    rewrite(root, CRIMEA, OLD_SUMMARY, NEW_SUMMARY)
    seen = await load_all(pages, shape)
    edited, problems = expected_matrix(root)
    assert problems == []
    assert disagreements(seen) == []
    assert seen[0].rows == edited and NEW_SUMMARY in seen[0].stance and OLD_SUMMARY not in seen[0].stance
    assert cell(edited, "Crimea", "Russia").startswith("rejects")

    # 3. Break one record of a file that holds another: the problem is listed, and the file's last good
    # version stays on screen, its stances marked, so the broken edit takes nothing off the page.
    rewrite(root, TERRITORY, GOOD_QUOTE, BAD_QUOTE)
    seen = await load_all(pages, shape)
    broken, problems = expected_matrix(root)
    assert len(problems) == 1 and problems[0].path == TERRITORY
    assert cell(broken, "Territory", "Ukraine") == NO_POSITION  # as `validate` sees the disk
    assert disagreements(seen) == []
    assert NEW_SUMMARY in seen[0].stance
    assert "1 data problem" in seen[0].problems
    assert f"{TERRITORY}:{problems[0].line}:" in seen[0].problems and str(problems[0]) in seen[0].problems
    changed = [
        (row[0], party, now)
        for row, before in zip(seen[0].rows[1:], edited[1:], strict=True)
        for party, now, then in zip(seen[0].rows[0][1:], row[1:], before[1:], strict=True)
        if now != then
    ]
    marked = [
        ("Territory", party, f"{cell(edited, 'Territory', party)} {PREVIOUS_VERSION_MARK}")
        for party in ("Ukraine", "Russia")
    ]
    assert changed == marked

    assert errors == []
    await context.close()


async def run(chromium: Path, base: str, root: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            await asyncio.wait_for(scenario(browser, base, root), timeout=SCENARIO_S)
        finally:
            await browser.close()


@pytest.mark.timeout(300)
def test_twenty_sessions_see_the_same_data_and_every_edit(
    chromium_path: Path, app_server: AppServerFactory, tmp_path: Path
) -> None:
    root = copy_data(tmp_path / "data")
    base = app_server(root)
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, run(chromium_path, base, root)).result(timeout=SCENARIO_S + 30)
