"""`audit questionnaire issue | import | list | show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from audit import services
from audit.cli.app import state
from audit.cli.output import Format, render
from audit.cli.params import FormatOption, parse_date

app = typer.Typer(
    help="Questionnaires: issue to vendors, import their answers.", no_args_is_help=True
)
out = Console(highlight=False, soft_wrap=True)


@app.command()
def issue(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File to write (.yaml, or .json for JSON)."),
    ] = None,
    due: Annotated[str | None, typer.Option(metavar="DATE", help="Answer by (YYYY-MM-DD).")] = None,
    issued: Annotated[
        str | None, typer.Option(metavar="DATE", help="Issue date (default today).")
    ] = None,
) -> None:
    """Write a questionnaire with the controls in scope for the vendor."""
    result = services.issue_questionnaire(
        state(ctx).workspace(),
        vendor_id,
        output=output,
        issued=parse_date(issued, "--issued"),
        due=parse_date(due, "--due"),
    )
    q = result.questionnaire
    out.print(
        f"issued {q.id}: {len(q.controls)} controls from {', '.join(q.checklists)}; "
        f"due {q.due}; written to {result.path}",
        markup=False,
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The filled questionnaire; evidence files beside it.")
    ],
) -> None:
    """Store a filled questionnaire as a new submission, with its evidence, or nothing at all."""
    result = services.import_questionnaire(state(ctx).workspace(), file)
    out.print(
        f"imported {result.questionnaire_id} as submission version {result.version}: "
        f"{result.answered} answered, {len(result.unanswered)} unanswered; evidence "
        f"{result.evidence_new} new, {result.evidence_known} already held",
        markup=False,
    )
    if result.unanswered:
        out.print(f"unanswered: {', '.join(result.unanswered)}", markup=False)


@app.command("list")
def list_(
    ctx: typer.Context,
    vendor_id: Annotated[str | None, typer.Argument(metavar="[VENDOR]")] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Questionnaires issued and the versions submitted for each."""
    rows = [
        {
            "questionnaire": q.id,
            "vendor": q.vendor_id,
            "issued": q.issued.isoformat(),
            "due": q.due.isoformat(),
            "controls": len(q.controls),
            "versions": [s.version for s in subs],
            "last_import": subs[-1].imported_at.isoformat(timespec="seconds") if subs else None,
        }
        for q, subs in services.list_questionnaires(state(ctx).workspace(), vendor_id)
    ]
    columns = ["questionnaire", "vendor", "issued", "due", "controls", "versions"]
    render(rows, columns, fmt, title="Questionnaires")


@app.command()
def show(
    ctx: typer.Context,
    questionnaire_id: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE")],
    version: Annotated[
        int | None, typer.Option(help="Submission version (default newest).")
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The answers of one submission; earlier versions stay readable with --version."""
    submission, answers = services.show_submission(
        state(ctx).workspace(), questionnaire_id, version
    )
    rows = [
        {"control": a.control_id, "answer": a.value, "comment": a.comment, "evidence": a.evidence}
        for a in answers
    ]
    title = (
        f"{questionnaire_id} version {submission.version}, imported "
        f"{submission.imported_at:%Y-%m-%d %H:%M} from {submission.source_name}"
    )
    render(rows, ["control", "answer", "comment", "evidence"], fmt, title=title)
