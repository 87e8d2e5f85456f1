"""Scoring: explained, deterministic, and monotone where it must be."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.content.conditions import leaves
from audit.content.model import ContentSet, Control, EvidenceRequirement
from audit.model import AnswerType, Rating, Tier
from audit.register import read_vendor_file
from audit.scoping import scope_vendor
from audit.scoring import AuditResult, Evidence, Status, aggregate, compile_controls, score_controls
from audit.vendor import Vendor, facts
from tests.conftest import EXAMPLES
from tests.scoring_support import AS_OF, best_answer, proof, worst_answer

VENDOR = "harbourline-contact"


@pytest.fixture(scope="module")
def vendor() -> Vendor:
    vendors = read_vendor_file(EXAMPLES / "vendors.yaml", "v", max_bytes=10**6)
    return next(v for v in vendors if v.id == VENDOR)


@pytest.fixture(scope="module")
def controls(content: ContentSet, vendor: Vendor) -> tuple[Control, ...]:
    return scope_vendor(content, facts(vendor, Tier.CRITICAL)).controls


def run(
    content: ContentSet,
    vendor: Vendor,
    controls: tuple[Control, ...],
    answers: dict[str, Any],
    evidence: list[Evidence],
    as_of: dt.date = AS_OF,
    cited: dict[str, tuple[int, ...]] | None = None,
) -> AuditResult:
    results = score_controls(
        compile_controls(controls),
        facts(vendor, Tier.CRITICAL),
        answers,
        evidence,
        cited or {},
        content.policy,
        as_of,
    )
    severities = {c.id: c.severity for c in controls}
    return aggregate(
        vendor.id, Tier.CRITICAL, results, content.policy, as_of, severities=severities
    )


def best(controls: tuple[Control, ...]) -> dict[str, Any]:
    return {c.id: best_answer(c) for c in controls}


def test_best_answers_with_current_evidence_get_the_best_rating(content, vendor, controls) -> None:
    result = run(content, vendor, controls, best(controls), proof(controls))
    assert result.score == 100.0
    assert result.rating is Rating.LOW
    statuses = {r.status for r in result.controls}
    assert statuses <= {Status.MET, Status.NOT_APPLICABLE}
    met = next(r for r in result.controls if r.status is Status.MET and r.evidence_used)
    assert met.explanation.startswith(f"answer {met.answer} -> 1; evidence #")


def test_one_failed_knockout_caps_the_rating(content, vendor, controls) -> None:
    knockout = next(c for c in controls if c.knockout and c.applies_when is None)
    answers = best(controls) | {knockout.id: worst_answer(knockout)}
    result = run(content, vendor, controls, answers, proof(controls))
    assert result.band_rating is Rating.LOW
    assert result.rating is content.policy.rating.knockout_cap is Rating.HIGH
    assert result.capped_by == (knockout.id,)
    assert (
        "knockout failed"
        in next(r for r in result.controls if r.control_id == knockout.id).explanation
    )


def test_without_evidence_claims_are_unverified_and_the_score_drops(
    content, vendor, controls
) -> None:
    with_proof = run(content, vendor, controls, best(controls), proof(controls))
    without = run(content, vendor, controls, best(controls), [])
    needs_proof = {c.id for c in controls if any(r.required for r in c.evidence)}
    unverified = {r.control_id for r in without.controls if r.status is Status.UNVERIFIED}
    assert unverified and unverified <= needs_proof
    assert without.score < with_proof.score
    example = next(r for r in without.controls if r.status is Status.UNVERIFIED)
    factor = content.policy.rating.unverified_factor
    assert example.effective == pytest.approx(example.answer_score * factor)
    assert "required, none provided -> x0.5" in example.explanation


def test_expired_soc2_with_bridge_letter_in_window_counts_as_current(
    content, vendor, controls
) -> None:
    # A control that requires a SOC 2 Type II report (the built-in content accepts one as an
    # alternative only), so that the report's validity decides the control.
    first = next(c for c in controls if c.weight and c.answer.type is AnswerType.CHOICE)
    needs_soc2 = dataclasses.replace(first, evidence=(EvidenceRequirement(("soc2_type2",), True),))
    controls = tuple(needs_soc2 if c.id == first.id else c for c in controls)
    others = [
        e
        for e in proof(controls)
        if e.kind not in {k for r in needs_soc2.evidence for k in r.kinds}
    ]
    report = Evidence(
        100, "soc2_type2", period_end=dt.date(2025, 9, 30), period_start=dt.date(2024, 10, 1)
    )  # 12 months end 2026-09-30
    bridge = Evidence(
        101, "soc2_bridge_letter", issued=dt.date(2026, 10, 1), expires=dt.date(2027, 1, 15)
    )
    answers = best(controls)
    covered = run(content, vendor, controls, answers, [*others, report, bridge])
    lapsed = run(content, vendor, controls, answers, [*others, report])
    status = {r.control_id: r for r in covered.controls}[needs_soc2.id]
    assert status.status is Status.MET and 100 in status.evidence_used
    assert {r.control_id: r for r in lapsed.controls}[needs_soc2.id].status is Status.UNVERIFIED


def test_same_inputs_same_bytes(content, vendor, controls) -> None:
    a = run(content, vendor, controls, best(controls), proof(controls))
    b = run(
        content,
        vendor,
        controls,
        dict(reversed(list(best(controls).items()))),
        list(reversed(proof(controls))),
    )
    assert a.canonical_json() == b.canonical_json() and a.sha256 == b.sha256


def test_follow_up_not_asked_is_not_applicable(content, vendor, controls) -> None:
    follow = [
        c
        for c in controls
        if c.applies_when is not None and any(leaf.on_answer for leaf in leaves(c.applies_when))
    ]
    assert follow
    result = run(content, vendor, controls, best(controls), proof(controls))
    by_id = {r.control_id: r for r in result.controls}
    assert any(by_id[c.id].status is Status.NOT_APPLICABLE for c in follow)


# --- invariants -----------------------------------------------------------------------------


def _options(control: Control) -> list[Any]:
    values = [best_answer(control), worst_answer(control)]
    values += [o.value for o in control.answer.options if not o.not_applicable]
    return values


@st.composite
def scenario(draw: st.DrawFn, controls: tuple[Control, ...]) -> tuple[dict[str, Any], int]:
    answers = {}
    for control in controls:
        choice = draw(st.sampled_from([*_options(control), None]))
        if choice is not None:
            answers[control.id] = choice
    keep = draw(st.integers(min_value=0, max_value=40))
    return answers, keep


@pytest.fixture(scope="module")
def setup(content, vendor, controls):
    return content, vendor, controls


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_invariants(setup, data) -> None:
    content, vendor, controls = setup
    answers, keep = data.draw(scenario(controls))
    evidence = proof(controls)[:keep]
    result = run(content, vendor, controls, answers, evidence)
    # score within bounds, every domain too
    assert 0 <= result.score <= 100
    assert all(0 <= s <= 100 for s in result.domains.values())
    # independent of answer order
    shuffled = dict(data.draw(st.permutations(list(answers.items()))))
    assert (
        run(content, vendor, controls, shuffled, list(reversed(evidence))).sha256 == result.sha256
    )
    # never better when an answer gets worse
    scored = [c for c in controls if c.id in answers and c.weight > 0]
    if scored:
        target = data.draw(st.sampled_from(scored))
        worse = run(
            content, vendor, controls, answers | {target.id: worst_answer(target)}, evidence
        )
        assert worse.score <= result.score
        assert worse.rating.rank >= result.rating.rank
    # never better when evidence expires (moves out of its window)
    if evidence:
        gone = data.draw(st.sampled_from(evidence))
        expired = [e for e in evidence if e is not gone] + [
            Evidence(
                gone.id,
                gone.kind,
                issued=dt.date(2020, 1, 1),
                expires=dt.date(2021, 1, 1),
                period_end=dt.date(2020, 1, 1),
                period_start=dt.date(2019, 1, 1),
                audited=dt.date(2020, 1, 1),
            )
        ]
        after = run(content, vendor, controls, answers, expired)
        assert after.score <= result.score


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_not_applicable_controls_never_move_the_score(setup, data) -> None:
    content, vendor, controls = setup
    answers, keep = data.draw(scenario(controls))
    evidence = proof(controls)[:keep]
    na_able = [c for c in controls if any(o.not_applicable for o in c.answer.options)]
    target = data.draw(st.sampled_from(na_able))
    na_value = next(o.value for o in target.answer.options if o.not_applicable)
    with_na = run(content, vendor, controls, answers | {target.id: na_value}, evidence)
    without = run(
        content,
        vendor,
        tuple(c for c in controls if c.id != target.id),
        {k: v for k, v in answers.items() if k != target.id},
        evidence,
    )
    assert with_na.score == without.score
    assert with_na.domains == without.domains


def test_portfolio_batch_gives_the_same_results(content, vendor, controls) -> None:
    from audit.scoring import VendorInputs, score_portfolio

    answers = best(controls) | {controls[0].id: worst_answer(controls[0])}
    single = run(content, vendor, controls, answers, proof(controls))
    (batched,) = score_portfolio(
        [
            VendorInputs(
                vendor.id,
                Tier.CRITICAL,
                compile_controls(controls),
                facts(vendor, Tier.CRITICAL),
                answers,
                proof(controls),
            )
        ],
        content.policy,
        AS_OF,
    )
    assert batched.canonical_json() == single.canonical_json()


def _two_asking_for(controls: tuple[Control, ...], kind: str) -> tuple[Control, Control]:
    asking = [
        c
        for c in controls
        if c.applies_when is None and [r.kinds for r in c.evidence if r.required] == [(kind,)]
    ]
    return asking[0], asking[1]


def test_a_document_proves_every_control_asking_for_its_kind_wherever_it_is_cited(
    content, vendor, controls
) -> None:
    """The evidence rule (README, issue 15 M1): citing a file under one answer does not take it
    away from the others; only the vendor's explicit limit does, and the explanation says so."""
    first, second = _two_asking_for(controls, "information_security_policy")
    others = [e for e in proof(controls) if e.kind != "information_security_policy"]
    policy_doc = Evidence(900, "information_security_policy", issued=AS_OF - dt.timedelta(days=30))
    answers = best(controls)
    cited = run(content, vendor, controls, answers, [*others, policy_doc], cited={first.id: (900,)})
    by_id = {r.control_id: r for r in cited.controls}
    assert by_id[first.id].status is Status.MET and 900 in by_id[first.id].evidence_used
    assert by_id[second.id].status is Status.MET and 900 in by_id[second.id].evidence_used

    limited = dataclasses.replace(policy_doc, controls=(first.id,))
    result = run(content, vendor, controls, answers, [*others, limited], cited={first.id: (900,)})
    by_id = {r.control_id: r for r in result.controls}
    assert by_id[first.id].status is Status.MET
    assert by_id[second.id].status is Status.UNVERIFIED
    assert f"held but not counted (#900 limited by the vendor to {first.id})" in (
        by_id[second.id].explanation
    )
    # a limited document still proves a control whose answer cites it
    cites_both = {first.id: (900,), second.id: (900,)}
    both = run(content, vendor, controls, answers, [*others, limited], cited=cites_both)
    assert {r.control_id: r for r in both.controls}[second.id].status is Status.MET


def test_the_reason_names_what_is_held_and_why_it_does_not_count(content, vendor, controls) -> None:
    first, _ = _two_asking_for(controls, "information_security_policy")
    others = [e for e in proof(controls) if e.kind != "information_security_policy"]
    old = Evidence(901, "information_security_policy", issued=AS_OF - dt.timedelta(days=800))
    result = run(content, vendor, controls, best(controls), [*others, old])
    explanation = {r.control_id: r for r in result.controls}[first.id].explanation
    assert "held but not counted (#901 not current on the audit date)" in explanation
    none = run(content, vendor, controls, best(controls), others)
    assert (
        "required, none provided" in {r.control_id: r for r in none.controls}[first.id].explanation
    )
