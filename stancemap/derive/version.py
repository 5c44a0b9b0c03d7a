"""The dataset version: a short hash of the loaded data's content, printed with all that is published."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from stancemap.model.dataset import Dataset

VERSION_LENGTH = 12  # hex digits: 48 bits, no collision in any plausible number of releases


def dataset_version(data: Dataset) -> str:
    """The first 12 hex digits of the SHA-256 of the data's canonical content.

    The content is what the records say, not how the files are written: comments, whitespace, quoting
    style, key order and which file a stance sits in do not change it. The order of sources, parties and
    issues does (it is the order readers see); stances and events are compared as sets.
    """
    digest = hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
    return digest[:VERSION_LENGTH]


def canonical_json(data: Dataset) -> str:
    """The loaded records as one JSON text with sorted keys: the input of `dataset_version`."""
    content = {
        "sources": [_dump(source) for source in data.sources.values()],
        # A source registered without sha256 is still pinned by the text that was loaded for it.
        "texts": {
            sid: hashlib.sha256(text.text.encode("utf-8")).hexdigest() for sid, text in data.texts.items()
        },
        "parties": [_dump(party) for party in data.parties.values()],
        "issues": [_dump(issue) for issue in data.issues.values()],
        "stances": sorted(
            ({"issue": record.issue, "stance": _dump(record.stance)} for record in data.stances), key=_json
        ),
        "events": sorted((_dump(record.event) for record in data.events), key=_json),
    }
    return _json(content)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
