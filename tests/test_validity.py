"""Evidence validity rules (pure)."""

from __future__ import annotations

import datetime as dt

from audit.content.model import EvidenceKind, ValidityRule
from audit.evidence.validity import EvidenceDates, EvidenceState, add_months, validity

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
