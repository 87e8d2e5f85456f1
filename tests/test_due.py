"""Due rules (pure)."""

from __future__ import annotations

import datetime as dt

from audit.content.model import Cadence, frozen_map
from audit.due import (
    ActiveFinding,
    EvidenceWindow,
    OpenQuestionnaire,
    VendorCadence,
    assessments_due,
    evidence_due,
    findings_due,
    questionnaires_due,
)
from audit.model import Rating, Severity, Tier

D = dt.date
CADENCE = Cadence(
    reassess_days=frozen_map(
        {Tier.CRITICAL: 182, Tier.HIGH: 365, Tier.MEDIUM: 730, Tier.LOW: 1095}
    ),
    response_days=30,
    questionnaire_reminders=(),
    evidence_warnings=(),
    remediation_days=frozen_map(dict.fromkeys(Severity, 90)),
    expiring_within_days=60,
    rating_days=frozen_map({Rating.CRITICAL: 182, Rating.HIGH: 365}),
)


def test_assessment_cadence_by_tier_from_last_run_or_onboarding() -> None:
    vendors = [
        VendorCadence("crit-recent", Tier.CRITICAL, D(2020, 1, 1), D(2026, 9, 1)),
        VendorCadence("crit-stale", Tier.CRITICAL, D(2020, 1, 1), D(2026, 5, 1)),
        VendorCadence("high-new", Tier.HIGH, D(2026, 3, 1), None),
        VendorCadence("high-old", Tier.HIGH, D(2025, 6, 1), None),
        VendorCadence("low", Tier.LOW, D(2024, 1, 1), D(2025, 1, 1)),
    ]
    as_of = D(2026, 12, 1)
    items = {i.vendor_id: i for i in assessments_due(vendors, CADENCE, as_of)}
    assert set(items) == {"crit-stale", "high-old"}
    assert items["crit-stale"].due == D(2026, 10, 30) and items["crit-stale"].overdue
    assert items["high-old"].detail == "onboarded 2025-06-01, never assessed"
    soon = {i.vendor_id for i in assessments_due(vendors, CADENCE, as_of, within=120)}
    assert soon == {"crit-stale", "high-old", "high-new", "crit-recent"}


def test_a_bad_residual_rating_brings_the_next_assessment_forward() -> None:
    # a low-tier vendor (every 1,095 days) last rated critical: back in 182 days
    rated = VendorCadence("low-bad", Tier.LOW, D(2024, 1, 1), D(2026, 3, 1), Rating.CRITICAL)
    (item,) = assessments_due([rated], CADENCE, D(2026, 12, 1))
    assert item.due == D(2026, 8, 30) and item.subject == "last rated critical: every 182 days"
    # never later than the tier says: a critical-tier vendor rated high keeps 182 days
    tight = VendorCadence("crit", Tier.CRITICAL, D(2024, 1, 1), D(2026, 3, 1), Rating.HIGH)
    (item,) = assessments_due([tight], CADENCE, D(2026, 12, 1))
    assert item.subject == "critical tier: every 182 days"
    # a moderate or low rating leaves the tier's cadence
    fine = VendorCadence("ok", Tier.LOW, D(2024, 1, 1), D(2026, 3, 1), Rating.MODERATE)
    assert assessments_due([fine], CADENCE, D(2026, 12, 1)) == []


def test_questionnaires_evidence_and_findings() -> None:
    as_of = D(2026, 12, 14)
    q = [
        OpenQuestionnaire("Q-a", "a", D(2026, 11, 2), D(2026, 12, 2)),
        OpenQuestionnaire("Q-b", "b", D(2026, 12, 1), D(2026, 12, 31)),
    ]
    assert [i.ref for i in questionnaires_due(q, as_of)] == ["Q-a"]
    windows = [
        EvidenceWindow(1, "a", "soc2_type2", "SOC 2", "old.pdf", D(2026, 1, 1)),
        EvidenceWindow(
            2, "a", "soc2_type2", "SOC 2", "new.pdf", D(2027, 9, 30)
        ),  # replaces the old one
        EvidenceWindow(3, "a", "pentest_report", "Pen test", "pt.pdf", D(2027, 1, 10)),
        EvidenceWindow(4, "b", "dpa", "DPA", "dpa.pdf", D(2026, 11, 1)),
        EvidenceWindow(5, "b", "deletion_certificate", "Deletion", "del.pdf", None),
    ]
    due = {i.ref: i for i in evidence_due(windows, as_of, within=60)}
    assert set(due) == {"3", "4"}
    assert due["4"].overdue and not due["3"].overdue and due["3"].days_left == 27
    findings = [
        ActiveFinding(7, "a", "SEC-IAM-01", "critical", D(2026, 12, 1), None),
        ActiveFinding(8, "a", "SEC-IAM-02", "low", D(2027, 3, 1), "o@x.io"),
    ]
    assert [i.ref for i in findings_due(findings, as_of)] == ["7"]
