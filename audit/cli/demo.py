"""`audit demo`: the complete cycle on the bundled sample portfolio, in a fresh workspace."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audit import services
from audit.cli.app import app, state
from audit.cli.console import console
from audit.cli.demo_register import oscal_results, register_of_information
from audit.cli.demo_team import team, triage
from audit.cli.output import Format, render
from audit.errors import WorkspaceError
from audit.model import Respondent
from audit.workspace import Workspace, builtin_root, resolve_root

if TYPE_CHECKING:
    from audit.services.questionnaires import Issued
    from audit.services.submissions import Imported

out = console()
DEMO_MARKER = ".audit-demo-workspace"


def portfolio_root() -> Path:
    """The sample portfolio: `examples/portfolio` in a checkout, or shipped in the wheel."""
    return builtin_root() / "examples" / "portfolio"


def _shown_path(path: Path) -> str:
    """The path as typed from the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _fresh_demo_folder(folder: Path) -> Path:
    """A clean folder for the demo; only a folder the demo itself made is ever removed."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists():
            raise WorkspaceError(
                f"{folder} exists and was not made by `audit demo`; refusing to replace it"
            )
        shutil.rmtree(folder)
    return folder


def _content(workspace: Workspace) -> None:
    out.rule("2. Content validated: schemas, cross-file integrity, references")
    content = services.workspace_content(workspace)
    rows = [
        {
            "checklist": c.id,
            "version": c.version,
            "controls": len(c.controls),
            "knockouts": sum(1 for x in c.controls if x.knockout),
        }
        for c in content.checklists
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)
    out.print(f"{ORGANISATION}: {content.organisation.describe()}", markup=False)
    out.rule("3. Framework coverage")
    rows = [
        {
            "framework": c.framework.id,
            "requirements": c.total,
            "covered": c.covered,
            "supported": c.supported,
            "percent": f"{100 * c.covered / c.total:.0f}%",
        }
        for c in services.all_coverage(content)
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)


def _register(workspace: Workspace, portfolio: Path) -> None:
    out.rule("4. Vendor register: the sample portfolio, tiered by the policy")
    result = services.import_vendors(workspace, portfolio / "vendors.yaml")
    out.print(f"imported {len(result.added)} vendors from {portfolio / 'vendors.yaml'}")
    rows = [
        {
            "vendor": s.vendor.id,
            "tier": s.tier.tier.value,
            "points": s.tier.points,
            "why": s.tier.explanation,
        }
        for s in services.list_vendors(workspace)
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)


CYCLES = (
    ("cycle-1", dt.date(2025, 11, 3), dt.date(2025, 12, 3), dt.date(2025, 12, 15)),
    ("cycle-2", dt.date(2026, 11, 2), dt.date(2026, 12, 2), dt.date(2026, 12, 14)),
)


VENDOR_CONTACT = "Priya Raman <priya.raman@meridianpayroll.example>"
WORKBOOK_VENDOR = "meridian-payroll"  # answers cycle 2 in the workbook, the others in YAML
PORTAL_VENDOR = "nordic-it-managed"  # answers cycle 2 online, in the portal
PORTAL_CONTACT = "Magnus Ekström"
ORGANISATION = "Aurora Mutual Insurance"
# An EU insurer: a financial entity under DORA, a GDPR controller, and a merchant taking card
# payments for premiums. (Insurers are outside the EBA guidelines, which bind credit
# institutions, investment firms, payment and e-money institutions.)
REGIMES = ("dora", "gdpr", "pci_dss")
COUNTRY = "DE"


def _issue(
    workspace: Workspace, vendor_id: str, issued: dt.date, due: dt.date, suffix: str
) -> Issued:
    """The vendor's questionnaire and the assessor's part (pre-filled with last cycle's review)."""
    folder = workspace.root / "questionnaires"
    result = services.issue_questionnaire(
        workspace,
        vendor_id,
        output=folder / f"Q-{vendor_id}-{issued:%Y%m%d}{suffix}",
        issued=issued,
        due=due,
        send=suffix == ".xlsx",
    )
    services.issue_questionnaire(
        workspace,
        vendor_id,
        output=folder / f"R-{vendor_id}-{issued:%Y%m%d}.yaml",
        issued=issued,
        due=due,
        part=Respondent.ASSESSOR,
        prefill=True,
    )
    return result


def _workbook(workspace: Workspace, issued: Issued, inbox: Path) -> Imported:
    """One vendor answers in the workbook, as a person would in Excel: a draft first, then the
    rest, marked final, checked with the self-check, and imported."""
    from audit.cli.demo_workbook import fill_workbook, typed_from_yaml

    q = issued.questionnaire
    filled = inbox / issued.path.name
    shutil.copyfile(issued.path, filled)
    typed = typed_from_yaml(q, inbox / f"{q.id}.yaml")
    (inbox / f"{q.id}.yaml").unlink()  # this vendor returns the workbook instead
    first = dict(list(typed.answers.items())[: len(typed.answers) // 2])
    fill_workbook(filled, first, status="Draft", completed_by=VENDOR_CONTACT)
    draft = services.import_questionnaire(workspace, filled)
    out.print(
        f"{q.vendor_id} works in the workbook: draft version {draft.version} imported with "
        f"{draft.answered} of {len(q.questions)} answered (drafts are kept, never assessed)"
    )
    fill_workbook(
        filled,
        typed.answers,
        comments=typed.comments,
        cited=typed.cited,
        files=typed.files,
        status="Final",
        completed_by=VENDOR_CONTACT,
    )
    checked = services.check_questionnaire(filled)
    out.print(
        f"self-check of {filled.name} (no workspace needed): {checked.answered} of "
        f"{checked.questions} answered, {len(checked.problems)} problem(s)"
    )
    return services.import_questionnaire(workspace, filled, allow_unanswered=True)


def _portal(workspace: Workspace, issued: Issued, inbox: Path) -> list[int]:
    """One vendor answers online: a link e-mailed, answers given in the portal over two
    sittings, its documents uploaded, submitted; the inbox holds no file from it."""
    from audit.cli.demo_portal import answer_in_portal
    from audit.web.serving import serving

    q = issued.questionnaire
    # The cycle's dates are history; the link opens for a week from today, as an officer gives
    # a vendor more time (`audit questionnaire link Q --until DATE --send`).
    link, delivery = services.questionnaires.new_link(
        workspace, q.id, send=True, until=dt.date.today() + dt.timedelta(days=7)
    )
    sample = inbox / f"{q.id}.yaml"
    with serving(workspace) as base:
        done = answer_in_portal(base, link.url.rsplit("/q/", 1)[1], q, sample, PORTAL_CONTACT)
    sample.unlink()  # this vendor answered online instead
    submission, _ = services.show_submission(workspace, q.id)
    to = ", ".join(delivery.to) if delivery else ""
    out.print(
        f"{q.vendor_id} answers online (link e-mailed to {to}): {done.after_break} when it came "
        f"back after a break, {done.answered} at submission, {done.documents} documents "
        f"uploaded; submitted by {submission.completed_by} as version {submission.version}",
        markup=False,
    )
    return [submission.answered, 0, done.documents]


def _cycle(
    workspace: Workspace, portfolio: Path, cycle: tuple[str, dt.date, dt.date, dt.date]
) -> None:
    name, issued, due, as_of = cycle
    out.rule(f"{name}: questionnaires issued {issued}, answered, assessed as of {as_of}")
    inbox = workspace.root / "inbox" / name
    vendors = [s.vendor.id for s in services.list_vendors(workspace)]
    # Cycle 1 goes out as YAML; cycle 2 as workbooks e-mailed to the vendors' contacts (any
    # format comes back through the same reader: the questionnaire's id and hash decide).
    suffix = ".xlsx" if name == CYCLES[-1][0] else ".yaml"
    issued_files = {v: _issue(workspace, v, issued, due, suffix) for v in vendors}
    if suffix == ".xlsx":
        out.print(
            f"{len(vendors)} workbooks e-mailed with their questionnaire attached "
            f"(outbox: {workspace.outbox_dir / 'pending'}); assessor's parts in questionnaires/"
        )
    # The vendors' filled copies and their evidence arrive in an inbox folder, with the
    # assessor's reviews of the executed contracts.
    shutil.copytree(portfolio / name, inbox)
    answered: dict[str, list[int]] = {}
    if suffix == ".xlsx":
        first = _workbook(workspace, issued_files[WORKBOOK_VENDOR], inbox)
        answered[first.vendor_id] = [first.answered, 0, first.evidence_new + first.evidence_known]
        answered[PORTAL_VENDOR] = _portal(workspace, issued_files[PORTAL_VENDOR], inbox)
    # The whole inbox in one command, each file all or nothing; the samples were returned final
    # with a few questions left open, each with a comment saying why: the officer accepts them.
    outcomes = services.import_questionnaires(workspace, [inbox], allow_unanswered=True)
    for outcome in outcomes:
        got = outcome.imported
        if got is None or got.duplicate:
            continue
        counts = answered.setdefault(got.vendor_id, [0, 0, 0])
        counts[0 if got.part is Respondent.VENDOR else 1] = got.answered
        counts[2] += got.evidence_new + got.evidence_known
    new = sum(1 for o in outcomes if o.imported and not o.imported.duplicate)
    held = sum(1 for o in outcomes if o.imported and o.imported.duplicate)
    refused = sum(1 for o in outcomes if o.problems and not o.skipped)
    out.print(
        f"imported the inbox in one command: {new} questionnaire(s) and review(s)"
        + (f", {held} already held" if held else "")
        + f", {refused} refused"
    )
    rows = []
    for done in services.assess_all(workspace, as_of):
        scored = done.scored
        if scored is None:
            out.print(f"{done.fresh.vendor_id}: not assessed: {done.error}")
            continue
        vendor_part, assessor_part, evidence = answered.get(scored.vendor_id, [0, 0, 0])
        previous = scored.previous_score
        rows.append(
            {
                "vendor": scored.vendor_id,
                "answered": f"{vendor_part} + {assessor_part}",
                "evidence": evidence,
                "score": f"{scored.score:.1f}",
                "change": "" if previous is None else f"{scored.score - previous:+.1f}",
                "rating": scored.rating,
                "knockouts failed": scored.knockouts_failed,
                "run": scored.run_id,
            }
        )
    render(rows, list(rows[0]), Format.TABLE, console=out, title="assess --all")
    out.print("answered: by the vendor + by the assessor from the executed contract")


def _changes(workspace: Workspace) -> None:
    out.rule("What changed between the cycles")
    rows = []
    for summary in services.list_vendors(workspace):
        diff = services.diff_runs(workspace, summary.vendor.id, None, None)
        improved = sum(1 for _, a, b in diff.statuses if b == "met" and a != "met")
        regressed = sum(1 for _, a, b in diff.statuses if a == "met" and b != "met")
        rows.append(
            {
                "vendor": summary.vendor.id,
                "score": f"{diff.before.score:.1f} -> {diff.after.score:.1f}",
                "rating": f"{diff.before.rating} -> {diff.after.rating}",
                "controls improved": improved,
                "controls regressed": regressed,
                "findings resolved": len(diff.resolved),
                "findings opened": len(diff.opened),
            }
        )
    render(rows, list(rows[0]), Format.TABLE, console=out)


def _reports(workspace: Workspace, target: Path) -> None:
    out.rule(f"Signed reports written to {target}")
    rows = []
    for summary in services.list_vendors(workspace):
        result = services.reports.vendor_report(
            workspace,
            summary.vendor.id,
            output=target / f"{summary.vendor.id}-{CYCLES[-1][3]}.pdf",
        )
        rows.append({"report": str(result.path), "bytes": f"{result.size:,}"})
    portfolio = services.reports.portfolio_report(
        workspace, output=target / f"portfolio-{CYCLES[-1][3]}.pdf", as_of=CYCLES[-1][3]
    )
    rows.append({"report": str(portfolio.path), "bytes": f"{portfolio.size:,}"})
    render(rows, list(rows[0]), Format.TABLE, console=out)
    checked = services.reports.verify_report(workspace, portfolio.path)
    for check in checked.checks:
        out.print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}", markup=False)
    history = services.verify_history(workspace, [portfolio.path])
    state = "intact" if not history.problems else f"{len(history.problems)} problem(s)"
    out.print(
        f"history {state}: {history.entries} submissions, runs and finding events chained, "
        f"head {history.head[:16]}..., as the signed portfolio report states "
        "(`audit history --verify --against REPORT`)",
        markup=False,
    )


def _scheduler(workspace: Workspace) -> None:
    year_on = CYCLES[-1][3] + dt.timedelta(days=365)
    out.rule(f"A year later ({year_on}): what is due, and the scheduler run once")
    counts: dict[tuple[str, str], int] = {}
    for item in services.due.due_items(workspace, year_on):
        state = "overdue" if item.overdue else "due"
        counts[(item.kind.value, state)] = counts.get((item.kind.value, state), 0) + 1
    rows = [
        {"due": kind, "state": state, "items": n} for (kind, state), n in sorted(counts.items())
    ]
    render(rows, ["due", "state", "items"], Format.TABLE, console=out)
    from audit.scheduler import run_once

    actions = run_once(workspace, year_on)
    per_job: dict[str, int] = {}
    for action in actions:
        per_job[action.job] = per_job.get(action.job, 0) + 1
    for action in actions:
        if action.job == "issue":
            out.print(f"issued to {action.vendor_id}: {action.detail}", markup=False)
    queued = len(list((workspace.outbox_dir / "pending").glob("*.eml")))
    out.print(
        "scheduler actions: "
        + ", ".join(f"{n} {job}" for job, n in sorted(per_job.items()))
        + f"; {queued} e-mail(s) in {workspace.outbox_dir / 'pending'}",
        markup=False,
    )
    again = run_once(workspace, year_on)
    out.print(f"run again for the same day: {len(again)} new action(s) (the ledger remembers)")


@app.command()
def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Demo workspace (default: .audit/demo in the workspace)."),
    ] = None,
) -> None:
    """Run the complete cycle on the bundled sample portfolio in a fresh demo workspace."""
    root = resolve_root(state(ctx).workspace_option).resolve()
    folder = _fresh_demo_folder(directory or root / ".audit" / "demo")
    out.rule("1. A fresh workspace with the built-in content")
    workspace = services.create_workspace(folder, ORGANISATION, REGIMES, COUNTRY)
    (folder / DEMO_MARKER).write_text("made by `audit demo`; removed by the next demo run\n")
    out.print(f"workspace: {workspace.root}", markup=False)
    _content(workspace)
    portfolio = portfolio_root()
    _register(workspace, portfolio)
    for cycle in CYCLES:
        _cycle(workspace, portfolio, cycle)
    _changes(workspace)
    triage(workspace, out, CYCLES[-1][3])
    _reports(workspace, root / "reports")
    register_of_information(workspace, portfolio, root / "reports", out)
    oscal_results(workspace, "harbourline-contact", root / "reports", out)
    _scheduler(workspace)
    out.rule("Explore it")
    shown = _shown_path(workspace.root)
    out.print(
        f"the demo's workspace is {shown}: for example `audit -w {shown} vendors list`, "
        f"`audit -w {shown} findings show ID`; its signing certificate, for `audit verify "
        f"--cert`: `audit -w {shown} keys export-cert`",
        markup=False,
    )
    out.print(
        f"the dashboard: `audit -w {shown} serve`, then open http://127.0.0.1:8080 and sign in",
        markup=False,
    )
    team(workspace, out)
