"""Items of the newcomer review (issue 15, ../shared/reviews/newcomer-2026-12.md): money is never
added across currencies (M9: spend rules and the portfolio state their currency and the dated
rates used, an amount without a rate is left out and named); reports speak in words and colour
(countries, services, statuses, a superseded document); the portfolio has its as-of day; and the
smaller CLI items (--version, subfolders, evidence export, show by vendor, help order, hints)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from audit.errors import WorkspaceError
from audit.organisation import Money
from audit.report.view import EvidenceFacts, _superseded
from audit.settings import settings_from_text
from audit.workspace import Workspace
from tests.report.conftest import invoke

GBP_VENDOR = (
    "vendors", "add", "--id", "paycare-uk", "--name", "PayCare Payroll Ltd", "--service",
    "payroll", "--delivery", "onshore", "--country", "GB", "--data", "personal", "--access",
    "application", "--criticality", "important", "--contract-type", "fixed_price",
    "--contract-start", "2024-01-01", "--right-to-audit", "--owner", "payroll@client.example",
    "--annual-value", "450000", "--currency", "GBP",
)  # fmt: skip
RATES = '\n[money]\ncurrency = "EUR"\nrates_as_of = 2026-11-30\nrates = { GBP = 1.17 }\n'


def reasons(workspace: Workspace, vendor: str) -> list[str]:
    shown = invoke(workspace, "vendors", "show", vendor, "-f", "json")
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.output)[0]["tier_reasons"]


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_spend_rules_convert_with_dated_rates_or_say_why_they_did_not(
    assessed: Workspace, tmp_path: Path
) -> None:
    assert invoke(assessed, *GBP_VENDOR).exit_code == 0
    skipped = reasons(assessed, "paycare-uk")
    assert (
        "annual spend not compared with the spend rules: 450,000 GBP, not converted: "
        "audit.toml [money] has no GBP rate" in skipped
    )
    assert not any("annual spend of" in r for r in skipped)
    portfolio = tmp_path / "p.pdf"
    assert invoke(assessed, "report", "portfolio", "-o", portfolio).exit_code == 0
    text = pdf_text(portfolio)
    assert "Not included, for want of a rate in audit.toml [money]: paycare-uk 450,000 GBP" in text

    config = assessed.root / "audit.toml"
    config.write_text(config.read_text() + RATES)
    converted = reasons(assessed, "paycare-uk")
    assert (
        "annual spend of 250k or more: 526,500 EUR (450,000 GBP at 1.17 of 2026-11-30) +5"
        in converted
    )
    assert invoke(assessed, "report", "portfolio", "-o", portfolio).exit_code == 0
    text = pdf_text(portfolio)
    assert "Annual spend, EUR (share)" in text
    assert "converted at the rates of 2026-11-30 (1 GBP = 1.17 EUR)" in text
    assert "United Kingdom (GB)" in text and "payroll" in text
    assert "Not included" not in text


def test_rates_need_their_date_and_sound_values() -> None:
    with pytest.raises(WorkspaceError, match="money.rates needs money.rates_as_of"):
        settings_from_text("[money]\nrates = { GBP = 1.17 }\n", environ={})
    with pytest.raises(WorkspaceError, match="the rate must be a positive number"):
        settings_from_text("[money]\nrates_as_of = 2026-11-30\nrates = { GBP = -1 }\n", environ={})
    with pytest.raises(WorkspaceError, match="ISO 4217"):
        settings_from_text('[money]\ncurrency = "euro"\n', environ={})
    money = Money("EUR", {"USD": 0.92}, dt.date(2026, 11, 30))
    assert money.convert(100.0, "USD") == pytest.approx(92.0)
    assert money.convert(100.0, None) == 100.0 and money.convert(100.0, "EUR") == 100.0
    assert money.convert(100.0, "JPY") is None


def test_the_vendor_report_names_countries_and_services(
    assessed: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    assert invoke(assessed, "report", "archiva-documents", "-o", out).exit_code == 0
    text = pdf_text(out)
    assert "Germany (DE)" in text and "document management" in text


def test_an_expired_document_with_a_current_successor_is_marked_superseded() -> None:
    old = EvidenceFacts(82, "Asset inventory", "a-2025.md", "a" * 64, dt.date(2026, 9, 30),
                        "expired", "")  # fmt: skip
    new = EvidenceFacts(466, "Asset inventory", "a-2026.md", "b" * 64, dt.date(2027, 9, 30),
                        "current", "")  # fmt: skip
    alone = EvidenceFacts(90, "Pentest report", "p.pdf", "c" * 64, dt.date(2026, 1, 1),
                          "expired", "")  # fmt: skip
    assert _superseded(old, [old, new, alone]) == "superseded by #466 (expired)"
    assert _superseded(new, [old, new, alone]) == ""
    assert _superseded(alone, [old, new, alone]) == ""


def test_an_unknown_country_code_is_refused_in_words(assessed: Workspace) -> None:
    result = invoke(assessed, "vendors", "edit", "archiva-documents", "--country", "XX")
    assert result.exit_code == 2
    assert "'XX' is not an ISO 3166 country code" in " ".join(result.output.split())


def test_version_subfolder_workspace_and_an_unchanged_reassessment(
    assessed: Workspace, monkeypatch
) -> None:
    from typer.testing import CliRunner

    from audit.cli import app

    shown = CliRunner().invoke(app, ["--version"])
    assert shown.exit_code == 0 and shown.output.startswith("vendor-audit ")
    inside = assessed.root / "questionnaires"
    inside.mkdir(exist_ok=True)
    monkeypatch.delenv("AUDIT_WORKSPACE", raising=False)
    monkeypatch.chdir(inside)
    listed = CliRunner().invoke(app, ["vendors", "list", "-f", "json"])
    assert listed.exit_code == 0, listed.output
    assert "archiva-documents" in listed.output  # the workspace above the current folder
    again = invoke(assessed, "assess", "archiva-documents", "--as-of", "2026-12-14")
    assert again.exit_code == 0
    assert "nothing changed since run #" in " ".join(again.output.split())


def test_stored_evidence_comes_back_out_under_its_name(assessed: Workspace, tmp_path: Path) -> None:
    listed = json.loads(
        invoke(assessed, "evidence", "list", "archiva-documents", "-f", "json").output
    )
    first = listed[0]
    folder = tmp_path / "out"
    folder.mkdir()
    result = invoke(assessed, "evidence", "export", first["id"], "-o", folder)
    assert result.exit_code == 0, result.output
    written = folder / first["file"]
    assert hashlib.sha256(written.read_bytes()).hexdigest() == first["sha256"]
    again = invoke(assessed, "evidence", "export", first["id"], "-o", folder)
    assert again.exit_code == 2 and "exists; nothing was written" in again.output
    missing = invoke(assessed, "evidence", "export", 999999, "-o", folder)
    assert missing.exit_code == 2 and "no evidence #999999" in missing.output


def test_a_vendor_id_shows_its_newest_answers_and_help_follows_the_audit_cycle(
    assessed: Workspace,
) -> None:
    shown = invoke(assessed, "questionnaire", "show", "archiva-documents")
    assert shown.exit_code == 0, shown.output
    assert "Q-archiva-documents-20261102 version" in " ".join(shown.output.split())
    from typer.testing import CliRunner

    from audit.cli import app

    listing = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"}).output
    order = [listing.index(f"│ {name} ") for name in ("init", "vendors", "assess", "report")]
    assert order == sorted(order)


def test_an_untrusted_report_says_how_to_trust_it(assessed: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    assert invoke(assessed, "report", "archiva-documents", "-o", out).exit_code == 0
    other = tmp_path / "other"  # a committee member's own workspace, which signed nothing
    from typer.testing import CliRunner

    from audit.cli import app

    assert CliRunner().invoke(app, ["init", str(other)]).exit_code == 0
    result = CliRunner().invoke(app, ["-w", str(other), "verify", str(out)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "no certificate to trust" in text and "audit keys export-cert" in text


def test_the_portfolio_speaks_for_its_as_of_day(assessed: Workspace, tmp_path: Path) -> None:
    result = invoke(assessed, "report", "portfolio", "--as-of", "2026-12-14")
    assert result.exit_code == 0, result.output
    written = assessed.reports_dir / "portfolio-2026-12-14.pdf"
    assert written.exists()
    text = pdf_text(written)
    assert "as of 2026-12-14 · generated" in text
    assert "of" in text and "open (" in text  # past-due findings as a share of the open ones
    assert "Average score" in text and "(rated high:" in text
    refused = invoke(assessed, "report", "archiva-documents", "--as-of", "2026-12-14")
    assert refused.exit_code == 2 and "--as-of is for the portfolio report" in refused.output


def test_statuses_and_severities_are_in_their_colours() -> None:
    from audit.report.layout import coloured
    from audit.report.styles import STATUS_COLOURS

    cell = coloured("Not met (0.00 x 3)", STATUS_COLOURS["Not met"], "cell_bold")
    assert '<font color="#9b2c2c">Not met (0.00 x 3)</font>' in cell.text
    plain = coloured("a <b> name", None)
    assert "&lt;b&gt;" in plain.text  # no colour: user text, escaped


def test_show_gives_contract_value_contacts_and_slas(assessed: Workspace) -> None:
    shown = invoke(assessed, "vendors", "show", "archiva-documents")
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "annual value 420,000 EUR; notice 180 days" in text
    assert "contact Jürgen Weiß <j.weiss@archiva.example>, managing director" in text
    assert "SLA documents indexed within 1 business day: 98 percent" in text


def test_an_empty_register_beside_the_demo_points_to_it(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from audit.cli import app

    root = tmp_path / "repo"
    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    (root / ".audit" / "demo" / "checklists").mkdir(parents=True)
    result = CliRunner().invoke(app, ["-w", str(root), "vendors", "list"])
    assert result.exit_code == 0
    assert "audit -w .audit/demo vendors list" in " ".join(result.output.split())
