"""A process killed at any moment (kill -9: no handler runs) in the middle of an import, an
assessment or a report leaves a consistent database and no half-written file, and running the
command again completes it. The kill points are spread over each command's run; whatever moment
each one hits, the same things must hold."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit.workspace import Workspace
from tests.conftest import EXAMPLES

ISSUED, DUE, AS_OF = "2025-11-03", "2025-12-03", "2025-12-15"
BIG = "meridian_isae3402-type2_2024-10_2025-09.md"  # made large, so that copying it takes time
# Seconds after the start, spread over each command's run (start-up itself takes ~0.7 s).
IMPORT_KILLS, ASSESS_KILLS, REPORT_KILLS = (0.8, 1.0, 1.2, 1.5), (0.8, 1.1), (0.9, 1.4, 2.0, 2.8)


def audit(root: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, our own CLI
        [sys.executable, "-m", "audit", "-w", str(root), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def killed_at(root: Path, delay: float, *args: object) -> bool:
    """Start the command, kill -9 it after `delay` seconds; whether it was still running."""
    process = subprocess.Popen(  # noqa: S603 - this interpreter, our own CLI
        [sys.executable, "-m", "audit", "-w", str(root), *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    return process.wait() == -signal.SIGKILL


def query(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        rows = [tuple(r) for r in connection.execute(sa.text(statement))]
    engine.dispose()
    return rows


def count(url: str, table: str) -> int:
    return int(query(url, f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608 - test names


def per_file(url: str) -> dict[object, tuple[object, ...]]:
    """Each imported file (by its hash) with its answers and evidence rows."""
    rows = query(
        url,
        "SELECT s.sha256,"
        " (SELECT count(*) FROM answer a WHERE a.submission_id = s.id),"
        " (SELECT count(*) FROM evidence e WHERE e.submission_id = s.id)"
        " FROM submission s",
    )
    return {sha: counts for sha, *counts in rows}


def leftovers(*folders: Path) -> list[Path]:
    return [
        p
        for f in folders
        for p in f.rglob(".*")
        if p.name.startswith((".incoming-", ".audit-report-"))
    ]


@pytest.fixture
def returned(dcli, tmp_path: Path) -> Path:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    for vendor in ("meridian-payroll", "harbourline-contact", "nordic-it-managed"):
        for command, prefix in ((["questionnaire", "issue"], "Q"), (["review"], "R")):
            target = tmp_path / "issued" / f"{prefix}-{vendor}-20251103.yaml"
            result = dcli(*command, vendor, "-o", target, "--issued", ISSUED, "--due", DUE)
            assert result.exit_code == 0, result.output
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for source in (EXAMPLES / "cycle-1").iterdir():
        questionnaire = source.name.startswith(("Q-", "R-"))
        if not questionnaire or source.name.split("-")[1] in ("meridian", "harbourline", "nordic"):
            shutil.copy(source, inbox)  # every vendor's evidence files; three vendors' answers
    (inbox / BIG).write_bytes(os.urandom(150 * 1024 * 1024))
    return inbox


def test_killed_commands_leave_a_consistent_workspace_and_a_rerun_completes(
    db_workspace: Workspace, database_url: str, returned: Path
) -> None:
    root, store, out = db_workspace.root, db_workspace.root / ".audit" / "evidence", returned.parent
    hit = []

    # 1. The import: each file all or nothing; what a killed copy left is swept by the rerun.
    seen = []
    for delay in IMPORT_KILLS:
        hit.append(
            killed_at(root, delay, "questionnaire", "import", returned, "--allow-unanswered")
        )
        seen.append(per_file(database_url))
        assert audit(root, "evidence", "verify").returncode == 0  # every row has its bytes
    rerun = audit(root, "questionnaire", "import", returned, "--allow-unanswered")
    assert rerun.returncode == 0, rerun.stderr
    whole = per_file(database_url)
    assert len(whole) == 6
    for state in seen:  # a file imported before a kill was imported whole
        assert {sha: whole[sha] for sha in state} == state
    assert leftovers(store) == []

    # The same for one file added by hand: its row and its bytes, or neither.
    added = out / "sla-report.pdf"
    added.write_bytes(os.urandom(120 * 1024 * 1024))
    before = count(database_url, "evidence")
    add = ("evidence", "add", "meridian-payroll", added, "--kind", "sla_report", "--issued", ISSUED)
    for delay in IMPORT_KILLS[:2]:
        hit.append(killed_at(root, delay, *add))
        assert count(database_url, "evidence") in (before, before + 1)
        assert audit(root, "evidence", "verify").returncode == 0
    # The user runs the command again, whether or not a killed run got as far as the row:
    # it completes (or finds the row already there), and sweeps what the killed runs left.
    assert audit(root, *add).returncode == 0
    assert count(database_url, "evidence") == before + 1
    assert leftovers(store) == []

    # 2. The assessment: a vendor's run with its findings and events, or nothing of it.
    for delay in ASSESS_KILLS:
        hit.append(killed_at(root, delay, "assess", "--all", "--as-of", AS_OF))
        assert count(database_url, "audit_run") <= 3
        assert audit(root, "history", "--verify").returncode == 0
    rerun = audit(root, "assess", "--all", "--as-of", AS_OF)
    assert rerun.returncode == 0, rerun.stderr
    assert count(database_url, "audit_run") == 3
    assert audit(root, "history", "--verify").returncode == 0

    # 3. The reports: each whole and signed, or absent.
    reports = out / "reports"
    for delay in REPORT_KILLS:
        hit.append(killed_at(root, delay, "report", "--all", "-o", reports))
        for pdf in reports.glob("*.pdf"):
            assert audit(root, "verify", pdf).returncode == 0, pdf
    rerun = audit(root, "report", "--all", "-o", reports)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(reports.glob("*.pdf"))) == 3
    assert leftovers(store, reports) == []
    assert any(hit)  # at least some kills landed while a command was at work
