"""Reports show the findings as they stand (issue 15, M4 and M5): an acceptance or a status
change made after the run appears with its reason, approver and expiry; the report says when it
read the statuses and signs them as findings.json; the control's recommended remediation is
printed with each finding; the PDF has a real creation date and the workspace's file mode."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import json
import os
import shutil
import subprocess
from email import policy
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from audit.report.vendor_pdf import render_vendor_report
from audit.report.verify import _attachments
from audit.services import workspace_content
from audit.workspace import Workspace
from tests.report.conftest import VENDOR, invoke
from tests.report.test_view import make_report

REASON = "Compensating control: quarterly access review by the client; agreed by the committee."


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.fail("missing pdftotext/pdfinfo: install poppler-utils (.ci/run does)")


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def open_findings(workspace: Workspace) -> list[dict]:
    listed = invoke(workspace, "findings", "list", "--vendor", VENDOR, "-f", "json")
    assert listed.exit_code == 0, listed.output
    return [f for f in json.loads(listed.output) if f["status"] == "open"]


def attached(path: Path) -> dict[str, bytes]:
    with path.open("rb") as handle:
        return _attachments(PdfFileReader(handle))


def test_a_report_after_triage_shows_acceptance_status_owner_and_remediation(
    assessed: Workspace, tmp_path: Path
) -> None:
    accepted, taken, *_ = open_findings(assessed)
    until = (dt.date.today() + dt.timedelta(days=120)).isoformat()
    result = invoke(
        assessed,
        "findings",
        "accept",
        accepted["id"],
        "--until",
        until,
        "--reason",
        REASON,
        "--approver",
        "Head of Risk",
    )
    assert result.exit_code == 0, result.output
    result = invoke(
        assessed,
        "findings",
        "update",
        taken["id"],
        "--status",
        "in_progress",
        "--owner",
        "maria.santos@client.example",
        "--by",
        "officer",
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "r.pdf"
    # No new run: the report reads the statuses as they stand now.
    assert invoke(assessed, "report", VENDOR, "-o", out).exit_code == 0
    text = pdf_text(out)
    assert f"Risk accepted until {until} by Head of Risk: {REASON}" in text
    assert f"accepted until {until}" in text
    assert "in progress" in text and "maria.santos@" in text
    assert "Statuses, owners and risk acceptances as recorded at" in text
    content = workspace_content(assessed)
    for finding in (accepted, taken):
        remediation = " ".join(content.controls[finding["control"]].remediation.split())
        assert f"Recommended remediation: {remediation[:60]}" in text

    files = attached(out)
    assert set(files) == {"audit-run.json", "findings.json"}
    signed = json.loads(files["findings.json"])
    by_id = {f["id"]: f for f in signed["findings"]}
    assert by_id[accepted["id"]]["status"] == "accepted"
    assert by_id[accepted["id"]]["accepted_until"] == until
    assert by_id[accepted["id"]]["accepted_reason"] == REASON
    assert by_id[accepted["id"]]["approver"] == "Head of Risk"
    assert by_id[taken["id"]]["status"] == "in_progress"
    assert by_id[taken["id"]]["owner"] == "maria.santos@client.example"
    read_at = dt.datetime.fromisoformat(signed["statuses_read_at"])
    assert abs(read_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    verified = invoke(assessed, "verify", out)
    assert verified.exit_code == 0, verified.output


def test_an_older_runs_report_shows_the_findings_as_they_stood_before_the_next_run(
    assessed: Workspace, tmp_path: Path
) -> None:
    runs = json.loads(invoke(assessed, "history", VENDOR, "-f", "json").output)
    first = min(r["run"] for r in runs)
    before = tmp_path / "before.pdf"
    assert invoke(assessed, "report", VENDOR, "--run", first, "-o", before).exit_code == 0
    in_first = {f["id"] for f in json.loads(attached(before)["findings.json"])["findings"]}
    # one finding the first run opened and the second kept open; those the second run
    # opened are not in the first run's report at all
    finding = next(f for f in open_findings(assessed) if f["id"] in in_first)
    opened_later = [f["id"] for f in open_findings(assessed) if f["id"] not in in_first]
    assert opened_later
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    accept = ("findings", "accept", finding["id"], "--until", until)
    who = ("--reason", "accepted after the second cycle", "--approver", "CRO")
    assert invoke(assessed, *accept, *who).exit_code == 0
    newest, older = tmp_path / "newest.pdf", tmp_path / "older.pdf"
    assert invoke(assessed, "report", VENDOR, "-o", newest).exit_code == 0
    assert invoke(assessed, "report", VENDOR, "--run", first, "-o", older).exit_code == 0
    assert "accepted after the second cycle" in pdf_text(newest)
    assert "accepted after the second cycle" not in pdf_text(older)
    stood = json.loads(attached(older)["findings.json"])
    assert {f["id"]: f["status"] for f in stood["findings"]}[finding["id"]] == "open"
    assert not set(opened_later) & {f["id"] for f in stood["findings"]}
    assert stood["run"] == first


def test_a_report_has_its_real_creation_date_and_the_workspaces_file_mode(
    assessed: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "r.pdf"
    assert invoke(assessed, "report", VENDOR, "-o", out).exit_code == 0
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(out)], capture_output=True, text=True, check=True
    ).stdout
    created = next(line for line in info.splitlines() if line.startswith("CreationDate"))
    assert str(dt.date.today().year) in created and "2000" not in created
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    listed = fonts.stdout.splitlines()[2:]
    assert listed and all(" yes " in line for line in listed), fonts.stdout  # all embedded
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert (assessed.keys_dir / "signing-key.pem").stat().st_mode & 0o777 == 0o600


def test_failed_knockouts_are_named_even_when_they_do_not_change_the_rating(
    content, tmp_path: Path
) -> None:
    report = dataclasses.replace(
        make_report(content),
        rating="critical",
        band_rating="critical",
        knockouts_failed=("SEC-IAM-01", "DAT-RET-03"),
    )
    out = tmp_path / "k.pdf"
    out.write_bytes(render_vendor_report(report, "test signer"))
    text = pdf_text(out)
    assert "Knockout control(s) failed: SEC-IAM-01, DAT-RET-03" in text


def test_the_overdue_e_mail_to_a_findings_owner_says_what_to_do(assessed: Workspace) -> None:
    finding = open_findings(assessed)[0]
    owner = "remediation.owner@client.example"
    update = ("findings", "update", finding["id"], "--owner", owner, "--by", "officer")
    assert invoke(assessed, *update).exit_code == 0
    late = dt.date.fromisoformat(finding["due"]) + dt.timedelta(days=3)
    result = invoke(assessed, "scheduler", "--once", "--as-of", late.isoformat())
    assert result.exit_code == 0, result.output
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in (assessed.outbox_dir / "pending").glob("*.eml")
    ]
    mine = [m for m in messages if m["To"] == owner]
    assert len(mine) == 1, [m["To"] for m in messages]
    body = " ".join(mine[0].get_body().get_content().split())  # type: ignore[union-attr]
    control = workspace_content(assessed).controls[finding["control"]]
    assert f"finding #{finding['id']} {finding['control']}" in body
    assert control.title in body
    assert f"Recommended remediation: {' '.join(control.remediation.split())}" in body
