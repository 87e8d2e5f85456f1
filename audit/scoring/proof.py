"""Evidence as scoring sees it: what is current on the audit date, and whether it proves a
control's requirement.

The rule: a document proves every control that asks for its kind, on any day it is current and
young enough, wherever it was cited. Citing it under an answer points the reader to it; it does
not take it away from the other controls. Only an explicit limit narrows it: the vendor's
`only_for` in the questionnaire's list of files, or `audit evidence add --control`; a limited
document still proves a control whose answer cites it.
"""

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


def covers(item: Evidence, control_id: str, cited: tuple[int, ...]) -> bool:
    """Whether `item` may prove `control_id`: unlimited, limited to it, or cited by it."""
    return not item.controls or control_id in item.controls or item.id in cited


def find_proof(
    kinds: tuple[str, ...],
    max_age: int | None,
    control_id: str,
    cited: tuple[int, ...],
    proof: Mapping[str, list[Proof]],
) -> Proof | None:
    for kind in kinds:
        for candidate in proof.get(kind, ()):
            if not covers(candidate.evidence, control_id, cited):
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
    kinds: tuple[str, ...],
    label: str,
    max_age: int | None,
    all_evidence: Sequence[Evidence],
    proof: Mapping[str, list[Proof]] | None = None,
    control_id: str = "",
    cited: tuple[int, ...] = (),
) -> str:
    """Why no document proves the requirement, naming what is held and what keeps each from
    counting: not current on the audit date, older than the age limit, or limited by the vendor
    to other controls."""
    held = [e for e in all_evidence if e.kind in kinds]
    if not held:
        return f"{label} required, none provided"
    current = {p.evidence.id: p for kind in kinds for p in (proof or {}).get(kind, ())}
    why = []
    for item in sorted(held, key=lambda e: e.id):
        found = current.get(item.id)
        if found is None:
            why.append(f"#{item.id} not current on the audit date")
        elif not covers(item, control_id, cited):
            why.append(f"#{item.id} limited by the vendor to {', '.join(item.controls)}")
        elif max_age is not None and found.age_days is not None and found.age_days > max_age:
            why.append(f"#{item.id} is {found.age_days} days old, at most {max_age}")
    shown = "; ".join(why[:3]) + (f"; {len(why) - 3} more" if len(why) > 3 else "")
    return f"{label} required: held but not counted ({shown})"
