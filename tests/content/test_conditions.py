"""The operator registry, the schema that names the operators, and evaluation."""

from __future__ import annotations

import pytest

from audit.content.answers import ANSWER_TYPES
from audit.content.conditions import OPERATORS, evaluate, parse_condition
from audit.content.facts import FACTS
from audit.content.schemas import load_schema
from audit.model import AnswerType


def test_schema_operators_are_the_registry() -> None:
    leaf = load_schema("condition")["$defs"]["leaf"]["properties"]
    assert set(leaf) - {"fact", "answer"} == set(OPERATORS)


def test_schema_combinators_are_all_any_not() -> None:
    node, combinators = load_schema("condition")["$defs"]["condition"], set()
    while "if" in node:
        combinators |= set(node["if"]["required"])
        node = node["else"]
    assert combinators == {"all", "any", "not"}
    assert node == {"$ref": "#/$defs/leaf"}


def test_schema_answer_types_are_the_registry() -> None:
    answer = load_schema("checklist")["$defs"]["answer"]
    assert set(answer["properties"]["type"]["enum"]) == {t.value for t in ANSWER_TYPES}
    assert set(ANSWER_TYPES) == set(AnswerType)


def test_schema_fact_pattern_accepts_every_fact() -> None:
    import re

    pattern = load_schema("condition")["$defs"]["leaf"]["properties"]["fact"]["pattern"]
    assert all(re.match(pattern, name) for name in FACTS)


FACTS_OF = {
    "vendor.data": ["personal", "payment_card"],
    "vendor.delivery": "offshore",
    "vendor.country_count": 3,
    "vendor.subcontracting": True,
    "vendor.countries": ["IN", "PH"],
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"fact": "vendor.delivery", "equals": "offshore"}, True),
        ({"fact": "vendor.delivery", "not_equals": "offshore"}, False),
        ({"fact": "vendor.delivery", "in": ["offshore", "nearshore"]}, True),
        ({"fact": "vendor.data", "in": ["health", "payment_card"]}, True),
        ({"fact": "vendor.data", "contains": "payment_card"}, True),
        ({"fact": "vendor.data", "contains_any": ["health", "financial"]}, False),
        ({"fact": "vendor.data", "contains_all": ["personal", "payment_card"]}, True),
        ({"fact": "vendor.countries", "subset_of": ["IN", "PH", "US"]}, True),
        ({"fact": "vendor.countries", "subset_of": ["IN"]}, False),
        ({"fact": "vendor.country_count", "gt": 2}, True),
        ({"fact": "vendor.country_count", "gte": 4}, False),
        ({"fact": "vendor.country_count", "lt": 4}, True),
        ({"fact": "vendor.country_count", "lte": 2}, False),
        ({"fact": "vendor.contract.annual_value", "exists": False}, True),
        ({"fact": "vendor.subcontracting", "exists": True}, True),
        ({"fact": "vendor.contract.annual_value", "gte": 0}, False),
        ({"answer": "SEC-IAM-01", "equals": "partial"}, True),
        ({"answer": "SEC-IAM-02", "exists": True}, False),
        (
            {
                "all": [
                    {"fact": "vendor.subcontracting", "equals": True},
                    {"not": {"fact": "vendor.delivery", "equals": "onshore"}},
                ]
            },
            True,
        ),
        (
            {
                "any": [
                    {"fact": "vendor.data", "contains": "health"},
                    {"fact": "vendor.country_count", "lt": 1},
                ]
            },
            False,
        ),
    ],
)
def test_evaluate(raw: dict[str, object], expected: bool) -> None:
    condition = parse_condition(raw)
    assert evaluate(condition, FACTS_OF, {"SEC-IAM-01": "partial"}) is expected


def test_missing_values_never_match_except_exists_false() -> None:
    for name, operator in OPERATORS.items():
        argument = False if name == "exists" else (["x"] if operator.list_argument else 1)
        expected = name == "exists"
        assert operator.test(None, argument) is expected, name
