"""Scoring (pure, deterministic, explained): controls in scope + answers + evidence + policy +
as_of -> AuditResult.

Per control: the answer's score s in [0, 1] (options or thresholds); when required evidence is
missing, expired, too old or does not cover the control, the effective score is s times the
policy's unverified factor. Domain score = 100 x sum(w x s_eff) / sum(w) over applicable
controls; the overall score weights domains by the policy; the rating is the policy's band,
capped by any failed knockout. The hot loop works on controls compiled once per content set.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from audit.content.answers import NOT_APPLICABLE, score_answer
from audit.content.conditions import evaluate, leaves
from audit.content.model import Control, Policy
from audit.evidence.validity import EvidenceDates, validity
from audit.model import AnswerType, Rating, Tier

ROUND = 4


class Status(StrEnum):
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    UNVERIFIED = "unverified"
    UNANSWERED = "unanswered"
    NOT_APPLICABLE = "not_applicable"


FAILING = frozenset({Status.PARTIALLY_MET, Status.NOT_MET, Status.UNVERIFIED, Status.UNANSWERED})


@dataclass(frozen=True, slots=True)
class Evidence:
    """A piece of evidence as scoring sees it."""

    id: int
    kind: str
    issued: dt.date | None = None
    expires: dt.date | None = None
    period_end: dt.date | None = None
    controls: tuple[str, ...] = ()

    @property
    def dates(self) -> EvidenceDates:
        return EvidenceDates(self.kind, self.issued, self.expires, self.period_end)


class Proof(NamedTuple):
    """Evidence that is current on the audit date, with its age and what it says."""

    evidence: Evidence
    valid_until: dt.date | None
    age_days: int | None


FAST_CHOICE, FAST_NUMBER, FAST_DATE, GENERIC = range(4)


class Compiled(NamedTuple):
    """A control prepared for the hot loop: answers score by table or inline thresholds.

    A NamedTuple so that the loop unpacks it in one step; the field order is that unpacking.
    """

    id: str
    domain: str
    weight: int
    knockout: bool
    fast: int
    choice_scores: Mapping[str, float | None] | None
    thresholds: tuple[tuple[str, float, float], ...]
    otherwise: float
    required: tuple[tuple[tuple[str, ...], int | None, str], ...]
    follow_up: bool
    control: Control


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

    @property
    def knockout_failed(self) -> bool:
        return self.knockout and self.status in FAILING

    @property
    def explanation(self) -> str:
        """One line: answer -> score; evidence -> factor; weight."""
        if self.status is Status.NOT_APPLICABLE:
            if self.answer is None:
                return "not asked: its follow-up condition does not hold"
            if self.weight == 0:
                return "informational; not scored"
            return f"answer {_show(self.answer)} -> not applicable"
        if self.status is Status.UNANSWERED:
            return f"no answer -> 0; weight {self.weight}"
        parts = [f"answer {_show(self.answer)} -> {_num(self.answer_score)}"]
        if self.missing_evidence:
            parts.append(f"{'; '.join(self.missing_evidence)} -> x{_num(self.evidence_factor)}")
        elif self.evidence_used:
            parts.append("evidence " + ", ".join(f"#{i}" for i in self.evidence_used) + " current")
        parts.append(f"weight {self.weight}")
        if self.knockout_failed:
            parts.append("knockout failed")
        return "; ".join(parts)


def _show(value: Any) -> str:
    if isinstance(value, list):
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
            "domains": dict(self.domains),
            "controls": [
                {
                    "id": r.control_id,
                    "domain": r.domain,
                    "status": r.status.value,
                    "answer": r.answer,
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
        """Same inputs, same bytes: sorted keys, no whitespace, UTF-8."""
        return json.dumps(
            self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json()).hexdigest()


def compile_controls(controls: Iterable[Control]) -> tuple[Compiled, ...]:
    """Prepare controls once; scoring many vendors reuses the result."""
    compiled = []
    for control in controls:
        spec = control.answer
        choice: dict[str, float | None] | None = None
        fast = GENERIC
        if spec.type is AnswerType.CHOICE:
            choice = {o.value: (None if o.not_applicable else o.score) for o in spec.options}
            fast = FAST_CHOICE
        elif spec.type is AnswerType.YES_NO:
            choice = {"yes": 1.0, "no": 0.0, NOT_APPLICABLE: None}
            fast = FAST_CHOICE
        elif spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
            fast = FAST_NUMBER
        elif spec.type is AnswerType.DATE:
            fast = FAST_DATE
        thresholds = tuple((t.operator, t.bound, t.score) for t in spec.thresholds)
        required = tuple((r.kinds, r.max_age_days, r.label) for r in control.evidence if r.required)
        follow_up = control.applies_when is not None and any(
            leaf.on_answer for leaf in leaves(control.applies_when)
        )
        compiled.append(
            Compiled(
                control.id,
                control.domain,
                control.weight,
                control.knockout,
                fast,
                choice,
                thresholds,
                spec.otherwise or 0.0,
                required,
                follow_up,
                control,
            )
        )
    return tuple(compiled)


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
        if window.valid_until is not None and window.valid_until < as_of:
            continue
        if window.valid_from is not None and as_of < window.valid_from:
            continue
        anchor = item.issued or item.period_end
        age = None if anchor is None else (as_of - anchor).days
        proof.setdefault(item.kind, []).append(Proof(item, window.valid_until, age))
    return proof


def _find_proof(
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


def _missing_reason(
    kinds: tuple[str, ...], label: str, max_age: int | None, all_evidence: Sequence[Evidence]
) -> str:
    held = [e for e in all_evidence if e.kind in kinds]
    if not held:
        return f"{label} required, none provided"
    if max_age is not None:
        return f"{label} required: none current and at most {max_age} days old covers it"
    return f"{label} required: none current covers it"


def _threshold_score(
    thresholds: tuple[tuple[str, float, float], ...], value: float, otherwise: float
) -> float:
    """The score of the first threshold `value` meets (same rule as `audit.content.answers`)."""
    for operator, bound, score in thresholds:
        if operator == "gte":
            if value >= bound:
                return score
        elif operator == "lte":
            if value <= bound:
                return score
        elif operator == "gt":
            if value > bound:
                return score
        elif value < bound:
            return score
    return otherwise


def _no_comment(_control_id: str) -> None:
    return None


def _score(
    compiled: Sequence[Compiled],
    facts: Mapping[str, Any],
    answers: Mapping[str, Any],
    evidence: Sequence[Evidence],
    cited: Mapping[str, tuple[int, ...]],
    policy: Policy,
    as_of: dt.date,
    comments: Mapping[str, str] | None = None,
) -> tuple[tuple[ControlResult, ...], dict[str, list[float]], list[str]]:
    """Every control's result in the order given, with domain sums and failed knockouts.

    This is the hot loop of a portfolio run: results are built with `tuple.__new__` (all twelve
    fields given) and answers score through the tables `compile_controls` prepared.
    """
    proof = current_proof(evidence, policy, as_of)
    factor_unverified = policy.rating.unverified_factor
    comments = comments or {}
    new, cls = tuple.__new__, ControlResult
    not_applicable, unanswered = Status.NOT_APPLICABLE, Status.UNANSWERED
    met, partial, not_met, unverified = (
        Status.MET,
        Status.PARTIALLY_MET,
        Status.NOT_MET,
        Status.UNVERIFIED,
    )
    results: list[ControlResult] = []
    append = results.append
    get_answer = answers.get
    # Without comments, a constant None: no lookup per control.
    get_comment = comments.get if comments else _no_comment
    reasons_seen: dict[tuple[tuple[str, ...], int | None], str] = {}
    choice_kind, number_kind, date_kind = FAST_CHOICE, FAST_NUMBER, FAST_DATE
    fromisoformat, as_of_ordinal = dt.date.fromisoformat, as_of.toordinal()
    untargeted = not cited and not any(e.controls for e in evidence)
    proof_seen: dict[tuple[tuple[str, ...], int | None], Proof | None] = {}
    outcome_seen: dict[Any, tuple[tuple[int, ...], tuple[str, ...]]] = {}
    sums: dict[str, list[float]] = {}
    failed: list[str] = []
    for (
        cid,
        domain,
        weight,
        knockout,
        fast,
        choice_scores,
        thresholds,
        otherwise,
        required,
        follow_up,
        control,
    ) in compiled:
        value = get_answer(cid)
        if follow_up and not evaluate(control.applies_when, facts, answers):  # type: ignore[arg-type]
            append(
                new(
                    cls,
                    (
                        cid,
                        domain,
                        not_applicable,
                        weight,
                        None,
                        None,
                        1.0,
                        None,
                        knockout,
                        (),
                        (),
                        None,
                    ),
                )
            )
            continue
        if weight == 0:
            append(
                new(
                    cls,
                    (
                        cid,
                        domain,
                        not_applicable,
                        0,
                        value,
                        None,
                        1.0,
                        None,
                        False,
                        (),
                        (),
                        get_comment(cid),
                    ),
                )
            )
            continue
        if value is None:
            try:
                pair = sums[domain]
            except KeyError:
                pair = sums[domain] = [0.0, 0.0]
            pair[1] += weight
            if knockout:
                failed.append(cid)
            append(
                new(
                    cls,
                    (
                        cid,
                        domain,
                        unanswered,
                        weight,
                        None,
                        0.0,
                        1.0,
                        0.0,
                        knockout,
                        (),
                        (),
                        get_comment(cid),
                    ),
                )
            )
            continue
        s: float | None
        if fast == choice_kind:
            try:
                s = choice_scores.get(value, 0.0)  # type: ignore[union-attr]
            except TypeError:  # a list where one value was expected
                s = 0.0
        elif fast == number_kind and value != NOT_APPLICABLE:
            s = _threshold_score(thresholds, value, otherwise)
        elif fast == date_kind and isinstance(value, str) and value != NOT_APPLICABLE:
            try:
                age = as_of_ordinal - fromisoformat(value).toordinal()
            except ValueError:
                age = -1
            s = otherwise if age < 0 else _threshold_score(thresholds, age, otherwise)
        else:
            s = score_answer(control.answer, value, as_of)
        if s is None:
            append(
                new(
                    cls,
                    (
                        cid,
                        domain,
                        not_applicable,
                        weight,
                        value,
                        None,
                        1.0,
                        None,
                        knockout,
                        (),
                        (),
                        get_comment(cid),
                    ),
                )
            )
            continue
        used: tuple[int, ...] = ()
        missing: tuple[str, ...] = ()
        if required and untargeted and required in outcome_seen:
            # No evidence names its controls and none is cited: the same requirements give the
            # same proof for every control that has them.
            used, missing = outcome_seen[required]
        elif required:
            found_ids, reasons = [], []
            for kinds, max_age, label in required:
                if untargeted:
                    # No evidence names its controls and none is cited: the proof for a
                    # requirement is the same for every control, so look it up once.
                    key = (kinds, max_age)
                    if key in proof_seen:
                        found = proof_seen[key]
                    else:
                        found = proof_seen[key] = _find_proof(kinds, max_age, cid, (), proof)
                else:
                    found = _find_proof(kinds, max_age, cid, cited.get(cid, ()), proof)
                if found is None:
                    reason = reasons_seen.get((kinds, max_age))
                    if reason is None:
                        reason = _missing_reason(kinds, label, max_age, evidence)
                        reasons_seen[(kinds, max_age)] = reason
                    reasons.append(reason)
                else:
                    found_ids.append(found.evidence.id)
            used, missing = tuple(found_ids), tuple(reasons)
            if untargeted:
                outcome_seen[required] = (used, missing)
        if s <= 0:
            status, factor, effective = not_met, 1.0, s
        elif missing:
            status, factor = unverified, factor_unverified
            effective = round(s * factor, ROUND)
        else:
            status, factor, effective = (met if s >= 1.0 else partial), 1.0, s
        try:
            pair = sums[domain]
        except KeyError:
            pair = sums[domain] = [0.0, 0.0]
        pair[0] += weight * effective
        pair[1] += weight
        if knockout and status is not met:
            failed.append(cid)
        append(
            new(
                cls,
                (
                    cid,
                    domain,
                    status,
                    weight,
                    value,
                    s,
                    factor,
                    effective,
                    knockout,
                    used,
                    missing,
                    get_comment(cid),
                ),
            )
        )
    return tuple(results), sums, failed


def score_controls(
    compiled: Sequence[Compiled],
    facts: Mapping[str, Any],
    answers: Mapping[str, Any],
    evidence: Sequence[Evidence],
    cited: Mapping[str, tuple[int, ...]],
    policy: Policy,
    as_of: dt.date,
    comments: Mapping[str, str] | None = None,
) -> tuple[ControlResult, ...]:
    """Every control's result, in the order given."""
    return _score(compiled, facts, answers, evidence, cited, policy, as_of, comments)[0]


