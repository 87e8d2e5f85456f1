"""Content-addressed evidence files under `.audit/evidence/<aa>/<sha256>`.

Symlinks, non-regular files and files over the size limit are refused before a byte is read.

Most evidence is small (a policy, a certificate, a report of a few pages). A small file is read
into memory and hashed first: bytes already held are neither copied nor synced again. The new
files of a batch (one questionnaire's evidence) are all written, then synced, then moved into
place, and each folder they landed in is synced once.

A large file is read once: a reader thread fills buffers, each is hashed, and a writer thread
copies it to a temporary file, which is then synced and moved into place the same way, unless
the same bytes are already stored.

Where the filesystem allows it the copy is written with O_DIRECT from page-aligned buffers: on
the machines we measured, buffered writes of large files ran at a quarter of the speed of
hashing (page-cache writeback throttling), direct writes at the same speed, and with hashing and
writing overlapped, ingest runs close to the speed of hashing alone.

Copies under way live in a private `.incoming-*` folder that the writing process holds locked; a
process killed half-way leaves its folder unlocked, and the next store removes it. A full or
read-only disk is refused as the workspace's problem, with nothing moved into place.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import queue
import stat
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audit.errors import InputError, WorkspaceError
from audit.locks import temporary_folder

CHUNK = 2 * 1024 * 1024  # a multiple of every block size O_DIRECT may require
SMALL = 8 * 1024 * 1024  # read whole, hashed before anything is written
BUFFERS = 4
O_DIRECT = getattr(os, "O_DIRECT", 0)
INCOMING = ".incoming-"  # temporary folders (and, before them, files) of copies under way


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int
    new: bool


def _open_regular(path: Path, max_bytes: int) -> int:
    """An fd on `path`, refusing symlinks (even swapped in after a check), anything but a
    regular file, and oversize files. Opened non-blocking: opening a FIFO (a vendor archive can
    carry one) would otherwise wait for a writer for ever; a regular file reads the same."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise InputError(f"{path}: symbolic links are refused; pass the file itself") from None
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(f"{path}: not a regular file")
    if info.st_size > max_bytes:
        os.close(fd)
        raise InputError(
            f"{path}: file is {info.st_size:,} bytes; the limit is {max_bytes:,}",
            hint="raise limits.evidence_bytes in audit.toml if this is expected",
        )
    return fd


def check_file(path: Path, max_bytes: int) -> None:
    """Refuse what `put` would refuse, without storing anything."""
    os.close(_open_regular(path, max_bytes))


class _Reader:
    """Reads the source into free buffers on its own thread, so that copying from the page
    cache overlaps with hashing; hands `(buffer, length)` on, `length` 0 at the end."""

    def __init__(self, fd: int, free: queue.Queue[mmap.mmap]) -> None:
        self.fd = fd
        self.free = free
        self.ready: queue.Queue[tuple[mmap.mmap, int] | OSError] = queue.Queue()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.is_set():
            buffer = self.free.get()
            if self.stopped.is_set():
                return
            try:
                length = os.readv(self.fd, [buffer])
            except OSError as exc:
                self.ready.put(exc)
                return
            self.ready.put((buffer, length))
            if not length:
                return

    def stop(self) -> None:
        self.stopped.set()
        self.free.put(mmap.mmap(-1, mmap.PAGESIZE))  # wakes a reader waiting for a buffer
        self.thread.join()


class _Writer:
    """Writes filled buffers to `fd` on its own thread; direct I/O while blocks stay aligned."""

    def __init__(self, fd: int, direct: bool) -> None:
        self.fd = fd
        self.direct = direct
        self.free: queue.Queue[mmap.mmap] = queue.Queue()
        self.full: queue.Queue[tuple[mmap.mmap, int] | None] = queue.Queue()
        for _ in range(BUFFERS):
            self.free.put(mmap.mmap(-1, CHUNK))  # anonymous maps are page-aligned
        self.error: OSError | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _buffered(self) -> None:
        if self.direct:
            flags = fcntl.fcntl(self.fd, fcntl.F_GETFL)
            fcntl.fcntl(self.fd, fcntl.F_SETFL, flags & ~O_DIRECT)
            self.direct = False

    def _run(self) -> None:
        while (item := self.full.get()) is not None:
            buffer, length = item
            try:
                if self.error is None:
                    if length % mmap.PAGESIZE:
                        self._buffered()  # the last, partial block
                    # Released on every path, a failed write included: a buffer still exported
                    # cannot be closed (a full disk used to end in BufferError here).
                    with memoryview(buffer) as whole, whole[:length] as view:
                        self._write(view)
            except OSError as exc:
                self.error = exc.with_traceback(None)  # keeps no frame, so no view, alive
            self.free.put(buffer)

    def _write(self, view: memoryview) -> None:
        written = 0
        while written < len(view):
            try:
                written += os.write(self.fd, view[written:])
            except OSError:
                if not self.direct:
                    raise
                self._buffered()  # this filesystem refuses direct I/O after all

    def close(self) -> None:
        self.full.put(None)
        self.thread.join()
        while not self.free.empty():
            self.free.get().close()


def _read_all(fd: int, path: Path, max_bytes: int) -> bytes:
    chunks = []
    size = 0
    while chunk := os.read(fd, 1024 * 1024):
        size += len(chunk)
        if size > max_bytes:  # the file grew while we read it
            raise InputError(f"{path}: file grew past the limit while reading")
        chunks.append(chunk)
    return b"".join(chunks)


