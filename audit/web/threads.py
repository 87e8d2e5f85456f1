"""Work a request hands to a worker thread: the database and files are blocking, so they never
run on the event loop; at most as many at once as a process's connection pool keeps open."""

from __future__ import annotations

import asyncio
import tempfile
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.datastructures import UploadFile

from audit.store.engine import POOL_SIZE
from audit.workspace import Workspace

T = TypeVar("T")
# Database work runs in worker threads, never on the event loop; at most as many at once as a
# process's connection pool keeps open (see store.engine), so that no thread waits on the pool
# and no request pays for opening a connection.
DATABASE_THREADS = POOL_SIZE
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


async def run(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a worker thread (it reads or writes the database, or files)."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = anyio.CapacityLimiter(DATABASE_THREADS)
    return await anyio.to_thread.run_sync(partial(function, *args), limiter=limiter)


def on_disk(
    upload: UploadFile,
    suffix: str,
    use: Callable[..., Any],
    workspace: Workspace,
    visitor: Any,
    *rest: Any,
) -> Any:
    """`use(workspace, visitor, path, *rest)` on the upload copied to a file on disk (the blob
    store and the readers take paths), removed after; run in a worker thread."""
    with tempfile.TemporaryDirectory(prefix="audit-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        source = upload.file
        source.seek(0)
        with path.open("wb") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
        return use(workspace, visitor, path, *rest)
