"""Command-line interface: thin typer commands over `audit.services`."""

from audit.cli import (
    assess,
    checklists,
    demo,
    evidence,
    export,
    findings,
    questionnaire,
    report,
    roi,
    scheduler,
    serve,
    users,
    vendors,
    workspace,
)
from audit.cli.app import app, run

app.add_typer(checklists.app, name="checklists")
app.add_typer(vendors.app, name="vendors")
app.add_typer(questionnaire.app, name="questionnaire")
app.add_typer(evidence.app, name="evidence")
app.add_typer(findings.app, name="findings")
app.add_typer(users.app, name="users")
app.add_typer(roi.app, name="roi")
app.add_typer(export.app, name="export")

__all__ = ["app", "assess", "demo", "main", "report", "scheduler", "serve", "workspace"]


def main() -> None:
    run()
