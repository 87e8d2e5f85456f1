"""`audit due` and `audit scheduler`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated

import typer

from audit import services
from audit.cli.app import app, state
from audit.cli.console import console
from audit.cli.output import Format, render
from audit.cli.params import (
    AsOfOption,
    FormatOption,
    LimitOption,
    OffsetOption,
    WideOption,
    as_of,
)
from audit.inputs import printable

if TYPE_CHECKING:
    from audit.services.ledger import Action

out = console()


@app.command()
def due(
    ctx: typer.Context,
    as_of_date: AsOfOption = None,
    within: Annotated[
        int | None,
        typer.Option(
            metavar="DAYS", min=0, max=3660, help="Also what falls due within DAYS (0 to 3660)."
        ),
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    wide: WideOption = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Assessments, questionnaires, evidence and findings that are due or overdue, most
    overdue first (a table shows a page at a time)."""
    day = as_of(as_of_date)
    items = services.due.due_items(state(ctx).workspace(), day, within)
    rows = [
        {
            "kind": i.kind.value,
            "vendor": i.vendor_id,
            "what": i.subject,
            "due": i.due.isoformat(),
            "days_left": i.days_left,
            "state": "overdue" if i.overdue else "due",
            "detail": i.detail,
        }
        for i in items
    ]
    render(
        rows,
        ["kind", "vendor", "what", "due", "days_left", "detail"],
        fmt,
        title=f"Due as of {day}",
        wide=wide,
        paged=True,
        limit=limit,
        offset=offset,
    )


def _print(job: str, action: Action) -> None:
    """One log line per action, written straight to the stream (a quarter at ten thousand
    vendors logs some 350,000 actions; laid out by Rich, the lines alone took 45 s of CPU),
    with control characters escaped like everything else shown."""
    vendor = f" {action.vendor_id}" if action.vendor_id else ""
    out.file.write(printable(f"[{job}]{vendor}: {action.detail}") + "\n")


@app.command()
def scheduler(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run every job once and exit (cron, CI).")
    ] = False,
    as_of_date: AsOfOption = None,
    every: Annotated[
        int,
        typer.Option(
            metavar="MINUTES", min=1, max=10080, help="How often to run the jobs (1 to 10080)."
        ),
    ] = 60,
) -> None:
    """Issue questionnaires when due, remind, warn about evidence, flag overdue findings."""
    workspace = state(ctx).workspace()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if once:
        day = as_of(as_of_date)
        from audit import scheduler as runner

        actions = runner.run_once(workspace, day, _print)
        out.print(f"scheduler ran once for {day}: {len(actions)} new action(s)", markup=False)
        return
    if as_of_date is not None:
        raise typer.BadParameter("--as-of only goes with --once", param_hint="--as-of")
    from audit import scheduler as runner

    runner.run_forever(workspace, every_minutes=every, report=_print)
