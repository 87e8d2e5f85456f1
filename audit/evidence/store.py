"""Content-addressed evidence files under `.audit/evidence/<aa>/<sha256>`.

A file is read once: hashed while it is copied to a temporary file, which is then moved into
place unless the same bytes are already stored. Symlinks, non-regular files and files over the
size limit are refused before a byte is read.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from audit.errors import InputError

CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int
    new: bool


def _open_regular(path: Path, max_bytes: int) -> int:
    """An fd on `path`, refusing symlinks (even swapped in after a check) and oversize files."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
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


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, path: Path, max_bytes: int) -> StoredBlob:
        """Store the file's bytes (once) and return their SHA-256."""
        fd = _open_regular(path, max_bytes)
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "rb", buffering=0) as source, os.fdopen(handle, "wb") as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
                    size += len(chunk)
                    if size > max_bytes:  # the file grew while we read it
                        raise InputError(f"{path}: file grew past the limit while reading")
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                return StoredBlob(sha, size, new=False)
            final.parent.mkdir(exist_ok=True)
            os.chmod(temporary, 0o444)
            os.replace(temporary, final)
            return StoredBlob(sha, size, new=True)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
