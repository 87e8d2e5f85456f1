"""`audit findings list | show | accept | update`."""

from __future__ import annotations

import getpass
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
from audit.errors import InputError

app = typer.Typer(help="Findings: controls not met, tracked to resolution.", no_args_is_help=True)
out = console()


@app.command("list")
def list_(
    ctx: typer.Context,
    vendor: Annotated[str | None, typer.Option(help="Only this vendor.")] = None,
    status: Annotated[
        str | None, typer.Option(help="open, in_progress, remediated, accepted, resolved.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only active findings past due.")
    ] = False,
    as_of_date: AsOfOption = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    wide: WideOption = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Findings with severity, status, owner and due date (a table shows a page at a time)."""
    views, total = services.list_findings(
        state(ctx).workspace(),
        vendor_id=vendor,
        status=status,
        overdue=overdue,
        as_of=as_of(as_of_date),
        limit=page_size(fmt, limit),
        offset=offset,
    )
    rows = [
        {
            "id": v.finding.id,
            "vendor": v.finding.vendor_id,
            "control": v.finding.control_id,
            "severity": v.finding.severity,
            "status": v.finding.status,
            "due": v.finding.due.isoformat(),
            "overdue": v.overdue,
            "owner": v.finding.owner,
            "accepted_until": v.finding.accepted_until.isoformat()
            if v.finding.accepted_until
            else None,
        }
        for v in views
    ]
    render(
        rows,
        ["id", "vendor", "control", "severity", "due", "status", "overdue", "owner"],
        fmt,
        title="Findings",
        wide=wide,
        offset=offset,
        total=total,
    )


@app.command()
def show(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=LARGEST_ID)],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """One finding: the vendor, the control and its question, the answer and why it falls
    short, severity, status, owner and due date, the recommended remediation, and every event
    (who, when, what and why)."""
    detail = services.findings.finding_detail(state(ctx).workspace(), finding_id)
    f = detail.finding
    facts = {
        "finding": f.id,
        "vendor": f"{f.vendor_id} ({detail.vendor_name})",
        "control": f"{f.control_id}: {detail.title}",
        "question": detail.question,
        "answer": detail.answer or "(not answered)",
        "comment": detail.comment or "",
        "why": detail.explanation or "",
        "severity": f.severity,
        "status": f.status + (f" until {f.accepted_until}" if f.accepted_until else ""),
        "accepted": (f"by {f.approver}: {f.accepted_reason}" if f.accepted_until else ""),
        "owner": f.owner or "",
        "due": f.due.isoformat(),
        "remediation": detail.remediation,
    }
    events = [
        {
            "at": e.at.isoformat(timespec="seconds"),
            "actor": e.actor,
            "action": e.action,
            "from": e.from_status,
            "to": e.to_status,
            "note": e.note,
        }
        for e in detail.events
    ]
    if fmt is Format.JSON:
        render([facts | {"events": events}], list(facts) + ["events"], fmt)
        return
    if fmt is Format.TABLE:
        for key, value in facts.items():
            if value != "":
                out.print(f"{key + ':':<13} {value}", markup=False, soft_wrap=False)
    render(events, list(events[0]), fmt, title=f"Finding #{finding_id}: events")


@app.command()
def accept(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=LARGEST_ID)],
    until: Annotated[str, typer.Option(metavar="DATE", help="Acceptance expires on this date.")],
    reason: Annotated[str, typer.Option(help="Why the risk is accepted.")],
    approver: Annotated[
        str | None,
        typer.Option(help="Who approved it (default: you, as [user] email or AUDIT_USER names)."),
    ] = None,
) -> None:
    """Accept the risk of a finding until a date; it re-opens when the acceptance expires. The
    approver is you (`[user] email` in audit.toml, or AUDIT_USER) unless --approver names the
    person who approved it, in which case the record says you entered it."""
    until_date = parse_date(until, "--until")
    assert until_date is not None  # noqa: S101 - required option
    workspace = state(ctx).workspace()
    me = workspace.settings["user_email"]
    if approver is None and me is None:
        raise InputError(
            "who approves this acceptance? nothing names you",
            hint="set [user] email in audit.toml or AUDIT_USER, or give --approver",
        )
    named = approver or str(me)
    if approver is not None and me is not None and approver != me:
        named = f"{approver} (entered by {me})"
    row = services.accept_finding(
        workspace, finding_id, until=until_date, reason=reason, approver=named
    )
    out.print(
        f"finding #{row.id} ({row.control_id}) accepted until {row.accepted_until}", markup=False
    )


@app.command()
def update(
    ctx: typer.Context,
    finding_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=LARGEST_ID)],
    status: Annotated[str | None, typer.Option(help="open, in_progress or remediated.")] = None,
    note: Annotated[str | None, typer.Option(help="Why; kept with the change.")] = None,
    owner: Annotated[str | None, typer.Option(metavar="EMAIL", help="Who remediates it.")] = None,
    by: Annotated[
        str | None,
        typer.Option(help="Who makes the change (default: [user] email, else your login)."),
    ] = None,
) -> None:
    """Change a finding's status or owner; the change is recorded with who and why."""
    workspace = state(ctx).workspace()
    row = services.update_finding(
        workspace,
        finding_id,
        actor=by or workspace.settings["user_email"] or getpass.getuser(),
        status=status,
        note=note,
        owner=owner,
    )
    out.print(
        f"finding #{row.id} ({row.control_id}): {row.status}, owner {row.owner or '-'}",
        markup=False,
    )
