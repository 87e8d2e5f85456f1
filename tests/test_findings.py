"""Finding transitions across runs (pure)."""

from __future__ import annotations

import datetime as dt

from audit.content.model import Control
from audit.findings import Action, FindingState, FindingStatus, transitions
from audit.model import Rating, Severity, Tier
from audit.scoring import AuditResult, ControlResult, Status

AS_OF = dt.date(2026, 12, 14)


def result(**statuses: Status) -> AuditResult:
    controls = tuple(
        ControlResult(
            cid.replace("_", "-"), "security", status, 3, "x", 0.5, 1.0, 0.5, False, (), ()
        )
        for cid, status in statuses.items()
    )
    return AuditResult("v", AS_OF, Tier.HIGH, 50.0, Rating.HIGH, Rating.HIGH, (), {}, controls)


def state(cid: str, status: FindingStatus, until: dt.date | None = None) -> FindingState:
    return FindingState(7, cid, Severity.HIGH, status, dt.date(2026, 1, 1), until)


def test_lifecycle(content) -> None:  # noqa: F811
    controls: dict[str, Control] = dict(content.controls)
    first = transitions(
        {}, result(SEC_IAM_01=Status.PARTIALLY_MET, SEC_IAM_02=Status.MET), controls, content.policy
    )
    assert [(t.control_id, t.action) for t in first] == [("SEC-IAM-01", Action.OPENED)]
    opened = first[0]
    assert opened.severity is controls["SEC-IAM-01"].severity
    days = content.policy.cadence.remediation_days[opened.severity]
    assert opened.due == AS_OF + dt.timedelta(days=days)

    previous = {"SEC-IAM-01": state("SEC-IAM-01", FindingStatus.OPEN)}
    kept = transitions(previous, result(SEC_IAM_01=Status.UNANSWERED), controls, content.policy)
    assert kept[0].action is Action.KEPT_OPEN and kept[0].due == dt.date(2026, 1, 1)
    fixed = transitions(previous, result(SEC_IAM_01=Status.MET), controls, content.policy)
    assert fixed[0].action is Action.RESOLVED and fixed[0].status is FindingStatus.RESOLVED

    resolved = {"SEC-IAM-01": state("SEC-IAM-01", FindingStatus.RESOLVED)}
    again = transitions(resolved, result(SEC_IAM_01=Status.NOT_MET), controls, content.policy)
    assert again[0].action is Action.REOPENED and again[0].finding_id == 7


def test_acceptance_holds_then_expires(content) -> None:  # noqa: F811
    controls = dict(content.controls)
    accepted = {"SEC-IAM-01": state("SEC-IAM-01", FindingStatus.ACCEPTED, dt.date(2027, 6, 30))}
    holds = transitions(accepted, result(SEC_IAM_01=Status.NOT_MET), controls, content.policy)
    assert holds[0].action is Action.STILL_ACCEPTED and holds[0].status is FindingStatus.ACCEPTED
    lapsed = {"SEC-IAM-01": state("SEC-IAM-01", FindingStatus.ACCEPTED, dt.date(2026, 12, 1))}
    reopened = transitions(lapsed, result(SEC_IAM_01=Status.NOT_MET), controls, content.policy)
    assert (
        reopened[0].action is Action.ACCEPTANCE_EXPIRED and reopened[0].status is FindingStatus.OPEN
    )


def test_remediated_but_not_confirmed_and_out_of_scope(content) -> None:  # noqa: F811
    controls = dict(content.controls)
    previous = {
        "SEC-IAM-01": state("SEC-IAM-01", FindingStatus.REMEDIATED),
        "SEC-IAM-02": state("SEC-IAM-02", FindingStatus.OPEN),
    }
    changes = transitions(
        previous, result(SEC_IAM_01=Status.PARTIALLY_MET), controls, content.policy
    )
    assert [(t.control_id, t.action) for t in changes] == [
        ("SEC-IAM-01", Action.NOT_VERIFIED),
        ("SEC-IAM-02", Action.RESOLVED),
    ]
    assert "no longer in scope" in changes[1].note
