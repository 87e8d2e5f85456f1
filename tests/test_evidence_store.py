"""The content-addressed store keeps exactly the bytes it hashed, at every size boundary, with
direct I/O and without (tmpfs refuses O_DIRECT)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from audit.errors import InputError
from audit.evidence.store import CHUNK, INCOMING, SMALL, BlobStore
from audit.locks import sweep

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


# A child process that stores under a file-size limit: the portable way to make writes fail
# as on a full disk (the limit refuses them with EFBIG where a full disk says ENOSPC).
FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from audit.errors import WorkspaceError
from audit.evidence.store import BlobStore
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
try:
    BlobStore(Path(sys.argv[1])).put_many([Path(p) for p in sys.argv[2:]], 1 << 30)
except WorkspaceError as exc:
    print("refused:", *exc.lines())
"""


@pytest.mark.parametrize("size", [3 << 20, SMALL + CHUNK + 1])  # read whole; streamed
def test_a_full_disk_refuses_cleanly_and_leaves_nothing(size: int, tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "evidence.bin"
    source.write_bytes(os.urandom(size))
    small = tmp_path / "small.txt"
    small.write_bytes(b"fits")
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(store), str(small), str(source)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # no BufferError, no traceback
    assert done.stdout.startswith(f"refused: cannot store evidence in {store}: File too large")
    assert "nothing was stored" in done.stdout
    assert [p for p in store.rglob("*") if p.is_file()] == []  # the small file went back too


HOLDER = """
import sys, time
from pathlib import Path
from audit.evidence.store import INCOMING
from audit.locks import temporary_folder
with temporary_folder(Path(sys.argv[1]), INCOMING) as batch:
    (batch / "large-copy").write_bytes(b"x" * 100_000)
    print(batch, flush=True)
    time.sleep(60)
"""


def test_what_a_killed_copy_left_is_swept_and_a_live_copy_is_not(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    store = BlobStore(tmp_path / "store")
    store.root.mkdir()
    holders = [
        subprocess.Popen(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", HOLDER, str(store.root)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    killed, live = (Path(h.stdout.readline().strip()) for h in holders if h.stdout)
    holders[0].send_signal(signal.SIGKILL)
    holders[0].wait()
    old = store.root / ".incoming-k3x_9q0z"  # a temporary file of an earlier version
    old.write_bytes(b"y")
    other = store.root / ".incoming-notes.txt"  # not a name we make: never ours to remove
    other.write_bytes(b"z")
    try:
        assert killed.exists() and live.exists()
        (tmp_path / "a").write_bytes(b"policy")
        store.put(tmp_path / "a", 10**6)
        assert not killed.exists() and not old.exists() and other.exists()
        assert live.exists() and (live / "large-copy").exists()  # still being written
    finally:
        holders[1].kill()
        holders[1].wait()
    assert sweep(store.root, INCOMING) == [live]
