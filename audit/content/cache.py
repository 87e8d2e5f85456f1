"""The validated content, kept between commands: loading and validating every checklist,
framework index and the policy costs about 0.3 s, and every command needs them.

The cache key is the SHA-256 of what decides the result: this code's version, the shipped
schemas, and each content file's name and bytes. A changed file (or an upgrade of the tool) is a
new key, so a stale entry is never read; old entries are removed when a new one is written. The
entry is a pickle in the workspace's own `.audit/` folder, next to the database it trusts just as
much. Anything wrong with an entry (truncated, from another Python) means a fresh load.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle  # noqa: S403 - our own file in the workspace's private state folder
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata, resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from audit.content.model import ContentSet, frozen_map

FORMAT = 2  # raised when validation changes: content accepted before is checked again
_memory: dict[str, ContentSet] = {}
# Within one process, the key of files whose size, inode and modification time have not
# changed since they were hashed: a batch of ten thousand imports asks for the content twice
# per file, and hashing every content file each time cost 3 ms. As git does with its index, a
# file modified in the last two seconds is hashed again each time (file systems stamp times
# coarsely: two writes a few milliseconds apart can leave the same time).
_keys: dict[tuple[Any, ...], str] = {}
_RACY_NS = 2_000_000_000


def _signature(files: Sequence[Path]) -> tuple[Any, ...] | None:
    """What identifies these files' state without reading them; None when one is too new."""
    signature: list[Any] = []
    recent = time.time_ns() - _RACY_NS
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            signature.append((str(path), None))
            continue
        if stat.st_mtime_ns >= recent or stat.st_ctime_ns >= recent:
            return None
        signature.append((str(path), stat.st_size, stat.st_ino, stat.st_mtime_ns))
    return tuple(signature)


def _version() -> str:
    try:
        return metadata.version("vendor-audit")
    except metadata.PackageNotFoundError:
        return "source"


def _schemas_digest() -> str:
    digest = hashlib.sha256()
    folder = resources.files("audit.content").joinpath("schemas")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def content_key(files: Sequence[Path], root: Path) -> str:
    """What the content depends on, hashed; files in a stable order, named relative to root."""
    digest = hashlib.sha256(f"{FORMAT}\0{_version()}\0{_schemas_digest()}\0".encode())
    for path in sorted(files):
        try:
            name = str(path.relative_to(root))
        except ValueError:
            name = str(path)
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    return digest.hexdigest()


class _Pickler(pickle.Pickler):
    """Read-only mappings (the content's `frozen_map`s) travel as dicts and come back frozen."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return frozen_map, (dict(obj),)
        return NotImplemented


def cached_content(
    folder: Path, files: Sequence[Path], root: Path, load: Callable[[], ContentSet]
) -> ContentSet:
    """The content for these files: from memory, else from the cache folder, else `load()`
    (which validates everything, and raises on bad content: nothing is cached then)."""
    signature = _signature(files)
    key = _keys.get((str(root), signature)) if signature is not None else None
    if key is None:
        key = content_key(files, root)
        if signature is not None:
            _keys[(str(root), signature)] = key
    if key in _memory:
        return _memory[key]
    entry = folder / f"content-{key}.pickle"
    content: ContentSet | None = None
    try:
        loaded = pickle.loads(entry.read_bytes())  # noqa: S301 - written by cached_content
        content = loaded if isinstance(loaded, ContentSet) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        content = None
    if content is None:
        content = load()
        _store(folder, entry, content)
    _memory[key] = content
    return content


def _store(folder: Path, entry: Path, content: ContentSet) -> None:
    """Write the entry atomically and drop older ones; a cache that cannot be written is
    simply not used (a read-only workspace still works)."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(content)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".content-")
        with os.fdopen(handle, "wb") as out:
            out.write(buffer.getvalue())
        os.replace(temporary, entry)
        for old in folder.glob("content-*.pickle"):
            if old != entry:
                old.unlink(missing_ok=True)
    except OSError:
        return
