"""The dataset version: a short hash of the loaded data's content, printed with all that is published."""

from __future__ import annotations

import hashlib
import json

from stancemap.model.dataset import Dataset

VERSION_LENGTH = 12  # hex digits: 48 bits, no collision in any plausible number of releases


def dataset_version(data: Dataset) -> str:
    """The first 12 hex digits of the SHA-256 of the data's canonical content (`canonical_json`)."""
    digest = hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
    return digest[:VERSION_LENGTH]


def canonical_json(data: Dataset) -> str:
    """The loaded records as one JSON text: what they say, not how their files are written.

    Comments, whitespace, quoting, key order in the YAML and which file a stance sits in do not change
    it. The order of sources, parties and issues does (readers see it); stances and events are a set.
    Each record is serialised by pydantic in its schema's field order: as canonical as sorted keys, and
    six times faster than model_dump(mode="json") with json.dumps (0.22 s against 1.4 s at 10,000 stances).
    """
    sections = {
        "sources": [source.model_dump_json() for source in data.sources.values()],
        # A source registered without sha256 is still pinned by the text that was loaded for it.
        "texts": [
            json.dumps([sid, hashlib.sha256(text.text.encode("utf-8")).hexdigest()])
            for sid, text in data.texts.items()
        ],
        "parties": [party.model_dump_json() for party in data.parties.values()],
        "issues": [issue.model_dump_json() for issue in data.issues.values()],
        "stances": sorted(
            f"[{json.dumps(record.issue)},{record.stance.model_dump_json()}]" for record in data.stances
        ),
        "events": sorted(record.event.model_dump_json() for record in data.events),
    }
    return "{" + ",".join(f'"{name}":[{",".join(items)}]' for name, items in sections.items()) + "}"
