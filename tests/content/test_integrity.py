"""Broken content is refused with every problem located: FILE:LINE: path: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.content.library import load_content
from audit.errors import ContentError
from tests.conftest import copy_content

GOOD = """\
checklist: extra
version: "2026.1"
title: Extra checks
domain: security
summary: A small checklist used to test the loader.
sections:
  - {id: tests, title: Tests}
controls:
  - id: EXT-TST-01
    section: tests
    title: A good control
    question: Is the thing done?
    guidance: Look for the thing.
    answer:
      type: choice
      options:
        - {value: "yes", label: "Yes", score: 1.0}
        - {value: partial, label: "Partly", score: 0.5}
        - {value: "no", label: "No", score: 0.0}
    weight: 3
    severity: high
    applies_when: {fact: vendor.data, contains_any: [personal, payment_card]}
    evidence:
      - {kind: pentest_report, required: true}
    references:
      iso27001-2022: [A.8.8]
    remediation: Do the thing.
  - id: EXT-TST-02
    section: tests
    title: A follow-up control
    question: How partly?
    guidance: Only asked after a partial answer.
    answer: {type: text}
    weight: 0
    severity: low
    applies_when: {answer: EXT-TST-01, equals: partial}
    references:
      iso27001-2022: [A.8.8]
    remediation: Explain.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_content(tmp_path)


