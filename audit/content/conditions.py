"""Structured conditions: one registry of operators, a small tree, and a pure evaluator.

A leaf applies one operator to a subject, either a vendor fact (`fact: vendor.data`) or an earlier
answer (`answer: SEC-IAM-01`); `all`, `any` and `not` combine leaves. Missing values never match,
except under `exists: false`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from audit.content.facts import FactKind

Value = Any


# Tuples, not `X | Y` unions: these run once per condition per vendor, and a union object is
# built on every call.
_SEQUENCES = (list, tuple, frozenset, set)
_NUMBERS = (int, float)


def _as_list(value: Value) -> list[Value]:
    """The value as a list to read (a list fact is returned as it is, not copied)."""
    if value is None:
        return []
    if type(value) is list:
        return value
    return list(value) if isinstance(value, _SEQUENCES) else [value]


def _is_number(value: Value) -> bool:
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


def _compare(test: Callable[[float, float], bool]) -> Callable[[Value, Value], bool]:
    def compare(value: Value, arg: Value) -> bool:
        return _is_number(value) and test(float(value), float(arg))

    return compare


def _in(value: Value, arg: Value) -> bool:
    # On a list fact, `in` asks whether any of its values is among the listed ones.
    if isinstance(value, _SEQUENCES):
        return any(item in arg for item in value)
    return value is not None and value in arg


def _exists(value: Value, arg: Value) -> bool:
    present = value is not None and value != "" and _as_list(value) != []
    return present is bool(arg)


@dataclass(frozen=True, slots=True)
class Operator:
    """A leaf operator: its test, the subject kinds it suits, and whether it takes a list."""

    name: str
    test: Callable[[Value, Value], bool]
    kinds: frozenset[FactKind]
    list_argument: bool = False


_ANY = frozenset(FactKind)
_SCALAR = frozenset({FactKind.ENUM, FactKind.NUMBER, FactKind.BOOL})

OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("equals", lambda v, a: v is not None and v == a, _SCALAR),
        Operator("not_equals", lambda v, a: v is not None and v != a, _SCALAR),
        Operator("in", _in, frozenset({FactKind.ENUM, FactKind.NUMBER, FactKind.LIST}), True),
        Operator("contains", lambda v, a: a in _as_list(v), frozenset({FactKind.LIST})),
        Operator(
            "contains_any",
            lambda v, a: any(x in _as_list(v) for x in a),
            frozenset({FactKind.LIST}),
            True,
        ),
        Operator(
            "contains_all",
            lambda v, a: all(x in _as_list(v) for x in a),
            frozenset({FactKind.LIST}),
            True,
        ),
        Operator(
            # True only for a non-empty list wholly inside the given values.
            "subset_of",
            lambda v, a: bool(_as_list(v)) and all(x in a for x in _as_list(v)),
            frozenset({FactKind.LIST}),
            True,
        ),
        Operator("gt", _compare(lambda v, a: v > a), frozenset({FactKind.NUMBER})),
        Operator("gte", _compare(lambda v, a: v >= a), frozenset({FactKind.NUMBER})),
        Operator("lt", _compare(lambda v, a: v < a), frozenset({FactKind.NUMBER})),
        Operator("lte", _compare(lambda v, a: v <= a), frozenset({FactKind.NUMBER})),
        Operator("exists", _exists, _ANY),
    )
}

COMBINATORS = ("all", "any", "not")


@dataclass(frozen=True, slots=True)
class Leaf:
    """`subject` is a fact name (when `on_answer` is false) or a control id."""

    subject: str
    operator: str
    argument: Value
    on_answer: bool = False


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Leaf | AllOf | AnyOf | Not


def parse_condition(raw: Mapping[str, Any]) -> Condition:
    """Build a condition from schema-valid data (the schema has already checked its shape)."""
    if "all" in raw:
        return AllOf(tuple(parse_condition(item) for item in raw["all"]))
    if "any" in raw:
        return AnyOf(tuple(parse_condition(item) for item in raw["any"]))
    if "not" in raw:
        return Not(parse_condition(raw["not"]))
    on_answer = "answer" in raw
    subject = raw["answer"] if on_answer else raw["fact"]
    (operator,) = (key for key in raw if key not in ("fact", "answer"))
    argument = raw[operator]
    if isinstance(argument, list):
        argument = tuple(argument)
    return Leaf(subject, operator, argument, on_answer)


def evaluate(
    condition: Condition, facts: Mapping[str, Value], answers: Mapping[str, Value]
) -> bool:
    """Whether the condition holds for these vendor facts and answers."""
    if isinstance(condition, Leaf):
        source = answers if condition.on_answer else facts
        return OPERATORS[condition.operator].test(source.get(condition.subject), condition.argument)
    if isinstance(condition, AllOf):
        return all(evaluate(item, facts, answers) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate(item, facts, answers) for item in condition.items)
    return not evaluate(condition.item, facts, answers)


def leaves(condition: Condition) -> list[Leaf]:
    """Every leaf of the condition, in order."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return leaves(condition.item)
    return [leaf for item in condition.items for leaf in leaves(item)]


