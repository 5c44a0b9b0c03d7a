"""Where the data lives: the repository root and each data file's place relative to a data root."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES_FILE = "seeds/sources.yaml"
PARTIES_FILE = "positions/parties.yaml"
ISSUES_FILE = "positions/issues.yaml"
EVENTS_FILE = "positions/events.yaml"
STANCES_DIR = "positions/stances"
# The most any file Stancemap reads may hold (a data file, a source text, a new document): a news article
# is tens of kilobytes and a data file a few hundred; the cap keeps a stray huge file out of memory.
MAX_FILE_BYTES = 5_000_000
# The published site's public address (python -m stancemap publish --base-url; the app links cells to it).
SITE_URL_VARIABLE = "STANCEMAP_SITE_URL"
CELL_PAGE = "cell/{party}/{issue}/index.html"  # a cell's page in the published site


def site_permalink(base_url: str, page: str) -> str:
    """A site page's public address, folder-style: `https://host/sub/cell/russia/crimea/`."""
    return base_url.rstrip("/") + "/" + page.removesuffix("index.html")
