"""The built-in content is product: it loads clean, is big enough, and covers what auditors ask."""

from __future__ import annotations

from collections import Counter

import pytest

from audit.content.coverage import coverage
from audit.content.model import ContentSet
from audit.model import Respondent

CHECKLISTS = {
    "security",
    "data-handling",
    "regulatory",
    "continuity",
    "service-delivery",
    "process-integrity",
}


def test_the_checklists_with_enough_controls(content: ContentSet) -> None:
    sizes = {c.id: len(c.controls) for c in content.checklists}
    assert set(sizes) == CHECKLISTS
    assert all(n >= 15 for n in sizes.values()), sizes
    assert sum(sizes.values()) >= 130


def test_every_control_is_complete(content: ContentSet) -> None:
    for control in content.controls.values():
        assert control.references, control.id
        assert control.question.strip() and control.guidance.strip(), control.id
        assert control.remediation.strip(), control.id
        if control.scored:
            assert control.answer.options or control.answer.thresholds, control.id


def test_knockouts_are_few(content: ContentSet) -> None:
    for checklist in content.checklists:
        knockouts = sum(1 for c in checklist.controls if c.knockout)
        assert 1 <= knockouts <= 4, checklist.id


def test_evidence_is_asked_where_auditors_want_proof(content: ContentSet) -> None:
    with_evidence = sum(1 for c in content.controls.values() if c.evidence)
    assert with_evidence >= len(content.controls) // 2


def test_questions_are_not_repeated(content: ContentSet) -> None:
    repeated = [
        q for q, n in Counter(c.question for c in content.controls.values()).items() if n > 1
    ]
    assert repeated == []


REQUIRED_COVERAGE = {
    "gdpr": [f"Art.28(3)({letter})" for letter in "abcdefgh"]
    + ["Art.28(1)", "Art.28(2)", "Art.28(4)", "Art.32", "Art.33", "Art.44", "Art.45", "Art.46"],
    "dora": [f"Art.30(2)({letter})" for letter in "abcdefghi"]
    + [f"Art.30(3)({letter})" for letter in "abcdef"]
    + ["Art.30(1)", "Art.29"],
    "pci-dss-4.0.1": [f"12.8.{n}" for n in range(1, 6)] + ["12.9.1", "12.9.2"],
    "iso27001-2022": [f"A.5.{n}" for n in range(19, 24)],
    "iso22301-2019": ["8.1", "8.2.1", "8.2.2", "8.2.3", "8.3.1", "8.3.2", "8.3.3", "8.3.4"]
    + ["8.3.5", "8.4.1", "8.4.2", "8.4.3", "8.4.4", "8.4.5", "8.5", "8.6"],
    "eba-gl-2019-02": ["para.54", "para.85", "para.87", "para.106", "para.107"],
    "hipaa": ["164.308(b)(1)", "164.314(a)(1)", "164.504(e)(2)(ii)(A)", "164.410(a)"],
}


@pytest.mark.parametrize("framework_id", sorted(REQUIRED_COVERAGE))
def test_required_requirements_are_covered(content: ContentSet, framework_id: str) -> None:
    """Covered by a control, or, for the institution's own duties (its register, exit strategy,
    concentration assessment), supported by the vendor's answers."""
    result = coverage(content, content.frameworks[framework_id])
    covered = {row.requirement.id for row in result.rows if row.covered or row.supported}
    missing = [r for r in REQUIRED_COVERAGE[framework_id] if r not in covered]
    assert missing == []


def test_all_frameworks_are_indexed(content: ContentSet) -> None:
    assert set(content.frameworks) == {
        "iso27001-2022",
        "soc2-tsc-2017",
        "nist-csf-2.0",
        "gdpr",
        "dora",
        "eba-gl-2019-02",
        "pci-dss-4.0.1",
        "hipaa",
        "iso22301-2019",
    }
    assert len(content.frameworks["iso27001-2022"].requirements) == 93


def test_every_evidence_kind_is_used_or_a_bridge(content: ContentSet) -> None:
    used = {k for c in content.controls.values() for e in c.evidence for k in e.kinds}
    bridges = {
        k.validity.bridge_kind
        for k in content.policy.evidence_kinds.values()
        if k.validity.bridge_kind
    }
    unused = set(content.policy.evidence_kinds) - used - bridges
    assert unused == set()


# What the signed contract, DPA or BAA says: the client establishes it from the executed copy,
# never from the vendor's word (content review H6).
CONTRACT_CONTENT = [
    "REG-PRC-01",
    "REG-PRC-02",
    "REG-PRC-03",
    "REG-PRC-04",
    "REG-PRC-06",
    "REG-SUB-01",
    "REG-REC-02",
    "REG-XFR-03",
    "REG-FIN-01",
    "REG-FIN-02",
    "REG-FIN-03",
    "REG-FIN-04",
    "REG-FIN-05",
    "REG-FIN-06",
    "REG-FIN-07",
    "REG-FIN-08",
    "REG-FIN-09",
    "REG-FIN-10",
    "REG-FIN-11",
    "REG-FIN-12",
    "REG-FIN-13",
    "REG-FIN-14",
    "REG-FIN-15",
    "REG-PCI-01",
    "REG-PHI-01",
    "REG-PHI-02",
    "REG-PHI-03",
    "REG-PHI-04",
    "REG-PHI-05",
    "REG-AUD-01",
    "REG-AUD-02",
    "REG-AUD-03",
    "REG-AUD-04",
    "REG-EXT-01",
    "REG-EXT-02",
    "REG-EXT-03",
    "SEC-IR-03",
    "DAT-RET-03",
    "BCM-EXT-02",
    "SVC-SLA-01",
    "SVC-COM-02",
    "SVC-COM-03",
]
SIGNED_DOCUMENTS = {"contract", "dpa", "baa", "transfer_safeguards", "pci_responsibility_matrix"}
# The assessor's own review of the vendor's assurance (SOC opinions, exceptions, user entity
# controls; certificates checked with the certification body): answered by us, from the reports.
ASSESSOR_REVIEWS = ["SEC-GOV-03"]


def test_contract_content_is_answered_by_the_assessor_from_signed_documents(
    content: ContentSet,
) -> None:
    assessor = {c.id for c in content.controls.values() if c.answered_by is Respondent.ASSESSOR}
    assert assessor == set(CONTRACT_CONTENT) | set(ASSESSOR_REVIEWS)
    for control_id in ASSESSOR_REVIEWS:
        assert " you " not in f" {content.controls[control_id].question} ", control_id
    for control_id in CONTRACT_CONTENT:
        control = content.controls[control_id]
        required = [set(e.kinds) for e in control.evidence if e.required]
        proof = [kinds for kinds in required if kinds <= SIGNED_DOCUMENTS]
        # every one needs a signed document, except the flow-down to subcontractors, which
        # the vendor's register of subcontractors shows
        assert proof or control_id == "REG-PHI-04", control_id
        assert " you " not in f" {control.question} ", control_id  # not asked of the vendor


def test_every_evidence_kind_says_what_it_must_show(content: ContentSet) -> None:
    for kind in content.policy.evidence_kinds.values():
        assert 40 <= len(kind.description) <= 300, kind.id
