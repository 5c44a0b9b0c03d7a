"""The one bounded reader behind data files, seed texts and add-source documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stancemap.curate.add_source import DocumentError, read_document
from stancemap.yamlio.reader import Refused, read_bounded


def test_reads_a_regular_file_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Kyiv talks\n")
    assert read_bounded(tmp_path / "a.txt", inside=tmp_path) == b"Kyiv talks\n"


def test_refuses_a_link_out_of_the_folder_before_opening_it(tmp_path: Path) -> None:
    inside, outside = tmp_path / "data", tmp_path / "secret.txt"
    inside.mkdir()
    outside.write_text("password")
    (inside / "link.txt").symlink_to(outside)
    with pytest.raises(Refused) as refused:
        read_bounded(inside / "link.txt", inside=inside)
    assert refused.value.reason == "outside"
    assert read_bounded(inside / "link.txt") == b"password"  # no folder given: a document anywhere


@pytest.mark.parametrize("how", ["directory", "fifo"])
def test_refuses_what_is_not_a_regular_file(tmp_path: Path, how: str) -> None:
    path = tmp_path / "odd"
    if how == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(Refused) as refused:
        read_bounded(path, inside=tmp_path)
    assert refused.value.reason == "not regular"


def test_refuses_a_file_over_the_cap_without_reading_it(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)
    with pytest.raises(Refused) as refused:
        read_bounded(tmp_path / "big.txt", max_bytes=1000)
    assert (refused.value.reason, refused.value.size) == ("too big", 1001)
    assert len(read_bounded(tmp_path / "big.txt", max_bytes=1001)) == 1001


def test_add_source_words_the_refusals_for_a_curator(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)
    with pytest.raises(DocumentError, match="larger than 1,000 bytes"):
        read_document(tmp_path / "big.txt", max_bytes=1000)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(tmp_path)
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "missing.txt")
