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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from audit.content.answers import NOT_APPLICABLE, score_answer, threshold_score
from audit.content.conditions import evaluate, leaves
from audit.content.model import Control, Policy, Threshold
from audit.model import AnswerType
from audit.scoring.proof import Evidence, Proof, current_proof, find_proof, missing_reason
from audit.scoring.results import ROUND, ControlResult, Status

FAST_CHOICE, FAST_NUMBER, FAST_DATE, GENERIC = range(4)


class Compiled(NamedTuple):
    """A control prepared for the hot loop: answers score by table or inline thresholds.

    A NamedTuple so that the loop unpacks it in one step; the field order is that unpacking.
    """

    id: str
    domain: str
    weight: int
    knockout: float | None  # the score a knockout fails below; None: not a knockout
    fast: int
    choice_scores: Mapping[str, float | None] | None
    thresholds: tuple[Threshold, ...]
    otherwise: float
    required: tuple[tuple[tuple[str, ...], int | None, str], ...]
    follow_up: bool
    answered_by: str
    control: Control


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
        required = tuple((r.kinds, r.max_age_days, r.label) for r in control.evidence if r.required)
        follow_up = control.applies_when is not None and any(
            leaf.on_answer for leaf in leaves(control.applies_when)
        )
        compiled.append(
            Compiled(
                control.id,
                control.domain,
                control.weight,
                control.knockout_below if control.knockout else None,
                fast,
                choice,
                spec.thresholds,
                spec.otherwise or 0.0,
                required,
                follow_up,
                control.answered_by.value,
                control,
            )
        )
    return tuple(compiled)


def _no_comment(_control_id: str) -> None:
    return None


def score_with_sums(
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

    This is the hot loop of a portfolio run: results are built with `tuple.__new__` (all fourteen
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
    reasons_seen: dict[tuple[tuple[str, ...], int | None, str], str] = {}
    choice_kind, number_kind, date_kind = FAST_CHOICE, FAST_NUMBER, FAST_DATE
    fromisoformat, as_of_ordinal = dt.date.fromisoformat, as_of.toordinal()
    # Citations matter only for documents the vendor limited (proof.covers): without limits,
    # every control with the same requirements gets the same proof.
    untargeted = not any(e.controls for e in evidence)
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
        answered_by,
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
                        knockout is not None,
                        (),
                        (),
                        None,
                        answered_by,
                        False,
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
                        answered_by,
                        False,
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
            if knockout is not None:
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
                        knockout is not None,
                        (),
                        (),
                        get_comment(cid),
                        answered_by,
                        knockout is not None,
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
            s = threshold_score(thresholds, value, otherwise)
        elif fast == date_kind and isinstance(value, str) and value != NOT_APPLICABLE:
            try:
                age = as_of_ordinal - fromisoformat(value).toordinal()
            except ValueError:
                age = -1
            s = otherwise if age < 0 else threshold_score(thresholds, age, otherwise)
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
                        knockout is not None,
                        (),
                        (),
                        get_comment(cid),
                        answered_by,
                        False,
                    ),
                )
            )
            continue
        used: tuple[int, ...] = ()
        missing: tuple[str, ...] = ()
        if required and untargeted and required in outcome_seen:
            # No evidence is limited to some controls: the same requirements give the same
            # proof for every control that has them.
            used, missing = outcome_seen[required]
        elif required:
            found_ids, reasons = [], []
            for kinds, max_age, label in required:
                if untargeted:
                    # No evidence is limited to some controls: the proof for a requirement is
                    # the same for every control, so look it up once.
                    key = (kinds, max_age)
                    if key in proof_seen:
                        found = proof_seen[key]
                    else:
                        found = proof_seen[key] = find_proof(kinds, max_age, cid, (), proof)
                else:
                    found = find_proof(kinds, max_age, cid, cited.get(cid, ()), proof)
                if found is None:
                    reason_key = (kinds, max_age, "" if untargeted else cid)
                    reason = reasons_seen.get(reason_key)
                    if reason is None:
                        reason = missing_reason(
                            kinds, label, max_age, evidence, proof, cid, cited.get(cid, ())
                        )
                        reasons_seen[reason_key] = reason
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
        # A knockout fails unanswered, unproven or not met, and partly met below its line.
        knocked_out = (
            knockout is not None and status is not met and (status is not partial or s < knockout)
        )
        if knocked_out:
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
                    knockout is not None,
                    used,
                    missing,
                    get_comment(cid),
                    answered_by,
                    knocked_out,
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
    return score_with_sums(compiled, facts, answers, evidence, cited, policy, as_of, comments)[0]
