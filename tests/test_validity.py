"""Evidence validity rules (pure)."""

from __future__ import annotations

import datetime as dt

from audit.content.model import EvidenceKind, ValidityRule
from audit.evidence.validity import (
    EvidenceDates,
    EvidenceState,
    add_months,
    required_dates,
    validity,
)

D = dt.date
SOC2 = EvidenceKind(
    "soc2_type2",
    "SOC 2 Type II",
    ValidityRule("period_end_plus", 12, "soc2_bridge_letter", 3),
)
CERT = EvidenceKind("iso27001_certificate", "ISO", ValidityRule("until_expiry"))
PENTEST = EvidenceKind("pentest_report", "Pen test", ValidityRule("issued_plus", 12))


def test_add_months_clamps() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2025, 9, 30), 12) == D(2026, 9, 30)


def test_soc2_current_for_a_year_after_period_end() -> None:
    window = validity(SOC2, EvidenceDates("soc2_type2", period_end=D(2025, 9, 30)))
    assert window.valid_until == D(2026, 9, 30)
    assert window.state(D(2026, 6, 1), 60) is EvidenceState.CURRENT
    assert window.state(D(2026, 9, 1), 60) is EvidenceState.EXPIRING
    assert window.state(D(2026, 12, 14), 60) is EvidenceState.EXPIRED


def test_bridge_letter_extends_within_the_limit() -> None:
    report = EvidenceDates("soc2_type2", period_end=D(2025, 9, 30))
    bridge = EvidenceDates("soc2_bridge_letter", issued=D(2026, 10, 1), expires=D(2027, 1, 15))
    window = validity(SOC2, report, [report, bridge])
    assert window.valid_until == D(2026, 12, 30)  # capped at 3 months past the 12
    assert window.state(D(2026, 12, 14), 10) is EvidenceState.CURRENT
    assert window.state(D(2026, 12, 14), 30) is EvidenceState.EXPIRING
    assert "bridge letter" in window.basis
    short = EvidenceDates("soc2_bridge_letter", issued=D(2026, 10, 1), expires=D(2026, 11, 30))
    assert validity(SOC2, report, [short]).valid_until == D(2026, 11, 30)


def test_bridge_letter_before_the_period_does_not_count() -> None:
    report = EvidenceDates("soc2_type2", period_end=D(2025, 9, 30))
    stale = EvidenceDates("soc2_bridge_letter", issued=D(2025, 1, 1), expires=D(2027, 1, 1))
    assert validity(SOC2, report, [stale]).valid_until == D(2026, 9, 30)


def test_certificate_and_issued_plus() -> None:
    cert = validity(CERT, EvidenceDates("iso", issued=D(2024, 1, 1), expires=D(2027, 1, 1)))
    assert cert.state(D(2023, 12, 1), 60) is EvidenceState.NOT_YET_VALID
    assert cert.state(D(2027, 1, 2), 60) is EvidenceState.EXPIRED
    pen = validity(PENTEST, EvidenceDates("pentest_report", issued=D(2025, 3, 15)))
    assert pen.valid_until == D(2026, 3, 15)


# The checks a kind's rule may add (review M1): a Type II over too short a period, a certificate
# without a recent surveillance audit, superseded transfer clauses.
SOC2_SIX = EvidenceKind(
    "soc2_type2",
    "SOC 2 Type II",
    ValidityRule("period_end_plus", 12, "soc2_bridge_letter", 3, min_period_months=6),
)
CERT_AUDITED = EvidenceKind(
    "iso27001_certificate", "ISO", ValidityRule("until_expiry", audited_within_months=15)
)
SCC = EvidenceKind(
    "transfer_safeguards",
    "SCCs",
    ValidityRule("open_ended", issued_on_or_after=D(2021, 6, 27)),
)


def test_a_type_ii_over_less_than_six_months_is_deficient() -> None:
    assert required_dates(SOC2_SIX) == ("period_start", "period_end")
    short = EvidenceDates("soc2_type2", period_start=D(2026, 4, 1), period_end=D(2026, 6, 30))
    window = validity(SOC2_SIX, short)
    assert window.state(D(2026, 8, 1), 60) is EvidenceState.DEFICIENT
    assert not window.current_on(D(2026, 8, 1))
    assert "less than the 6 months" in window.basis
    # stored as ending on its period end, so due lists show it as expired, not as current
    assert window.valid_until == D(2026, 6, 30)
    # six months exactly (1 January to 30 June) is enough
    full = EvidenceDates("soc2_type2", period_start=D(2026, 1, 1), period_end=D(2026, 6, 30))
    assert validity(SOC2_SIX, full).state(D(2026, 8, 1), 60) is EvidenceState.CURRENT
    backwards = EvidenceDates("soc2_type2", period_start=D(2026, 7, 1), period_end=D(2026, 6, 30))
    assert "before it starts" in validity(SOC2_SIX, backwards).basis


def test_evidence_stored_before_its_rule_asked_for_a_date_is_deficient_not_current() -> None:
    legacy = EvidenceDates("soc2_type2", period_end=D(2026, 6, 30))  # no period start recorded
    window = validity(SOC2_SIX, legacy)
    assert window.state(D(2026, 8, 1), 60) is EvidenceState.DEFICIENT
    assert "no period start recorded" in window.basis


def test_a_certificate_lapses_fifteen_months_after_its_last_audit() -> None:
    assert required_dates(CERT_AUDITED) == ("expires", "audited")
    cert = EvidenceDates(
        "iso27001_certificate", issued=D(2024, 3, 1), expires=D(2027, 2, 28), audited=D(2025, 3, 10)
    )
    window = validity(CERT_AUDITED, cert)
    assert window.valid_until == D(2026, 6, 10)
    assert "last audited 2025-03-10" in window.basis
    assert window.state(D(2026, 7, 1), 30) is EvidenceState.EXPIRED
    # a recent surveillance audit leaves the printed expiry in charge
    recent = EvidenceDates(
        "iso27001_certificate", issued=D(2024, 3, 1), expires=D(2027, 2, 28), audited=D(2026, 3, 1)
    )
    assert validity(CERT_AUDITED, recent).valid_until == D(2027, 2, 28)


def test_clauses_signed_before_the_2021_decision_are_superseded() -> None:
    assert required_dates(SCC) == ("issued",)
    old = validity(SCC, EvidenceDates("transfer_safeguards", issued=D(2019, 5, 1)))
    assert old.state(D(2026, 1, 1), 60) is EvidenceState.DEFICIENT
    assert "before 2021-06-27" in old.basis
    new = validity(SCC, EvidenceDates("transfer_safeguards", issued=D(2021, 9, 1)))
    assert new.state(D(2026, 1, 1), 60) is EvidenceState.CURRENT
