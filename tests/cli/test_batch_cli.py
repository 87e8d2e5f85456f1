"""Whole-register commands: import a folder of returned questionnaires, assess every vendor with
new final answers, write every vendor's report, each in one process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit.workspace import Workspace
from tests.conftest import EXAMPLES

ISSUED, DUE, AS_OF = "2025-11-03", "2025-12-03", "2025-12-15"


@pytest.fixture
def returned(dcli, tmp_path: Path) -> tuple[Path, list[str]]:
    """Cycle 1 of the sample portfolio issued, and the vendors' and assessors' files back."""
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    vendors = [v["vendor"] for v in json.loads(dcli("vendors", "list", "-f", "json").output)]
    issued = tmp_path / "issued"
    for vendor in vendors:
        for command in (["questionnaire", "issue"], ["review"]):
            prefix = "Q" if command[0] == "questionnaire" else "R"
            target = issued / f"{prefix}-{vendor}-20251103.yaml"
            result = dcli(*command, vendor, "-o", target, "--issued", ISSUED, "--due", DUE)
            assert result.exit_code == 0, result.output
    inbox = tmp_path / "inbox"
    shutil.copytree(EXAMPLES / "cycle-1", inbox)
    return inbox, vendors


def test_a_folder_imports_file_by_file_and_every_vendor_is_assessed(
    dcli, db_workspace: Workspace, returned
) -> None:
    inbox, vendors = returned
    broken = inbox / "Q-lexbridge-lpo-20251103.yaml"
    broken.write_text(broken.read_text().replace("\nstatus: final\n", "\nstatus: finished\n", 1))
    result = dcli("questionnaire", "import", inbox, "--allow-unanswered")
    assert result.exit_code == 2  # one file refused, the others imported
    assert "15 imported, 0 already held, 1 refused" in result.output
    assert "status 'finished' must be draft or final" in result.output
    assert "other file(s) in the folder(s) passed by" not in result.output  # evidence is .md/.txt
    broken.write_text(broken.read_text().replace("\nstatus: finished\n", "\nstatus: final\n", 1))
    again = dcli("questionnaire", "import", inbox, "--allow-unanswered")
    assert again.exit_code == 0 and "1 imported, 15 already held, 0 refused" in again.output

    critical = dcli("assess", "--all", "--tier", "critical", "--as-of", AS_OF, "-f", "json")
    assert critical.exit_code == 0, critical.output
    assert {r["vendor"] for r in json.loads(critical.output)} == {
        "harbourline-contact",
        "meridian-payroll",
    }
    rest = dcli("assess", "--all", "--as-of", AS_OF)
    assert rest.exit_code == 0 and "assessed 6 vendor(s) as of 2025-12-15" in rest.output
    nothing = dcli("assess", "--all", "--as-of", AS_OF)
    assert "assessed 0 vendor(s)" in nothing.output and "nothing new to assess" in nothing.output
    both = dcli("assess", "meridian-payroll", "--all")
    assert both.exit_code == 2 and "name a VENDOR, or use --all" in both.output

    reports = db_workspace.root / "out"
    written = dcli("report", "--all", "-o", reports)
    assert written.exit_code == 0, written.output
    assert f"wrote {len(vendors)} signed report(s)" in written.output
    assert sorted(p.name for p in reports.glob("*.pdf")) == sorted(
        f"{v}-{AS_OF}.pdf" for v in vendors
    )


def test_long_lists_page_and_fit_80_columns(dcli, returned, monkeypatch) -> None:
    inbox, vendors = returned
    assert dcli("questionnaire", "import", inbox, "--allow-unanswered").exit_code == 0
    assert dcli("assess", "--all", "--as-of", AS_OF).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    everything = json.loads(dcli("findings", "list", "-f", "json").output)
    page = dcli("findings", "list", "--limit", "5", "--offset", "5")
    assert f"showing 6-10 of {len(everything):,}; page with --limit and --offset" in page.output
    assert all(len(line) <= 80 for line in page.output.splitlines())
    for finding in everything[5:10]:  # ids, vendors, controls and dates whole, never cut
        line = next(row for row in page.output.splitlines() if f" {finding['id']} " in row)
        for key in ("vendor", "control", "due"):
            assert str(finding[key]) in line
    assert "left out to fit 80 columns" in page.output
    wide = dcli("findings", "list", "--limit", "5", "--wide")
    assert "left out" not in wide.output
    listing = dcli("vendors", "list")
    assert all(vendor in listing.output for vendor in vendors)
    assert "showing" not in listing.output  # eight vendors fit one page
    unknown = dcli("findings", "list", "--vendor", "harbourline")
    assert unknown.exit_code == 2 and "no vendor 'harbourline'" in unknown.output
