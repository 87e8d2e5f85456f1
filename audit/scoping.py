"""Which checklists and controls apply to a vendor (pure).

Scope is decided in two steps: the policy's scope rules and each control's `applies_when` on
vendor facts decide what a questionnaire asks; follow-up conditions on earlier answers are
decided again against the answers when the audit is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.content.conditions import AllOf, AnyOf, Condition, Leaf, Not, evaluate, leaves
from audit.content.model import Checklist, ContentSet, Control


@dataclass(frozen=True, slots=True)
class ChecklistScope:
    checklist: Checklist
    reason: str
    controls: tuple[Control, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    checklists: tuple[ChecklistScope, ...]

    @property
    def controls(self) -> tuple[Control, ...]:
        return tuple(control for part in self.checklists for control in part.controls)


def _facts_only(condition: Condition) -> bool:
    return not any(leaf.on_answer for leaf in leaves(condition))


def applies_on_facts(control: Control, facts: Mapping[str, Any]) -> bool:
    """Whether a control is asked, judging only its conditions on vendor facts.

    A condition that mixes facts and answers is asked when it could hold: its answer leaves
    are treated as unknown-but-possible, and decided at scoring time.
    """
    condition = control.applies_when
    if condition is None:
        return True
    if _facts_only(condition):
        return evaluate(condition, facts, {})
    return _could_hold(condition, facts)


def _could_hold(condition: Condition, facts: Mapping[str, Any]) -> bool:
    if isinstance(condition, Leaf):
        return True if condition.on_answer else evaluate(condition, facts, {})
    if isinstance(condition, AllOf):
        return all(_could_hold(item, facts) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(_could_hold(item, facts) for item in condition.items)
    if isinstance(condition, Not):
        return True if not _facts_only(condition.item) else not evaluate(condition.item, facts, {})
    return True


def applies(control: Control, facts: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a control applies once the answers are known."""
    return control.applies_when is None or evaluate(control.applies_when, facts, answers)


def scope_vendor(content: ContentSet, facts: Mapping[str, Any]) -> Scope:
    """The checklists the policy puts in scope and, in file order, the controls asked."""
    parts = []
    for rule in content.policy.scope:
        if rule.when is not None and not evaluate(rule.when, facts, {}):
            continue
        checklist = content.checklist(rule.checklist)
        if checklist is None:  # integrity has refused such a policy already
            continue
        controls = tuple(c for c in checklist.controls if applies_on_facts(c, facts))
        parts.append(ChecklistScope(checklist, rule.reason, controls))
    return Scope(tuple(parts))