def load(root: Path, text: str) -> list[str]:
    (root / "checklists" / "extra.yaml").write_text(text)
    try:
        load_content(
            root / "checklists",
            root / "checklists" / "frameworks",
            root / "policies" / "default.yaml",
            label=lambda p: str(p.relative_to(root)),
        )
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_good_extra_checklist_loads(root: Path) -> None:
    assert load(root, GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "contains_any: [personal, payment_card]",
            "matches: [personal]",
            "checklists/extra.yaml:22: controls[EXT-TST-01].applies_when: "
            "unknown operator 'matches'; operators: equals, not_equals, in,",
        ),
        (
            "iso27001-2022: [A.8.8]\n    remediation: Do",
            "iso27001-2022: [A.9.9]\n    remediation: Do",
            "checklists/extra.yaml:9: EXT-TST-01.references.iso27001-2022: 'A.9.9' is not a "
            "requirement of iso27001-2022",
        ),
        (
            "{kind: pentest_report",
            "{kind: pen_test",
            "checklists/extra.yaml:9: EXT-TST-01.evidence: unknown evidence kind 'pen_test'",
        ),
        (
            "    severity: low\n    applies_when: {answer",
            "    severity: low\n    answered_by: assessor\n    applies_when: {answer",
            "EXT-TST-02.applies_when: follow-up on EXT-TST-01, which the vendor answers, while "
            "EXT-TST-02 is answered by the assessor",
        ),
        (
            "    severity: low\n",
            "    severity: low\n    answered_by: client\n",
            "'client' must be one of: vendor, assessor",
        ),
        (
            "fact: vendor.data,",
            "fact: vendor.datas,",
            "checklists/extra.yaml:9: EXT-TST-01.applies_when: unknown fact 'vendor.datas'",
        ),
        (
            "contains_any: [personal, payment_card]",
            "contains_any: [personal, payment_cards]",
            "'payment_cards' is not a value of vendor.data",
        ),
        (
            "{fact: vendor.data, contains_any: [personal, payment_card]}",
            "{fact: vendor.data, gt: 3}",
            "operator 'gt' does not apply to vendor.data (list fact)",
        ),
        (
            "{answer: EXT-TST-01, equals: partial}",
            "{answer: EXT-TST-09, equals: partial}",
            "condition on answer to unknown control 'EXT-TST-09'",
        ),
        (
            "{answer: EXT-TST-01, equals: partial}",
            "{answer: EXT-TST-01, equals: sometimes}",
            "'sometimes' is not a value of answer to EXT-TST-01",
        ),
        ("weight: 3", "weight: three", "checklists/extra.yaml:20: controls[EXT-TST-01].weight: "),
        (
            "severity: high",
            "severity: urgent",
            "controls[EXT-TST-01].severity: 'urgent' must be one of: low, medium, high",
        ),
        (
            "section: tests\n    title: A good",
            "section: other\n    title: A good",
            "unknown section 'other'",
        ),
        ("id: EXT-TST-02", "id: EXT-TST-01", "control id 'EXT-TST-01' is already used"),
        # Hostile numbers and ids: no range check refuses NaN, and `$` matched before a final
        # line break (security review L4 and M13).
        ('label: "Yes", score: 1.0', 'label: "Yes", score: .nan', "score: must be a number"),
        ('label: "Yes", score: 1.0', 'label: "Yes", score: .inf', "score: must be a number"),
        ("weight: 3", "weight: -.inf", "weight: must be a whole number, not -inf"),
        ("id: EXT-TST-02", 'id: "EXT-TST-02\\n"', "'EXT-TST-02\\n' is not a control id"),
    ],
)
def test_each_mistake_is_named(root: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    found = load(root, GOOD.replace(old, new, 1))
    assert any(expected in line for line in found), found


def test_control_id_duplicated_across_files(root: Path) -> None:
    security = (root / "checklists" / "security.yaml").read_text()
    first_id = security.split("- id: ", 1)[1].split("\n", 1)[0].strip()
    found = load(root, GOOD.replace("EXT-TST-01", first_id))
    # Files load in name order, so the later one (security.yaml) is the one refused.
    assert any(
        line.startswith("checklists/security.yaml:")
        and f"control id '{first_id}' is already used in checklists/extra.yaml:9" in line
        for line in found
    ), found


def test_all_problems_are_reported_at_once(root: Path) -> None:
    broken = GOOD.replace("weight: 3", "weight: 9").replace("[A.8.8]", "[A.0.0]")
    (root / "checklists" / "other.yaml").write_text("a: 1\na: 2\n")
    found = load(root, broken)
    assert any("extra.yaml" in line and "weight" in line for line in found)
    assert any("other.yaml:2: duplicate key 'a'" in line for line in found)


def test_follow_up_cycle_is_refused(root: Path) -> None:
    cyclic = GOOD.replace(
        "applies_when: {fact: vendor.data, contains_any: [personal, payment_card]}",
        "applies_when: {answer: EXT-TST-02, exists: true}",
    )
    found = load(root, cyclic)
    assert any("cycle" in line for line in found), found


def test_policy_numbers_must_be_finite(root: Path) -> None:
    policy = root / "policies" / "default.yaml"
    text = policy.read_text()
    assert "min_score: 85" in text and "data-handling: 25" in text
    policy.write_text(
        text.replace("min_score: 85", "min_score: .nan").replace(
            "data-handling: 25", "data-handling: .inf"
        )
    )
    found = load(root, GOOD)
    assert any("min_score: must be a number" in f for f in found), found
    assert any("data-handling: must be a number" in f for f in found), found


def test_policy_problems(root: Path) -> None:
    policy = root / "policies" / "default.yaml"
    text = policy.read_text()
    policy.write_text(
        text.replace("  - checklist: service-delivery", "  - checklist: service-deliveries")
        .replace("data-handling: 25", "data-handlin: 25")
        .replace(
            "bridge_kind: soc2_bridge_letter, bridge_max_months: 3, min_period_months: 6}",
            "bridge_kind: bridge_note, bridge_max_months: 3, min_period_months: 6}",
        )
    )
    found = load(root, GOOD)
    assert any("scope names unknown checklist 'service-deliveries'" in f for f in found), found
    assert any("no weight for domain 'data-handling'" in f for f in found), found
    assert any("bridge kind 'bridge_note' is not an evidence kind" in f for f in found), found


def test_tiering_cannot_use_the_tier(root: Path) -> None:
    policy = root / "policies" / "default.yaml"
    policy.write_text(
        policy.read_text().replace(
            "{fact: vendor.criticality, equals: critical}, points: 40",
            "{fact: vendor.tier, equals: critical}, points: 40",
        )
    )
    found = load(root, GOOD)
    assert any("cannot depend on the tier" in f for f in found), found


def test_tier_floors_are_checked(root: Path) -> None:
    policy = root / "policies" / "default.yaml"
    policy.write_text(
        policy.read_text()
        .replace(
            "{fact: vendor.criticality, equals: critical}, tier: high",
            "{fact: vendor.tier, equals: critical}, tier: high",
        )
        .replace(
            "{fact: vendor.data, contains: health}, tier: medium",
            "{fact: vendor.data, contains: cards}, tier: medium",
        )
        .replace(
            "contains_any: [dora, eba]}, {fact: vendor", "contains_any: [banks]}, {fact: vendor"
        )
    )
    found = load(root, GOOD)
    assert any("tiering floors cannot depend on the tier" in f for f in found), found
    assert any("tiering.floors[health data]" in f and "'cards'" in f for f in found), found
    # an organisation fact is checked as strictly: a regime that does not exist is named
    assert any("'banks'" in f and "organisation.regimes" in f for f in found), found
