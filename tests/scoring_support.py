"""Builders for scoring tests: the best answer to any control, and evidence that proves it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from audit.content.model import Control
from audit.model import AnswerType
from audit.scoring import Evidence

AS_OF = dt.date(2026, 12, 14)


def best_answer(control: Control, as_of: dt.date = AS_OF) -> Any:
    spec = control.answer
    if spec.type is AnswerType.YES_NO:
        return "yes"
    if spec.type is AnswerType.CHOICE:
        return max(
            (o for o in spec.options if not o.not_applicable), key=lambda o: o.score or 0
        ).value
    if spec.type is AnswerType.MULTI_CHOICE:
        return [o.value for o in spec.options if not o.not_applicable and (o.score or 0) > 0]
    if spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
        best = max(spec.thresholds, key=lambda t: t.score)
        return {"gte": best.bound, "lte": best.bound, "gt": best.bound + 1, "lt": best.bound - 1}[
            best.operator
        ]
    if spec.type is AnswerType.DATE:
        return (as_of - dt.timedelta(days=1)).isoformat()
    return "informational detail"


def worst_answer(control: Control) -> Any:
    spec = control.answer
    if spec.type is AnswerType.YES_NO:
        return "no"
    if spec.type is AnswerType.CHOICE:
        return min(
            (o for o in spec.options if not o.not_applicable), key=lambda o: o.score or 0
        ).value
    if spec.type is AnswerType.MULTI_CHOICE:
        return [
            min((o for o in spec.options if not o.not_applicable), key=lambda o: o.score or 0).value
        ]
    if spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
        return 10_000 if spec.thresholds[0].operator in ("lte", "lt") else 0
    if spec.type is AnswerType.DATE:
        return "2000-01-01"
    return "n/a"


def proof(controls: Iterable[Control], as_of: dt.date = AS_OF) -> list[Evidence]:
    """One current, recent piece of evidence of each kind any control requires."""
    kinds = sorted({r.kinds[0] for c in controls for r in c.evidence if r.required})
    recent = as_of - dt.timedelta(days=10)
    return [
        Evidence(
            i + 1,
            kind,
            issued=recent,
            expires=as_of + dt.timedelta(days=365),
            period_end=recent,
            period_start=recent - dt.timedelta(days=365),
            audited=recent,
        )
        for i, kind in enumerate(kinds)
    ]