def aggregate(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
) -> AuditResult:
    """Domain scores, overall score, rating band and knockout cap of scored controls."""
    sums: dict[str, list[float]] = {}
    failed = []
    for r in results:
        if r.knockout_failed:
            failed.append(r.control_id)
        if r.effective is not None:
            pair = sums.setdefault(r.domain, [0.0, 0.0])
            pair[0] += r.weight * r.effective
            pair[1] += r.weight
    return _finish(vendor_id, tier, results, sums, failed, policy, as_of, inputs)


def _finish(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    sums: Mapping[str, list[float]],
    failed: Sequence[str],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
) -> AuditResult:
    domains = {d: round(100 * num / den, 2) for d, (num, den) in sorted(sums.items()) if den}
    weights = policy.rating.domain_weights
    total_weight = sum(weights.get(d, 0.0) for d in domains)
    score = (
        round(sum(weights.get(d, 0.0) * s for d, s in domains.items()) / total_weight, 2)
        if total_weight
        else 0.0
    )
    band = next(b.rating for b in policy.rating.bands if score >= b.min_score)
    rating = band
    cap = policy.rating.knockout_cap
    if failed and band.rank < cap.rank:
        rating = cap
    return AuditResult(
        vendor_id=vendor_id,
        as_of=as_of,
        tier=tier,
        score=score,
        rating=rating,
        band_rating=band,
        capped_by=tuple(failed),
        domains=domains,
        controls=results,
        inputs=dict(inputs or {}),
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch of scoring.

    Scoring builds only acyclic, immutable results (tuples of strings and numbers), so the
    cyclic collector has nothing to reclaim, yet it walks every young tuple: measured on 2,000
    vendors x 250 controls it doubled the run time. Reference counting still frees memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class VendorInputs:
    """What scoring needs of one vendor in a portfolio batch."""

    vendor_id: str
    tier: Tier
    compiled: Sequence[Compiled]
    facts: Mapping[str, Any]
    answers: Mapping[str, Any]
    evidence: Sequence[Evidence]
    cited: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)


def score_portfolio(
    vendors: Iterable[VendorInputs], policy: Policy, as_of: dt.date
) -> list[AuditResult]:
    """Score many vendors in one batch (the collector paused, see `collector_paused`)."""
    results = []
    with collector_paused():
        for v in vendors:
            scored, sums, failed = _score(
                v.compiled, v.facts, v.answers, v.evidence, v.cited, policy, as_of, v.comments
            )
            results.append(_finish(v.vendor_id, v.tier, scored, sums, failed, policy, as_of))
    return results
