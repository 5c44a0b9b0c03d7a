"""The parser floor: the least work any loader of a data root must do. `python -m benchmarks.floor ROOT`

Reads every YAML file with rapidyaml into dicts (through its JSON writer), checks every source's sha256, and
finds every quote, fragment by fragment, with `str.find` in its folded source. No schema, no line numbers,
no messages: what is left when everything Stancemap adds on top is taken away. Prints one JSON line.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import ryml

# The same folding as stancemap.check.quotes (quote marks, dashes, whitespace runs), written plainly.
_FOLD = [(c, "'") for c in "‘’‚‛′ʼ"] + [(c, '"') for c in "“”„‟″"] + [(c, "-") for c in "‐‑‒–—―−"]
_ELISION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.")
_EDGES = " \t\n'\"‘’“”"


def fold(text: str) -> str:
    """Quote marks and dashes to their ASCII forms, whitespace runs to one space."""
    if not text.isascii():
        for variant, plain in _FOLD:
            text = text.replace(variant, plain)
    return " ".join(text.split())


def read_yaml(path: Path) -> object:
    """A YAML file as plain values, by rapidyaml."""
    tree = ryml.parse_in_arena(path.read_bytes())
    return json.loads(ryml.emit_json(tree))


def found(quote: str, folded: str) -> bool:
    """Whether every fragment of `quote` (split at elisions) is in `folded`, in order."""
    position = 0
    for piece in _ELISION.split(quote):
        part = fold(piece.strip(_EDGES))
        if not part:
            continue
        at = folded.find(part, position)
        if at < 0:
            return False
        position = at + len(part)
    return True


def floor(root: Path) -> dict[str, int]:
    """Read and check `root`; counts of what was read and what failed."""
    sources = read_yaml(root / "seeds" / "sources.yaml")["sources"]  # type: ignore[index]
    texts: dict[str, str] = {}
    bad_sha = 0
    for source in sources:
        raw = (root / "seeds" / source["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != source.get("sha256", hashlib.sha256(raw).hexdigest()):
            bad_sha += 1
            continue
        texts[source["id"]] = fold(raw.decode("utf-8"))
    read_yaml(root / "positions" / "parties.yaml")
    read_yaml(root / "positions" / "issues.yaml")
    quotes = missed = stances = 0
    for path in sorted((root / "positions" / "stances").glob("*.yaml")):
        for stance in read_yaml(path)["stances"]:  # type: ignore[index]
            stances += 1
            for evidence in stance["evidence"]:
                quotes += 1
                missed += not found(evidence["quote"], texts[evidence["source"]])
    events = root / "positions" / "events.yaml"
    for event in read_yaml(events)["events"] if events.exists() else []:  # type: ignore[index]
        quotes += 1
        missed += not found(event["quote"], texts[event["source"]])
    return {
        "sources": len(texts),
        "bad_sha256": bad_sha,
        "stances": stances,
        "quotes": quotes,
        "missed": missed,
    }


if __name__ == "__main__":
    print(json.dumps(floor(Path(sys.argv[1]))))
