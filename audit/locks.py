"""Locks between processes on one machine, all the kernel's (`flock`), so they go with the
process however it ends:

- `file_lock`: the outbox's sending, and the scheduler's run on a SQLite workspace (PostgreSQL
  has advisory locks, `services.database.exclusive`);
- `temporary_file` and `temporary_folder`: a write under way (a report, a queued message, a
  batch of evidence) holds its temporary path locked, and `sweep` removes the temporary paths
  that no live process holds, so a process killed half-way leaves nothing behind for long.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (made if missing) until the block ends; another
    process asking for it waits. The kernel releases it if the holder dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _held_in_place(fd: int) -> bool:
    """Lock a new temporary path; False if a sweep removed it before we held it."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    return os.fstat(fd).st_nlink > 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# The mode an ordinary new file gets in this process (read once, at import, before any thread).
SHARED_FILE_MODE = 0o666 & ~_umask()


def temporary_file(folder: Path, prefix: str) -> tuple[int, str]:
    """A new file in `folder`, open for writing and locked while the descriptor is open (what
    killed writers left there with this prefix is swept first)."""
    _sweep_once(folder, prefix)
    while True:
        fd, name = tempfile.mkstemp(dir=folder, prefix=prefix)
        if _held_in_place(fd):
            return fd, name
        os.close(fd)


@contextmanager
def temporary_folder(folder: Path, prefix: str) -> Iterator[Path]:
    """A new folder in `folder`, locked until the block ends, then removed with its contents
    (what killed writers left there with this prefix is swept first)."""
    _sweep_once(folder, prefix)
    while True:
        path = Path(tempfile.mkdtemp(dir=folder, prefix=prefix))
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        if _held_in_place(fd):
            break
        os.close(fd)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


_SWEPT: set[tuple[Path, str]] = set()


def _sweep_once(folder: Path, prefix: str) -> None:
    """`sweep`, the first time this process writes into `folder`: what it finds then was left
    by processes that ended before; what a later one leaves, the next process finds. (A report
    for each of 10,000 vendors into one folder would otherwise scan it 10,000 times.)"""
    if (folder, prefix) not in _SWEPT:
        sweep(folder, prefix)
        _SWEPT.add((folder, prefix))


def sweep(folder: Path, prefix: str) -> list[Path]:
    """Remove the temporary files and folders in `folder` that `temporary_file` or
    `temporary_folder` made with this prefix (the prefix and eight of tempfile's characters,
    nothing else: a user's own `.audit-report-notes` beside the reports stays) and that no live
    process holds; returns what went."""
    removed: list[Path] = []
    ours = re.compile(re.escape(prefix) + r"[a-z0-9_]{8}")
    try:
        entries = [e for e in os.scandir(folder) if ours.fullmatch(e.name)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live process is writing it
        else:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed
