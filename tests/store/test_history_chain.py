"""The tamper-evident history: submissions, runs and finding events chained as written, and
`audit history --verify` naming every row changed, removed or added behind the tool's back,
on SQLite and PostgreSQL; a signed report's head exposes a history rebuilt after it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from audit.store import chain
from audit.workspace import Workspace
from tests.conftest import EXAMPLES

VENDOR = "brightside-marketing"
ZEROS = "0" * 64


@pytest.fixture
def audited(dcli, db_workspace: Workspace, tmp_path: Path) -> None:
    from tests.questionnaire.test_submissions import answer_all

    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = tmp_path / "q.yaml"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", path, "--issued", "2026-11-02").exit_code == 0
    )
    answer_all(db_workspace, path, "final")
    assert dcli("questionnaire", "import", path).exit_code == 0
    assessed = dcli("assess", VENDOR, "--as-of", "2026-12-15")
    assert assessed.exit_code == 0, assessed.output
    updated = dcli(
        "findings", "update", "1", "--status", "in_progress", "--by", "ann", "--note", "x"
    )
    assert updated.exit_code == 0, updated.output


def _tamper(workspace: Workspace, *statements: str) -> None:
    engine = sa.create_engine(workspace.database_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))
    engine.dispose()


def test_an_untouched_history_verifies(dcli, audited: None) -> None:
    result = dcli("history", "--verify")
    assert result.exit_code == 0, result.output
    assert "history intact" in result.output


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            ["UPDATE finding_event SET note = 'nothing to see' WHERE id = 1"],
            "finding event #1 was changed",
        ),
        (
            ["DELETE FROM finding_event WHERE id = 2"],
            "finding event #2 is in the history but no longer",
        ),
        (["UPDATE answer SET comment = 'rewritten' WHERE id = 1"], "submission #1 was changed"),
        (["UPDATE audit_run SET score = 97.5 WHERE id = 1"], "run #1 was changed"),
        (["UPDATE finding SET status = 'resolved' WHERE id = 1"], "finding #1: status resolved"),
        (
            [
                "INSERT INTO finding_event (finding_id, at, actor, action, to_status) "
                "VALUES (1, '2026-12-20 10:00:00', 'mallory', 'updated', 'remediated')"
            ],
            "is stored but not in the history",
        ),
        (["UPDATE history_chain SET sha256 = '" + ZEROS + "' WHERE seq = 2"], "entry 3:"),  # noqa: S608
    ],
)
def test_each_change_behind_the_tools_back_is_named(
    dcli, db_workspace: Workspace, audited: None, statements: list[str], expected: str
) -> None:
    _tamper(db_workspace, *statements)
    result = dcli("history", "--verify")
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output


def test_a_signed_report_exposes_a_history_rebuilt_after_it(
    dcli, db_workspace: Workspace, audited: None, tmp_path: Path
) -> None:
    report = tmp_path / "r.pdf"
    assert dcli("report", VENDOR, "-o", report).exit_code == 0
    assert dcli("history", "--verify", "--against", report).exit_code == 0
    # Rewrite an event and rebuild the whole chain, as someone who can write the database could.
    _tamper(db_workspace, "UPDATE finding_event SET note = 'nothing to see' WHERE id = 1")
    engine = sa.create_engine(db_workspace.database_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM history_chain"))
        chain.record_all(connection)
    engine.dispose()
    assert dcli("history", "--verify").exit_code == 0  # consistent on its own
    anchored = dcli("history", "--verify", "--against", report)
    assert anchored.exit_code == 1 and "the history was rewritten since" in anchored.output
    unsigned = tmp_path / "plain.pdf"
    unsigned.write_bytes(b"%PDF-1.4\n%%EOF\n")
    refused: Any = dcli("history", "--verify", "--against", unsigned)
    assert refused.exit_code == 2 and "does not verify" in refused.output


def test_history_needs_a_vendor_or_verify(dcli: Callable[..., Any], audited: None) -> None:
    result = dcli("history")
    assert result.exit_code == 2 and "--verify" in result.output
