"""The report view model (golden file) and its rendering: deterministic, non-Latin text, long
reports that split cleanly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from audit.content.library import load_content
from audit.content.model import ContentSet
from audit.register import read_vendor_file
from audit.report.vendor_pdf import render_vendor_report
from audit.report.view import (
    EvidenceFacts,
    FindingFacts,
    RunFacts,
    VendorReport,
    build_vendor_report,
)
from audit.vendor import Vendor
from tests.conftest import EXAMPLES, REPO

GOLDEN = REPO / "tests" / "golden" / "vendor_report_view.json"
RENDERED = dt.datetime(2026, 12, 14, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def content(builtin: Path) -> ContentSet:
    return load_content(
        builtin / "checklists", builtin / "checklists/frameworks", builtin / "policies/default.yaml"
    )


def vendor(name: str | None = None) -> Vendor:
    found = next(
        v
        for v in read_vendor_file(EXAMPLES / "vendors.yaml", "v", max_bytes=10**6)
        if v.id == "harbourline-contact"
    )
    return dataclasses.replace(found, name=name) if name else found


def make_run(
    content: ContentSet, run_id: int, as_of: dt.date, score: float, controls: int, comment: str = ""
) -> RunFacts:
    ids = list(content.controls)[:controls]
    statuses = ["met", "partially_met", "not_met", "unverified", "unanswered", "not_applicable"]
    result = {
        "domains": {"security": score, "data-handling": min(100.0, score + 5)},
        "knockouts_failed": ["SEC-IAM-01"] if score < 80 else [],
        "controls": [
            {
                "id": cid,
                "domain": content.controls[cid].domain,
                "status": statuses[i % len(statuses)],
                "answer": ["full", 97.5, "2026-01-31", ["a", "b"], None][i % 5],
                "comment": comment * (1 + i % 3) if comment else None,
                "score": None if i % 6 == 5 else 0.5,
                "weight": 3,
                "evidence": [1] if i % 4 == 0 else [],
                "missing_evidence": ["SOC 2 report required, none provided"] if i % 7 == 3 else [],
                "explanation": f"answer -> 0.5; weight 3 ({cid})",
            }
            for i, cid in enumerate(ids)
        ],
    }
    inputs = {
        "checklists": {"security": {"version": "2026.1", "sha256": "a" * 64}},
        "policy": {"id": "default", "version": "2026.1", "sha256": "b" * 64},
        "submission": {
            "questionnaire": "Q-harbourline-contact-20261102",
            "version": 1,
            "sha256": "c" * 64,
        },
        "tier_points": 113,
        "tier_reasons": ["supports a critical business function +40", "payment card data +30"],
    }
    return RunFacts(
        run_id,
        "harbourline-contact",
        as_of,
        "critical",
        score,
        "high" if score < 80 else "low",
        "moderate",
        "d" * 64,
        inputs,
        result,
    )


def make_report(
    content: ContentSet, name: str | None = None, controls: int = 12, comment: str = ""
) -> VendorReport:
    first = make_run(content, 1, dt.date(2025, 12, 15), 72.5, controls, comment)
    second = make_run(content, 2, dt.date(2026, 12, 14), 88.25, controls, comment)
    findings = [
        FindingFacts(
            5, "SEC-IAM-01", "critical", "open", dt.date(2026, 1, 14), None, dt.date(2025, 12, 15)
        ),
        FindingFacts(
            6,
            "DAT-PCI-01",
            "high",
            "accepted",
            dt.date(2027, 2, 1),
            "risk@client.example",
            dt.date(2025, 12, 15),
            dt.date(2027, 6, 30),
        ),
        FindingFacts(
            7, "SVC-SLA-02", "medium", "resolved", dt.date(2026, 3, 1), None, dt.date(2025, 12, 15)
        ),
    ]
    evidence = [
        EvidenceFacts(
            1,
            "SOC 2 Type II report",
            "soc2.pdf",
            "e" * 64,
            dt.date(2026, 12, 30),
            "expiring",
            "period ended 2025-09-30 + 12 months; bridge letter to 2026-12-30",
        )
    ]
    questionnaire = ("Q-harbourline-contact-20261102", dt.date(2026, 11, 2), dt.date(2026, 12, 2))
    return build_vendor_report(
        second, [first, second], vendor(name), content, findings, evidence, questionnaire, RENDERED
    )


def test_view_model_golden(content: ContentSet) -> None:
    actual = (
        json.dumps(dataclasses.asdict(make_report(content)), indent=1, sort_keys=True, default=str)
        + "\n"
    )
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual)
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"wrote missing golden file {GOLDEN}; check it and commit it")
    assert actual == GOLDEN.read_text()


def test_view_model_orders_and_formats(content: ContentSet) -> None:
    report = make_report(content)
    assert report.change == "+15.8 since run #1 of 2025-12-15 (rating high)"
    assert [f.control for f in report.findings] == ["SEC-IAM-01", "DAT-PCI-01"]  # resolved left out
    assert report.findings[1].status == "accepted until 2027-06-30"
    assert [f.control for f in report.overdue] == ["SEC-IAM-01"]
    assert report.trend == (("#1 2025-12-15", 72.5), ("#2 2026-12-14", 88.25))
    assert report.findings_by_severity[:2] == (("critical", 1), ("high", 1))


def test_rendering_is_deterministic_and_keeps_non_latin_text(
    content: ContentSet, tmp_path: Path
) -> None:
    name = "Αθηνά Υπηρεσίες / Київ Сервіс / Jürgen Weiß & Søn"
    report = make_report(content, name=name)
    first, second = (
        render_vendor_report(report, "Test Signer"),
        render_vendor_report(report, "Test Signer"),
    )
    assert first == second
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: install poppler-utils (.ci/run does)")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(first)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Αθηνά Υπηρεσίες" in text and "Київ Сервіс" in text and "Jürgen Weiß & Søn" in text


def test_long_report_with_150_controls_and_long_comments(
    content: ContentSet, tmp_path: Path
) -> None:
    comment = (
        "The vendor explained at length that the control is operated differently at each of its "
        "delivery centres, with compensating measures described in the attached procedures; "
    )
    report = make_report(content, controls=150, comment=comment)
    assert len(report.controls) == 150
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_vendor_report(report, "Test Signer"))
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo missing: install poppler-utils (.ci/run does)")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 20
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert list(content.controls)[149] in text  # the last control made it onto a page
    if os.environ.get("KEEP_REPORT"):
        shutil.copy(pdf, os.environ["KEEP_REPORT"])


@pytest.mark.parametrize("installed", [True, False], ids=["installed-font", "standard-font"])
def test_chinese_japanese_and_korean_names_are_real_text(
    content: ContentSet, tmp_path: Path, monkeypatch, installed: bool
) -> None:
    """Review item 2: CJK runs are set in a CJK font (an installed one, embedded; else a
    standard Asian font), in paragraphs and in the running header, and stay searchable."""
    from audit.report import scripts

    if installed and len(scripts.installed_fonts()) < 2:
        pytest.fail("no CJK fonts installed: .ci/run installs fonts-droid-fallback, fonts-nanum")
    if not installed:
        monkeypatch.setattr(scripts, "installed_fonts", lambda: ())
    name = "東京コールセンター株式会社 (Tokyo CC) / 서울 고객센터"
    report = make_report(content, name=name)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_vendor_report(report, "Test Signer"))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "東京コールセンター株式会社 (Tokyo CC)" in text and "서울 고객센터" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    if installed:
        assert "DroidSansFallback" in fonts and "NanumGothic" in fonts
        assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # all embedded
    else:
        assert "STSong-Light" in fonts and "HYSMyeongJo-Medium" in fonts
