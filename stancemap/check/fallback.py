"""Loading one data file with a last good version to fall back on: the file on disk when it loads without
a problem, else its last good version when that one does (the app keeps them; `validate` passes none)."""

from __future__ import annotations

from collections.abc import Callable

from stancemap.check.context import LoadContext
from stancemap.check.files import DataFile, read_data_file, stale_file


def load_file(context: LoadContext, rel: str, load: Callable[[DataFile], None]) -> None:
    """Read `rel` and `load` it into the context; fall back to its last good version when the version on
    disk has problems (its own, or in what it refers to) and the last good one has none."""
    mark = context.mark()
    file = _read_and_load(context, rel, None, load)
    if len(context.problems) == mark.sizes["problems"]:
        if file is not None:
            context.data.clean[rel] = file.text
        return
    good = context.fallback.get(rel)
    if good is None or (file is not None and good == file.text):
        return
    found = context.undo(mark)
    earlier = _read_and_load(context, rel, good, load)
    if earlier is not None and len(context.problems) == mark.sizes["problems"]:
        # Served from its last good version; load_dataset lists what is wrong on disk with the rest.
        context.data.stale[rel] = stale_file(context.root, rel, tuple(found), good)
        return
    # The last good version no longer fits the other files either: the version on disk, as first read.
    context.undo(mark)
    _read_and_load(context, rel, file.text if file is not None else None, load)


def _read_and_load(
    context: LoadContext, rel: str, text: str | None, load: Callable[[DataFile], None]
) -> DataFile | None:
    """The file read (or parsed from `text`) and loaded; a file that cannot be read goes in `unread`."""
    file = read_data_file(context, rel, text)
    if file is None:
        context.data.unread.add(rel)
    else:
        load(file)
    return file
