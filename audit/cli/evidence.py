"""`audit evidence add | list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit import services
from audit.cli.app import state
from audit.cli.console import console
from audit.cli.output import Format, page_size, render
from audit.cli.params import (
    LARGEST_ID,
    AsOfOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    WideOption,
    as_of,
    parse_date,
)

app = typer.Typer(help="Evidence files: reports, certificates, test results.", no_args_is_help=True)
out = console()
DateOption = Annotated[str | None, typer.Option(metavar="DATE")]


@app.command()
def add(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    file: Annotated[Path, typer.Argument(metavar="FILE")],
    kind: Annotated[str, typer.Option(help="Evidence kind from the policy, e.g. soc2_type2.")],
    issued: DateOption = None,
    expires: DateOption = None,
    period_end: DateOption = None,
    period_start: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Start of the period a report covers (SOC reports)."),
    ] = None,
    audited: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Date of a certificate's last surveillance or recertification audit.",
        ),
    ] = None,
    control: Annotated[
        list[str] | None, typer.Option(help="A control this evidence supports (repeatable).")
    ] = None,
) -> None:
    """Store an evidence file (content-addressed: the same bytes are stored once)."""
    result = services.add_evidence(
        state(ctx).workspace(),
        vendor_id,
        file,
        kind,
        issued=parse_date(issued, "--issued"),
        expires=parse_date(expires, "--expires"),
        period_end=parse_date(period_end, "--period-end"),
        controls=control or (),
        period_start=parse_date(period_start, "--period-start"),
        audited=parse_date(audited, "--audited"),
    )
    row = result.evidence
    verb = "already held as" if result.already_registered else "stored as"
    out.print(f"{verb} evidence #{row.id}: {row.kind} sha256 {row.sha256}", markup=False)


@app.command("list")
def list_(
    ctx: typer.Context,
    vendor_id: Annotated[str | None, typer.Argument(metavar="[VENDOR]")] = None,
    expiring_within: Annotated[
        int | None,
        typer.Option(
            metavar="DAYS",
            min=0,
            max=3660,
            help="Only evidence that stops being current within DAYS (0 to 3660).",
        ),
    ] = None,
    as_of_date: AsOfOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    wide: WideOption = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Evidence with kind, file, SHA-256, validity and state (current, expiring, expired)."""
    statuses, total = services.list_evidence(
        state(ctx).workspace(),
        vendor_id,
        as_of=as_of(as_of_date),
        expiring_within=expiring_within,
        limit=page_size(fmt, limit),
        offset=offset,
    )
    rows = [
        {
            "id": s.evidence.id,
            "vendor": s.evidence.vendor_id,
            "kind": s.evidence.kind,
            "file": s.evidence.file_name,
            "sha256": s.evidence.sha256,
            "valid_until": s.validity.valid_until.isoformat() if s.validity.valid_until else "open",
            "validity": s.validity.basis,
            "state": s.state.value,
            "controls": s.evidence.controls,
        }
        for s in statuses
    ]
    columns = ["id", "vendor", "kind", "valid_until", "state", "file", "sha256"]
    render(rows, columns, fmt, title="Evidence", wide=wide, offset=offset, total=total)


@app.command()
def export(
    ctx: typer.Context,
    evidence_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=LARGEST_ID)],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="File, or folder to write it in under its own name."),
    ] = Path("."),
) -> None:
    """Write a stored document back out under its own name, after checking its SHA-256."""
    path, name = services.evidence.export_evidence(state(ctx).workspace(), evidence_id, output)
    out.print(f"evidence #{evidence_id} ({name}) written to {path}", markup=False)


@app.command()
def verify(
    ctx: typer.Context,
    vendor_id: Annotated[str | None, typer.Argument(metavar="[VENDOR]")] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Rehash the stored evidence; exit 1 naming each document whose copy is missing or was
    changed on disk (the register states the SHA-256 it had when it was added)."""
    checked, damaged = services.verify_evidence(state(ctx).workspace(), vendor_id)
    if damaged:
        rows = [
            {
                "id": d.evidence_id,
                "vendor": d.vendor_id,
                "file": d.file_name,
                "sha256": d.sha256,
                "problem": d.problem,
            }
            for d in damaged
        ]
        render(rows, ["id", "vendor", "file", "problem", "sha256"], fmt, title="Damaged evidence")
        raise typer.Exit(1)
    if fmt is Format.TABLE:
        out.print(f"{checked} stored file(s) rehashed: every one is as registered", markup=False)
    else:
        render([], ["id", "vendor", "file", "problem", "sha256"], fmt)