def describe(condition: Condition) -> str:
    """A one-line human reading of the condition, for `checklists show` and reports."""
    if isinstance(condition, Leaf):
        argument = condition.argument
        shown = ", ".join(map(str, argument)) if isinstance(argument, tuple) else str(argument)
        subject = f"answer to {condition.subject}" if condition.on_answer else condition.subject
        return f"{subject} {condition.operator.replace('_', ' ')} {shown}"
    if isinstance(condition, Not):
        return f"not ({describe(condition.item)})"
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return "(" + joiner.join(describe(item) for item in condition.items) + ")"


Predicate = Callable[[Mapping[str, Value], Mapping[str, Value]], bool]


def compile_condition(condition: Condition) -> Predicate:
    """The condition as a closure: for rules evaluated once per vendor over whole registers,
    where walking the tree each time costs more than the tests themselves."""
    if isinstance(condition, Leaf):
        test, subject, argument = (
            OPERATORS[condition.operator].test,
            condition.subject,
            condition.argument,
        )
        if condition.on_answer:
            return lambda facts, answers: test(answers.get(subject), argument)
        return lambda facts, answers: test(facts.get(subject), argument)
    if isinstance(condition, Not):
        inner = compile_condition(condition.item)
        return lambda facts, answers: not inner(facts, answers)
    parts = tuple(compile_condition(item) for item in condition.items)
    if isinstance(condition, AllOf):
        return lambda facts, answers: all(p(facts, answers) for p in parts)
    return lambda facts, answers: any(p(facts, answers) for p in parts)


def residual(condition: Condition, facts: Mapping[str, Value]) -> Condition | bool:
    """The condition with its fact leaves decided: True, False, or what is left on answers.

    A questionnaire carries the residual of each follow-up, so that whoever reads it back (even
    without the vendor's facts) can tell whether the follow-up is asked.
    """
    if isinstance(condition, Leaf):
        return condition if condition.on_answer else evaluate(condition, facts, {})
    if isinstance(condition, Not):
        inner = residual(condition.item, facts)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    parts = [residual(item, facts) for item in condition.items]
    decisive = isinstance(condition, AnyOf)  # True decides an any, False decides an all
    if any(part is decisive for part in parts):
        return decisive
    left = tuple(part for part in parts if not isinstance(part, bool))
    if not left:
        return not decisive
    if len(left) == 1:
        return left[0]
    return AnyOf(left) if decisive else AllOf(left)


def condition_data(condition: Condition) -> dict[str, Any]:
    """The condition as the plain data `parse_condition` reads."""
    if isinstance(condition, Leaf):
        argument = condition.argument
        key = "answer" if condition.on_answer else "fact"
        return {
            key: condition.subject,
            condition.operator: list(argument) if isinstance(argument, tuple) else argument,
        }
    if isinstance(condition, Not):
        return {"not": condition_data(condition.item)}
    key = "all" if isinstance(condition, AllOf) else "any"
    return {key: [condition_data(item) for item in condition.items]}
