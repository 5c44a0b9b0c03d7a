"""The one way Stancemap writes a file: all of it or none of it.

The new content goes to a temporary file in the same folder, is flushed to disk, and then takes the old
file's name in one os.replace (a rename: atomic on POSIX and Windows). A run killed midway leaves the old
file as it was, plus at most a hidden `.<name>.*.tmp` file, which the loader never reads as data.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: str | bytes, *, exclusive: bool = False, durable: bool = True) -> None:
    """Write `content` (str as UTF-8, line breaks kept as given) to `path` in one step.

    `exclusive`: never replace an existing file (FileExistsError), e.g. a seed, which is evidence.
    `durable`: flush the file and the rename to disk before returning, so a power cut cannot undo it; a
    cache that checks what it reads back can skip that (an fsync costs milliseconds a file).
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temp, _mode_for(path))
        if exclusive:
            os.link(temp, path)  # fails if `path` exists, where a rename would replace it
            os.unlink(temp)
        else:
            os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The permissions the file has now, or those a new file gets (mkstemp's own are owner-only)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk where the system allows opening a folder (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
