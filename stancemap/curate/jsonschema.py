"""JSON Schema files for editors, generated from the pydantic models by `python -m stancemap schema`."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from stancemap.model.schema import EventsFile, IssuesFile, PartiesFile, SourcesFile, StanceFile
from stancemap.yamlio.atomic import write_atomic

SCHEMA_DIR = "schema"
REGENERATE = "python -m stancemap schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# File names are fixed: the data files point at them in their `# yaml-language-server: $schema=` lines.
SCHEMAS: dict[str, type[BaseModel]] = {
    "sources.schema.json": SourcesFile,
    "parties.schema.json": PartiesFile,
    "issues.schema.json": IssuesFile,
    "events.schema.json": EventsFile,
    "stance-file.schema.json": StanceFile,
}


def render(model: type[BaseModel]) -> str:
    """One model's JSON Schema as deterministic text: sorted keys, indent 2, trailing newline."""
    schema = {"$schema": DRAFT, **model.model_json_schema()}
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name -> text of every schema file."""
    return {name: render(model) for name, model in SCHEMAS.items()}


def stale(root: Path) -> list[str]:
    """Paths (relative to `root`) of schema files that are missing or differ from the models."""
    found = []
    for name, text in generate().items():
        path = root / SCHEMA_DIR / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            found.append(f"{SCHEMA_DIR}/{name}")
    return found


def write(root: Path) -> list[str]:
    """Write the schema files that changed; return their relative paths."""
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in generate().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            # Bytes as generated ("\n" on every platform), so the committed bytes match the check.
            write_atomic(path, text)
            written.append(f"{SCHEMA_DIR}/{name}")
    return written
