"""What is due (pure): assessments by tier cadence, questionnaires past their due date, evidence
that stops being current, findings past due. Each item says how many days are left (negative
when overdue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from audit.content.model import Cadence
from audit.model import Rating, Tier


class DueKind(StrEnum):
    ASSESSMENT = "assessment"
    QUESTIONNAIRE = "questionnaire"
    EVIDENCE = "evidence"
    FINDING = "finding"


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: DueKind
    vendor_id: str
    subject: str
    due: dt.date
    days_left: int
    detail: str
    ref: str  # the id of what is due: vendor, questionnaire, evidence or finding

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True, slots=True)
class VendorCadence:
    vendor_id: str
    tier: Tier
    since: dt.date
    last_assessed: dt.date | None
    last_rating: Rating | None = None


def interval(vendor: VendorCadence, cadence: Cadence) -> tuple[int, str]:
    """Days between assessments and why: the tier's cadence, or sooner when the last residual
    rating was bad enough for the policy to ask it."""
    days = cadence.reassess_days[vendor.tier]
    basis = f"{vendor.tier.value} tier: every {days} days"
    rating = vendor.last_rating
    sooner = cadence.rating_days.get(rating) if rating is not None else None
    if rating is not None and sooner is not None and sooner < days:
        return sooner, f"last rated {rating.value}: every {sooner} days"
    return days, basis


def next_assessment(vendor: VendorCadence, cadence: Cadence) -> dt.date:
    """Cadence runs from the last assessment, or from onboarding for a vendor never assessed."""
    start = vendor.last_assessed or vendor.since
    return start + dt.timedelta(days=interval(vendor, cadence)[0])


def assessments_due(
    vendors: Iterable[VendorCadence],
    cadence: Cadence,
    as_of: dt.date,
    within: int = 0,
) -> list[DueItem]:
    items = []
    for vendor in vendors:
        subject = interval(vendor, cadence)[1]
        due = next_assessment(vendor, cadence)
        left = (due - as_of).days
        if left <= within:
            basis = (
                f"last assessed {vendor.last_assessed}"
                if vendor.last_assessed
                else f"onboarded {vendor.since}, never assessed"
            )
            items.append(
                DueItem(
                    DueKind.ASSESSMENT,
                    vendor.vendor_id,
                    subject,
                    due,
                    left,
                    basis,
                    vendor.vendor_id,
                )
            )
    return items


@dataclass(frozen=True, slots=True)
class OpenQuestionnaire:
    id: str
    vendor_id: str
    issued: dt.date
    due: dt.date


def questionnaires_due(
    questionnaires: Iterable[OpenQuestionnaire], as_of: dt.date, within: int = 0
) -> list[DueItem]:
    return [
        DueItem(
            DueKind.QUESTIONNAIRE,
            q.vendor_id,
            q.id,
            q.due,
            (q.due - as_of).days,
            f"issued {q.issued}, no answers yet",
            q.id,
        )
        for q in questionnaires
        if (q.due - as_of).days <= within
    ]


@dataclass(frozen=True, slots=True)
class EvidenceWindow:
    id: int
    vendor_id: str
    kind: str
    label: str
    file_name: str
    valid_until: dt.date | None


def evidence_due(windows: Iterable[EvidenceWindow], as_of: dt.date, within: int) -> list[DueItem]:
    """The newest evidence of each kind per vendor that expires within `within` days or has
    expired; an expired report already replaced by a newer one is not a problem."""
    newest: dict[tuple[str, str], EvidenceWindow] = {}
    for window in windows:
        key = (window.vendor_id, window.kind)
        current = newest.get(key)
        if current is None or _later(window.valid_until, current.valid_until):
            newest[key] = window
    items = []
    for window in newest.values():
        if window.valid_until is None:
            continue
        left = (window.valid_until - as_of).days
        if left <= within:
            state = "expired" if left < 0 else "expires"
            items.append(
                DueItem(
                    DueKind.EVIDENCE,
                    window.vendor_id,
                    f"{window.label} ({window.file_name})",
                    window.valid_until,
                    left,
                    f"evidence #{window.id} {state} {window.valid_until}",
                    str(window.id),
                )
            )
    return items


def _later(a: dt.date | None, b: dt.date | None) -> bool:
    if a is None:
        return True
    return b is not None and a > b


@dataclass(frozen=True, slots=True)
class ActiveFinding:
    id: int
    vendor_id: str
    control_id: str
    severity: str
    due: dt.date
    owner: str | None


def findings_due(
    findings: Iterable[ActiveFinding], as_of: dt.date, within: int = 0
) -> list[DueItem]:
    return [
        DueItem(
            DueKind.FINDING,
            f.vendor_id,
            f"#{f.id} {f.control_id} ({f.severity})",
            f.due,
            (f.due - as_of).days,
            f"owner {f.owner or 'unassigned'}",
            str(f.id),
        )
        for f in findings
        if (f.due - as_of).days <= within
    ]


_KIND_ORDER = {kind: n for n, kind in enumerate(DueKind)}


def sort_items(items: Iterable[DueItem]) -> list[DueItem]:
    order = _KIND_ORDER
    return sorted(items, key=lambda i: (i.due, order[i.kind], i.vendor_id, i.subject))
