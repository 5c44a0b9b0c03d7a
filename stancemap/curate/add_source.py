"""`add-source`: copy a document into seeds/ under a content-hash name and append it to sources.yaml."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stancemap.check.quotes import normalize
from stancemap.model.dates import FuzzyDate
from stancemap.model.problems import StancemapError
from stancemap.model.schema import Source
from stancemap.paths import MAX_FILE_BYTES
from stancemap.yamlio.atomic import write_atomic
from stancemap.yamlio.parse import parse_yaml
from stancemap.yamlio.reader import Refused, read_bounded
from stancemap.yamlio.write import yaml_string

SEED_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}\.txt$")
# Written when the curator gives no --basis: the loader requires a basis, and this one says it is unchecked.
DEFAULT_BASIS = "date given by the curator with add-source; not yet checked against the text"
NO_OUTLET = "-"
# The command-line option that sets each field, for error messages.
OPTIONS = {
    "id": "--id",
    "headline": "--title",
    "outlet": "--outlet",
    "author": "--author",
    "published": "--published",
    "published_basis": "--basis",
    "url": "--url",
}


class DocumentError(StancemapError):
    """A document or data file that cannot be used; one line, about `where` (None: the document itself)."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Added:
    """What add-source wrote."""

    id: str
    file: str
    entry: str  # the YAML text appended to sources.yaml


def read_document(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[bytes, str]:
    """The raw bytes and decoded text of a plain-text UTF-8 document; DocumentError says what is wrong."""
    try:
        raw = read_bounded(path, max_bytes=max_bytes)
    except Refused as refused:
        if refused.reason == "changed":
            raise DocumentError("changed while it was being read; try again when it is saved") from None
        if refused.reason in ("too big", "grew"):
            raise DocumentError(f"larger than {max_bytes:,} bytes; is this really one article?") from None
        raise DocumentError("not a regular file") from None
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except OSError as err:
        raise DocumentError(f"cannot be read ({err.strerror or type(err).__name__})") from None
    nul = raw.find(b"\0")
    if nul >= 0:
        raise DocumentError(f"binary file (NUL byte at offset {nul}); save the article as plain UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DocumentError(
            f"not UTF-8 text (byte 0x{raw[err.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise DocumentError("file is empty")
    return raw, text


def slug(title: str, limit: int = 40) -> str:
    """A source id from a headline: ASCII words, lower case, joined by hyphens, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    # Ids must start with a letter.
    return out if out[:1].isalpha() else f"source-{out}".rstrip("-")


def _existing(root: Path) -> tuple[str, dict[str, int], dict[str, str]]:
    """sources.yaml text, its ids with their lines, and file name -> id."""
    path = root / "seeds" / "sources.yaml"
    if not path.is_file():
        raise DocumentError("no seeds/sources.yaml here; pass --root with the data folder", str(root))
    text = path.read_bytes().decode("utf-8-sig")
    doc, problems = parse_yaml(text, "seeds/sources.yaml")
    value = doc.value if doc is not None else None
    items = value.get("sources") if isinstance(value, dict) else None
    if doc is None or not isinstance(items, list):
        first = problems[0] if problems else "no 'sources:' list"
        raise DocumentError(f"cannot be read ({first}); fix it first", "seeds/sources.yaml")
    ids: dict[str, int] = {}
    files: dict[str, str] = {}
    for index, item in enumerate(items):
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                ids[item["id"]] = doc.locate(("sources", index, "id"))[0]
            if isinstance(item.get("file"), str):
                files[item["file"]] = str(item.get("id"))
    return text, ids, files


def _duplicate_of(seeds: Path, text: str, files: dict[str, str]) -> str | None:
    """The seed file whose normalised text equals `text`, named with its source id when it has one."""
    wanted = normalize(text)
    for path in sorted(seeds.glob("*.txt")):
        try:
            other = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if normalize(other) == wanted:
            known = f" (source {files[path.name]!r})" if path.name in files else ""
            return f"seeds/{path.name}{known}"
    return None


def _next_name(seeds: Path, raw: bytes) -> str:
    numbers = [int(m.group(1)) for p in seeds.iterdir() if (m := SEED_NAME.match(p.name))]
    return f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(raw).hexdigest()[:16]}.txt"


def render_entry(fields: dict[str, Any]) -> str:
    """The YAML text of one sources.yaml list item, in the file's own style."""
    lines = []
    for index, (key, value) in enumerate(fields.items()):
        lead = "  - " if index == 0 else "    "
        # Ids, file names and hashes match strict patterns, so they read back as the same text unquoted.
        plain = key in ("id", "file") or (key == "sha256" and not value.isdigit())
        shown = value if plain else yaml_string(value)
        lines.append(f"{lead}{key}: {shown}")
    return "\n".join(lines) + "\n"


def add_source(
    root: Path,
    document: Path,
    *,
    title: str,
    published: str,
    outlet: str | None = None,
    basis: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
    author: str | None = None,
    today: dt.date | None = None,
) -> Added:
    """Copy `document` into root/seeds and append its validated entry to seeds/sources.yaml."""
    raw, text = read_document(document)
    seeds = root / "seeds"
    existing, ids, files = _existing(root)
    source_id = source_id or slug(title)
    if source_id in ids:
        raise DocumentError(
            f"id {source_id!r} is already in seeds/sources.yaml (line {ids[source_id]}); pass another --id"
        )
    duplicate = _duplicate_of(seeds, text, files)
    if duplicate is not None:
        raise DocumentError(f"the same text is already in {duplicate}")
    name = _next_name(seeds, raw)
    fields: dict[str, Any] = {"id": source_id, "file": name}
    if "sha256" in Source.model_fields:
        fields["sha256"] = hashlib.sha256(raw).hexdigest()
    fields["headline"] = title
    if outlet and outlet != NO_OUTLET:
        fields["outlet"] = outlet
    if author:
        fields["author"] = author
    fields["published"] = published
    fields["published_basis"] = basis or DEFAULT_BASIS
    if url:
        fields["url"] = url
    try:
        # The validation context's today refuses a publication date in the future.
        Source.model_validate(fields, context={"today": today or dt.date.today()})
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise DocumentError(f"{OPTIONS.get(field, field or 'entry')}: {message}") from None
    entry = render_entry(fields)
    separator = "" if existing.endswith("\n") else "\n"
    addition = f"{separator}\n{entry}"
    _check_appended(existing + addition, fields)
    target, registry = seeds / name, seeds / "sources.yaml"
    before = registry.read_bytes()
    if before.decode("utf-8-sig") != existing:
        raise DocumentError("changed while the source was being added; run the command again", str(registry))
    # Exclusive: never overwrite a seed, which is evidence. Each file is written whole or not at all.
    write_atomic(target, raw, exclusive=True)
    try:
        write_atomic(registry, before + addition.encode("utf-8"))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Added(source_id, name, entry)


def _check_appended(text: str, fields: dict[str, Any]) -> None:
    """Parse the would-be file and confirm its last entry is exactly the new one."""
    doc, problems = parse_yaml(text, "seeds/sources.yaml")
    value = doc.value if doc is not None else None
    items = value.get("sources") if isinstance(value, dict) else None
    if problems or not isinstance(items, list) or items[-1] != fields:
        raise DocumentError(
            "appending would not give a valid file (does it end inside another block?); nothing was written",
            "seeds/sources.yaml",
        )


def parse_published(value: str) -> str:
    """Check a --published value early, so the error names the option."""
    FuzzyDate.parse(value)
    return value
