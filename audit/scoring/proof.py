"""Evidence as scoring sees it: what is current on the audit date, and whether it proves a
control's requirement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from audit.content.model import Policy
from audit.evidence.validity import EvidenceDates, validity


@dataclass(frozen=True, slots=True)
class Evidence:
    """A piece of evidence as scoring sees it."""

    id: int
    kind: str
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_end: dt.date | None = None
    controls: tuple[str, ...] = ()
    period_start: dt.date | None = None
    audited: dt.date | None = None

    @property
    def dates(self) -> EvidenceDates:
        return EvidenceDates(
            self.kind, self.issued, self.expires, self.period_end, self.period_start, self.audited
        )


class Proof(NamedTuple):
    """Evidence that is current on the audit date, with its age and what it says."""

    evidence: Evidence
    valid_until: dt.date | None
    age_days: int | None


def current_proof(
    evidence: Sequence[Evidence], policy: Policy, as_of: dt.date
) -> dict[str, list[Proof]]:
    """The vendor's evidence that is current on `as_of`, by kind (bridge letters applied)."""
    dates = [e.dates for e in evidence]
    proof: dict[str, list[Proof]] = {}
    for item, item_dates in zip(evidence, dates, strict=True):
        kind = policy.evidence_kinds.get(item.kind)
        if kind is None:
            continue
        window = validity(kind, item_dates, dates if kind.validity.bridge_kind else ())
        if not window.current_on(as_of):
            continue
        anchor = item.issued or item.period_end
        age = None if anchor is None else (as_of - anchor).days
        proof.setdefault(item.kind, []).append(Proof(item, window.valid_until, age))
    return proof


def find_proof(
    kinds: tuple[str, ...],
    max_age: int | None,
    control_id: str,
    cited: tuple[int, ...],
    proof: Mapping[str, list[Proof]],
) -> Proof | None:
    for kind in kinds:
        for candidate in proof.get(kind, ()):
            item = candidate.evidence
            covers = not item.controls or control_id in item.controls or item.id in cited
            if not covers:
                continue
            if (
                max_age is not None
                and candidate.age_days is not None
                and candidate.age_days > max_age
            ):
                continue
            return candidate
    return None


def missing_reason(
    kinds: tuple[str, ...], label: str, max_age: int | None, all_evidence: Sequence[Evidence]
) -> str:
    held = [e for e in all_evidence if e.kind in kinds]
    if not held:
        return f"{label} required, none provided"
    if max_age is not None:
        return f"{label} required: none current and at most {max_age} days old covers it"
    return f"{label} required: none current covers it"
