"""`audit due` and `audit scheduler`: cadence by tier, idempotent runs, e-mail over real SMTP."""

from __future__ import annotations

import email
import json
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from audit.workspace import Workspace
from tests.conftest import EXAMPLES


@pytest.fixture
def portfolio(dcli) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0


def due(dcli, *args: str) -> list[dict]:
    result = dcli("due", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_due_lists_exactly_the_vendors_whose_cadence_elapsed(dcli, portfolio) -> None:
    # onboarding dates and tiers of the sample portfolio: critical every 182 days, high 365,
    # medium 730, low 1095 days, counted from onboarding for vendors never assessed.
    items = [i for i in due(dcli, "--as-of", "2024-06-01") if i["kind"] == "assessment"]
    assert {i["vendor"]: i["due"] for i in items} == {
        "harbourline-contact": "2022-11-30",  # critical, onboarded 2022-06-01
        "meridian-payroll": "2023-08-02",  # critical, onboarded 2023-02-01
        "benefitwise-hr": "2023-11-01",  # high, onboarded 2022-11-01
        # high: an important function of a DORA-regulated client is reviewed yearly
        "archiva-documents": "2022-09-01",  # onboarded 2021-09-01
    }
    assert all(i["state"] == "overdue" for i in items)
    later = {
        i["vendor"]
        for i in due(dcli, "--as-of", "2024-06-01", "--within", "90")
        if i["kind"] == "assessment"
    }
    assert later == {i["vendor"] for i in items} | {"quantia-analytics"}  # high, due 2024-08-14


def test_scheduler_once_twice_does_nothing_new(dcli, db_workspace: Workspace, portfolio) -> None:
    first = dcli("scheduler", "--once", "--as-of", "2024-06-01")
    assert first.exit_code == 0, first.output
    # one questionnaire for each vendor that is due, and the week's rehash of stored evidence
    assert "5 new action(s)" in first.output
    assert "[check stored evidence]: 0 stored file(s) rehashed, 0 damaged" in first.output
    issued = sorted(p.name for p in (db_workspace.root / "questionnaires").glob("*.xlsx"))
    assert len(issued) == 4  # workbooks, the default format
    mails = sorted((db_workspace.outbox_dir / "pending").glob("*.eml"))
    assert len(mails) == 4
    second = dcli("scheduler", "--once", "--as-of", "2024-06-01")
    assert second.exit_code == 0 and "0 new action(s)" in second.output
    assert sorted(p.name for p in (db_workspace.root / "questionnaires").glob("*.xlsx")) == issued
    assert sorted((db_workspace.outbox_dir / "pending").glob("*.eml")) == mails
    # a month later the vendors are reminded, once
    later = dcli("scheduler", "--once", "--as-of", "2024-07-10")
    assert "[remind vendors]" in later.output
    assert "0 new action(s)" in dcli("scheduler", "--once", "--as-of", "2024-07-10").output
    waiting = [i for i in due(dcli, "--as-of", "2024-07-10") if i["kind"] == "questionnaire"]
    assert {i["vendor"] for i in waiting} == {
        "harbourline-contact",
        "meridian-payroll",
        "benefitwise-hr",
        "archiva-documents",
    }
    assert all(i["state"] == "overdue" and i["due"] == "2024-07-01" for i in waiting)


class Collector:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_delivery_and_retry_when_the_server_is_down(
    dcli, db_workspace: Workspace, portfolio
) -> None:
    port = free_port()
    (db_workspace.root / "audit.toml").write_text(
        f'[notify]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nfrom = "tprm@insurer.example"\n'
    )
    # the server is down: the notices are queued, nothing is lost
    down = dcli("scheduler", "--once", "--as-of", "2024-06-01")
    assert down.exit_code == 0, down.output
    assert "pending 4" in down.output and "ConnectionRefusedError" in down.output
    assert len(list((db_workspace.outbox_dir / "pending").glob("*.eml"))) == 4
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = dcli("scheduler", "--once", "--as-of", "2024-06-01")
        assert up.exit_code == 0, up.output
        assert "sent 4, pending 0" in up.output
    finally:
        controller.stop()
    assert not list((db_workspace.outbox_dir / "pending").glob("*.eml"))
    assert len(list((db_workspace.outbox_dir / "sent").glob("*.eml"))) == 4
    subjects = {m["Subject"] for m in collector.messages}
    assert "Questionnaire Q-meridian-payroll-20240601: please answer by 2024-07-01" in subjects
    meridian = next(m for m in collector.messages if "meridian" in m["Subject"])
    body = meridian.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Meridian Payroll Services Pvt Ltd team" in body and "by 2024-07-01" in body
    # what to do, how to return it, whom to ask, and who sends it
    assert "What to do:" in body and "Instructions sheet" in body
    assert "How to return it" in body and "hr-operations@insurer.example" in body
    assert "Kind regards" in body
    (attachment,) = list(meridian.iter_attachments())
    assert attachment.get_filename() == "Q-meridian-payroll-20240601.xlsx"
    assert attachment.get_content_type().endswith("spreadsheetml.sheet")
    assert attachment.get_content()[:2] == b"PK"  # the workbook itself
    assert meridian["Reply-To"] == "hr-operations@insurer.example"
    assert (
        meridian["To"] == "priya.raman@meridian-payroll.example, j.alvarez@meridian-payroll.example"
    )
    assert meridian["From"] == "tprm@insurer.example"


def test_foreground_scheduler_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from audit.workspace import init_workspace

    workspace = init_workspace(tmp_path / "svc")
    env = {**os.environ, "AUDIT_WORKSPACE": str(workspace.root)}
    env.pop("AUDIT_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "audit", "scheduler", "--every", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "jobs ran for" in line:
            break
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, "".join(lines) + output
    assert "stopping after the job in hand" in output


def test_two_schedulers_at_once_act_once(db_workspace: Workspace, dcli, portfolio) -> None:
    """Cron and a service (or two machines on one PostgreSQL database) running the jobs at the
    same moment: one waits for the other, so every questionnaire and e-mail exists once."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "AUDIT_WORKSPACE": str(db_workspace.root)}
    command = [sys.executable, "-m", "audit", "scheduler", "--once", "--as-of", "2024-06-01"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sorted("5 new action(s)" in o for o in outputs) == [False, False, True], outputs
    assert len(list((db_workspace.root / "questionnaires").glob("*.xlsx"))) == 4
    assert len(list((db_workspace.outbox_dir / "pending").glob("*.eml"))) == 4
    listed = dcli("questionnaire", "list", "-f", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.output)) == 4, listed.output


class SlowFirstCollector(Collector):
    """Stores the first message, then takes its time to say so (a busy server's content scan)."""

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        import asyncio

        first = not self.messages
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(2.5 if first else 0)
        return reply


@pytest.mark.parametrize(("reply_timeout", "deliveries"), [(10, 4), (1, 5)])
def test_a_slow_reply_is_waited_for_and_a_resent_message_keeps_its_id(
    dcli, db_workspace: Workspace, portfolio, reply_timeout: int, deliveries: int
) -> None:
    port = free_port()
    (db_workspace.root / "audit.toml").write_text(
        f'[notify]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nreply_timeout = {reply_timeout}\n'
    )
    collector = SlowFirstCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for _ in range(2):
            assert dcli("scheduler", "--once", "--as-of", "2024-06-01").exit_code == 0
    finally:
        controller.stop()
    # Waiting long enough: each message once. Giving up too early: the first message again
    # (the server had it), with the same Message-ID, so a mail system keeps one copy.
    assert len(collector.messages) == deliveries
    ids = [m["Message-ID"] for m in collector.messages]
    assert len(set(ids)) == 4
    assert not list((db_workspace.outbox_dir / "pending").glob("*.eml"))


def test_smtp_timeouts_are_checked(dcli, db_workspace: Workspace, portfolio) -> None:
    (db_workspace.root / "audit.toml").write_text(
        '[notify]\nsmtp_host = "127.0.0.1"\nreply_timeout = 0\n'
    )
    result = dcli("scheduler", "--once", "--as-of", "2024-06-01")
    assert result.exit_code == 2
    assert "[notify] reply_timeout: 0 is not a number of seconds from 1 to 3600" in result.output
