"""Where each page and file of the published site lives, as paths relative to the site's root folder.

Every link in the site is relative (`../../index.html`), so it works from any sub-path and from file://;
links name `index.html` because file:// does not map a folder to its index.
"""

from __future__ import annotations

from stancemap.paths import CELL_PAGE, site_permalink

INDEX = "index.html"
ABOUT = "about/index.html"
CHANGELOG = "changelog/index.html"
PARTIES = "party/index.html"
ISSUES = "issue/index.html"
SOURCES = "source/index.html"
EMBED_MATRIX = "embed/matrix.html"
STANCES_JSON = "data/stances.json"
EVIDENCE_CSV = "data/evidence.csv"
QUOTES_JS = "data/quotes.js"
STYLESHEET = "assets/site.css"
SCRIPT = "assets/site.js"
MATRIX_SVG = "matrix.svg"
MATRIX_PNG = "matrix.png"
MARKER = ".stancemap-site"  # marks a folder as a site this command wrote, so a rebuild may empty it


def cell_page(party: str, issue: str) -> str:
    return CELL_PAGE.format(party=party, issue=issue)


def party_page(party: str) -> str:
    return f"party/{party}/index.html"


def issue_page(issue: str) -> str:
    return f"issue/{issue}/index.html"


def source_page(source: str) -> str:
    return f"source/{source}/index.html"


def embed_issue(issue: str) -> str:
    return f"embed/{issue}.html"


def root_of(page: str) -> str:
    """The relative way from `page` up to the site's root: '' for index.html, '../../../' for a cell."""
    return "../" * page.count("/")


def permalink(base_url: str | None, page: str) -> str | None:
    """The page's public address under `base_url`, folder-style (`…/cell/russia/crimea/`), or None."""
    return site_permalink(base_url, page) if base_url else None
