"""Cyclic garbage collection held off while loads run: a load makes many objects and no cycles."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _GcPause:
    """Holds off cyclic garbage collection while loads run; concurrent loads share one pause.

    A load allocates hundreds of thousands of objects and no cycles, and the collector would walk them all
    several times over (a quarter of the load time at 10,000 stances).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loads = 0
        self.restore = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.loads == 0:
                self.restore = gc.isenabled()
                gc.disable()
            self.loads += 1
        try:
            yield
        finally:
            with self.lock:
                self.loads -= 1
                if self.loads == 0 and self.restore:
                    gc.enable()


gc_paused = _GcPause()
