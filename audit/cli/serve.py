"""`audit serve`: the web application (the vendor portal and the dashboard) with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from audit.cli.app import app, state
from audit.cli.console import console
from audit.settings import ENV_WORKSPACE

out = console()


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default: web.host in audit.toml, else 127.0.0.1)."
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port (default: web.port in audit.toml, else 8080)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="Processes serving requests (one database for all)."),
    ] = 1,
) -> None:
    """Serve the vendor portal (vendors open the links `questionnaire issue --link` makes) and
    the officers' dashboard at / (sign in with an account from `audit users add`). Put it
    behind a reverse proxy with TLS (README)."""
    import uvicorn

    from audit.web.app import create_app

    workspace = state(ctx).workspace()
    settings = workspace.settings
    host = host or settings["web_host"]
    port = port or settings["web_port"]
    out.print(
        f"serving {workspace.root} on http://{host}:{port}; links open at "
        f"{settings['web_base_url']}/q/...  (Ctrl-C stops)",
        markup=False,
    )
    options = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": settings["web_trusted_proxies"],
        "server_header": False,
        "log_level": "info",
    }
    if workers > 1:
        os.environ[ENV_WORKSPACE] = str(workspace.root)
        uvicorn.run("audit.web.app:app_from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(workspace), **options)
