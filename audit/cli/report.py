"""`audit report VENDOR | portfolio` and `audit verify PDF`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit import services
from audit.cli.app import app, state
from audit.cli.console import console, progress
from audit.cli.params import LARGEST_ID, parse_date
from audit.errors import CheckFailedError, InputError, WorkspaceError
from audit.workspace import Workspace

out = console()


@app.command()
def report(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Argument(metavar="VENDOR|portfolio")] = None,
    run: Annotated[
        int | None,
        typer.Option(
            "--run", metavar="ID", min=1, max=LARGEST_ID, help="Run to report (default newest)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="PDF file to write (with --all: the folder)."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="A report for every assessed vendor's newest run.")
    ] = False,
    as_of_date: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="The portfolio's day: what is due, overdue and how old (default today).",
        ),
    ] = None,
) -> None:
    """Write a signed PDF report of a vendor's audit run, of every assessed vendor (--all), or
    of the whole portfolio."""
    workspace = state(ctx).workspace()
    if every == (target is not None):
        raise InputError("name a VENDOR (or portfolio), or use --all (not both)")
    if as_of_date is not None and target != "portfolio":
        raise InputError(
            "--as-of is for the portfolio report",
            hint="a vendor report speaks for its run's own date; choose the run with --run",
        )
    if target is None:
        _report_all(workspace, output)
        return
    if target == "portfolio":
        result = services.reports.portfolio_report(
            workspace, output=output, as_of=parse_date(as_of_date, "--as-of")
        )
    else:
        result = services.reports.vendor_report(workspace, target, run_id=run, output=output)
    out.print(
        f"wrote {result.path} ({result.size:,} bytes), signed by {result.signer}; "
        f"attached data sha256 {result.attachment_sha256}",
        markup=False,
    )


def _report_all(workspace: Workspace, folder: Path | None) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    with progress("reports") as advance:
        outcomes = services.batch.report_all(workspace, folder, each=advance)
    failed = [o for o in outcomes if o.error]
    written = len(outcomes) - len(failed)
    where = folder or workspace.reports_dir
    out.print(f"wrote {written} signed report(s) to {where}", markup=False)
    for o in failed:
        out.print(f"{o.vendor_id}: not written: {o.error}", markup=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def verify(
    ctx: typer.Context,
    pdfs: Annotated[list[Path], typer.Argument(metavar="PDF...")],
    cert: Annotated[
        Path | None,
        typer.Option(
            "--cert",
            metavar="PEM",
            help="Certificate to trust (default: the workspace's; `audit keys export-cert`).",
        ),
    ] = None,
) -> None:
    """Check signed reports: intact, covering the whole file, trusted signer, attachment hash.
    Exit 1 if any report fails a check."""
    try:
        workspace = state(ctx).workspace()
    except WorkspaceError:
        workspace = None  # verifying needs no workspace when --cert is given
    failed, refused = [], []
    for pdf in pdfs:
        if len(pdfs) > 1:
            out.print(f"{pdf}:", markup=False)
        try:
            result = services.reports.verify_report(workspace, pdf, cert)
        except InputError as exc:
            if len(pdfs) == 1:
                raise
            out.print(f"not checked: {exc.message}", markup=False)
            refused.append(exc.message)
            continue
        for check in result.checks:
            mark = "ok  " if check.ok else "FAIL"
            out.print(f"{mark} {check.name}: {check.detail}", markup=False)
        if result.ok:
            out.print(f"{pdf}: all checks passed", markup=False)
        else:
            failed.append(f"{pdf} ({', '.join(c.name for c in result.checks if not c.ok)})")
    if refused:  # a file that is not there (or a certificate that is not one) is bad input
        raise InputError(f"{len(refused)} of {len(pdfs)} not checked: " + "; ".join(refused))
    if failed:
        untrusted = any("trusted signer" in f for f in failed)
        raise CheckFailedError(
            "verification failed: " + "; ".join(failed),
            hint=(
                "a report signed in another workspace is trusted with --cert FILE, the "
                "certificate its signer exports with `audit keys export-cert` (the demo's: "
                "audit -w .audit/demo keys export-cert)"
            )
            if untrusted
            else "",
        )


keys = typer.Typer(help="The workspace's signing identity.", no_args_is_help=True)
app.add_typer(keys, name="keys")


@keys.command("new")
def keys_new(ctx: typer.Context) -> None:
    """Start a new signing identity when the workspace's key was lost. Reports signed before
    keep verifying only against the old certificate: restore it from a backup if you can."""
    cert = services.reports.new_identity(state(ctx).workspace())
    out.print(f"new signing identity: {cert}", markup=False)


@keys.command("export-cert")
def keys_export_cert(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (PEM).")] = Path(
        "signing-cert.pem"
    ),
) -> None:
    """Write the certificate this workspace signs reports with, for the people who check them
    (`audit verify REPORT --cert FILE`). It is public; the key never leaves the workspace."""
    exported = services.signing.export_certificate(state(ctx).workspace(), output)
    out.print(f"wrote {exported.path} ({exported.subject})", markup=False)
    out.print(
        f"sha256 fingerprint {exported.fingerprint}: give it to them over another channel, so "
        "they can check the file they received",
        markup=False,
    )