def _fsync(path: Path | str) -> None:
    """Make a file's data, or a folder's entries, durable. (Files are synced one after the other
    once a batch is written: a `syncfs` of the whole filesystem measured barely faster, and
    would wait for everyone else's writes too.)"""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def problem(self, sha256: str) -> str | None:
        """Why the stored copy of these bytes is not what was stored (missing, unreadable, or
        hashing to something else), or None when it is whole."""
        path = self.path_for(sha256)
        try:
            with path.open("rb") as handle:
                actual = hashlib.file_digest(handle, "sha256").hexdigest()
        except FileNotFoundError:
            return "missing from the store"
        except OSError as exc:
            return f"cannot be read: {exc.strerror}"
        return None if actual == sha256 else f"changed on disk: it now hashes to {actual}"

    def _whole(self, final: Path, sha256: str) -> bool:
        """Whether these bytes are held, and held intact. A copy changed or damaged on disk is
        not: the original, added again, takes its place (that is how a damaged copy that
        `audit evidence verify` names is repaired)."""
        return final.exists() and self.problem(sha256) is None

    def _temporary(self, batch: Path) -> tuple[int, str, bool]:
        handle, name = tempfile.mkstemp(dir=batch, prefix="large-")
        if O_DIRECT:
            try:
                direct = os.open(name, os.O_WRONLY | O_DIRECT)
            except OSError:
                return handle, name, False
            os.close(handle)
            return direct, name, True
        return handle, name, False

    def put(self, path: Path, max_bytes: int) -> StoredBlob:
        """Store the file's bytes (once) and return their SHA-256."""
        return self.put_many([path], max_bytes)[0]

    def put_many(self, paths: Sequence[Path], max_bytes: int) -> list[StoredBlob]:
        """Store each file's bytes (once), in order; new small files are moved into place
        together, after all of them are written and synced.

        Nothing is moved into place unless every file could be read and written: a failure
        leaves the store as it was, but for large files stored before it (unreferenced, and
        harmless). A disk that is full or read-only is the workspace's problem, said as such."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            # A private folder for the batch's copies, locked while this process lives: what a
            # copy killed half-way left (and loose files of earlier versions) goes next time.
            with temporary_folder(self.root, INCOMING) as batch:
                return self._put_many(batch, paths, max_bytes)
        except OSError as exc:
            raise WorkspaceError(
                f"cannot store evidence in {self.root}: {exc.strerror or exc}",
                hint="free space on that disk (or make it writable) and run the command again;"
                " nothing was stored",
            ) from None

    def _put_many(self, batch: Path, paths: Sequence[Path], max_bytes: int) -> list[StoredBlob]:
        results: list[StoredBlob] = []
        pending: dict[Path, str] = {}  # final path -> temporary name
        for path in paths:
            fd = _open_regular(path, max_bytes)
            try:
                small = os.fstat(fd).st_size <= SMALL
                data = _read_all(fd, path, max_bytes) if small else b""
            except OSError as exc:  # the vendor's file, not the store
                raise InputError(f"{path}: cannot read: {exc.strerror}") from None
            finally:
                os.close(fd)
            if not small:
                results.append(self._put_large(batch, path, max_bytes))
                continue
            sha = hashlib.sha256(data).hexdigest()
            final = self.path_for(sha)
            if final in pending or self._whole(final, sha):
                results.append(StoredBlob(sha, len(data), new=False))
                continue
            handle, temporary = tempfile.mkstemp(dir=batch, prefix="small-")
            pending[final] = temporary
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            results.append(StoredBlob(sha, len(data), new=True))
        self._commit(pending)
        return results

    def _commit(self, pending: dict[Path, str]) -> None:
        """Make the new files durable, then visible: sync, move into place, sync each folder."""
        if not pending:
            return
        for temporary in pending.values():
            _fsync(temporary)
        folders = set()
        for final, temporary in pending.items():
            final.parent.mkdir(exist_ok=True)
            os.chmod(temporary, 0o444)
            os.replace(temporary, final)
            folders.add(final.parent)
        for folder in folders:
            _fsync(folder)

    def _put_large(self, batch: Path, path: Path, max_bytes: int) -> StoredBlob:
        """Stream a large file: read, hash and write overlapped (see the module's notes)."""
        source = _open_regular(path, max_bytes)
        target, temporary, direct = self._temporary(batch)
        digest = hashlib.sha256()
        size = 0
        writer = _Writer(target, direct)
        reader = _Reader(source, writer.free)
        try:
            while True:
                item = reader.ready.get()
                if isinstance(item, OSError):
                    raise InputError(f"{path}: cannot read: {item.strerror}")
                buffer, length = item
                if not length:
                    writer.free.put(buffer)
                    break
                size += length
                if size > max_bytes:  # the file grew while we read it
                    writer.free.put(buffer)
                    raise InputError(f"{path}: file grew past the limit while reading")
                with memoryview(buffer) as view:
                    digest.update(view[:length])
                writer.full.put((buffer, length))
                if writer.error is not None:  # the disk is full, say: stop reading
                    break
            reader.stop()
            writer.close()
            if writer.error is not None:
                raise writer.error
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if self._whole(final, sha):  # bytes already held: nothing to sync or move
                return StoredBlob(sha, size, new=False)
            self._commit({final: temporary})
            return StoredBlob(sha, size, new=True)
        finally:
            if reader.thread.is_alive():
                reader.stop()
            if writer.thread.is_alive():
                writer.close()
            os.close(source)
            os.close(target)
            if os.path.exists(temporary):
                os.unlink(temporary)
