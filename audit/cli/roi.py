"""`audit roi import | show | export`: the DORA register of information's own facts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit.cli.app import state
from audit.cli.console import console
from audit.cli.users import identity
from audit.errors import InputError

app = typer.Typer(
    help="The DORA register of information: entities, functions, arrangements, ICT services.",
    no_args_is_help=True,
)
out = console()


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="A workbook (one sheet per section), YAML or JSON, or CSVs named after their "
            "section (functions.csv)."
        ),
    ],
) -> None:
    """Import sections of the register: each section given replaces the stored one, the rest
    stay; the whole register is checked first, and nothing is kept unless all of it holds."""
    from audit.services.roi import import_register

    workspace = state(ctx).workspace()
    result = import_register(workspace, files, by=identity(workspace))
    if not result.replaced:
        out.print(f"nothing changed: the register stays at revision {result.revision}")
        return
    for section, (before, now) in result.replaced.items():
        out.print(f"{section}: {before} -> {now} rows", markup=False)
    out.print(f"register of information: revision {result.revision}")


@app.command()
def show(
    ctx: typer.Context,
    revisions: Annotated[bool, typer.Option("--revisions", help="List every revision.")] = False,
) -> None:
    """How many rows each section holds, and which revision is current."""
    from audit.roi.reading import sections
    from audit.services.roi import current_register
    from audit.services.roi import revisions as all_revisions

    workspace = state(ctx).workspace()
    if revisions:
        for row in all_revisions(workspace):
            out.print(
                f"#{row.revision} {row.changed_at:%Y-%m-%d %H:%M} {row.source}: {row.changed}",
                markup=False,
            )
        return
    register = current_register(workspace)
    if register.revision == 0:
        out.print("no register of information yet: `audit roi export -o register.xlsx` writes")
        out.print("the blank workbook to fill in, and `audit roi import register.xlsx` reads it")
        return
    out.print(
        f"register of information, revision {register.revision} "
        f"({register.source}, {register.changed_at:%Y-%m-%d %H:%M})",
        markup=False,
    )
    for section in sections():
        out.print(f"  {section:<14} {len(register.rows(section)):>7,} rows")


@app.command()
def export(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="register.xlsx, .yaml or .json, or a folder for one CSV per section.",
        ),
    ],
) -> None:
    """Write the register in the shape `audit roi import` reads: edit it and import it back.
    With no register yet, the workbook is the blank form to fill in."""
    from audit.roi import sheets
    from audit.services.roi import current_register

    data = current_register(state(ctx).workspace()).data
    suffix = output.suffix.lower()
    try:
        if suffix == ".xlsx":
            output.write_bytes(sheets.workbook(data))
        elif suffix in (".yaml", ".yml", ".json"):
            output.write_bytes(sheets.text(data, "json" if suffix == ".json" else "yaml"))
        elif suffix == "":
            output.mkdir(parents=True, exist_ok=True)
            for name, content in sheets.csv_files(data).items():
                (output / name).write_bytes(content)
        else:
            raise InputError(
                f"cannot write {output}: name a .xlsx, .yaml or .json file, or a folder"
            )
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    out.print(f"wrote {output}", markup=False)
