"""`audit export dora-roi | oscal`: the interchange formats supervisors and other tools read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from audit.cli.app import state
from audit.cli.console import console
from audit.cli.output import emit
from audit.errors import CheckFailedError, InputError
from audit.inputs import date_given

app = typer.Typer(help="Interchange formats: the DORA register of information, OSCAL.")
out = console()
err = console(stderr=True)


def _previous_year_end(today: dt.date) -> dt.date:
    return dt.date(today.year - 1, 12, 31)


@app.command("dora-roi")
def dora_roi(
    ctx: typer.Context,
    entity: Annotated[
        str | None, typer.Option("--entity", help="LEI of the entity maintaining the register.")
    ] = None,
    reference_date: Annotated[
        str | None,
        typer.Option(
            "--reference-date", help="YYYY-MM-DD (default: 31 December of the previous year)."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Folder to write the package zip in.")
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Only check: list every rule broken, write nothing (exit 1 if any)."
        ),
    ] = False,
    package: Annotated[
        Path | None,
        typer.Option("--package", help="With --check: a package zip to check instead."),
    ] = None,
    consolidated: Annotated[
        bool, typer.Option("--consolidated", help="A consolidated (CON) filing, not IND.")
    ] = False,
    country: Annotated[
        str | None,
        typer.Option(help="Country in the package name (default: the entity's country)."),
    ] = None,
) -> None:
    """The register of information as the EBA report package (xBRL-CSV, DORA 4.0), checked
    against every rule a supervisor's validator applies before it is written."""
    from audit.services.dora_export import build_package, check_file

    workspace = state(ctx).workspace()
    if package is not None:
        if not check:
            raise InputError("--package names a package to check: add --check")
        breaches = check_file(package, workspace.relative(package))
        _report(breaches, package.name)
        return
    if entity is None:
        raise InputError("name the filing entity: --entity LEI")
    day = date_given(reference_date, "--reference-date") or _previous_year_end(dt.date.today())
    if not check and output is None:
        raise InputError("name a folder for the package: -o DIR (or only check: --check)")
    built = build_package(
        workspace,
        entity=entity,
        reference_date=day,
        made_at=dt.datetime.now(dt.UTC),
        consolidation="CON" if consolidated else "IND",
        country=country,
    )
    rows = ", ".join(f"{t} {n}" for t, n in built.rows().items() if n)
    out.print(f"register of information revision {built.register_revision}: {rows}", markup=False)
    if not check and output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
            (output / built.file_name).write_bytes(built.data)
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror}") from None
        out.print(f"wrote {output / built.file_name}", markup=False)
    _report(built.breaches, built.file_name)


def _report(breaches: Sequence[object], name: str) -> None:
    if not breaches:
        out.print(f"{name}: passes every check", markup=False)
        return
    for breach in breaches:
        err.print(str(breach), markup=False, soft_wrap=True)
    raise CheckFailedError(
        f"{name}: {len(breaches)} rule(s) broken",
        hint="fix the register (`audit roi export -o register.xlsx`, edit, `audit roi import`); "
        "do not submit this package",
    )


@app.command()
def oscal(
    ctx: typer.Context,
    vendor: Annotated[str, typer.Argument(help="The vendor's id.")],
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: the latest).")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """The vendor's assessment as OSCAL 1.1.3 assessment results (JSON)."""
    from audit.services.oscal_export import assessment_results_json

    data = assessment_results_json(
        state(ctx).workspace(), vendor, run_id=run, generated_at=dt.datetime.now(dt.UTC)
    )
    emit(data, output, out)
