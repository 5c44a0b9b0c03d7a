"""Fixtures and page helpers for the browser tests.

`app_server(root)` serves app.py over the data folder `root` on a free loopback port and returns its base
URL; `browser` is headless Debian Chromium under Playwright's sync API. The helpers wait the way Streamlit's
own browser tests do (the health endpoint, then `data-test-script-state="notRunning"`) and read the matrix
from the ARIA grid that glide-data-grid keeps inside its canvas, since the cells themselves are only painted.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from stancemap.check.load import ROOT, load_dataset
from stancemap.derive.frames import build_matrix
from stancemap.model.problems import Problem
from stancemap.ui.matrix_view import ISSUE_WIDTH, PARTY_WIDTH

REPO = ROOT
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here; these keep Chromium off the network and quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Wide enough for the whole matrix next to the sidebar (glide-data-grid leaves columns out of view undrawn).
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT = 60.0  # seconds for a server to answer /_stcore/health
TIMEOUT_MS = 30_000  # every Playwright wait in the sync tests

APP = '[data-testid="stApp"]'
DATAFRAME = '[data-testid="stMain"] [data-testid="stDataFrame"]'
MATRIX = '.st-key-matrix [data-testid="stDataFrame"]'  # st.dataframe(key="matrix") sits in .st-key-matrix
# The rows of a dataframe's ARIA grid (header first), as the cell texts; glide-data-grid renders it inside
# the canvas element, so it is in the DOM but has no layout boxes.
GRID_JS = """frame => [...frame.querySelectorAll('table[role="grid"] tr')].map(
    tr => [...tr.querySelectorAll('th, td')].map(cell => cell.textContent))"""

Rows = list[list[str]]
T = TypeVar("T")


# ── the app server ─────────────────────────────────────────────────────────────────────────────────────


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Loopback only: never route the health check through a proxy from the environment.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """`directory` served by `python -m http.server` on a free loopback port: its base URL once it answers."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with _LOCAL.open(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"python -m http.server on port {port} did not answer") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        with _LOCAL.open(f"{url}/_stcore/health", timeout=2) as answer:
            return bool(answer.read().strip() == b"ok")
    except OSError:
        return False


class AppServer:
    """One `streamlit run app.py` process over one data folder, in its own process group."""

    def __init__(self, root: Path, logs: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = logs / f"streamlit-{self.port}.out"
        self.err = logs / f"streamlit-{self.port}.err"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",  # the app re-reads the data by fingerprint; nothing needs the file watcher
        ]
        env = os.environ | {"STANCEMAP_DATA_ROOT": str(root), "PYTHONUNBUFFERED": "1"}
        with self.out.open("wb") as out, self.err.open("wb") as err:
            # cwd=REPO: app.py and .streamlit/config.toml (no tracebacks for viewers) are found there.
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=out, stderr=err, start_new_session=True
            )

    def logs(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def wait_until_up(self) -> bool:
        """True once this process answers; False if it exited because its port was taken (a race)."""
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "is not available" in self.logs():
                    return False
                pytest.fail(f"streamlit exited with {self.process.returncode}:\n{self.logs()[-4000:]}")
            # The health check alone could be answered by someone else's server that took the port first.
            if _healthy(self.url) and self.url in self.logs():
                return True
            time.sleep(0.2)
        logs = self.logs()
        self.stop()
        pytest.fail(
            f"{self.url}/_stcore/health did not answer 'ok' in {HEALTH_TIMEOUT:.0f} s:\n{logs[-4000:]}"
        )

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


AppServerFactory = Callable[[Path], str]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServerFactory]:
    """`app_server(root)` -> the base URL of the app serving data folder `root` (one server per root and
    module, stopped with its process group at the end of the module)."""
    logs = tmp_path_factory.mktemp("streamlit-logs")
    servers: dict[Path, AppServer] = {}

    def start(root: Path) -> str:
        root = root.resolve()
        if root not in servers:
            for _ in range(3):
                server = AppServer(root, logs)
                if server.wait_until_up():
                    servers[root] = server
                    break
            else:
                pytest.fail("streamlit found no free loopback port in 3 tries")
        return servers[root].url

    yield start
    for server in servers.values():
        server.stop()


# ── the browser ────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"Debian chromium is not installed at {CHROMIUM}: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context (its own cookies and Streamlit session)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


# ── page helpers ───────────────────────────────────────────────────────────────────────────────────────


