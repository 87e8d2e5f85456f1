"""`audit init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit import services
from audit.cli.app import app
from audit.cli.console import console

out = console()


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder for the new workspace.", file_okay=False)
    ] = Path(),
    organisation: Annotated[
        str | None,
        typer.Option(help="Your organisation's name, as vendors see it on questionnaires."),
    ] = None,
    regime: Annotated[
        list[str] | None,
        typer.Option(
            help="A regime your organisation is subject to (repeat): dora, eba, gdpr, uk_gdpr, "
            "hipaa, pci_dss, sox. Controls bound to a regime apply only when it is listed."
        ),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Your organisation's country (ISO 3166 alpha-2).")
    ] = None,
) -> None:
    """Create a workspace with a copy of the built-in checklists and policy."""
    workspace = services.create_workspace(directory, organisation, regime or (), country)
    out.print(f"workspace ready: {workspace.root}", markup=False)
    out.print(f"next: audit --workspace {workspace.root} checklists validate", markup=False)
