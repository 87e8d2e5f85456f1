"""The content-addressed store keeps exactly the bytes it hashed, at every size boundary, with
direct I/O and without (tmpfs refuses O_DIRECT)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from audit.errors import InputError
from audit.evidence.store import CHUNK, BlobStore

SIZES = [0, 1, 4095, 4096, CHUNK - 1, CHUNK, CHUNK + 17, 3 * CHUNK + 4096]
ROOTS = ["tmp"] + (["shm"] if Path("/dev/shm").is_dir() else [])


@pytest.mark.parametrize("where", ROOTS)
def test_stored_bytes_match_their_hash(where: str, tmp_path: Path) -> None:
    root = tmp_path if where == "tmp" else Path(tempfile.mkdtemp(dir="/dev/shm"))
    store = BlobStore(root / "store")
    for size in SIZES:
        data = os.urandom(size)
        source = root / f"f{size}"
        source.write_bytes(data)
        blob = store.put(source, 10**9)
        assert blob.sha256 == hashlib.sha256(data).hexdigest() and blob.size == size and blob.new
        assert store.path_for(blob.sha256).read_bytes() == data
        assert store.put(source, 10**9).new is False
    assert not list((root / "store").glob(".incoming-*"))


def test_refusals_leave_nothing_behind(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "store")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 10_000)
    with pytest.raises(InputError, match="the limit is 1,000"):
        store.put(big, 1_000)
    link = tmp_path / "link"
    link.symlink_to(big)
    with pytest.raises(InputError, match="symbolic links are refused"):
        store.put(link, 10**6)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())
