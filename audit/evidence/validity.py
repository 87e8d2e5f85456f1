"""How long a piece of evidence stays current, by the policy rule of its kind (pure).

- `issued_plus`: current for N months from its issue date (a pen test, a BCP test report);
- `period_end_plus`: N months after the end of the period it reports on (SOC reports), extended
  by a bridge letter up to the policy's limit;
- `until_expiry`: until its stated expiry (certificates, agreements);
- `open_ended`: once true, always true (a deletion certificate).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from audit.content.model import EvidenceKind


class EvidenceState(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True, slots=True)
class EvidenceDates:
    """The dates a piece of evidence states; which are needed depends on its kind."""

    kind: str
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Validity:
    valid_from: dt.date | None
    valid_until: dt.date | None  # None: does not expire
    basis: str

    def state(self, as_of: dt.date, expiring_within_days: int) -> EvidenceState:
        if self.valid_from is not None and as_of < self.valid_from:
            return EvidenceState.NOT_YET_VALID
        if self.valid_until is None:
            return EvidenceState.CURRENT
        if as_of > self.valid_until:
            return EvidenceState.EXPIRED
        if (self.valid_until - as_of).days <= expiring_within_days:
            return EvidenceState.EXPIRING
        return EvidenceState.CURRENT


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:  # only a date stored before the window was checked
        return dt.date.max if months > 0 else dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def required_dates(kind: EvidenceKind) -> tuple[str, ...]:
    """The date fields a piece of evidence of this kind must state."""
    return {
        "issued_plus": ("issued",),
        "period_end_plus": ("period_end",),
        "until_expiry": ("expires",),
        "open_ended": (),
    }[kind.validity.rule]


def validity(
    kind: EvidenceKind, item: EvidenceDates, bridges: Iterable[EvidenceDates] = ()
) -> Validity:
    """The window in which `item` is current; bridges are the vendor's bridge letters."""
    rule = kind.validity
    if rule.rule == "issued_plus":
        assert item.issued is not None and rule.months is not None  # noqa: S101 - checked on add
        until = add_months(item.issued, rule.months)
        return Validity(item.issued, until, f"issued {item.issued} + {rule.months} months")
    if rule.rule == "until_expiry":
        return Validity(item.issued, item.expires, f"expires {item.expires}")
    if rule.rule == "open_ended":
        return Validity(item.issued, None, "does not expire")
    assert item.period_end is not None and rule.months is not None  # noqa: S101 - checked on add
    until = add_months(item.period_end, rule.months)
    basis = f"period ended {item.period_end} + {rule.months} months"
    if rule.bridge_kind and rule.bridge_max_months:
        limit = add_months(until, rule.bridge_max_months)
        covering = [
            b.expires
            for b in bridges
            if b.kind == rule.bridge_kind
            and b.expires is not None
            and b.expires > until
            and (b.issued is None or b.issued >= item.period_end)
        ]
        if covering:
            extended = min(max(covering), limit)
            basis += f"; bridge letter to {extended}"
            until = extended
    return Validity(None, until, basis)
