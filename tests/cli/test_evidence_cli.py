"""`audit evidence add | list`: content-addressed storage and validity by policy."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from audit.workspace import Workspace
from tests.conftest import EXAMPLES, snapshot

VENDOR = "harbourline-contact"
# A SOC 2 Type II report over twelve months, current until 2026-09-30.
SOC2 = ("--kind", "soc2_type2", "--period-start", "2024-10-01", "--period-end", "2025-09-30")


@pytest.fixture
def registered(dcli) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0


def test_sha256_and_stored_once(dcli, db_workspace: Workspace, registered, tmp_path: Path) -> None:
    report = tmp_path / "soc2.pdf"
    report.write_bytes(os.urandom(300_000))
    expected = hashlib.sha256(report.read_bytes()).hexdigest()
    args = ("evidence", "add", VENDOR, report, *SOC2)
    first = dcli(*args, "--control", "SEC-IAM-01")
    assert first.exit_code == 0, first.output
    assert expected in first.output
    again = dcli(*args, "--control", "SEC-IAM-01")
    assert again.exit_code == 0 and "already held" in again.output
    other = dcli("evidence", "add", "meridian-payroll", report, *SOC2)
    assert other.exit_code == 0
    blobs = [p for p in db_workspace.evidence_dir.rglob("*") if p.is_file()]
    assert [p.name for p in blobs] == [expected]
    rows = json.loads(dcli("evidence", "list", "-f", "json", "--as-of", "2026-06-01").output)
    assert len(rows) == 2 and {r["sha256"] for r in rows} == {expected}
    assert rows[0]["valid_until"] == "2026-09-30" and rows[0]["state"] == "current"


def test_bridge_letter_and_expiring_filter(dcli, registered, tmp_path: Path) -> None:
    report, bridge = tmp_path / "soc2.pdf", tmp_path / "bridge.pdf"
    report.write_text("report")
    bridge.write_text("bridge")
    dcli("evidence", "add", VENDOR, report, *SOC2)
    dcli(
        "evidence",
        "add",
        VENDOR,
        bridge,
        "--kind",
        "soc2_bridge_letter",
        "--issued",
        "2026-10-01",
        "--expires",
        "2027-01-15",
    )
    rows = json.loads(
        dcli("evidence", "list", VENDOR, "-f", "json", "--as-of", "2026-12-14").output
    )
    soc = next(r for r in rows if r["kind"] == "soc2_type2")
    assert soc["valid_until"] == "2026-12-30" and soc["state"] == "expiring"
    soon = json.loads(
        dcli(
            "evidence", "list", "--expiring-within", "20", "--as-of", "2026-12-14", "-f", "json"
        ).output
    )
    assert [r["kind"] for r in soon] == ["soc2_type2"]
    # A page holding the report alone still reads the bridge letter that is off the page.
    paged = dcli(
        "evidence", "list", VENDOR, "--offset", "1", "--limit", "1", "--as-of", "2026-12-14"
    )
    assert paged.exit_code == 0, paged.output
    assert "2026-12-30" in paged.output and "showing 2-2 of 2" in paged.output


def test_refusals_change_nothing(dcli, db_workspace: Workspace, registered, tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_text("x")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"0" * 2048)
    (db_workspace.root / "audit.toml").write_text("[limits]\nevidence_bytes = 1024\n")
    before = snapshot(db_workspace.database_url)
    cases = [
        (
            ("evidence", "add", VENDOR, link, "--kind", "dpa", "--expires", "2027-01-01"),
            "symbolic links are refused",
        ),
        (
            ("evidence", "add", VENDOR, tmp_path, "--kind", "dpa", "--expires", "2027-01-01"),
            "not a regular file",
        ),
        (
            ("evidence", "add", VENDOR, big, "--kind", "dpa", "--expires", "2027-01-01"),
            "the limit is 1,024",
        ),
        (("evidence", "add", VENDOR, real, "--kind", "dpaa"), "unknown evidence kind 'dpaa'"),
        (("evidence", "add", VENDOR, real, "--kind", "pentest_report"), "needs --issued DATE"),
        (
            ("evidence", "add", VENDOR, real, "--kind", "dpa", "--expires", "2027-02-30"),
            "'2027-02-30' is not a date",
        ),
        (
            ("evidence", "add", "nobody", real, "--kind", "dpa", "--expires", "2027-01-01"),
            "no vendor 'nobody'",
        ),
        (
            (
                "evidence",
                "add",
                VENDOR,
                real,
                "--kind",
                "dpa",
                "--expires",
                "2027-01-01",
                "--control",
                "NOPE-01",
            ),
            "unknown control",
        ),
    ]
    for args, message in cases:
        result = dcli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (message, result.output)
    assert snapshot(db_workspace.database_url) == before
    assert not [p for p in db_workspace.evidence_dir.rglob("*") if p.is_file()]


def _due_evidence(dcli, as_of: str, within: str = "30") -> list[dict]:
    result = dcli("due", "--as-of", as_of, "--within", within, "-f", "json")
    assert result.exit_code == 0, result.output
    return [item for item in json.loads(result.output) if item["kind"] == "evidence"]


def test_stored_windows_follow_bridge_letters_and_policy_changes(
    dcli, db_workspace: Workspace, registered, tmp_path: Path
) -> None:
    """`due` reads each document's window from the store: a bridge letter added later moves
    the window of the report it bridges, and a changed policy recomputes every window."""
    report, bridge = tmp_path / "soc2.pdf", tmp_path / "bridge.pdf"
    report.write_text("report")
    bridge.write_text("bridge")
    dcli("evidence", "add", VENDOR, report, *SOC2)
    (due,) = _due_evidence(dcli, "2026-09-15")
    assert due["vendor"] == VENDOR and due["due"] == "2026-09-30"
    dcli(
        "evidence", "add", VENDOR, bridge, "--kind", "soc2_bridge_letter",
        "--issued", "2026-10-01", "--expires", "2027-01-15",
    )  # fmt: skip
    assert _due_evidence(dcli, "2026-09-15") == []  # bridged to 2026-12-30
    assert [d["due"] for d in _due_evidence(dcli, "2026-12-14")] == ["2026-12-30"]
    listed = json.loads(dcli("evidence", "list", VENDOR, "-f", "json").output)
    assert {r["kind"]: r["valid_until"] for r in listed}["soc2_type2"] == "2026-12-30"

    policy = db_workspace.policy_path
    text = policy.read_text()
    old = "validity: {rule: period_end_plus, months: 12, bridge_kind: soc2_bridge_letter"
    assert old in text
    policy.write_text(text.replace(old, old.replace("months: 12", "months: 6")))
    # Six months from the period end, bridged by three at most: 2026-06-30.
    assert [d["due"] for d in _due_evidence(dcli, "2026-06-20")] == ["2026-06-30"]
    listed = json.loads(dcli("evidence", "list", VENDOR, "-f", "json").output)
    assert {r["kind"]: r["valid_until"] for r in listed}["soc2_type2"] == "2026-06-30"


def test_due_names_the_document_that_lasts_longest_of_each_kind(
    dcli, registered, tmp_path: Path
) -> None:
    """Of two certificates ending the same day the older is named once; a newer one that
    lasts longer replaces both; a kind is due only when its longest document is."""
    names = []
    for i in range(3):
        path = tmp_path / f"iso-{i}.pdf"
        path.write_text(f"certificate {i}")
        names.append(path)
    add = ("evidence", "add", VENDOR)
    audited = ("--audited", "2026-01-15")  # the last surveillance audit: lapses 2027-04-15
    for path, expires in zip(names[:2], ("2026-03-31", "2026-03-31"), strict=True):
        result = dcli(*add, path, "--kind", "iso27001_certificate", "--expires", expires, *audited)
        assert result.exit_code == 0, result.output
    (due,) = _due_evidence(dcli, "2026-03-20")
    assert due["due"] == "2026-03-31" and "iso-0.pdf" in due["what"]
    dcli(*add, names[2], "--kind", "iso27001_certificate", "--expires", "2027-03-31", *audited)
    assert _due_evidence(dcli, "2026-03-20") == []
    assert [d["due"] for d in _due_evidence(dcli, "2027-03-20")] == ["2027-03-31"]


def test_verify_rehashes_the_store_and_names_what_changed(
    dcli, db_workspace: Workspace, registered, tmp_path: Path
) -> None:
    report, policy = tmp_path / "soc2.pdf", tmp_path / "policy.pdf"
    report.write_bytes(b"the SOC 2 report as the vendor sent it")
    policy.write_bytes(b"the information security policy")
    dcli("evidence", "add", VENDOR, report, *SOC2)
    dcli("evidence", "add", VENDOR, policy, "--kind", "information_security_policy",
         "--issued", "2025-01-01")  # fmt: skip
    clean = dcli("evidence", "verify")
    assert clean.exit_code == 0 and "2 stored file(s) rehashed" in clean.output, clean.output
    stored = db_workspace.evidence_dir / hashlib.sha256(report.read_bytes()).hexdigest()[:2]
    (blob,) = stored.iterdir()
    blob.chmod(0o600)
    blob.write_bytes(b"the SOC 2 report with its exceptions removed")
    (policy_blob,) = (
        db_workspace.evidence_dir / hashlib.sha256(policy.read_bytes()).hexdigest()[:2]
    ).iterdir()
    policy_blob.chmod(0o600)
    policy_blob.unlink()
    result = dcli("evidence", "verify", "--format", "json")
    assert result.exit_code == 1, result.output
    problems = {row["file"]: row["problem"] for row in json.loads(result.output)}
    assert problems["soc2.pdf"].startswith("changed on disk: it now hashes to")
    assert problems["policy.pdf"] == "missing from the store"
    # The originals, added again, repair the store (they used to be taken as already held).
    again = dcli("evidence", "add", VENDOR, report, *SOC2)
    assert again.exit_code == 0, again.output
    dcli("evidence", "add", VENDOR, policy, "--kind", "information_security_policy",
         "--issued", "2025-01-01")  # fmt: skip
    assert blob.read_bytes() == report.read_bytes()
    repaired = dcli("evidence", "verify")
    assert repaired.exit_code == 0, repaired.output


def test_the_scheduler_rehashes_the_store_weekly_and_reports_damage_once(
    dcli, db_workspace: Workspace, registered, tmp_path: Path
) -> None:
    report = tmp_path / "soc2.pdf"
    report.write_bytes(b"the SOC 2 report as the vendor sent it")
    dcli("evidence", "add", VENDOR, report, *SOC2)
    (blob,) = (
        db_workspace.evidence_dir / hashlib.sha256(report.read_bytes()).hexdigest()[:2]
    ).iterdir()
    blob.chmod(0o600)
    blob.write_bytes(b"rewritten")
    first = dcli("scheduler", "--once", "--as-of", "2025-11-03")
    assert "[check stored evidence]: 1 stored file(s) rehashed, 1 damaged" in first.output
    assert "soc2.pdf: changed on disk" in first.output, first.output
    mails = [p.read_text() for p in (db_workspace.outbox_dir / "pending").glob("*.eml")]
    assert any("stored evidence changed or missing" in m for m in mails)
    same_week = dcli("scheduler", "--once", "--as-of", "2025-11-05")
    assert "[check stored evidence]" not in same_week.output
    next_week = dcli("scheduler", "--once", "--as-of", "2025-11-10")
    assert "1 stored file(s) rehashed, 1 damaged" in next_week.output
    assert "soc2.pdf: changed on disk" not in next_week.output  # told once, not every week
