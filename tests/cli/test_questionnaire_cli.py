"""Issue, fill, import: the questionnaire round trip, and everything it refuses."""

from __future__ import annotations

import json
import os
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
    path.write_text(text)


def test_issued_file_has_only_controls_in_scope_in_order(issued: Path) -> None:
    data = parse_yaml(issued.read_bytes(), "q").data
    assert data["questionnaire"] == f"Q-{VENDOR}-20261123"
    assert data["due"] == "2026-12-23"
    ids = list(data["answers"])
    assert ids[0].startswith("SEC-") and any(i.startswith("DAT-PCI") for i in ids)
    assert not any(i.startswith("REG-PHI") for i in ids)  # no health data
    entry = data["answers"]["SEC-IAM-01"]
    assert entry["answer"] is None and entry["evidence"] == [] and entry["options"]
    assert "# --- security:" in issued.read_text()


def test_round_trip_and_versions(dcli, issued: Path) -> None:
    (issued.parent / "soc2.txt").write_text("SOC 2 Type II report excerpt\n")
    fill(
        issued,
        {"SEC-IAM-01": "full", "SEC-PPL-03": 97.5},
        evidence=[{"file": "soc2.txt", "kind": "soc2_type2", "period_end": "2026-06-30"}],
        cite={"SEC-IAM-01": ["soc2.txt"], "SEC-IAM-02": ["soc2.txt"]},
    )
    first = dcli("questionnaire", "import", issued)
    assert first.exit_code == 0, first.output
    assert "submission version 1: 2 answered" in first.output and "evidence 1 new" in first.output
    assert "unanswered: SEC-" in first.output
    fill(issued, {}, None)
    issued.write_text(issued.read_text().replace('answer: "full"', 'answer: "partial"', 1))
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
    assert listed[0]["versions"] == [1, 2]
    # the next questionnaire carries the last accepted answers as `previous`
    nxt = issued.parent / "next.yaml"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", nxt, "--issued", "2027-11-23").exit_code == 0
    )
    data = parse_yaml(nxt.read_bytes(), "n").data
    assert data["questionnaire"] == f"Q-{VENDOR}-20271123"
    assert data["answers"]["SEC-IAM-01"]["previous"] == "partial"


def test_bad_answers_and_escaping_paths_change_nothing(
    dcli, db_workspace: Workspace, issued: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not evidence\n")
    os.symlink(outside, issued.parent / "link.txt")
    fill(
        issued,
        {"SEC-IAM-01": "sometimes", "SEC-PPL-03": 140, "SEC-VUL-02": "last spring"},
        evidence=[
            {"file": "../secret.txt", "kind": "dpa", "expires": "2027-01-01"},
            {"file": "/etc/passwd", "kind": "dpa", "expires": "2027-01-01"},
            {"file": "link.txt", "kind": "dpa", "expires": "2027-01-01"},
            {"file": "absent.pdf", "kind": "pentest_report"},
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
    issued.write_text(text)
    before = snapshot(db_workspace.database_url)
    blobs_before = sorted(db_workspace.evidence_dir.rglob("*"))
    result = dcli("questionnaire", "import", issued)
    assert result.exit_code == 2
    out = result.output
    assert (
        "answers.SEC-IAM-01.answer: answer must be one of: full, exceptions, partial, none, na"
        in out
    )
    assert "answers.SEC-PPL-03.answer: answer must be a percentage between 0 and 100" in out
    assert "answers.SEC-VUL-02.answer: answer must be a date as YYYY-MM-DD" in out
    assert "'SEC-XXX-99' was unexpected" in out
    assert "answers.SEC-IAM-02.evidence: evidence '../secret.txt' contains '..'" in out
    assert "'/etc/passwd' is an absolute path" in out
    assert "'link.txt' is a symbolic link; send the file itself (cited by SEC-IAM-03)" in out
    assert "'absent.pdf': evidence of kind pentest_report needs its issued date" in out
    assert "'absent.pdf' is not next to the questionnaire" in out
    assert "answers.SEC-IAM-04.evidence: evidence 'ghost.pdf' is not declared" in out
    assert "Traceback" not in out
    assert snapshot(db_workspace.database_url) == before
    assert sorted(db_workspace.evidence_dir.rglob("*")) == blobs_before


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


def test_json_questionnaire_round_trip(dcli, issued: Path) -> None:
    target = issued.parent / "q.json"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", target, "--issued", "2026-11-24").exit_code
        == 0
    )
    data = json.loads(target.read_text())
    data["answers"]["SEC-IAM-01"]["answer"] = "full"
    data["answers"]["SEC-PPL-03"]["answer"] = 88
    target.write_text(json.dumps(data, indent=2))
    result = dcli("questionnaire", "import", target)
    assert result.exit_code == 0, result.output
    assert "2 answered" in result.output
    shown = json.loads(dcli("questionnaire", "show", data["questionnaire"], "-f", "json").output)
    assert {r["control"]: r["answer"] for r in shown} == {"SEC-IAM-01": "full", "SEC-PPL-03": 88}
