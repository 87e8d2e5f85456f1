"""`audit init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from audit import services
from audit.cli.app import app

out = Console(highlight=False, soft_wrap=True)


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder for the new workspace.", file_okay=False)
    ] = Path(),
) -> None:
    """Create a workspace with a copy of the built-in checklists and policy."""
    workspace = services.create_workspace(directory)
    out.print(f"workspace ready: {workspace.root}", markup=False)
    out.print(f"next: audit --workspace {workspace.root} checklists validate", markup=False)
