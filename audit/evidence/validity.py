"""How long a piece of evidence stays current, by the policy rule of its kind (pure).

- `issued_plus`: current for N months from its issue date (a pen test, a BCP test report);
- `period_end_plus`: N months after the end of the period it reports on (SOC reports), extended
  by a bridge letter up to the policy's limit;
- `until_expiry`: until its stated expiry (certificates, agreements);
- `open_ended`: once true, always true (a deletion certificate).

A rule may also ask more of the document, which then needs the date the check reads:
- `min_period_months`: the report's period is at least this long (period_start to period_end);
  a three-month "Type II" is deficient, never current;
- `audited_within_months`: a certificate lapses this long after its last surveillance or
  recertification audit (`audited`), whatever its printed expiry;
- `issued_on_or_after`: a document issued earlier is deficient (superseded clauses).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from audit.content.model import EvidenceKind, ValidityRule


class EvidenceState(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    DEFICIENT = "deficient"  # never current: fails a rule of its kind (too short a period...)


@dataclass(frozen=True, slots=True)
class EvidenceDates:
    """The dates a piece of evidence states; which are needed depends on its kind."""

    kind: str
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_end: dt.date | None = None
    period_start: dt.date | None = None
    audited: dt.date | None = None  # last surveillance or recertification audit


@dataclass(frozen=True, slots=True)
class Validity:
    valid_from: dt.date | None
    valid_until: dt.date | None  # None: does not expire
    basis: str
    defect: str | None = None  # why it can never be current

    def current_on(self, day: dt.date) -> bool:
        if self.defect is not None:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def state(self, as_of: dt.date, expiring_within_days: int) -> EvidenceState:
        if self.defect is not None:
            return EvidenceState.DEFICIENT
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
    rule = kind.validity
    needed = {
        "issued_plus": ["issued"],
        "period_end_plus": ["period_end"],
        "until_expiry": ["expires"],
        "open_ended": [],
    }[rule.rule]
    if rule.issued_on_or_after is not None and "issued" not in needed:
        needed.append("issued")
    if rule.min_period_months is not None:
        needed.insert(0, "period_start")
    if rule.audited_within_months is not None:
        needed.append("audited")
    return tuple(needed)


def _anchor(item: EvidenceDates) -> dt.date:
    """The day a deficient document is stored as ending: the date it speaks of, so that due
    lists show it as expired (and a newer document of its kind replaces it there)."""
    dates = (item.period_end, item.issued, item.audited, item.expires)
    return next((d for d in dates if d is not None), dt.date(1970, 1, 1))


def _defect(rule: ValidityRule, item: EvidenceDates) -> str | None:
    """Why the document can never be current under its kind's rule, or None."""
    since = rule.issued_on_or_after
    if since is not None and item.issued is not None and item.issued < since:
        return f"issued {item.issued}, before {since}: superseded, not a current basis"
    start, end, least = item.period_start, item.period_end, rule.min_period_months
    if least is not None and start is not None and end is not None:
        if end < start:
            return f"period ends {end}, before it starts {start}"
        if add_months(start, least) > end + dt.timedelta(days=1):
            return f"covers {start} to {end}, less than the {least} months its kind needs"
    return None


def validity(
    kind: EvidenceKind, item: EvidenceDates, bridges: Iterable[EvidenceDates] = ()
) -> Validity:
    """The window in which `item` is current; bridges are the vendor's bridge letters."""
    missing = [name for name in required_dates(kind) if getattr(item, name) is None]
    if missing:  # stored before its kind's rule asked for it: cannot be checked, so not current
        words = ", ".join(name.replace("_", " ") for name in missing)
        reason = f"no {words} recorded, which its kind's rule needs; add it again with the date"
        return Validity(None, _anchor(item), reason, reason)
    window = _window(kind, item, bridges)
    defect = _defect(kind.validity, item)
    if defect is not None:
        return Validity(None, _anchor(item), defect, defect)
    rule = kind.validity
    if rule.audited_within_months is not None and item.audited is not None:
        lapses = add_months(item.audited, rule.audited_within_months)
        if window.valid_until is None or lapses < window.valid_until:
            basis = f"last audited {item.audited} + {rule.audited_within_months} months"
            return Validity(window.valid_from, lapses, f"{window.basis}; {basis}")
    return window


def _window(kind: EvidenceKind, item: EvidenceDates, bridges: Iterable[EvidenceDates]) -> Validity:
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


def date_warnings(
    name: str, kind: EvidenceKind | None, label: str, dates: EvidenceDates, today: dt.date
) -> list[str]:
    """What is odd about a document's dates on the day it arrives, said before it is assessed:
    a date after today (a typo, or a document not yet in force), or a document already past its
    validity, which will count for nothing."""
    warnings = [
        f"'{name}': {field.replace('_', ' ')} {day} is after today ({today})"
        for field in ("issued", "period_end", "audited")
        if (day := getattr(dates, field)) is not None and day > today
    ]
    if kind is not None and not warnings:
        window = validity(kind, dates)
        if window.defect is None and window.valid_until is not None and window.valid_until < today:
            warnings.append(
                f"'{name}' ({label}) was current until {window.valid_until}: it proves nothing "
                "on today's date; send a newer one"
            )
    return warnings
