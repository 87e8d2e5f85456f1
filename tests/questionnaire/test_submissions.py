"""Draft and final, pre-filled cycles, the assessor's part in the run, the self-check without a
workspace, and sending the questionnaire by e-mail."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.content.yamlsafe import parse_yaml
from audit.services import workspace_content
from audit.workspace import Workspace
from tests.cli.test_questionnaire_cli import fill
from tests.conftest import EXAMPLES
from tests.scoring_support import best_answer

VENDOR = "brightside-marketing"  # 23 questions for the vendor, 2 for the assessor


@pytest.fixture
def portfolio(dcli) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0


def issue(dcli, path: Path, *args: str) -> dict:
    result = dcli("questionnaire", "issue", VENDOR, "-o", path, *args)
    assert result.exit_code == 0, result.output
    return parse_yaml(path.read_bytes(), "q").data


def answer_all(workspace: Workspace, path: Path, status: str) -> dict:
    content = workspace_content(workspace)
    ids = list(parse_yaml(path.read_bytes(), "q").data["answers"])
    answers = {i: best_answer(content.controls[i]) for i in ids}
    fill(path, answers, status=status)
    return answers


def test_a_draft_is_never_assessed_by_the_scheduler(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path
) -> None:
    path = tmp_path / "q.yaml"
    issue(dcli, path, "--issued", "2026-11-02")
    answer_all(db_workspace, path, "draft")
    assert "as draft submission version 1" in dcli("questionnaire", "import", path).output
    run = dcli("scheduler", "--once", "--as-of", "2026-11-20")
    assert run.exit_code == 0, run.output
    assert "[reassess new submissions]" not in run.output
    history = json.loads(dcli("history", VENDOR, "-f", "json").output)
    assert history == []
    refused = dcli("assess", VENDOR, "--as-of", "2026-11-20")
    assert refused.exit_code == 2 and "has only a draft submission" in refused.output
    preview = dcli("assess", VENDOR, "--as-of", "2026-11-20", "--include-draft", "-f", "json")
    assert preview.exit_code == 0, preview.output
    (record,) = json.loads(preview.output)
    assert record["preview"] is True and record["run"] is None
    assert json.loads(dcli("history", VENDOR, "-f", "json").output) == []  # nothing recorded
    # marked final, the same answers are assessed by the next scheduler run
    path.write_text(path.read_text().replace("\nstatus: draft\n", "\nstatus: final\n", 1))
    assert "as final submission version 2" in dcli("questionnaire", "import", path).output
    run = dcli("scheduler", "--once", "--as-of", "2026-11-20")
    assert "[reassess new submissions]" in run.output and "run #1" in run.output
    assert len(json.loads(dcli("history", VENDOR, "-f", "json").output)) == 1


def test_the_assessors_part_joins_the_run(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path
) -> None:
    vendor_path = tmp_path / "q.yaml"
    vendor_ids = set(issue(dcli, vendor_path, "--issued", "2026-11-02")["answers"])
    answer_all(db_workspace, vendor_path, "final")
    assert dcli("questionnaire", "import", vendor_path).exit_code == 0
    review_path = tmp_path / "r.yaml"
    result = dcli("review", VENDOR, "-o", review_path, "--issued", "2026-11-02")
    assert result.exit_code == 0, result.output
    review_ids = set(parse_yaml(review_path.read_bytes(), "r").data["answers"])
    assert review_ids == {"SVC-COM-02", "SVC-COM-03"} and not review_ids & vendor_ids
    # before the review, its questions are unanswered and the output says why
    before = dcli("assess", VENDOR, "--as-of", "2026-11-20")
    assert "assessor's review: none yet; its 2 contract question(s)" in before.output
    content = workspace_content(db_workspace)
    answers = {i: best_answer(content.controls[i]) for i in review_ids}
    (tmp_path / "msa.pdf").write_text("executed master services agreement (sample)\n")
    fill(
        review_path,
        answers,
        evidence=[{"file": "msa.pdf", "kind": "contract", "issued": "2025-02-01"}],
        cite={i: ["msa.pdf"] for i in review_ids},
        status="final",
    )
    wrong = dcli("questionnaire", "import", review_path)
    assert wrong.exit_code == 0  # any import command reads either part
    again = dcli("review", VENDOR, "--import", vendor_path)
    assert again.exit_code == 2 and "the vendor's part" in again.output
    (record,) = json.loads(dcli("assess", VENDOR, "--as-of", "2026-11-20", "-f", "json").output)
    by_id = {c["id"]: c for c in record["controls"]}
    assert {by_id[i]["answered_by"] for i in review_ids} == {"assessor"}
    assert {by_id[i]["status"] for i in review_ids} == {"met"}
    assert by_id[next(iter(vendor_ids))]["answered_by"] == "vendor"
    assert record["review"]["questionnaire"] == f"R-{VENDOR}-20261102"
    assert record["submission"]["questionnaire"] == f"Q-{VENDOR}-20261102"


def test_prefilled_answers_must_be_confirmed(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path
) -> None:
    first = tmp_path / "c1.yaml"
    issue(dcli, first, "--issued", "2025-11-03")
    answers = answer_all(db_workspace, first, "final")
    assert dcli("questionnaire", "import", first).exit_code == 0
    second = tmp_path / "c2.yaml"
    data = issue(dcli, second, "--issued", "2026-11-02", "--prefill")
    entry = data["answers"]["SVC-SLA-02"]
    assert entry["answer"] == answers["SVC-SLA-02"] == entry["previous"]
    assert entry["confirmed"] is False
    second.write_text(second.read_text().replace("\nstatus: draft\n", "\nstatus: final\n", 1))
    refused = dcli("questionnaire", "import", second)
    assert refused.exit_code == 2
    assert "pre-filled from last cycle and not confirmed" in refused.output
    draft = second.read_text().replace("\nstatus: final\n", "\nstatus: draft\n", 1)
    second.write_text(draft)
    kept = dcli("questionnaire", "import", second)
    assert "0 answered" in kept.output and "pre-filled and not confirmed" in kept.output
    second.write_text(draft.replace("confirmed: false", "confirmed: true"))
    assert "answered, 0 unanswered" in dcli("questionnaire", "import", second).output


def test_the_self_check_needs_no_workspace(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "vendor" / "q.yaml"
    path.parent.mkdir()
    issue(dcli, path, "--issued", "2026-11-02")
    fill(path, {"SVC-SLA-02": "weekly_forever"})
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("AUDIT_WORKSPACE", raising=False)
    monkeypatch.delenv("AUDIT_DATABASE_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["questionnaire", "check", str(path)])
    assert result.exit_code == 2
    assert "answers.SVC-SLA-02.answer: 'weekly_forever' is not one of the answers" in result.output
    as_json = runner.invoke(app, ["questionnaire", "check", str(path), "--format", "json"])
    report = json.loads(as_json.output)
    assert as_json.exit_code == 2 and report["ok"] is False and report["questions"] == 23
    assert report["problems"][0]["field"] == "answers.SVC-SLA-02.answer"
    # an edited option is caught: the file's questions no longer match its hash
    path.write_text(
        path.read_text()
        .replace("weekly_forever", "~")
        .replace("    options:\n", "    options:\n      made_up: An option we never offered\n", 1)
    )
    tampered = runner.invoke(app, ["questionnaire", "check", str(path)])
    assert tampered.exit_code == 2 and "this file's questions differ from" in tampered.output
    assert not (elsewhere / ".audit").exists()  # nothing was created where it ran


def test_issue_send_emails_the_workbook_to_the_contacts(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path
) -> None:
    path = tmp_path / "q.xlsx"
    result = dcli("questionnaire", "issue", VENDOR, "-o", path, "--send")
    assert result.exit_code == 0, result.output
    assert "queued in the outbox (no SMTP server configured)" in result.output
    (mail,) = (db_workspace.outbox_dir / "pending").glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["To"] == "aoife@brightside.example"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "What to do:" in body and "How to return it" in body and "Questions, or need" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "q.xlsx"
    assert attachment.get_content() == path.read_bytes()
    lonely = tmp_path / "v.yaml"
    (db_workspace.root / "lonely.yaml").write_text(
        "vendors:\n  - {id: lonely-co, name: Lonely Co, services: [marketing], delivery: onshore, "
        "countries: [DE], data: [internal], access: [none], criticality: standard, "
        "contract: {type: fixed_price, start: 2025-01-01, right_to_audit: true}, "
        "owner: owner@insurer.example}\n"
    )
    assert dcli("vendors", "import", db_workspace.root / "lonely.yaml").exit_code == 0
    nobody = dcli("questionnaire", "issue", "lonely-co", "-o", lonely, "--send")
    assert nobody.exit_code == 2 and "no contacts to send the questionnaire to" in nobody.output
    assert not lonely.exists()


def test_a_questionnaire_issued_before_specs_were_stored_still_imports(
    dcli, db_workspace: Workspace, portfolio, tmp_path: Path
) -> None:
    """Rows issued by an earlier version have no stored spec: the questions are rebuilt from
    the current checklists for the controls that were asked."""
    import sqlalchemy as sa

    path = tmp_path / "q.yaml"
    issue(dcli, path, "--issued", "2026-11-02")
    engine = sa.create_engine(db_workspace.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE questionnaire SET spec_sha256 = NULL"))
    engine.dispose()
    answer_all(db_workspace, path, "final")
    result = dcli("questionnaire", "import", path)
    assert result.exit_code == 0, result.output
    assert "as final submission version 1: 23 answered" in result.output
