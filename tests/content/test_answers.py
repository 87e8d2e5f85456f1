"""Answer types: checking a vendor's value, and scoring it."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.content.answers import check_answer, score_answer
from audit.content.model import AnswerSpec, Option, Threshold
from audit.model import AnswerType

AS_OF = dt.date(2026, 11, 23)
CHOICE = AnswerSpec(
    AnswerType.CHOICE,
    options=(
        Option("yes", "Yes", 1.0),
        Option("partial", "Partly", 0.5),
        Option("no", "No", 0.0),
        Option("na", "Not applicable", None, True),
    ),
)
MULTI = AnswerSpec(
    AnswerType.MULTI_CHOICE,
    options=(Option("a", "A", 0.5), Option("b", "B", 0.75), Option("none", "None", None, True)),
)
PERCENT = AnswerSpec(
    AnswerType.PERCENT,
    thresholds=(Threshold("gte", 99.5, 1.0), Threshold("gte", 95, 0.5)),
    otherwise=0.0,
)
LOWER_IS_BETTER = AnswerSpec(
    AnswerType.PERCENT,
    thresholds=(Threshold("lte", 15, 1.0), Threshold("lte", 30, 0.5)),
    otherwise=0.0,
)
DATE = AnswerSpec(
    AnswerType.DATE,
    thresholds=(Threshold("lte", 365, 1.0), Threshold("lte", 730, 0.5)),
    otherwise=0.0,
)


@pytest.mark.parametrize(
    ("spec", "value", "score"),
    [
        (AnswerSpec(AnswerType.YES_NO), "yes", 1.0),
        (AnswerSpec(AnswerType.YES_NO), "no", 0.0),
        (AnswerSpec(AnswerType.YES_NO, allow_na=True), "na", None),
        (CHOICE, "partial", 0.5),
        (CHOICE, "na", None),
        (MULTI, ["a", "b"], 1.0),
        (MULTI, ["a"], 0.5),
        (MULTI, ["none"], None),
        (PERCENT, 99.9, 1.0),
        (PERCENT, 96, 0.5),
        (PERCENT, 90, 0.0),
        (LOWER_IS_BETTER, 12, 1.0),
        (LOWER_IS_BETTER, 45, 0.0),
        (DATE, "2026-01-10", 1.0),
        (DATE, "2025-06-01", 0.5),
        (DATE, "2020-01-01", 0.0),
        (DATE, "2027-01-01", 0.0),
        (AnswerSpec(AnswerType.TEXT), "anything", None),
    ],
)
def test_score(spec: AnswerSpec, value: object, score: float | None) -> None:
    assert check_answer(spec, value) is None
    assert score_answer(spec, value, AS_OF) == score


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        (AnswerSpec(AnswerType.YES_NO), "na", "one of: yes, no"),
        (AnswerSpec(AnswerType.YES_NO), True, "one of: yes, no"),
        (CHOICE, "maybe", "one of: yes, partial, no, na"),
        (MULTI, [], "non-empty list"),
        (MULTI, ["a", "c"], "unknown option(s) c"),
        (MULTI, ["a", "none"], "cannot be combined"),
        (PERCENT, 101, "between 0 and 100"),
        (PERCENT, "high", "must be a number"),
        (DATE, "23/11/2026", "YYYY-MM-DD"),
        (DATE, "2026-02-30", "YYYY-MM-DD"),
        (AnswerSpec(AnswerType.TEXT, max_length=3), "long", "longer than 3"),
    ],
)
def test_bad_values_say_why(spec: AnswerSpec, value: object, message: str) -> None:
    problem = check_answer(spec, value)
    assert problem is not None and message in problem
