"""Issue, fill, import: the questionnaire round trip, and everything it refuses."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from audit.content.yamlsafe import parse_yaml
from audit.workspace import Workspace
from tests.conftest import EXAMPLES, snapshot

VENDOR = "harbourline-contact"


@pytest.fixture
def issued(dcli, tmp_path: Path) -> Path:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    target = tmp_path / "out" / "q.yaml"
    result = dcli(
        "questionnaire",
        "issue",
        VENDOR,
        "-o",
        target,
        "--issued",
        "2026-11-23",
        "--due",
        "2026-12-23",
    )
    assert result.exit_code == 0, result.output
    return target


def fill(
    path: Path,
    answers: dict[str, object],
    evidence: list[dict] | None = None,
    cite: dict | None = None,
    status: str | None = None,
) -> None:
    """Fill a questionnaire the way a vendor would: edit the YAML text in place."""
    lines = path.read_text().splitlines()
    current = None
    out = []
    for line in lines:
        stripped = line.strip()
        if line.startswith("  ") and not line.startswith("   ") and stripped.endswith(":"):
            current = stripped[:-1]
        if current in answers and line == "    answer:":
            line = f"    answer: {json.dumps(answers[current])}"
        if cite and current in cite and line == "    evidence: []":
            line = f"    evidence: {json.dumps(cite[current])}"
        out.append(line)
    text = "\n".join(out) + "\n"
    if evidence is not None:
        text = text.replace("evidence: []\nanswers:", f"evidence: {json.dumps(evidence)}\nanswers:")
    if status is not None:
        text = text.replace("\nstatus: draft\n", f"\nstatus: {status}\n", 1)
    path.write_text(text)


def test_issued_file_has_only_controls_in_scope_in_order(issued: Path) -> None:
    data = parse_yaml(issued.read_bytes(), "q").data
    assert data["questionnaire"] == f"Q-{VENDOR}-20261123"
    assert data["due"] == "2026-12-23" and data["status"] == "draft" and data["part"] == "vendor"
    ids = list(data["answers"])
    assert ids[0].startswith("SEC-") and any(i.startswith("DAT-PCI") for i in ids)
    assert not any(i.startswith("REG-PHI") for i in ids)  # no health data
    entry = data["answers"]["SEC-IAM-01"]
    assert entry["answer"] is None and entry["evidence"] == []
    # the options carry their words, the codes stay the stored values
    assert entry["options"]["partial"].startswith("Enforced on some paths only")
    assert entry["title"] and entry["guidance"] and entry["type"] == "choice"
    assert any("at most 395 days old" in e for e in entry["evidence_requested"])
    assert data["answers"]["SEC-IAM-02"]["expects"] == "a number (hours)"
    follow_up = data["answers"]["DAT-PCI-03"]["follow_up"]
    assert follow_up.startswith("Answer this only if you chose")
    assert "Agents pause and resume recording manually" in follow_up and "DAT-PCI-01" in follow_up
    assert data["evidence_kinds"]["pentest_report"]["dates"] == ["issued"]
    assert data["evidence_kinds"]["pentest_report"]["shows"]
    assert "# === Information security:" in issued.read_text()


def test_assessor_controls_are_never_sent_to_the_vendor(dcli, issued: Path) -> None:
    vendor_part = set(parse_yaml(issued.read_bytes(), "q").data["answers"])
    review = issued.parent / "r.yaml"
    result = dcli("review", VENDOR, "-o", review, "--issued", "2026-11-23")
    assert result.exit_code == 0, result.output
    data = parse_yaml(review.read_bytes(), "r").data
    assessor_part = set(data["answers"])
    assert data["part"] == "assessor" and data["questionnaire"] == f"R-{VENDOR}-20261123"
    assert {"REG-AUD-02", "REG-EXT-01", "SVC-SLA-01", "DAT-RET-03"} <= assessor_part
    assert not vendor_part & assessor_part
    assert "contract" in data["evidence_kinds"]


def test_round_trip_and_versions(dcli, issued: Path) -> None:
    (issued.parent / "soc2.txt").write_text("SOC 2 Type II report excerpt\n")
    fill(
        issued,
        {"SEC-IAM-01": "full", "SEC-PPL-03": 97.5},
        evidence=[
            {
                "file": "soc2.txt",
                "kind": "soc2_type2",
                "period_start": "2025-07-01",
                "period_end": "2026-06-30",
            }
        ],
        cite={"SEC-IAM-01": ["soc2.txt"], "SEC-IAM-02": ["soc2.txt"]},
    )
    first = dcli("questionnaire", "import", issued)
    assert first.exit_code == 0, first.output
    assert "draft submission version 1: 2 answered" in first.output
    assert "evidence 1 new" in first.output and "unanswered: SEC-" in first.output
    again = dcli("questionnaire", "import", issued)
    assert again.exit_code == 0 and "imported before, as version 1" in again.output
    assert "nothing new was stored" in again.output
    # an option may be given by its words as well as by its code
    issued.write_text(
        issued.read_text().replace(
            'answer: "full"',
            'answer: "Enforced on some paths only (for example VPN but not '
            'administrator consoles)"',
            1,
        )
    )
    second = dcli("questionnaire", "import", issued)
    assert (
        second.exit_code == 0 and "version 2" in second.output and "1 already held" in second.output
    )
    v1 = json.loads(
        dcli("questionnaire", "show", f"Q-{VENDOR}-20261123", "--version", "1", "-f", "json").output
    )
    v2 = json.loads(dcli("questionnaire", "show", f"Q-{VENDOR}-20261123", "-f", "json").output)
    by_control = {r["control"]: r for r in v1}
    assert (
        by_control["SEC-IAM-01"]["answer"] == "full" and by_control["SEC-PPL-03"]["answer"] == 97.5
    )
    assert {r["control"]: r["answer"] for r in v2}["SEC-IAM-01"] == "partial"
    assert by_control["SEC-IAM-02"]["answer"] is None and by_control["SEC-IAM-02"]["evidence"]
    listed = json.loads(dcli("questionnaire", "list", VENDOR, "-f", "json").output)
    assert listed[0]["versions"] == ["1 draft", "2 draft"]
    # the next questionnaire carries the last final answers as `previous`: drafts do not count
    nxt = issued.parent / "next.yaml"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", nxt, "--issued", "2027-11-23").exit_code == 0
    )
    assert "previous" not in parse_yaml(nxt.read_bytes(), "n").data["answers"]["SEC-IAM-01"]


def test_final_with_unanswered_questions_is_refused_unless_allowed(
    dcli, db_workspace: Workspace, issued: Path
) -> None:
    fill(issued, {"SEC-IAM-01": "full"}, status="final")
    before = snapshot(db_workspace.database_url)
    refused = dcli("questionnaire", "import", issued)
    assert refused.exit_code == 2
    assert re.search(
        r"status: marked final, but \d+ question\(s\) are not answered: SEC-GOV-01", refused.output
    )
    assert snapshot(db_workspace.database_url) == before
    allowed = dcli("questionnaire", "import", issued, "--allow-unanswered")
    assert allowed.exit_code == 0 and "as final submission version 1" in allowed.output


def test_bad_answers_and_escaping_paths_change_nothing(
    dcli, db_workspace: Workspace, issued: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not evidence\n")
    os.symlink(outside, issued.parent / "link.txt")
    fill(
        issued,
        {"SEC-IAM-01": "sometimes", "SEC-PPL-03": 140, "SEC-VUL-02": "15/06/2026"},
        evidence=[
            {"file": "../secret.txt", "kind": "pentest_report", "issued": "2026-01-01"},
            {"file": "/etc/passwd", "kind": "pentest_report", "issued": "2026-01-01"},
            {"file": "link.txt", "kind": "pentest_report", "issued": "2026-01-01"},
            {"file": "absent.pdf", "kind": "pentest_report"},
            {"file": "other.pdf", "kind": "a_policy_we_never_asked_for"},
        ],
        cite={
            "SEC-IAM-02": ["../secret.txt"],
            "SEC-IAM-03": ["link.txt"],
            "SEC-IAM-04": ["ghost.pdf"],
        },
    )
    text = issued.read_text().replace(
        "  SEC-IAM-05:", "  SEC-XXX-99:\n    answer: yes\n  SEC-IAM-05:", 1
    )
    issued.write_text(text.replace("\ncompleted_by:\n", "\ncompleted_by:\nsignature: x\n", 1))
    before = snapshot(db_workspace.database_url)
    blobs_before = sorted(db_workspace.evidence_dir.rglob("*"))
    result = dcli("questionnaire", "import", issued)
    assert result.exit_code == 2
    out = result.output
    assert (
        "answers.SEC-IAM-01.answer: 'sometimes' is not one of the answers offered; write one "
        "of: full, exceptions, partial, none, na (or the option's words)" in out
    )
    assert "answers.SEC-PPL-03.answer: 140 is not a percentage from 0 to 100" in out
    assert (
        "answers.SEC-VUL-02.answer: '15/06/2026' is not a date; dates are written 2026-06-15" in out
    )
    assert "answers.SEC-XXX-99.answer: SEC-XXX-99 is not a question of" in out
    assert "'signature' is not a field of a questionnaire; fill in only status" in out
    assert "answers.SEC-IAM-02.evidence: evidence '../secret.txt' points outside the folder" in out
    assert "'/etc/passwd' is a full path" in out
    assert (
        "'link.txt' is a shortcut (symbolic link); send the file itself (cited by SEC-IAM-03)"
        in out
    )
    assert "'absent.pdf' (Independent penetration test report) needs its issue date" in out
    assert "'absent.pdf' was not found next to the questionnaire" in out
    assert "'a_policy_we_never_asked_for' is not a kind of document this questionnaire asks" in out
    assert (
        "answers.SEC-IAM-04.evidence: evidence 'ghost.pdf' is not in the list of files sent" in out
    )
    # no JSON Schema jargon, no traceback, nothing stored
    for jargon in ("does not match", "is not of type", "was unexpected", "Traceback"):
        assert jargon not in out
    assert snapshot(db_workspace.database_url) == before
    assert sorted(db_workspace.evidence_dir.rglob("*")) == blobs_before


def test_yaml_mistakes_come_with_the_fix(dcli, issued: Path) -> None:
    text = issued.read_text()
    issued.write_text(text.replace("    comment:\n", "    comment: CISO: J. Reyes\n", 1))
    colon = dcli("questionnaire", "import", issued)
    assert colon.exit_code == 2 and "put the whole text in double quotes" in colon.output
    issued.write_text(text.replace("    comment:\n", "\tcomment: tabbed\n", 1))
    tab = dcli("questionnaire", "import", issued)
    assert tab.exit_code == 2 and "indent with spaces only" in tab.output


def test_unknown_questionnaire(dcli, issued: Path) -> None:
    issued.write_text(
        issued.read_text().replace(
            f"questionnaire: Q-{VENDOR}-20261123", "questionnaire: Q-made-up"
        )
    )
    result = dcli("questionnaire", "import", issued)
    assert result.exit_code == 2 and "unknown questionnaire 'Q-made-up'" in result.output


def test_issue_json_and_refuse_overwrite(dcli, issued: Path) -> None:
    target = issued.parent / "q.json"
    assert dcli("questionnaire", "issue", VENDOR, "-o", target).exit_code == 0
    assert json.loads(target.read_text())["vendor"] == VENDOR
    again = dcli("questionnaire", "issue", VENDOR, "-o", issued)
    assert again.exit_code == 2 and "already exists" in again.output
    odd = dcli("questionnaire", "issue", VENDOR, "-o", issued.parent / "q.docx")
    assert odd.exit_code == 2 and "workbook (.xlsx), YAML (.yaml) or JSON (.json)" in odd.output


def test_json_questionnaire_round_trip(dcli, issued: Path) -> None:
    target = issued.parent / "q.json"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", target, "--issued", "2026-11-24").exit_code
        == 0
    )
    data = json.loads(target.read_text())
    assert data["answers"]["SEC-IAM-01"]["options"]["full"]  # labels in JSON too
    data["answers"]["SEC-IAM-01"]["answer"] = "full"
    data["answers"]["SEC-PPL-03"]["answer"] = 88
    target.write_text(json.dumps(data, indent=2))
    result = dcli("questionnaire", "import", target)
    assert result.exit_code == 0, result.output
    assert "2 answered" in result.output
    shown = json.loads(dcli("questionnaire", "show", data["questionnaire"], "-f", "json").output)
    assert {r["control"]: r["answer"] for r in shown} == {"SEC-IAM-01": "full", "SEC-PPL-03": 88}


def test_text_from_users_is_printed_as_written(
    dcli, db_workspace: Workspace, tmp_path: Path
) -> None:
    """Never read as Rich markup or emoji codes: `[/]` would crash, `:100:` become an emoji."""
    broken = tmp_path / "q.yaml"
    broken.write_text("# line\n" * 98 + "questionnaire: [unclosed\n")
    result = dcli("questionnaire", "import", broken)
    assert result.exit_code == 2 and "q.yaml:100: invalid YAML" in result.output
    name = "Acme [/] [blink]Ops[/blink] :100: Ltd"
    (tmp_path / "v.yaml").write_text(
        "vendors:\n  - {id: acme-ops, name: " + json.dumps(name) + ", services: [marketing], "
        "delivery: onshore, countries: [DE], data: [internal], access: [none], "
        "criticality: standard, contract: {type: fixed_price, start: 2025-01-01, "
        "right_to_audit: true}, owner: owner@insurer.example}\n"
    )
    assert dcli("vendors", "import", tmp_path / "v.yaml").exit_code == 0
    shown = dcli("vendors", "show", "acme-ops")
    assert shown.exit_code == 0, shown.output
    assert name in shown.output and "💯" not in shown.output


def test_issuing_again_while_one_is_open_says_so(dcli, issued: Path) -> None:
    again = dcli("questionnaire", "issue", VENDOR, "-o", issued.parent / "again.yaml")
    assert again.exit_code == 0, again.output
    text = " ".join(again.output.split())
    assert "Q-harbourline-contact-20261123 (the same part, issued before) is still open" in text


def test_evidence_may_sit_in_folders_beside_the_questionnaire(dcli, issued: Path) -> None:
    folder = issued.parent / "policies" / "2026"
    folder.mkdir(parents=True)
    (folder / "infosec.pdf").write_bytes(b"%PDF-1.4 policy\n")
    kind = {"kind": "information_security_policy", "issued": "2026-10-01"}
    fill(issued, {}, evidence=[{"file": "policies/2026/infosec.pdf", **kind}])
    result = dcli("questionnaire", "import", issued, "--allow-unanswered")
    assert result.exit_code == 0, result.output
    assert "evidence 1 new" in result.output
    listed = json.loads(dcli("evidence", "list", VENDOR, "-f", "json").output)
    assert [e["file"] for e in listed] == ["policies/2026/infosec.pdf"]


def test_a_folder_that_is_a_shortcut_or_a_windows_path_is_refused(dcli, issued: Path) -> None:
    outside = issued.parent.parent / "elsewhere"
    outside.mkdir()
    (outside / "infosec.pdf").write_bytes(b"%PDF-1.4 policy\n")
    (issued.parent / "linked").symlink_to(outside, target_is_directory=True)
    kind = {"kind": "information_security_policy", "issued": "2026-10-01"}
    files = [{"file": "linked/infosec.pdf", **kind}, {"file": "docs\\\\infosec.pdf", **kind}]
    fill(issued, {}, evidence=files)
    result = dcli("questionnaire", "import", issued, "--allow-unanswered")
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "'linked/infosec.pdf' is a shortcut (symbolic link)" in out
    assert "separates folders with '\\'" in out
