"""Answer types as a registry: how a vendor's value is checked, normalised and scored.

`score` returns a number in [0, 1], or None when the answer makes the control not applicable
(or, for text, when the question is informational and never scored).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from audit.content.facts import FactKind
from audit.content.model import AnswerSpec, Threshold
from audit.inputs import date_problem, text_problem
from audit.model import AnswerType

NOT_APPLICABLE = "na"
DEFAULT_TEXT_LIMIT = 4000


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _na_ok(spec: AnswerSpec, value: Any) -> bool:
    return spec.allow_na and value == NOT_APPLICABLE


def _check_yes_no(spec: AnswerSpec, value: Any) -> str | None:
    allowed = ["yes", "no", *([NOT_APPLICABLE] if spec.allow_na else [])]
    return None if value in allowed else f"answer must be one of: {', '.join(allowed)}"


def _score_yes_no(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    return None if value == NOT_APPLICABLE else (1.0 if value == "yes" else 0.0)


def _check_choice(spec: AnswerSpec, value: Any) -> str | None:
    if isinstance(value, str) and spec.option(value) is not None:
        return None
    return f"answer must be one of: {', '.join(o.value for o in spec.options)}"


def _score_choice(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    option = spec.option(value)
    return None if option is None or option.not_applicable else option.score


def _check_multi(spec: AnswerSpec, value: Any) -> str | None:
    allowed = ", ".join(o.value for o in spec.options)
    if not isinstance(value, list) or not value:
        return f"answer must be a non-empty list of: {allowed}"
    unknown = [v for v in value if not isinstance(v, str) or spec.option(v) is None]
    if unknown:
        return f"unknown option(s) {', '.join(map(str, unknown))}; choose from: {allowed}"
    if len(set(value)) != len(value):
        return "an option is listed twice"
    na = [v for v in value if (option := spec.option(v)) is not None and option.not_applicable]
    if na and len(value) > 1:
        return f"'{na[0]}' cannot be combined with other options"
    return None


def _score_multi(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    options = [spec.option(v) for v in value]
    if any(option is None or option.not_applicable for option in options):
        return None
    return min(1.0, sum(option.score or 0.0 for option in options if option is not None))


# Every number a checklist asks for is a count, a duration or a ratio: none is negative, and
# none comes near a trillion. Infinity and NaN are not answers.
LARGEST_NUMBER = 1_000_000_000_000


def _check_number(spec: AnswerSpec, value: Any) -> str | None:
    if _na_ok(spec, value):
        return None
    if not _is_number(value):
        return "answer must be a number" + (" or na" if spec.allow_na else "")
    if spec.type is AnswerType.PERCENT and not 0 <= value <= 100:
        return "answer must be a percentage between 0 and 100"
    if not (isinstance(value, int) or math.isfinite(value)) or not 0 <= value <= LARGEST_NUMBER:
        return f"answer must be a number from 0 to {LARGEST_NUMBER:,}"
    return None


def threshold_score(thresholds: Sequence[Threshold], value: float, otherwise: float) -> float:
    """The score of the first threshold `value` meets, else `otherwise`.

    Written as plain comparisons: the scoring loop calls it for every number and date answer.
    """
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


def _score_number(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    if value == NOT_APPLICABLE:
        return None
    return threshold_score(spec.thresholds, float(value), spec.otherwise or 0.0)


def parse_date(value: Any, *, window: bool = True) -> dt.date | None:
    """An ISO 8601 calendar date (YYYY-MM-DD), between 1900 and 2199 unless `window` is off,
    or None when `value` is not one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day: dt.date | None = value
    elif not isinstance(value, str) or len(value) != 10:
        return None
    else:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None
    if day is None or (window and date_problem(day) is not None):
        return None
    return day


def _check_date(spec: AnswerSpec, value: Any) -> str | None:
    if _na_ok(spec, value) or parse_date(value) is not None:
        return None
    return "answer must be a date as YYYY-MM-DD" + (" or na" if spec.allow_na else "")


def _score_date(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    if value == NOT_APPLICABLE:
        return None
    day = parse_date(value)
    if day is None or day > as_of:
        # A test or review dated after the audit date cannot have been observed.
        return spec.otherwise or 0.0
    return threshold_score(spec.thresholds, float((as_of - day).days), spec.otherwise or 0.0)


def _check_text(spec: AnswerSpec, value: Any) -> str | None:
    limit = spec.max_length or DEFAULT_TEXT_LIMIT
    if not isinstance(value, str):
        return "answer must be text"
    if len(value) > limit:
        return f"answer is longer than {limit} characters"
    return None if (wrong := text_problem(value)) is None else f"answer: {wrong}"


def _score_text(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    return None


@dataclass(frozen=True, slots=True)
class AnswerKind:
    """What the tool knows about one answer type."""

    type: AnswerType
    check: Callable[[AnswerSpec, Any], str | None]
    score: Callable[[AnswerSpec, Any, dt.date], float | None]
    condition_kind: FactKind


ANSWER_TYPES: dict[AnswerType, AnswerKind] = {
    kind.type: kind
    for kind in (
        AnswerKind(AnswerType.YES_NO, _check_yes_no, _score_yes_no, FactKind.ENUM),
        AnswerKind(AnswerType.CHOICE, _check_choice, _score_choice, FactKind.ENUM),
        AnswerKind(AnswerType.MULTI_CHOICE, _check_multi, _score_multi, FactKind.LIST),
        AnswerKind(AnswerType.NUMBER, _check_number, _score_number, FactKind.NUMBER),
        AnswerKind(AnswerType.PERCENT, _check_number, _score_number, FactKind.NUMBER),
        AnswerKind(AnswerType.DATE, _check_date, _score_date, FactKind.ENUM),
        AnswerKind(AnswerType.TEXT, _check_text, _score_text, FactKind.ENUM),
    )
}


def check_answer(spec: AnswerSpec, value: Any) -> str | None:
    """Why a vendor's value is not a valid answer, or None when it is."""
    return ANSWER_TYPES[spec.type].check(spec, value)


def score_answer(spec: AnswerSpec, value: Any, as_of: dt.date) -> float | None:
    """The answer's score in [0, 1]; None when not applicable or informational."""
    return ANSWER_TYPES[spec.type].score(spec, value, as_of)


def answer_values(spec: AnswerSpec) -> tuple[str, ...] | None:
    """The values a vendor may choose from, or None for free values (numbers, dates, text)."""
    if spec.type is AnswerType.YES_NO:
        return ("yes", "no", *((NOT_APPLICABLE,) if spec.allow_na else ()))
    if spec.type in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE):
        return tuple(option.value for option in spec.options)
    return None
