"""The generated parts of README.md (codebook with worked examples, normalization, export columns)."""

from __future__ import annotations

import re
from pathlib import Path

from stancemap.check import quotes
from stancemap.derive.export import COLUMNS
from stancemap.derive.matrix import current
from stancemap.model.codebook import KIND_MEANINGS, LEVEL_MEANINGS, RED_LINE_MEANING
from stancemap.model.dataset import Dataset
from stancemap.yamlio.atomic import write_atomic

# One real stance per level, so every worked example is a verified quote from the bundled data.
EXAMPLES: dict[str, tuple[str, str]] = {
    "demands": ("russia", "crimea"),
    "supports": ("us", "donbas"),
    "conditional": ("ukraine", "elections"),
    "opposes": ("ukraine", "territory"),
    "rejects": ("ukraine", "donbas"),
}
_SECTION = re.compile(r"(<!-- generated:(?P<name>[a-z-]+) -->\n).*?(\n<!-- /generated -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def codebook(data: Dataset) -> str:
    cells = current(data)
    rows = ["| level | meaning | worked example (from the bundled data) |", "|---|---|---|"]
    for level, meaning in LEVEL_MEANINGS.items():
        party, issue = EXAMPLES[level]
        record = cells[(party, issue)]
        assert record.stance.level == level, f"codebook example {party} × {issue} is no longer {level}"
        evidence = record.stance.evidence[0]
        topic = data.issues[issue]
        example = (
            f"**{data.parties[party].name} × {topic.title}** (“{topic.proposition}”): "
            f"{evidence.quote} — {evidence.speaker.name}, in *{data.sources[evidence.source].headline}* "
            f"({evidence.kind})"
        )
        rows.append(f"| `{level}` | {meaning} | {_cell(example)} |")
    rows.append("")
    rows.append(f"A **red line** (`RED LINE`) can mark any level. {RED_LINE_MEANING}  ")
    rows.append("A cell with no stance is **no recorded position**: the sources are silent on it.")
    rows.append("")
    rows.append("| evidence kind | meaning |")
    rows.append("|---|---|")
    rows.extend(f"| `{kind}` | {meaning} |" for kind, meaning in KIND_MEANINGS.items())
    return "\n".join(rows)


def normalization() -> str:
    """The matching rules from quotes.py's docstring, then the evidence floor from its constants."""
    doc = quotes.__doc__ or ""
    return doc.split("\n", 2)[2].strip() + "\n\n" + quotes.EVIDENCE_FLOOR


def export_columns() -> str:
    rows = ["| column | meaning |", "|---|---|"]
    rows.extend(f"| `{name}` | {_cell(meaning)} |" for name, meaning in COLUMNS.items())
    return "\n".join(rows)


def render(readme: str, data: Dataset) -> str:
    """README text with every generated section replaced by its current content."""
    parts = {"codebook": codebook(data), "normalization": normalization(), "export-columns": export_columns()}
    return _SECTION.sub(lambda m: m.group(1) + parts[m.group("name")] + m.group(3), readme)


def update(path: Path, data: Dataset) -> bool:
    """Rewrite the generated sections of `path`; True when anything changed."""
    old = path.read_text(encoding="utf-8")
    new = render(old, data)
    if new != old:
        write_atomic(path, new)
    return new != old
