"""Frozen dataclasses of checklists, framework indexes and policies.

Raw dicts never leave the loader: everything past it reads these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from audit.content.conditions import Condition
from audit.model import AnswerType, Rating, Respondent, Severity, Tier
from audit.organisation import Organisation


def frozen_map(data: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view of a copy of `data`."""
    return MappingProxyType(dict(data))


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    score: float | None = None
    not_applicable: bool = False


class Threshold(NamedTuple):
    """`value <operator> bound` scores `score`; the first threshold that holds wins.

    A NamedTuple so that the scoring loop unpacks it directly."""

    operator: str
    bound: float
    score: float


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    type: AnswerType
    options: tuple[Option, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    otherwise: float | None = None
    unit: str | None = None
    allow_na: bool = False
    max_length: int | None = None

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True, slots=True)
class EvidenceRequirement:
    """Proof a control asks for: one kind, or any one of several kinds."""

    kinds: tuple[str, ...]
    required: bool
    max_age_days: int | None = None

    @property
    def label(self) -> str:
        return " or ".join(self.kinds)


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    checklist: str
    domain: str
    section: str
    title: str
    question: str
    guidance: str
    answer: AnswerSpec
    weight: int
    severity: Severity
    knockout: bool
    applies_when: Condition | None
    evidence: tuple[EvidenceRequirement, ...]
    references: Mapping[str, tuple[str, ...]]
    remediation: str
    line: int | None = None
    answered_by: Respondent = Respondent.VENDOR
    # A knockout fails when its answer scores below this (or is unanswered, or unproven):
    # 1.0, the default, fails anything short of full marks; a control whose guidance accepts a
    # weaker answer states where the line is.
    knockout_below: float = 1.0

    @property
    def scored(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Checklist:
    id: str
    version: str
    title: str
    domain: str
    summary: str
    sections: tuple[Section, ...]
    controls: tuple[Control, ...]
    source: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    title: str
    group: str | None = None
    # "institution": a duty of the auditing organisation itself (its own monitoring, its
    # register, its notice to the supervisor). Vendor answers support it; they cannot cover it.
    duty: str | None = None

    @property
    def institution_duty(self) -> bool:
        return self.duty == "institution"


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: str
    publisher: str
    edition: str
    scope_note: str | None
    requirements: tuple[Requirement, ...]
    source: str
    sha256: str
    # Regimes that make it binding on the auditing organisation; none for a standard.
    regimes: tuple[str, ...] = ()
    # How a citation names it in a report ("DORA Art.30(2)(a)"); the id when not given.
    short_title: str | None = None

    @property
    def short(self) -> str:
        return self.short_title or self.id

    @property
    def requirement_ids(self) -> frozenset[str]:
        return frozenset(requirement.id for requirement in self.requirements)


@dataclass(frozen=True, slots=True)
class TierRule:
    when: Condition
    points: int
    reason: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class TierBand:
    tier: Tier
    min_points: int


@dataclass(frozen=True, slots=True)
class TierFloor:
    """Whatever the points, a vendor matching `when` is tiered no lower than `tier`."""

    when: Condition
    tier: Tier
    reason: str


@dataclass(frozen=True, slots=True)
class ScopeRule:
    checklist: str
    reason: str
    when: Condition | None = None


@dataclass(frozen=True, slots=True)
class RatingBand:
    rating: Rating
    min_score: float


@dataclass(frozen=True, slots=True)
class RatingCap:
    """The rating can be no better than `rating` when the vendor has at least `gaps_at_least`
    gaps (controls of `severities` scored below half marks), or when a domain scores below
    `domain_below`: one of the two is set."""

    rating: Rating
    severities: tuple[Severity, ...] = ()
    gaps_at_least: int | None = None
    domain_below: float | None = None


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    domain_weights: Mapping[str, float]
    bands: tuple[RatingBand, ...]
    knockout_cap: Rating
    unverified_factor: float
    caps: tuple[RatingCap, ...] = ()


@dataclass(frozen=True, slots=True)
class Cadence:
    reassess_days: Mapping[Tier, int]
    response_days: int
    questionnaire_reminders: tuple[int, ...]
    evidence_warnings: tuple[int, ...]
    remediation_days: Mapping[Severity, int]
    expiring_within_days: int
    # At most this many days after an assessment whose residual rating was this bad.
    rating_days: Mapping[Rating, int] = field(default_factory=lambda: frozen_map({}))
    # A portal link still opens this many days after the questionnaire's due date.
    link_grace_days: int = 14


@dataclass(frozen=True, slots=True)
class ValidityRule:
    """How long a kind of evidence stays current; see `audit.evidence.validity`."""

    rule: str
    months: int | None = None
    bridge_kind: str | None = None
    bridge_max_months: int | None = None
    min_period_months: int | None = None  # the report's period must be at least this long
    audited_within_months: int | None = None  # since the certificate's last audit
    issued_on_or_after: dt.date | None = None  # older documents are never current


@dataclass(frozen=True, slots=True)
class EvidenceKind:
    id: str
    label: str
    validity: ValidityRule
    description: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    version: str
    title: str
    summary: str
    tier_rules: tuple[TierRule, ...]
    tier_bands: tuple[TierBand, ...]
    scope: tuple[ScopeRule, ...]
    rating: RatingPolicy
    cadence: Cadence
    evidence_kinds: Mapping[str, EvidenceKind]
    source: str
    sha256: str
    tier_floors: tuple[TierFloor, ...] = ()


@dataclass(frozen=True, slots=True)
class ContentSet:
    """Everything a workspace's content says, loaded and checked together."""

    checklists: tuple[Checklist, ...]
    frameworks: Mapping[str, Framework]
    policy: Policy
    controls: Mapping[str, Control] = field(default_factory=lambda: frozen_map({}))
    # Who is auditing: its regimes decide which regime-bound controls and citations apply.
    organisation: Organisation = Organisation()

    def checklist(self, checklist_id: str) -> Checklist | None:
        return next((c for c in self.checklists if c.id == checklist_id), None)