def wait_for_app(page: Page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the script run is over, then check it raised nothing."""
    page.wait_for_selector(APP, timeout=timeout)
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector(f'{APP}[data-test-script-state="notRunning"]', timeout=timeout)
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.all_inner_texts()


def open_app(page: Page, url: str) -> None:
    """Open `url` and wait for the app to finish its first run (the title is drawn by the script)."""
    page.goto(url, timeout=TIMEOUT_MS)
    page.get_by_role("heading", name="Stancemap").wait_for()
    wait_for_app(page)


def settled(read: Callable[[], T], expected: T, timeout: float = 5.0) -> T:
    """`read()` once it returns `expected`, else its last value after `timeout` s (to assert on): some
    widgets fill in a moment after the script run has ended."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = read()
    return value


def grid(page: Page, frame: str = MATRIX, index: int = 0) -> Rows:
    """The cell texts of a dataframe's ARIA grid, header row first (the `index`-th `frame` on the page)."""
    table = page.locator(frame).nth(index)
    table.locator('[data-testid="glide-cell-0-0"]').wait_for(state="attached")
    rows: Rows = table.evaluate(GRID_JS)
    return rows


def expected_matrix(
    root: Path,
    *,
    parties: tuple[str, ...] = (),
    issues: tuple[str, ...] = (),
    as_of: dt.date | None = None,
    quoted_only: bool = False,
) -> tuple[Rows, list[Problem]]:
    """The matrix rows the app should show for data folder `root` under these filters (empty: all), and the
    data problems it should list: an oracle built from the same pure functions the page uses."""
    today = dt.date.today()  # the app uses the real today
    data, problems = load_dataset(root, today=today)
    table = build_matrix(
        data,
        parties=parties or tuple(data.parties),
        issues=issues or tuple(data.issues),
        as_of=as_of,
        quoted_only=quoted_only,
        today=today,
    ).text
    rows = [["Issue", *map(str, table.columns)]]
    rows += [
        [str(issue), *map(str, cells)] for issue, cells in zip(table.index, table.to_numpy(), strict=True)
    ]
    return rows, problems


def cell_point(page: Page, issue: str, party: str, inset: float | None = None) -> tuple[float, float]:
    """The page point `inset` px into the matrix cell of `party` (column header) on `issue` (row label),
    halfway down it; the cell's centre when `inset` is None.

    The columns have fixed widths (ISSUE_WIDTH for the issue titles, PARTY_WIDTH for each party); the header
    is a canvas of its own, so the row height is (grid height - header height) / rows.
    """
    rows = grid(page)
    column = rows[0].index(party)
    row = [r[0] for r in rows[1:]].index(issue)
    canvas = page.locator(f'{MATRIX} .dvn-underlay canvas[data-testid="data-grid-canvas"]')
    header = page.locator(f"{MATRIX} .dvn-underlay canvas").nth(1)
    body, top = canvas.bounding_box(), header.bounding_box()
    assert body is not None and top is not None, "the matrix canvas is not laid out"
    row_height = (body["height"] - top["height"]) / (len(rows) - 1)
    width = PARTY_WIDTH if column else ISSUE_WIDTH
    left = body["x"] + (ISSUE_WIDTH if column else 0) + max(column - 1, 0) * PARTY_WIDTH
    x = left + (width / 2 if inset is None else inset)
    y = body["y"] + top["height"] + (row + 0.5) * row_height
    return x, y


def click_cell(page: Page, issue: str, party: str) -> None:
    """Click the centre of the matrix cell of `party` on `issue` where it is painted."""
    page.mouse.click(*cell_point(page, issue, party))
    # The ARIA grid marks the clicked cell selected: proof that the computed point hit the intended cell.
    rows = grid(page)
    column, row = rows[0].index(party), [r[0] for r in rows[1:]].index(issue)
    cell = page.locator(f'{MATRIX} [data-testid="glide-cell-{column}-{row}"][aria-selected="true"]')
    cell.wait_for(state="attached")


def painted(page: Page, x: float, y: float) -> str:
    """The colour the matrix canvas painted at page point (x, y), as #rrggbb."""
    canvas = page.locator(f'{MATRIX} .dvn-underlay canvas[data-testid="data-grid-canvas"]')
    colour: str = canvas.evaluate(
        """(canvas, [x, y]) => {
            const box = canvas.getBoundingClientRect();
            const scale = canvas.width / box.width;
            const [r, g, b] = canvas.getContext("2d")
                .getImageData((x - box.left) * scale, (y - box.top) * scale, 1, 1).data;
            return "#" + [r, g, b].map(v => v.toString(16).padStart(2, "0")).join("");
        }""",
        [x, y],
    )
    return colour


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page to artifacts/<name>: the viewport is grown to the main area's scroll height,
    because Streamlit scrolls inside the main area, so a full-page shot alone would cut it off."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.locator('[data-testid="stMain"]').evaluate("main => main.scrollHeight")
    size = page.viewport_size or VIEWPORT
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height) + 40)})
    page.wait_for_timeout(300)  # let the canvas repaint at the new size
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
