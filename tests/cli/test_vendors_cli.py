"""`audit vendors ...` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from audit.workspace import Workspace
from tests.conftest import EXAMPLES, snapshot

HEADER = (
    "id,name,services,delivery,countries,data,access,criticality,onboarded,contract_type,"
    "contract_start,contract_end,contract_notice_days,contract_annual_value,contract_currency,"
    "contract_right_to_audit,subcontractors,sla,contacts,owner\n"
)
GOOD_ROWS = (
    "acme-payroll,Acme Payroll,payroll;hr_admin,offshore,IN;PH,personal;financial,application,"
    "critical,2024-01-01,fixed_price,2024-01-01,2027-12-31,90,1200000,EUR,yes,"
    "PrintCo|payslip printing|IN,accuracy|99.5|percent,Ravi|ravi@acme.example|director,"
    "owner@client.example\n"
    "zeta-marketing,Zeta Marketing,marketing,onshore,DE,none,none,standard,,fixed_price,"
    "2025-01-01,,,20000,EUR,no,,,,owner@client.example\n"
)


def write(tmp_path: Path, text: str, name: str = "vendors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_every_column_imports_and_tiers(dcli, tmp_path: Path) -> None:
    result = dcli("vendors", "import", write(tmp_path, HEADER + GOOD_ROWS))
    assert result.exit_code == 0, result.output
    assert "imported 2 new vendor(s)" in result.output
    rows = {r["vendor"]: r for r in json.loads(dcli("vendors", "list", "-f", "json").output)}
    acme = rows["acme-payroll"]
    assert acme["tier"] == "critical"
    assert acme["tier_reasons"] == (
        "supports a critical business function +40; financial data +20; "
        "application-level access +6; offshore delivery +15; "
        "delivery or subcontracting from a country without a full EU adequacy decision +10; "
        "relies on subcontractors (fourth parties) +8; "
        "annual spend of 1M or more: 1,200,000 EUR +10"
    )
    assert acme["points"] == 109
    assert rows["zeta-marketing"]["tier"] == "low"
    assert rows["zeta-marketing"]["tier_reasons"] == "contract grants no right to audit +5"
    shown = json.loads(dcli("vendors", "show", "acme-payroll", "-f", "json").output)[0]
    assert shown["subcontractors"] == [
        {"name": "PrintCo", "service": "payslip printing", "country": "IN"}
    ]
    assert shown["sla"] == [{"metric": "accuracy", "target": 99.5, "unit": "percent"}]
    assert shown["contract"]["right_to_audit"] is True
    critical = json.loads(dcli("vendors", "list", "--tier", "critical", "-f", "json").output)
    assert [r["vendor"] for r in critical] == ["acme-payroll"]


def test_bad_rows_change_nothing_and_are_all_named(
    dcli, db_workspace: Workspace, tmp_path: Path
) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = snapshot(db_workspace.database_url)
    bad = GOOD_ROWS + (
        "Bad Id,Bad,payroll,offshore,IN,personal,application,critical,,fixed_price,"
        "2024-01-01,,,,EUR,yes,,,,owner@client.example\n"
        "late-start,Late,payrol,moonshore,india,personal,application,urgent,,fixed_price,"
        "2024-13-01,2023-01-01,,,EUR,maybe,,,,not-an-email\n"
    )
    result = dcli("vendors", "import", write(tmp_path, HEADER + bad))
    assert result.exit_code == 2
    out = result.output
    assert (
        "vendors.csv:4: vendors[Bad Id].id: 'Bad Id' must be lower-case letters and digits "
        "joined by hyphens, such as acme-payroll" in out
    )
    # in words, not JSON Schema's
    assert "countries[0]: must be a two-letter ISO country code such as PH, not 'india'" in out
    assert "'2024-13-01' is not a date; dates are written 2026-06-15" in out
    assert "'not-an-email' is not an e-mail address such as name@example.com" in out
    assert out.count("'2024-13-01'") == 1  # said once, not once per rule
    for jargon in ("does not match", "is not of type", "is not one of", "was unexpected"):
        assert jargon not in out
    for field in (
        "services[0]",
        "delivery",
        "countries[0]",
        "criticality",
        "owner",
        "right_to_audit",
    ):
        assert f"vendors.csv:5: vendors[late-start].{field}" in out or (
            f"vendors.csv:5: vendors[late-start].contract.{field}" in out
        ), field
    assert "Traceback" not in out
    assert snapshot(db_workspace.database_url) == before


def test_existing_vendors_need_update_and_keep_revisions(
    dcli, db_workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + GOOD_ROWS)
    assert dcli("vendors", "import", path).exit_code == 0
    before = snapshot(db_workspace.database_url)
    again = dcli("vendors", "import", path)
    assert again.exit_code == 2 and "vendor 'acme-payroll' already exists" in again.output
    assert snapshot(db_workspace.database_url) == before
    changed = write(
        tmp_path, HEADER + GOOD_ROWS.replace("critical,2024", "important,2024"), "v2.csv"
    )
    assert dcli("vendors", "import", changed, "--update").exit_code == 0
    shown = json.loads(dcli("vendors", "show", "acme-payroll", "-f", "json").output)[0]
    assert shown["criticality"] == "important"
    assert [r["revision"] for r in shown["revisions"]] == [1, 2]


def test_yaml_and_json_and_add(dcli, tmp_path: Path) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    as_json = tmp_path / "one.json"
    as_json.write_text(
        json.dumps(
            {
                "vendors": [
                    {
                        "id": "json-vendor",
                        "name": "Json Vendor",
                        "services": ["research"],
                        "delivery": "onshore",
                        "countries": ["FR"],
                        "data": ["internal"],
                        "access": ["none"],
                        "criticality": "standard",
                        "contract": {
                            "type": "fixed_price",
                            "start": "2025-01-01",
                            "right_to_audit": True,
                        },
                        "owner": "o@client.example",
                    }
                ]
            }
        )
    )
    assert dcli("vendors", "import", as_json).exit_code == 0
    added = dcli(
        "vendors",
        "add",
        "--id",
        "cli-vendor",
        "--name",
        "Cli Vendor",
        "--service",
        "logistics",
        "--delivery",
        "nearshore",
        "--country",
        "MX",
        "--data",
        "internal",
        "--access",
        "none",
        "--criticality",
        "standard",
        "--contract-type",
        "fixed_price",
        "--contract-start",
        "2025-06-01",
        "--no-right-to-audit",
        "--owner",
        "o@client.example",
    )
    assert added.exit_code == 0, added.output
    ids = [r["vendor"] for r in json.loads(dcli("vendors", "list", "-f", "json").output)]
    assert len(ids) == 10 and "cli-vendor" in ids and "json-vendor" in ids
    bad = dcli(
        "vendors",
        "add",
        "--id",
        "x",
        "--name",
        "X",
        "--service",
        "astrology",
        "--delivery",
        "onshore",
        "--country",
        "FR",
        "--data",
        "none",
        "--access",
        "none",
        "--criticality",
        "standard",
        "--contract-type",
        "fixed_price",
        "--contract-start",
        "2025-06-01",
        "--right-to-audit",
        "--owner",
        "o@client.example",
    )
    assert bad.exit_code == 2 and "services[0]" in bad.output


def test_show_unknown_vendor(dcli) -> None:
    result = dcli("vendors", "show", "nobody")
    assert result.exit_code == 2 and "no vendor 'nobody'" in result.output


def test_edit_changes_only_the_named_facts_keeps_revisions_and_shows_re_tiering(
    dcli, tmp_path: Path
) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = json.loads(dcli("vendors", "show", "harbourline-contact", "-f", "json").output)[0]
    result = dcli("vendors", "edit", "harbourline-contact", "--criticality", "important")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "revision 2" in text and "criticality: critical -> important" in text
    assert "re-tiered: critical" in text and "-> high" in text
    after = json.loads(dcli("vendors", "show", "harbourline-contact", "-f", "json").output)[0]
    kept = ("subcontractors", "contacts", "sla", "contract", "owner", "services", "countries")
    for fact in kept:
        assert after[fact] == before[fact], fact
    assert after["criticality"] == "important" and after["tier"] == "high"
    # the contract's end removed, its value changed: named facts only, again
    result = dcli(
        "vendors",
        "edit",
        "harbourline-contact",
        "--contract-end",
        "none",
        "--annual-value",
        "2.5e6",
    )
    assert result.exit_code == 0, result.output
    assert "contract.end: 2027-04-30 -> (none)" in result.output
    assert "contract.annual_value: 2300000 -> 2500000" in result.output
    same = dcli("vendors", "edit", "harbourline-contact", "--criticality", "important")
    assert same.exit_code == 2 and "nothing was changed" in same.output
    bad = dcli("vendors", "edit", "harbourline-contact", "--country", "Portugal")
    assert bad.exit_code == 2 and "two-letter ISO country code" in bad.output
    revisions = json.loads(
        dcli("vendors", "show", "harbourline-contact", "--revisions", "-f", "json").output
    )
    assert [r["revision"] for r in revisions] == [1, 2, 3]
    assert revisions[0]["changes"] == []
    assert revisions[1]["changes"] == ["criticality: critical -> important"]
    assert revisions[1]["source"].startswith("vendors edit by ")  # who edited
    assert set(revisions[2]["changes"]) == {
        "contract.annual_value: 2300000 -> 2500000",
        "contract.end: 2027-04-30 -> (none)",
    }
    table = dcli("vendors", "show", "harbourline-contact", "--revisions")
    assert table.exit_code == 0 and "first recorded" in table.output
    assert "important" in table.output and "(none)" in table.output


def test_the_register_round_trips_through_export_in_every_format(
    dcli, tmp_path: Path, runner, database_url: str, monkeypatch
) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    assert dcli("vendors", "import", write(tmp_path, HEADER + GOOD_ROWS)).exit_code == 0
    original = dcli("vendors", "export", "-f", "yaml").output
    for fmt in ("csv", "yaml", "json"):
        path = tmp_path / f"register.{fmt}"
        assert dcli("vendors", "export", "-o", path).exit_code == 0
        header = path.read_text().splitlines()[0]
        if fmt == "csv":
            assert header == HEADER.strip().replace(
                "services,delivery,countries,data,access", "services,countries,data,access,delivery"
            )
        result = dcli("vendors", "import", path, "--update")
        assert result.exit_code == 0, result.output
        assert dcli("vendors", "export", "-f", "yaml").output == original, fmt


def test_semicolon_separated_csv_from_european_spreadsheets(dcli, tmp_path: Path) -> None:
    text = (HEADER + GOOD_ROWS).replace(",", "\t")
    # European Excel: `;` between cells, so cells holding lists are quoted
    rows = []
    for line in text.splitlines():
        cells = line.split("\t")
        rows.append(";".join(f'"{c}"' if ";" in c else c for c in cells))
    path = write(tmp_path, "\r\n".join(rows) + "\r\n", "european.csv")
    result = dcli("vendors", "import", path)
    assert result.exit_code == 0, result.output
    acme = json.loads(dcli("vendors", "show", "acme-payroll", "-f", "json").output)[0]
    assert acme["services"] == ["payroll", "hr_admin"] and acme["countries"] == ["IN", "PH"]


def test_schema_and_date_problems_are_listed_in_one_run(dcli, tmp_path: Path) -> None:
    bad = (
        "acme,Acme,payroll,offshore,Philippines,personal,application,critical,2025-13-45,"
        "fixed_price,2026-01-01,2025-01-01,,,,maybe,,,,owner@client.example\n"
    )
    result = dcli("vendors", "import", write(tmp_path, HEADER + bad))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "two-letter ISO country code such as PH, not 'Philippines'" in text  # schema
    assert "must be true or false, not 'maybe'" in text  # schema
    assert "'2025-13-45' is not a date" in text  # the calendar
    assert "contract ends before it starts" in text  # dates out of order
