"""The content-addressed store keeps exactly the bytes it hashed, at every size boundary, with
direct I/O and without (tmpfs refuses O_DIRECT)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from audit.errors import InputError
from audit.evidence.store import CHUNK, SMALL, BlobStore

# Small files are read whole, large ones streamed (with direct I/O where allowed): both paths.
SIZES = [0, 1, 4095, 4096, CHUNK - 1, CHUNK, CHUNK + 17, SMALL, SMALL + 1, SMALL + CHUNK + 4096]
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


def test_a_batch_is_stored_once_and_all_or_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "store")
    files = []
    for name, data in (("a", b"policy"), ("b", b"report"), ("c", b"policy")):
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    first = store.put_many(files, 10**6)
    assert [b.new for b in first] == [True, True, False]  # the same bytes twice: stored once
    assert first[0].sha256 == first[2].sha256
    again = store.put_many(files, 10**6)
    assert not any(b.new for b in again)
    before = sorted(p.name for p in (tmp_path / "store").rglob("*"))
    (tmp_path / "d").write_bytes(b"new bytes")
    (tmp_path / "e").write_bytes(b"x" * 2_000)
    with pytest.raises(InputError, match="the limit is 1,000"):
        store.put_many([tmp_path / "d", tmp_path / "e"], 1_000)
    assert sorted(p.name for p in (tmp_path / "store").rglob("*")) == before
