"""`audit questionnaire issue | import | check | list | show` and `audit review`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit import services
from audit.cli.app import app as main_app
from audit.cli.app import state
from audit.cli.console import console, progress
from audit.cli.output import Format, render
from audit.cli.params import LARGEST_ID, FormatOption, parse_date
from audit.cli.questionnaire_output import print_imported, print_issued, print_many
from audit.errors import ContentError
from audit.model import Respondent

app = typer.Typer(
    help="Questionnaires: issue to vendors, check and import their answers.",
    no_args_is_help=True,
)
if TYPE_CHECKING:
    from audit.services.links import IssuedLink
    from audit.services.submissions import Checked

out = console()

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="File to write: .xlsx (a workbook, the default), .yaml or .json.",
    ),
]
DueOption = Annotated[str | None, typer.Option(metavar="DATE", help="Answer by (YYYY-MM-DD).")]
IssuedOption = Annotated[
    str | None, typer.Option(metavar="DATE", help="Issue date (default today).")
]


@app.command()
def issue(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    output: OutputOption = None,
    due: DueOption = None,
    issued: IssuedOption = None,
    prefill: Annotated[
        bool,
        typer.Option(
            "--prefill", help="Fill in last cycle's answers, each for the vendor to confirm."
        ),
    ] = False,
    send: Annotated[
        bool,
        typer.Option("--send", help="E-mail it to the vendor's contacts (outbox, then SMTP)."),
    ] = False,
    link: Annotated[
        bool,
        typer.Option(
            "--link", help="Also create a link that opens it in the portal (`audit serve`)."
        ),
    ] = False,
) -> None:
    """Write the vendor's questionnaire: the questions in scope that the vendor answers."""
    workspace = state(ctx).workspace()
    result = services.issue_questionnaire(
        workspace,
        vendor_id,
        output=output,
        issued=parse_date(issued, "--issued"),
        due=parse_date(due, "--due"),
        prefill=prefill,
        send=send,
        link=link,
    )
    print_issued(result)
    if result.link is not None:
        _print_link(result.link)


def _print_link(made: IssuedLink) -> None:
    out.print(f"link (opens until {made.expires_at:%Y-%m-%d}): {made.url}", markup=False)


@app.command()
def link(
    ctx: typer.Context,
    questionnaire_id: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE")],
    send: Annotated[
        bool, typer.Option("--send", help="E-mail the new link to the vendor's contacts.")
    ] = False,
    until: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="Last day it opens (default: the due date plus the grace)."
        ),
    ] = None,
) -> None:
    """A new portal link to a questionnaire already issued (links are kept only as hashes, so
    a lost one cannot be shown again; earlier links keep working unless revoked)."""
    made, delivery = services.questionnaires.new_link(
        state(ctx).workspace(), questionnaire_id, send=send, until=parse_date(until, "--until")
    )
    _print_link(made)
    if delivery is not None:
        sent = "sent" if delivery.sent else "queued in the outbox (no SMTP configured)"
        out.print(f"e-mail to {', '.join(delivery.to)}: {sent}", markup=False)
        if delivery.error:
            out.print(f"not sent yet: {delivery.error}", markup=False)


@app.command()
def revoke(
    ctx: typer.Context,
    questionnaire_id: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE")],
) -> None:
    """Revoke every portal link to a questionnaire; issue a new one with `--link`."""
    count = services.revoke_links(state(ctx).workspace(), questionnaire_id)
    out.print(f"revoked {count} open link(s) to {questionnaire_id}", markup=False)


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE|FOLDER...",
            help="Filled questionnaires (their evidence files beside them), or folders of them.",
        ),
    ],
    allow_unanswered: Annotated[
        bool,
        typer.Option(
            "--allow-unanswered",
            help="Accept a final submission although questions are unanswered.",
        ),
    ] = False,
) -> None:
    """Store filled questionnaires (workbook, YAML or JSON) as new draft or final submissions,
    with their evidence: each file all or nothing on its own. Exit 2 if any was refused."""
    workspace = state(ctx).workspace()
    if len(files) == 1 and not files[0].is_dir():
        result = services.import_questionnaire(
            workspace, files[0], allow_unanswered=allow_unanswered
        )
        print_imported(result)
        return
    with progress("importing") as advance:
        outcomes = services.import_questionnaires(
            workspace, files, allow_unanswered=allow_unanswered, each=advance
        )
    print_many(outcomes)


