"""The questionnaire document (pure): what each party is asked, in words, and the hash that
identifies what a reader relies on."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from audit.content.conditions import AllOf, Leaf, Not, parse_condition, residual
from audit.content.library import load_content
from audit.model import Regime, Respondent, Tier
from audit.organisation import Organisation
from audit.questionnaire.document import (
    Requester,
    build_questionnaire,
    questionnaire_from_spec,
    reading_spec,
)
from audit.questionnaire.words import follow_up_words
from audit.register import read_vendor_file
from audit.scoping import scope_vendor
from audit.vendor import facts
from audit.workspace import builtin_root
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def content():
    root = builtin_root()
    return load_content(
        root / "checklists", root / "checklists" / "frameworks", root / "policies" / "default.yaml"
    )


def build(content, vendor_id: str, part: Respondent = Respondent.VENDOR, **extra):
    path = EXAMPLES / "vendors.yaml"
    vendors = {v.id: v for v in read_vendor_file(path, "vendors.yaml", max_bytes=2**21)}
    vendor = vendors[vendor_id]
    vendor_facts = facts(vendor, Tier.CRITICAL, extra.pop("organisation", None))
    return build_questionnaire(
        f"Q-{vendor_id}-20261201",
        part=part,
        vendor=(vendor.id, vendor.name),
        scope=scope_vendor(content, vendor_facts),
        facts=vendor_facts,
        policy=content.policy,
        dates=(dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        requester=Requester("Aurora Mutual Insurance", "risk@aurora.example"),
        previous=extra.pop("previous", {}),
        **extra,
    )


def test_residual_decides_facts_and_keeps_answers() -> None:
    condition = parse_condition(
        {
            "all": [
                {"fact": "vendor.data", "contains": "health"},
                {"not": {"answer": "REG-PHI-01", "equals": "no_us_phi"}},
            ]
        }
    )
    assert residual(condition, {"vendor.data": ["personal"]}) is False
    left = residual(condition, {"vendor.data": ["health"]})
    assert left == Not(Leaf("REG-PHI-01", "equals", "no_us_phi", True))
    either = parse_condition(
        {"any": [{"fact": "vendor.data", "contains": "health"}, {"answer": "X-AB-01", "gt": 3}]}
    )
    assert residual(either, {"vendor.data": ["health"]}) is True
    both = AllOf((Leaf("A-BC-01", "equals", "x", True), Leaf("A-BC-02", "equals", "y", True)))
    assert residual(both, {}) == both


def test_each_party_gets_its_own_questions(content) -> None:
    vendor_part = build(content, "quantia-analytics")
    assessor_part = build(content, "quantia-analytics", Respondent.ASSESSOR)
    vendor_ids = {q.id for q in vendor_part.questions}
    assessor_ids = {q.id for q in assessor_part.questions}
    assert vendor_ids and assessor_ids and not vendor_ids & assessor_ids
    assert all(content.controls[i].answered_by is Respondent.ASSESSOR for i in assessor_ids)
    # never a score or threshold in what a party sees
    assert all(o.score is None for q in vendor_part.questions for o in q.answer.options)
    assert all(not q.answer.thresholds for q in vendor_part.questions)


def test_follow_ups_in_words_name_the_options(content) -> None:
    q = build(content, "harbourline-contact")
    words = follow_up_words(q.question("DAT-PCI-03"), q)
    assert words == (
        "Answer this only if you chose "
        '"Voice and screen recording paused and resumed automatically by the payment '
        'integration", "Agents pause and resume recording manually" or "Card numbers or security '
        'codes can end up in recordings, transcripts or chat logs" in DAT-PCI-01'
    )
    # business associate terms are asked of a HIPAA covered entity's assessor only
    us_insurer = Organisation(frozenset({Regime.HIPAA}), "US")
    assert build(content, "quantia-analytics", Respondent.ASSESSOR).question("REG-PHI-02") is None
    review = build(content, "quantia-analytics", Respondent.ASSESSOR, organisation=us_insurer)
    negated = follow_up_words(review.question("REG-PHI-02"), review)
    assert negated.startswith('Answer this only if you did not choose "')
    assert negated.endswith('" in REG-PHI-01')


def test_the_hash_covers_what_a_reader_relies_on(content) -> None:
    q = build(content, "harbourline-contact")
    again = build(content, "harbourline-contact")
    assert q.sha256 == again.sha256
    # display text does not change it; an option's words or a follow-up do
    first = q.questions[0]
    retitled = dataclasses.replace(first, title="Another title", guidance="Other guidance")
    assert dataclasses.replace(q, questions=(retitled, *q.questions[1:])).sha256 == q.sha256
    option = first.answer.options[0]
    relabelled = dataclasses.replace(
        first,
        answer=dataclasses.replace(
            first.answer,
            options=(dataclasses.replace(option, label="Yes"), *first.answer.options[1:]),
        ),
    )
    assert dataclasses.replace(q, questions=(relabelled, *q.questions[1:])).sha256 != q.sha256
    # pre-filled answers are part of what was issued
    previous = {first.id: option.value}
    prefilled = build(content, "harbourline-contact", previous=previous, prefill=True)
    assert prefilled.sha256 != q.sha256


def test_the_spec_alone_rebuilds_the_questionnaire(content) -> None:
    q = build(content, "harbourline-contact", previous={"SEC-IAM-02": 8}, prefill=True)
    spec = reading_spec(q)
    labels = {k.id: k.label for k in q.kinds}
    rebuilt = questionnaire_from_spec(spec, labels, {"vendor_name": q.vendor_name})
    assert rebuilt.sha256 == q.sha256
    assert [x.id for x in rebuilt.questions] == [x.id for x in q.questions]
    assert rebuilt.question("SEC-IAM-02").previous == 8
    assert rebuilt.question("DAT-PCI-03").follow_up == q.question("DAT-PCI-03").follow_up
