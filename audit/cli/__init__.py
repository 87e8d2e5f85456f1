"""Command-line interface: thin typer commands over `audit.services`."""

from audit.cli import checklists, workspace
from audit.cli.app import app, run

app.add_typer(checklists.app, name="checklists")

__all__ = ["app", "main", "workspace"]


def main() -> None:
    run()
