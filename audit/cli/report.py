"""`audit report VENDOR | portfolio` and `audit verify PDF`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit import services
from audit.cli.app import app, state
from audit.cli.console import console
from audit.errors import CheckFailedError, WorkspaceError

out = console()


@app.command()
def report(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="VENDOR|portfolio")],
    run: Annotated[
        int | None, typer.Option("--run", metavar="ID", help="Run to report (default newest).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="PDF file to write.")
    ] = None,
) -> None:
    """Write a signed PDF report of a vendor's audit run, or of the whole portfolio."""
    workspace = state(ctx).workspace()
    if target == "portfolio":
        result = services.reports.portfolio_report(workspace, output=output)
    else:
        result = services.reports.vendor_report(workspace, target, run_id=run, output=output)
    out.print(
        f"wrote {result.path} ({result.size:,} bytes), signed by {result.signer}; "
        f"attached data sha256 {result.attachment_sha256}",
        markup=False,
    )


@app.command()
def verify(
    ctx: typer.Context,
    pdf: Annotated[Path, typer.Argument(metavar="PDF")],
    cert: Annotated[
        Path | None,
        typer.Option(
            "--cert", metavar="PEM", help="Certificate to trust (default: the workspace's)."
        ),
    ] = None,
) -> None:
    """Check a signed report: intact, covering the whole file, trusted signer, attachment hash."""
    try:
        workspace = state(ctx).workspace()
    except WorkspaceError:
        workspace = None  # verifying needs no workspace when --cert is given
    result = services.reports.verify_report(workspace, pdf, cert)
    for check in result.checks:
        mark = "ok  " if check.ok else "FAIL"
        out.print(f"{mark} {check.name}: {check.detail}", markup=False)
    if not result.ok:
        failed = ", ".join(c.name for c in result.checks if not c.ok)
        raise CheckFailedError(f"{pdf}: verification failed ({failed})")
    out.print(f"{pdf}: all checks passed", markup=False)
