"""Every knockout says in its guidance where it fails, states that line in the control
(`knockout_below`, default: anything short of full marks), and the engine fails it exactly
there: each answer a knockout can get is scored, with its evidence and without."""

from __future__ import annotations

from typing import Any

import pytest

from audit.content.model import ContentSet, Control
from audit.model import AnswerType
from audit.scoring import ControlResult, compile_controls, score_controls
from tests.conftest import builtin_content
from tests.scoring_support import AS_OF, proof


def answers_of(control: Control) -> list[tuple[Any, float]]:
    """Every answer with the score the control's own table gives it."""
    spec = control.answer
    if spec.type is AnswerType.CHOICE:
        return [(o.value, o.score) for o in spec.options if not o.not_applicable]
    if spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
        # each threshold's bound, and a step past it on the failing side
        cases = [(t.bound, t.score) for t in spec.thresholds]
        below = min(t.bound for t in spec.thresholds) - 0.5
        above = max(t.bound for t in spec.thresholds) + 0.5
        falls = spec.thresholds[0].operator in ("lte", "lt")
        cases.append((above if falls else below, spec.otherwise or 0.0))
        return cases
    raise AssertionError(f"{control.id}: a knockout on a {spec.type} answer has no rule here")


def score(content: ContentSet, control: Control, value: Any, proven: bool) -> ControlResult:
    evidence = proof([control]) if proven else []
    (result,) = score_controls(
        compile_controls([control]), {}, {control.id: value}, evidence, {}, content.policy, AS_OF
    )
    return result


def test_there_are_knockouts(content: ContentSet) -> None:
    assert 8 <= sum(c.knockout for c in content.controls.values()) <= 20


@pytest.mark.parametrize(
    "control_id", sorted(c.id for c in builtin_content().controls.values() if c.knockout)
)
def test_the_engine_fails_each_knockout_where_its_rule_says(
    content: ContentSet, control_id: str
) -> None:
    control = content.controls[control_id]
    line = control.knockout_below
    # the guidance says where it fails, in words an assessor reads
    assert "knockout" in control.guidance or "deal-breaker" in control.guidance, control_id
    for value, points in answers_of(control):
        proven = score(content, control, value, proven=True)
        assert proven.answer_score == points, (control_id, value)
        assert proven.knockout_failed is (points < line), (control_id, value, points, line)
        # without the evidence it asks for, no answer passes a knockout
        if any(r.required for r in control.evidence):
            assert score(content, control, value, proven=False).knockout_failed, control_id
    unanswered = score_controls(compile_controls([control]), {}, {}, [], {}, content.policy, AS_OF)[
        0
    ]
    assert unanswered.knockout_failed
