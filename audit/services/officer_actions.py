"""What an officer does in the dashboard, each as one call that does it through the services
the CLI uses and records it as activity under the officer's name (finding changes are recorded
by the finding's own events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from audit.model import Respondent
from audit.report.verify import Verification
from audit.services import accounts, dora_export, findings, links, questionnaires, reports, roi
from audit.services.database import transaction
from audit.services.links import IssuedLink
from audit.services.questionnaires import Delivery
from audit.store.tables import FindingRow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, as recorded, and from which address."""

    email: str
    shown: str  # "Name <email>": an acceptance's approver
    address: str | None = None


def _note(workspace: Workspace, actor: Actor, action: str, subject: str, detail: str = "") -> None:
    with transaction(workspace) as session:
        accounts.record(session, actor.email, action, subject, detail or None, actor.address)


def accept(
    workspace: Workspace,
    actor: Actor,
    finding_id: int,
    *,
    until: dt.date,
    reason: str,
    expected: str,
) -> FindingRow:
    """Accept a finding's risk; the signed-in officer is its approver."""
    return findings.accept_finding(
        workspace, finding_id, until=until, reason=reason, approver=actor.shown, expected=expected
    )


def update(
    workspace: Workspace,
    actor: Actor,
    finding_id: int,
    *,
    status: str | None,
    owner: str | None,
    note: str | None,
    expected: str,
) -> FindingRow:
    return findings.update_finding(
        workspace,
        finding_id,
        actor=actor.shown,
        status=status,
        owner=owner,
        note=note,
        expected=expected,
    )


def issue(workspace: Workspace, actor: Actor, vendor_id: str, send: bool) -> questionnaires.Issued:
    """Issue the vendor's questionnaire with a portal link (and e-mail it with `send`)."""
    issued = questionnaires.issue_questionnaire(workspace, vendor_id, link=True, send=send)
    _note(
        workspace,
        actor,
        "questionnaire issued",
        issued.questionnaire.id,
        "e-mailed with its link" if send else "with a link, not e-mailed",
    )
    return issued


def new_link(
    workspace: Workspace, actor: Actor, questionnaire_id: str, send: bool, until: dt.date | None
) -> tuple[IssuedLink, Delivery | None]:
    made, delivery = questionnaires.new_link(workspace, questionnaire_id, send=send, until=until)
    detail = f"open until {made.expires_at:%Y-%m-%d}" + ("; e-mailed" if send else "")
    _note(workspace, actor, "link issued", questionnaire_id, detail)
    return made, delivery


def issue_review(workspace: Workspace, actor: Actor, vendor_id: str) -> questionnaires.Issued:
    """Issue the assessor's part (pre-filled with the last review, to confirm)."""
    issued = questionnaires.issue_questionnaire(
        workspace, vendor_id, part=Respondent.ASSESSOR, prefill=True
    )
    _note(workspace, actor, "assessor's part issued", issued.questionnaire.id)
    return issued


def answer_review(workspace: Workspace, actor: Actor, questionnaire_id: str) -> int:
    """Open the assessor's part in the portal's pages for the signed-in officer."""
    link_id = links.assessor_session(workspace, questionnaire_id)
    _note(workspace, actor, "assessor's part opened", questionnaire_id)
    return link_id


def revoke(workspace: Workspace, actor: Actor, questionnaire_id: str) -> int:
    count = links.revoke_links(workspace, questionnaire_id)
    _note(workspace, actor, "links revoked", questionnaire_id, f"{count} open link(s)")
    return count


def report(workspace: Workspace, actor: Actor, target: str) -> reports.ReportFile:
    """A signed report of a vendor's newest run, or of the portfolio, into reports/."""
    if target == "portfolio":
        made = reports.portfolio_report(workspace)
    else:
        made = reports.vendor_report(workspace, target)
    _note(workspace, actor, "report generated", made.path.name, f"{made.size:,} bytes")
    return made


def verify(workspace: Workspace, actor: Actor, upload: Path, name: str) -> Verification:
    """Check an uploaded PDF against this workspace's signing certificate."""
    checked = reports.verify_report(workspace, upload)
    outcome = "passed" if checked.ok else "failed"
    _note(workspace, actor, "report verified", name[:200], outcome)
    return checked


def add_user(
    workspace: Workspace, actor: Actor, email: str, role: str, name: str | None, password: str
) -> accounts.User:
    return accounts.add_user(
        workspace, email, role, password=password or None, name=name or None, by=actor.email
    )


def set_user(workspace: Workspace, actor: Actor, email: str, change: str) -> accounts.User:
    """`disable`, `enable`, or a role's name."""
    if change in ("disable", "enable"):
        return accounts.set_disabled(workspace, email, change == "disable", by=actor.email)
    return accounts.set_role(workspace, email, change, by=actor.email)


def import_register(workspace: Workspace, actor: Actor, upload: Path, name: str) -> roi.Imported:
    """Sections of the register of information from an uploaded workbook, YAML, JSON or CSV."""
    made = roi.import_register(workspace, [upload], by=actor.email, names=[name[:200]])
    changed = "; ".join(f"{s}: {old} -> {new}" for s, (old, new) in made.replaced.items())
    _note(workspace, actor, "register imported", name[:200], changed or "nothing changed")
    return made


def file_register(
    workspace: Workspace, actor: Actor, entity: str, reference_date: dt.date
) -> dora_export.Package:
    """The register's EBA report package for download, with every rule it breaks."""
    package = dora_export.build_package(
        workspace, entity=entity, reference_date=reference_date, made_at=dt.datetime.now(dt.UTC)
    )
    outcome = f"{len(package.breaches)} rule(s) broken" if package.breaches else "passes the check"
    _note(workspace, actor, "register filed", package.file_name, outcome)
    return package
