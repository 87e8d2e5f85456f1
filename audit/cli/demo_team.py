"""For the demo: its team's accounts for the dashboard (`audit serve`), and the committee's triage
after cycle 2, as `audit findings accept` and `findings update` do it, so that the reports show
an accepted risk and a finding in progress."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from audit import services
from audit.workspace import Workspace

# The demo's team: one account per role, with the passwords the README gives. A demo's only:
# real accounts get their own passwords (`audit users add EMAIL --role ROLE`).
TEAM = (
    ("admin@insurer.example", "admin", "Ana Lima", "demo-admin-password"),
    ("vendor-risk@insurer.example", "officer", "A. Lindqvist", "demo-officer-password"),
    ("risk-committee@insurer.example", "viewer", "Risk Committee", "demo-viewer-password"),
)


def team(workspace: Workspace, out: Console) -> None:
    for email, role, name, password in TEAM:
        services.accounts.add_user(
            workspace, email, role, password=password, name=name, by="audit demo"
        )
    out.print(
        "the dashboard's accounts: "
        + "; ".join(f"{email} ({role}, password {password})" for email, role, _, password in TEAM),
        markup=False,
    )


# The committee's triage after cycle 2, as `audit findings accept` and `findings update` do it.
ACCEPTED_RISK = (
    "harbourline-contact",
    "BCM-PRG-02",
    dt.date(2027, 9, 30),
    "ISO 22301 stage 1 audit booked for 2027; the continuity plan and failover test were "
    "reviewed in this cycle instead. Accepted until certification.",
    "Head of Operational Risk",
)
IN_PROGRESS = (
    "harbourline-contact",
    "DAT-ENC-04",
    "it-security@insurer.example",
    "Customer-managed keys for call recordings to be enabled with VoxCloud in Q1.",
)


def _finding_of(workspace: Workspace, vendor_id: str, control_id: str) -> int:
    views, _ = services.list_findings(workspace, vendor_id=vendor_id)
    return next(v.finding.id or 0 for v in views if v.finding.control_id == control_id)


def triage(workspace: Workspace, out: Console, today: dt.date) -> None:
    out.rule("The committee's triage: a risk accepted, a finding taken in hand")
    vendor_id, control_id, until, reason, approver = ACCEPTED_RISK
    accepted = _finding_of(workspace, vendor_id, control_id)
    services.accept_finding(
        workspace, accepted, until=until, reason=reason, approver=approver, today=today
    )
    out.print(
        f"finding #{accepted} ({vendor_id} {control_id}): risk accepted until {until} by "
        f"{approver}",
        markup=False,
    )
    vendor_id, control_id, owner, note = IN_PROGRESS
    taken = _finding_of(workspace, vendor_id, control_id)
    services.update_finding(
        workspace, taken, actor=approver, status="in_progress", owner=owner, note=note
    )
    out.print(f"finding #{taken} ({vendor_id} {control_id}): in progress, owner {owner}")
    out.print("the reports below show both, with the reason, the approver and the expiry")
