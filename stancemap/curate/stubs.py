"""The curation assistant's proposals written out: YAML stance stubs to paste, or JSON for tools."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable

from stancemap.curate.suggest import Candidate
from stancemap.model.dataset import Dataset
from stancemap.yamlio.write import yaml_string

SOURCE_PLACEHOLDER = "<id to fill>"


def copied_story(found: Iterable[Candidate]) -> tuple[str, int, int] | None:
    """(story, sentences also in it, sentences proposed) when most proposed sentences are in one story."""
    sentences: dict[int, tuple[str, ...]] = {c.sentence.index: c.same_story for c in found}
    counts = Counter(story for stories in sentences.values() for story in stories)
    if not counts:
        return None
    story, shared = counts.most_common(1)[0]
    return (story, shared, len(sentences)) if 2 * shared >= len(sentences) else None


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _comment(text: str) -> str:
    """Text safe for a YAML comment: one line."""
    return " ".join(re.sub(r"[\r\n\x85\u2028\u2029]", " ", text).split())


def render_yaml(found: Iterable[Candidate], data: Dataset, *, label: str, total: int | None = None) -> str:
    """Stance stubs grouped by issue, then party, as YAML ready to paste under `stances:`."""
    found = list(found)
    lines = [
        f"# Stance stubs suggested by `python -m stancemap suggest` for {_comment(label)}",
        f"# ({len(found)} proposals" + (f" of {total})." if total is not None else ")."),
        "# Everything below is a guess. For each stance: check the level against the issue's proposition,",
        "# write the summary, set `source` to the document's id (add it first with `python -m stancemap",
        "# add-source`), keep the best evidence, paste it under `stances:` in the issue's file and run",
        "# `python -m stancemap validate`.",
    ]
    copied = copied_story(found)
    if copied is not None:
        story, shared, proposed = copied
        lines.append(
            f"# {shared} of the {proposed} proposed sentences are also in {story} (already in the data): this"
        )
        lines.append(
            f"# looks like a syndicated copy; add it with copy_of: {story}. It is not new corroboration."
        )
    if not found:
        lines.append("# No sentence names both a tracked party and an issue keyword.")
        return "\n".join(lines) + "\n"
    groups: dict[str, dict[str, list[Candidate]]] = {}
    for candidate in found:
        groups.setdefault(candidate.issue, {}).setdefault(candidate.party, []).append(candidate)
    for issue, parties in groups.items():
        proposition = data.issues[issue].proposition
        lines.append("")
        lines.append(f"{issue}:  # positions/stances/{issue}.yaml")
        lines.append(f"  # proposition: {_comment(proposition)}")
        for items in parties.values():
            lines += _stub(items, data)
    return "\n".join(lines) + "\n"


def _stub(items: list[Candidate], data: Dataset) -> list[str]:
    """One stance stub: the best proposal's guesses, and every proposal as evidence."""
    best = items[0]
    lines = [
        f"  - party: {best.party}",
        f"    level: {best.level}  # GUESS {_comment(best.level_why)}; check it against the proposition",
        "    # summary: <write one neutral line>",
    ]
    quantity = next((item.quantity for item in items if item.quantity), None)
    if quantity is not None and data.issues[best.issue].quantity is not None:
        unit = data.issues[best.issue].quantity
        lines.append(
            f"    quantity: {_number(quantity.value)}  # GUESS in {_comment(unit.unit if unit else '')} from"
        )
        lines[-1] += f" '{_comment(quantity.text)}'"
    lines.append("    evidence:")
    for item in items:
        lines.append(f"      - source: {SOURCE_PLACEHOLDER}")
        lines.append(f"        quote: {yaml_string(item.sentence.text)}")
        lines.append(f"        speaker: {{name: {yaml_string(item.speaker)}}}")
        lines.append(f"        kind: {item.kind}  # GUESS: {_comment(item.kind_why)}")
        lines.append(f"        # score {item.score}: {_comment('; '.join(item.reasons))}")
        if item.party_inferred:
            lines.append(
                "        # the party is named only in a sentence before: set `attribution: inferred` and a"
            )
            lines.append("        # note saying why, or drop this evidence")
        if item.same_story:
            lines.append(
                f"        # same sentence in {_comment(', '.join(item.same_story))} (already in the data):"
                " the same story, not independent corroboration"
            )
        if item.curated:
            lines.append(f"        # already evidence at {_comment(', '.join(item.curated))}")
    return lines


def as_json(found: Iterable[Candidate]) -> str:
    """The proposals as a JSON list (for tools), best first."""
    rows = [
        {
            "sentence": c.sentence.text,
            "start": c.sentence.start,
            "end": c.sentence.end,
            "party": c.party,
            "issue": c.issue,
            "level": c.level,
            "level_why": c.level_why,
            "speaker": c.speaker,
            "kind": c.kind,
            "quantity": c.quantity.value if c.quantity else None,
            "score": c.score,
            "reasons": list(c.reasons),
            "party_inferred": c.party_inferred,
            "same_story": list(c.same_story),
            "curated": list(c.curated),
        }
        for c in found
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
