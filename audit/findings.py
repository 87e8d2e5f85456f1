"""Findings across audit cycles (pure): previous findings + a new result -> transitions.

A control not fully met opens a finding keyed by (vendor, control), with the control's
severity and a due date from the policy. The next run keeps it open (last seen), or resolves it
when the control is met. An accepted risk stays accepted until its acceptance expires, then
re-opens. A finding the vendor marked remediated that the run does not confirm goes back to open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from audit.content.model import Control, Policy
from audit.model import Severity
from audit.scoring import FAILING, AuditResult


class FindingStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    REMEDIATED = "remediated"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"


ACTIVE = frozenset({FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.REMEDIATED})
# What `findings update --status` may set; resolving is for a run, accepting for `accept`.
SETTABLE = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.REMEDIATED)


class Action(StrEnum):
    OPENED = "opened"
    REOPENED = "reopened"
    KEPT_OPEN = "kept_open"
    NOT_VERIFIED = "not_verified"
    STILL_ACCEPTED = "still_accepted"
    ACCEPTANCE_EXPIRED = "acceptance_expired"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class FindingState:
    """What the store knows of a finding before the run."""

    id: int
    control_id: str
    severity: Severity
    status: FindingStatus
    due: dt.date
    accepted_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    control_id: str
    action: Action
    status: FindingStatus
    severity: Severity
    due: dt.date
    finding_id: int | None
    note: str


def due_date(severity: Severity, policy: Policy, as_of: dt.date) -> dt.date:
    return as_of + dt.timedelta(days=policy.cadence.remediation_days[severity])


def transitions(
    previous: Mapping[str, FindingState],
    result: AuditResult,
    controls: Mapping[str, Control],
    policy: Policy,
) -> list[Transition]:
    """What this run does to each finding, in control order, then out-of-scope resolutions."""
    as_of = result.as_of
    changes = []
    seen = set()
    for r in result.controls:
        seen.add(r.control_id)
        old = previous.get(r.control_id)
        failing = r.status in FAILING
        severity = controls[r.control_id].severity if r.control_id in controls else Severity.MEDIUM
        if failing:
            note = f"{r.status.value}: {r.explanation}"
            if old is None or old.status is FindingStatus.RESOLVED:
                action = Action.OPENED if old is None else Action.REOPENED
                changes.append(
                    Transition(
                        r.control_id,
                        action,
                        FindingStatus.OPEN,
                        severity,
                        due_date(severity, policy, as_of),
                        old.id if old else None,
                        note,
                    )
                )
            elif old.status is FindingStatus.ACCEPTED:
                if old.accepted_until is not None and old.accepted_until >= as_of:
                    changes.append(
                        Transition(
                            r.control_id,
                            Action.STILL_ACCEPTED,
                            FindingStatus.ACCEPTED,
                            old.severity,
                            old.due,
                            old.id,
                            f"risk accepted until {old.accepted_until}",
                        )
                    )
                else:
                    changes.append(
                        Transition(
                            r.control_id,
                            Action.ACCEPTANCE_EXPIRED,
                            FindingStatus.OPEN,
                            old.severity,
                            due_date(old.severity, policy, as_of),
                            old.id,
                            f"acceptance expired {old.accepted_until}; {note}",
                        )
                    )
            elif old.status is FindingStatus.REMEDIATED:
                changes.append(
                    Transition(
                        r.control_id,
                        Action.NOT_VERIFIED,
                        FindingStatus.OPEN,
                        old.severity,
                        old.due,
                        old.id,
                        f"remediation not confirmed by this run; {note}",
                    )
                )
            else:
                changes.append(
                    Transition(
                        r.control_id,
                        Action.KEPT_OPEN,
                        old.status,
                        old.severity,
                        old.due,
                        old.id,
                        note,
                    )
                )
        elif old is not None and old.status is not FindingStatus.RESOLVED:
            changes.append(
                Transition(
                    r.control_id,
                    Action.RESOLVED,
                    FindingStatus.RESOLVED,
                    old.severity,
                    old.due,
                    old.id,
                    f"verified: {r.status.value}",
                )
            )
    for control_id in sorted(set(previous) - seen):
        old = previous[control_id]
        if old.status is not FindingStatus.RESOLVED:
            changes.append(
                Transition(
                    control_id,
                    Action.RESOLVED,
                    FindingStatus.RESOLVED,
                    old.severity,
                    old.due,
                    old.id,
                    "control no longer in scope for this vendor",
                )
            )
    return changes


@dataclass(frozen=True, slots=True)
class Standing:
    """A finding as it stood at some moment: what a report shows of it."""

    status: str
    owner: str | None
    accepted_until: dt.date | None = None
    accepted_reason: str | None = None
    approver: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded event of a finding, as the replay needs it."""

    action: str
    to_status: str
    actor: str
    note: str | None


# The notes the finding services write (services/findings.py): an acceptance is
# "until DATE: REASON", an owner change is part of "...; owner OLD -> NEW; ...".
_ACCEPTED = re.compile(r"until (\d{4}-\d{2}-\d{2}): (.*)", re.DOTALL)
_OWNER = re.compile(r"(?:^|; )owner \S+ -> ([^;\s]+)")


def replay(changes: Sequence[Change], owner: str | None = None) -> Standing | None:
    """The standing after `changes` (oldest first), from nothing: None when there are none."""
    if not changes:
        return None
    accepted: tuple[dt.date | None, str | None, str | None] = (None, None, None)
    for change in changes:
        if change.action == "updated" and change.note and (m := _OWNER.search(change.note)):
            owner = m.group(1)
        if change.action == "accepted" and change.note and (m := _ACCEPTED.match(change.note)):
            accepted = (dt.date.fromisoformat(m.group(1)), m.group(2), change.actor)
    status = changes[-1].to_status
    if status != FindingStatus.ACCEPTED:
        return Standing(status, owner)
    return Standing(status, owner, *accepted)
