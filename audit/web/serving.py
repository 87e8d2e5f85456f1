"""The application served in a thread of this process, on a free loopback port, for as long as
a block runs: for the demo's vendor answering online and for the browser tests (a user runs
`audit serve`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from audit.workspace import Workspace


@contextmanager
def serving(workspace: Workspace, port: int = 0) -> Iterator[str]:
    """Serve the workspace's application on 127.0.0.1 (at a free port unless one is given);
    yields its base address."""
    import uvicorn

    from audit.web.app import create_app

    config = uvicorn.Config(
        create_app(workspace), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the portal did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
