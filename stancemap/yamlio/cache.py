"""Parse results kept per process, so an unchanged file is parsed once however often the data reloads."""

from __future__ import annotations

import threading
from collections import OrderedDict

from stancemap.model.problems import Problem
from stancemap.yamlio.doc import YamlDoc


class _ParseCache:
    """Parse results keyed by (display path, text), least recently used first out, bounded by text size.

    Streamlit lets any visitor clear its own cache, so a reload must not re-parse unchanged files. Callers
    never mutate a doc's value (the loader only validates it), which is what makes sharing one safe.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.entries: OrderedDict[tuple[str, str], tuple[YamlDoc | None, list[Problem]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[YamlDoc | None, list[Problem]] | None:
        """The cached result for `key`, or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0], list(found[1])
            return None

    def put(self, key: tuple[str, str], result: tuple[YamlDoc | None, list[Problem]]) -> None:
        """Remember `result`, dropping the oldest entries past the size bound."""
        size = len(key[1])
        if size > self.max_chars:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (result[0], list(result[1]))
            self.chars += size
            while self.chars > self.max_chars:
                old, _ = self.entries.popitem(last=False)
                self.chars -= len(old[1])

    def disable(self) -> None:
        """Keep nothing from now on: a one-shot process (the command line) reads each file once, and the
        kept texts and values were a sixth of its peak memory at 10,000 stances."""
        with self.lock:
            self.max_chars = 0
            self.entries.clear()
            self.chars = 0

    def clear(self) -> None:
        """Forget everything (tests use it to measure a cold parse)."""
        with self.lock:
            self.entries.clear()
            self.chars = 0


# 64 million characters is ten times the YAML of the 10,000-stance benchmark.
CACHE = _ParseCache(64_000_000)
clear_cache = CACHE.clear
