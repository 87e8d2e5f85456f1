"""Scoring results: the status of a control, one control's result with its explanation, and an
audit's result with its canonical JSON and SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from audit.model import Rating, Tier

ROUND = 4


class Status(StrEnum):
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    UNVERIFIED = "unverified"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "not_applicable"


FAILING = frozenset({Status.PARTIALLY_MET, Status.NOT_MET, Status.UNVERIFIED, Status.UNANSWERED})


class ControlResult(NamedTuple):
    """One control's result. A NamedTuple: the scoring loop builds hundreds of thousands."""

    control_id: str
    domain: str
    status: Status
    weight: int
    answer: Any
    answer_score: float | None
    evidence_factor: float
    effective: float | None
    knockout: bool
    evidence_used: tuple[int, ...]
    missing_evidence: tuple[str, ...]
    comment: str | None = None
    answered_by: str = "vendor"  # vendor | assessor: whose part of the questionnaire holds it
    # Unanswered, unproven, not met, or partly met below the control's `knockout_below`.
    knockout_failed: bool = False

    @property
    def explanation(self) -> str:
        """One line: answer -> score; evidence -> factor; weight. (Written for speed: a run
        explains every control, some 170 per vendor.)"""
        status = self.status
        if status is Status.NOT_APPLICABLE:
            if self.answer is None:
                return "not asked: its follow-up condition does not hold"
            if self.weight == 0:
                return "informational; not scored"
            return f"answer {_show(self.answer)} -> not applicable"
        if status is Status.UNANSWERED:
            return f"no answer -> 0; weight {self.weight}"
        text = f"answer {_show(self.answer)} -> {_num(self.answer_score)}"
        if self.missing_evidence:
            text += f"; {'; '.join(self.missing_evidence)} -> x{_num(self.evidence_factor)}"
        elif self.evidence_used:
            text += "; evidence #" + ", #".join(map(str, self.evidence_used)) + " current"
        text += f"; weight {self.weight}"
        if self.knockout_failed:
            text += "; knockout failed"
        return text


def _show(value: Any) -> str:
    if type(value) is list:
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


@dataclass(frozen=True, slots=True)
class AuditResult:
    vendor_id: str
    as_of: dt.date
    tier: Tier
    score: float
    rating: Rating
    band_rating: Rating
    capped_by: tuple[str, ...]
    domains: Mapping[str, float]
    controls: tuple[ControlResult, ...]
    inputs: Mapping[str, Any] = field(default_factory=dict)
    caps: tuple[str, ...] = ()  # the policy's caps that held, each with its reason

    def as_dict(self) -> dict[str, Any]:
        """Everything the result says, as plain data; what the canonical JSON serialises."""
        return {
            "vendor": self.vendor_id,
            "as_of": self.as_of.isoformat(),
            "tier": self.tier.value,
            "score": self.score,
            "rating": self.rating.value,
            "band_rating": self.band_rating.value,
            "knockouts_failed": list(self.capped_by),
            "caps": list(self.caps),
            "domains": dict(self.domains),
            "controls": [
                {
                    "id": r.control_id,
                    "domain": r.domain,
                    "status": r.status.value,
                    "answer": r.answer,
                    "answered_by": r.answered_by,
                    "comment": r.comment,
                    "answer_score": r.answer_score,
                    "evidence_factor": r.evidence_factor,
                    "weight": r.weight,
                    "score": r.effective,
                    "evidence": list(r.evidence_used),
                    "missing_evidence": list(r.missing_evidence),
                    "explanation": r.explanation,
                }
                for r in self.controls
            ],
            "inputs": dict(self.inputs),
        }

    def canonical_json(self) -> bytes:
        return canonical_json(self.as_dict())

    @property
    def sha256(self) -> str:
        return digest(self.as_dict())


def canonical_json(data: Mapping[str, Any]) -> bytes:
    """Same inputs, same bytes: sorted keys, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(data: Mapping[str, Any]) -> str:
    """The SHA-256 of a result's canonical JSON (`AuditResult.as_dict()`)."""
    return hashlib.sha256(canonical_json(data)).hexdigest()