def _check_record(checked: Checked) -> dict[str, object]:
    return {
        "file": checked.source,
        "questionnaire": checked.questionnaire_id,
        "vendor": checked.vendor_id,
        "part": checked.part,
        "status": checked.status,
        "ok": checked.ok,
        "questions": checked.questions,
        "answered": checked.answered,
        "unanswered": list(checked.unanswered),
        "unconfirmed": list(checked.unconfirmed),
        "files": checked.files,
        "problems": [
            {
                "where": p.source + (f":{p.line}" if p.line else ""),
                "field": p.path,
                "message": p.message,
            }
            for p in checked.problems
        ],
    }


@app.command()
def check(
    file: Annotated[
        Path, typer.Argument(help="The filled questionnaire; evidence files beside it.")
    ],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table or json.")
    ] = Format.TABLE,
) -> None:
    """Check a filled questionnaire before sending it; needs no workspace. Exit 2 when the
    file would be refused, listing every problem."""
    try:
        checked = services.check_questionnaire(file)
    except ContentError as exc:
        if fmt is not Format.JSON:
            raise
        problems = [{"where": str(p), "message": p.message} for p in exc.problems]
        out.file.write(
            json.dumps({"file": str(file), "ok": False, "problems": problems}, indent=2) + "\n"
        )
        raise typer.Exit(2) from None
    if fmt is Format.JSON:
        out.file.write(json.dumps(_check_record(checked), indent=2, ensure_ascii=False) + "\n")
        if not checked.ok:
            raise typer.Exit(2)
        return
    out.print(
        f"{checked.questionnaire_id} for {checked.vendor_id} ({checked.status}): "
        f"{checked.answered} of {checked.questions} questions answered, "
        f"{len(checked.unanswered)} to go; {checked.files} evidence file(s) listed"
    )
    if not checked.ok:
        raise ContentError(list(checked.problems), hint="fix these, then check the file again")
    if checked.status == "final":
        out.print("no problems found: the file can be sent")
    else:
        out.print(
            "no problems found so far; it is a draft: set the status to final when every "
            "question is answered, then send it"
        )


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
            "part": q.part,
            "issued": q.issued.isoformat(),
            "due": q.due.isoformat(),
            "questions": len(q.controls),
            "versions": [f"{s.version} {s.status}" for s in subs],
            "last_import": subs[-1].imported_at.isoformat(timespec="seconds") if subs else None,
        }
        for q, subs in services.list_questionnaires(state(ctx).workspace(), vendor_id)
    ]
    columns = ["questionnaire", "vendor", "part", "issued", "due", "questions", "versions"]
    render(rows, columns, fmt, title="Questionnaires")


@app.command()
def show(
    ctx: typer.Context,
    questionnaire_id: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE|VENDOR")],
    version: Annotated[
        int | None,
        typer.Option(min=1, max=LARGEST_ID, help="Submission version (default newest)."),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The answers of one submission (a vendor's id: its newest answered questionnaire);
    earlier versions stay readable with --version."""
    submission, answers = services.show_submission(
        state(ctx).workspace(), questionnaire_id, version
    )
    rows = [
        {"control": a.control_id, "answer": a.value, "comment": a.comment, "evidence": a.evidence}
        for a in answers
    ]
    by = f" by {submission.completed_by}" if submission.completed_by else ""
    title = (
        f"{submission.questionnaire_id} version {submission.version} ({submission.status}{by}), "
        "imported "
        f"{submission.imported_at:%Y-%m-%d %H:%M} from {submission.source_name}"
    )
    render(rows, ["control", "answer", "comment", "evidence"], fmt, title=title)


@main_app.command()
def review(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    import_file: Annotated[
        Path | None,
        typer.Option(
            "--import",
            metavar="FILE",
            help="Import the filled assessor's part (with the contract files beside it).",
        ),
    ] = None,
    output: OutputOption = None,
    due: DueOption = None,
    issued: IssuedOption = None,
    allow_unanswered: Annotated[
        bool,
        typer.Option("--allow-unanswered", help="Accept a final review with questions open."),
    ] = False,
) -> None:
    """The assessor's part: the questions only the client can answer (what the executed
    contract, DPA or BAA says). Without --import, issue it; with --import FILE, store it."""
    workspace = state(ctx).workspace()
    if import_file is not None:
        result = services.import_questionnaire(
            workspace,
            import_file,
            allow_unanswered=allow_unanswered,
            part=Respondent.ASSESSOR,
            vendor_id=vendor_id,
        )
        print_imported(result)
        return
    issued_result = services.issue_questionnaire(
        workspace,
        vendor_id,
        output=output,
        issued=parse_date(issued, "--issued"),
        due=parse_date(due, "--due"),
        part=Respondent.ASSESSOR,
        prefill=True,
    )
    print_issued(issued_result)
