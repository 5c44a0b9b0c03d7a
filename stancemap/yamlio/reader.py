"""One bounded, safe file reader for every file Stancemap reads: data files, seed texts, new documents."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path
from typing import Literal

from stancemap.model.problems import Problem
from stancemap.paths import MAX_FILE_BYTES
from stancemap.yamlio.doc import line_col

Refusal = Literal["outside", "not regular", "too big", "grew", "changed"]
NUL_MESSAGE = "file contains NUL bytes, so it is binary, not YAML text; save it as plain UTF-8 text"
# O_NONBLOCK: a file swapped for a FIFO after the stat must not hang the server on open.
# O_NOFOLLOW: a file swapped for a symlink after realpath must not be followed.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


class Refused(Exception):
    """A file the reader will not read, for a `reason` each caller words for its own readers."""

    def __init__(self, reason: Refusal, size: int = 0) -> None:
        super().__init__(reason)
        self.reason: Refusal = reason
        self.size = size  # the file's size, for "too big"


def read_bounded(path: Path, *, inside: Path | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`, which must resolve to a place inside the folder `inside`
    (when given) and hold at most `max_bytes`.

    Raises Refused, or the OSError the system gives (FileNotFoundError, PermissionError, ELOOP).
    """
    real = os.path.realpath(path)
    # Checked before any open, so a link to a secrets file is never read (and never echoed in an error).
    if inside is not None:
        real_inside = os.path.realpath(inside)
        if os.path.commonpath([real_inside, real]) != real_inside:
            raise Refused("outside")
    return read_regular(real, max_bytes)


def read_regular(real: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `real`, which is not followed if it is a symlink, holding at most
    `max_bytes`: for a caller that has resolved or listed the path itself (read_bounded, a folder walk).

    Raises Refused, or the OSError the system gives (FileNotFoundError, PermissionError, ELOOP).
    """
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):
        raise Refused("not regular")
    if info.st_size > max_bytes:
        raise Refused("too big", info.st_size)
    fd = os.open(real, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused("not regular")
        chunks: list[bytes] = []
        total = 0
        # The file may grow after the stat; read at most one byte past the limit to notice.
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    if total > max_bytes:
        raise Refused("grew", total)
    if after.st_size != total or after.st_mtime_ns != info.st_mtime_ns:
        raise Refused("changed")
    return b"".join(chunks)


def size_text(n: int) -> str:
    """A byte count in decimal units, e.g. '7.3 MB', '5 MB', '120 bytes'."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if n >= scale:
            return f"{n / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} bytes"


def read_data_text(path: Path, root: Path, shown: str, max_bytes: int) -> tuple[str, Problem | None]:
    """A data file's UTF-8 text, or a problem (at `shown`) that says why it was not read."""

    def fail(message: str) -> tuple[str, Problem]:
        return "", Problem(shown, 0, 0, message)

    try:
        data = read_bounded(path, inside=root, max_bytes=max_bytes)
    except Refused as refused:
        return fail(_REFUSED[refused.reason].format(size=size_text(refused.size), limit=size_text(max_bytes)))
    except FileNotFoundError:
        return fail("file not found (moved or deleted while loading?); check the path and reload")
    except PermissionError:
        return fail("cannot read file: permission denied; make it readable")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return fail("file became a symlink while loading and was not read; replace it with a real file")
        reason = exc.strerror or type(exc).__name__
        return fail(f"cannot read file ({reason}); check that it is a readable file")
    return _decode(data, shown)


_REFUSED: dict[Refusal, str] = {
    "outside": "file points outside the data folder (a symlink?) and was not read; "
    "put the real file inside the data folder",
    "not regular": "not a regular file (a folder, pipe or device); only plain YAML files are read",
    "too big": "file is {size}, over the {limit} limit; split it",
    "grew": "file grew past the {limit} limit while loading; split it",
    "changed": "file changed while it was being read (a save in progress?); reload to read it again",
}


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """UTF-8 text (BOM optional), or a problem at the line and column of the first bad byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Problem(shown, 1, 1, "file is saved as UTF-16; save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        prefix = data[:nul].decode("utf-8", errors="replace")
        line, col = line_col(prefix, len(prefix))
        return "", Problem(shown, line, col, NUL_MESSAGE)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # Everything before the first bad byte is valid, so it can be decoded to count lines and columns.
        prefix = data[: exc.start].decode("utf-8")
        line, col = line_col(prefix, len(prefix))
        message = (
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (the file may be Latin-1 or Windows-1252); "
            "save the file as UTF-8"
        )
        return "", Problem(shown, line, col, message)
