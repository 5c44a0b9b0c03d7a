"""What last known good costs: a load with and without the fallback, keeping and reading back the snapshot
folder, and a load with a broken file served from its last good version. Prints figures, asserts nothing.

    python -m benchmarks.last_good [scale]     (default: target, 10,000 stances)
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import generate
from stancemap.check.lastgood import LastGood, read_snapshots
from stancemap.check.load import load_dataset

TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


def best_of(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str]) -> int:
    scale = argv[0] if argv else "target"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        generate(root, scale)
        data, problems = load_dataset(root, today=TODAY)  # warms the parse cache, as a server is
        assert not problems, problems[:3]
        texts = dict(data.clean)
        size = sum(len(t.encode()) for t in texts.values())
        print(f"{scale}: {len(data.stances)} stances, {len(texts)} files, {size / 1e6:.1f} MB of text")
        plain = best_of(lambda: load_dataset(root, today=TODAY))
        with_fallback = best_of(lambda: load_dataset(root, today=TODAY, fallback=texts))
        print(f"load (warm parse cache), no fallback:     {plain:.3f} s")
        print(f"load (warm parse cache), with fallback:   {with_fallback:.3f} s")
        folder = Path(tmp) / "snapshots"
        store = LastGood(folder)
        started = time.perf_counter()
        store.keep(texts, {}, NOW)
        kept = time.perf_counter() - started
        store.flush()
        print(f"first keep of every file, load waits:     {kept:.3f} s")
        print(f"  and its background write to disk:       {time.perf_counter() - started:.3f} s")
        again = best_of(lambda: store.keep(texts, {}, NOW))
        print(f"keep again, nothing changed:              {again:.4f} s")
        print(f"read the snapshot folder (a restart):     {best_of(lambda: read_snapshots(folder)):.3f} s")
        stance = next(rel for rel in texts if rel.startswith("positions/stances/"))
        (root / stance).write_text(texts[stance].replace("evidence:", "evidence: [", 1))
        broken = [best_of(lambda: load_dataset(root, today=TODAY, fallback=texts))]
        (root / stance).write_text(texts[stance])
        (root / "positions/parties.yaml").write_bytes(texts["positions/parties.yaml"].encode("utf-16"))
        broken.append(best_of(lambda: load_dataset(root, today=TODAY, fallback=texts)))
        print(f"load, a stance file broken, served stale: {broken[0]:.3f} s")
        print(f"load, parties.yaml broken, served stale:  {broken[1]:.3f} s")
        ratio = statistics.median(broken) / plain
        print(f"(median of the two stale loads against a clean one: ×{ratio:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
