"""Portal links: 256 random bits, only their hash stored, expiring after the due date plus the
policy's grace, revocable, and opening their questionnaire alone."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from audit.errors import InputError, NotFoundError
from audit.model import Respondent
from audit.services import issue_questionnaire, resolve_link, revoke_links
from audit.services.links import issue_link
from audit.workspace import Workspace, open_workspace
from tests.conftest import EXAMPLES

UTC = dt.UTC


@pytest.fixture
def issued(dcli, db_workspace: Workspace, tmp_path) -> tuple[str, str]:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    ids = []
    for vendor in ("archiva-documents", "brightside-marketing"):
        result = issue_questionnaire(
            db_workspace,
            vendor,
            output=tmp_path / f"{vendor}.yaml",
            issued=dt.date(2026, 11, 2),
            due=dt.date(2026, 12, 2),
        )
        ids.append(result.questionnaire.id)
    return ids[0], ids[1]


def test_a_link_opens_its_questionnaire_and_only_its_hash_is_stored(
    db_workspace: Workspace, issued: tuple[str, str]
) -> None:
    first, second = issued
    now = dt.datetime(2026, 11, 3, 9, tzinfo=UTC)
    link = issue_link(db_workspace, first, now)
    token = link.url.rsplit("/q/", 1)[1]
    assert link.url.startswith("http://127.0.0.1:8080/q/") and len(token) >= 43  # 256 bits
    assert resolve_link(db_workspace, token, now).questionnaire_id == first
    other = issue_link(db_workspace, second, now).url.rsplit("/", 1)[1]
    assert resolve_link(db_workspace, other, now).questionnaire_id == second  # each opens its own
    engine = sa.create_engine(db_workspace.database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM questionnaire_link")).all()
    engine.dispose()
    stored = " ".join(str(value) for row in rows for value in row)
    assert token not in stored and other not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_expired_revoked_and_unknown_links_are_refused_alike(
    db_workspace: Workspace, issued: tuple[str, str]
) -> None:
    first, _ = issued
    now = dt.datetime(2026, 11, 3, 9, tzinfo=UTC)
    link = issue_link(db_workspace, first, now)
    token = link.url.rsplit("/", 1)[1]
    # due 2026-12-02 plus 14 days of grace: open through 2026-12-16, shut after
    assert link.expires_at.date() == dt.date(2026, 12, 16)
    assert (
        resolve_link(
            db_workspace, token, dt.datetime(2026, 12, 16, 23, tzinfo=UTC)
        ).questionnaire_id
        == first
    )
    messages = set()
    for attempt, when in (
        (token, dt.datetime(2026, 12, 17, 0, 1, tzinfo=UTC)),  # expired
        (token[:-1] + ("A" if token[-1] != "A" else "B"), now),  # one character off
        ("", now),
        ("x" * 500, now),
    ):
        with pytest.raises(NotFoundError) as refused:
            resolve_link(db_workspace, attempt, when)
        messages.add(refused.value.message)
    assert len(messages) == 1  # nothing tells an expired token from one that never existed
    again = issue_link(db_workspace, first, now).url.rsplit("/", 1)[1]  # a reminder's new link
    assert revoke_links(db_workspace, first, now) == 2
    for revoked in (token, again):
        with pytest.raises(NotFoundError):
            resolve_link(db_workspace, revoked, now)
    assert revoke_links(db_workspace, first, now) == 0


def test_links_are_refused_for_the_assessors_part_and_after_the_grace(
    db_workspace: Workspace, issued: tuple[str, str], tmp_path
) -> None:
    review = issue_questionnaire(
        db_workspace,
        "archiva-documents",
        output=tmp_path / "r.yaml",
        issued=dt.date(2026, 11, 2),
        due=dt.date(2026, 12, 2),
        part=Respondent.ASSESSOR,
    )
    with pytest.raises(InputError, match="assessor's part"):
        issue_link(db_workspace, review.questionnaire.id)
    with pytest.raises(InputError, match="already have expired"):
        issue_link(db_workspace, issued[0], dt.datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(NotFoundError):
        issue_link(db_workspace, "Q-nobody-20261102")


def test_the_cli_issues_and_revokes_links(dcli, issued: tuple[str, str], tmp_path) -> None:
    made = dcli(
        "questionnaire",
        "issue",
        "lexbridge-lpo",
        "-o",
        tmp_path / "l.yaml",
        "--due",
        "2099-01-31",
        "--link",
    )
    assert made.exit_code == 0, made.output
    assert "link (opens until 2099-02-14): http://127.0.0.1:8080/q/" in made.output
    qid = next(w for w in made.output.split() if w.startswith("Q-lexbridge-lpo"))
    revoked = dcli("questionnaire", "revoke", qid.rstrip(":,"))
    assert revoked.exit_code == 0 and "revoked 1 open link(s)" in revoked.output


def _mails(workspace: Workspace) -> list[str]:
    return [p.read_text() for p in sorted(workspace.outbox_dir.rglob("*.eml"))]


def test_the_e_mails_carry_the_link_and_reminders_a_fresh_one(
    dcli, db_workspace: Workspace, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.services.automation import Jobs

    monkeypatch.setenv("AUDIT_BASE_URL", "https://vendors.example.com")
    db_workspace = open_workspace(db_workspace.root)  # with the setting just made
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    today = dt.date.today()
    sent = dcli(
        "questionnaire", "issue", "archiva-documents", "-o", tmp_path / "a.xlsx",
        "--due", (today + dt.timedelta(days=20)).isoformat(), "--link", "--send",
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    url = sent.output.split("link (opens until ", 1)[1].split(": ", 1)[1].split()[0]
    assert url.startswith("https://vendors.example.com/q/")
    first = _mails(db_workspace)
    assert len(first) == 1 and url in first[0].replace("=\n", "")
    assert "Answer online" in first[0] and "a.xlsx" in first[0]
    qid = next(w for w in sent.output.split() if w.startswith("Q-archiva")).rstrip(":,")
    # A reminder after the due date carries a new link; the first still opens.
    jobs = Jobs(db_workspace, today + dt.timedelta(days=21))
    reminded = jobs.remind_questionnaires()
    assert [a.vendor_id for a in reminded] == ["archiva-documents"]
    mails = _mails(db_workspace)
    reminder = next(m for m in mails if "Reminder" in m).replace("=\n", "")
    fresh = reminder.split("https://vendors.example.com/q/", 1)[1].split()[0]
    assert fresh and fresh not in url
    assert resolve_link(db_workspace, fresh).questionnaire_id == qid
    assert resolve_link(db_workspace, url.rsplit("/", 1)[1]).questionnaire_id == qid
    # Revoked links mean the officer cut access: the next reminder carries none.
    revoke_links(db_workspace, qid)
    later = Jobs(db_workspace, today + dt.timedelta(days=28))
    later.remind_questionnaires()
    reminders = [m.replace("=\n", "") for m in _mails(db_workspace) if "Reminder" in m]
    assert len(reminders) == 2 and sum("/q/" in m for m in reminders) == 1


def test_a_new_link_can_be_made_and_sent_for_longer(
    dcli, db_workspace: Workspace, issued: tuple[str, str]
) -> None:
    made = dcli("questionnaire", "link", issued[0], "--until", "2099-06-30", "--send")
    assert made.exit_code == 0, made.output
    assert "link (opens until 2099-06-30)" in made.output
    assert "e-mail to " in made.output and "queued in the outbox" in made.output
    mail = _mails(db_workspace)[-1].replace("=\n", "")
    assert "your link to answer online" in mail and "2099-06-30" in mail
    refused = dcli("questionnaire", "link", issued[0], "--until", "2020-01-01")
    assert refused.exit_code == 2 and "would already have expired" in refused.output
    unknown = dcli("questionnaire", "link", "Q-nobody-20261102")
    assert unknown.exit_code == 2 and "no questionnaire" in unknown.output


def test_the_scheduler_issues_with_links_when_the_workspace_says_so(
    dcli, db_workspace: Workspace
) -> None:
    from audit.services.automation import Jobs

    config = db_workspace.root / "audit.toml"
    config.write_text(config.read_text() + "\n[web]\nlinks = true\n", encoding="utf-8")
    workspace = open_workspace(db_workspace.root)
    assert workspace.settings["web_links"] is True
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    issued = Jobs(workspace, dt.date.today()).issue_due_questionnaires()
    assert issued, "the sample vendors are due"
    mails = [m.replace("=\n", "") for m in _mails(workspace)]
    assert mails and all("http://127.0.0.1:8080/q/" in m for m in mails)
