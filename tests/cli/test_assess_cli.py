"""`audit assess`, `history`, `diff` and `findings` through the CLI, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.content.yamlsafe import parse_yaml
from audit.services import workspace_content
from audit.workspace import Workspace
from tests.cli.test_questionnaire_cli import fill
from tests.conftest import EXAMPLES
from tests.scoring_support import best_answer, worst_answer

VENDOR = "brightside-marketing"


@pytest.fixture
def answered(dcli, db_workspace: Workspace, tmp_path: Path) -> tuple[Path, dict, str]:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = tmp_path / "q.yaml"
    assert (
        dcli("questionnaire", "issue", VENDOR, "-o", path, "--issued", "2026-11-02").exit_code == 0
    )
    content = workspace_content(db_workspace)
    ids = list(parse_yaml(path.read_bytes(), "q").data["answers"])
    controls = [content.controls[i] for i in ids]
    failing = next(
        c for c in controls if c.weight >= 3 and not c.evidence and c.applies_when is None
    )
    answers = {c.id: best_answer(c) for c in controls} | {failing.id: worst_answer(failing)}
    fill(path, answers, status="final")
    result = dcli("questionnaire", "import", path)
    assert result.exit_code == 0, result.output
    return path, answers, failing.id


def assess(dcli, as_of: str) -> dict:
    result = dcli("assess", VENDOR, "--as-of", as_of, "-f", "json")
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    return record


def test_assess_records_an_explained_run(dcli, answered) -> None:
    _, _, failing = answered
    record = assess(dcli, "2026-12-14")
    for key in (
        "run",
        "vendor",
        "as_of",
        "tier",
        "score",
        "rating",
        "domains",
        "controls",
        "findings",
        "sha256",
    ):
        assert key in record
    assert 0 < record["score"] < 100 and set(record["domains"]) == {"service-delivery"}
    by_id = {c["id"]: c for c in record["controls"]}
    assert by_id[failing]["status"] == "not_met" and "-> 0" in by_id[failing]["explanation"]
    assert [f["control"] for f in record["findings"] if f["status"] == "open"] != []
    table = dcli("assess", VENDOR, "--as-of", "2026-12-14")
    assert table.exit_code == 0 and "residual risk" in table.output and failing in table.output


def test_same_inputs_same_sha_and_fix_resolves_finding(dcli, answered) -> None:
    path, answers, failing = answered
    first = assess(dcli, "2026-12-14")
    second = assess(dcli, "2026-12-14")
    assert first["sha256"] == second["sha256"] and first["run"] != second["run"]
    finding = next(f for f in first["findings"] if f["control"] == failing)
    fixed_answer = json.dumps(best_answer(builtin_content().controls[failing]))
    lines = path.read_text().splitlines()
    inside = False
    for i, line in enumerate(lines):
        if line == f"  {failing}:":
            inside = True
        elif inside and line.startswith("    answer:"):
            lines[i] = f"    answer: {fixed_answer}"
            break
    path.write_text("\n".join(lines) + "\n")
    assert dcli("questionnaire", "import", path).exit_code == 0
    third = assess(dcli, "2026-12-15")
    assert third["score"] > first["score"]
    resolved = json.loads(
        dcli("findings", "list", "--vendor", VENDOR, "--status", "resolved", "-f", "json").output
    )
    assert finding["id"] in [f["id"] for f in resolved]
    shown = json.loads(dcli("findings", "show", str(finding["id"]), "-f", "json").output)[0]
    events = shown["events"]
    assert [e["action"] for e in events] == ["opened", "kept_open", "resolved"]
    assert shown["control"].startswith(f"{failing}: ") and shown["remediation"]
    assert shown["status"] == "resolved" and shown["question"] and shown["why"]
    assert events[-1]["actor"] == f"audit run #{third['run']}"
    history = json.loads(dcli("history", VENDOR, "-f", "json").output)
    assert [h["run"] for h in history] == [first["run"], second["run"], third["run"]]
    assert history[-1]["change"] == pytest.approx(third["score"] - second["score"], abs=0.01)
    shown = dcli("history", VENDOR)
    assert "trend" in shown.output
    diff = json.loads(dcli("diff", VENDOR, "-f", "json").output)[0]
    assert diff["from"] == second["run"] and diff["to"] == third["run"]
    assert {"control": failing, "from": "not_met", "to": "met"} in diff["statuses"]
    assert [r["control"] for r in diff["findings_resolved"]] == [failing]


def builtin_content():  # noqa: ANN201
    from audit.content.library import load_content
    from audit.workspace import builtin_root

    root = builtin_root()
    return load_content(
        root / "checklists", root / "checklists/frameworks", root / "policies/default.yaml"
    )


def test_findings_accept_update_and_overdue(dcli, answered) -> None:
    record = assess(dcli, "2026-12-14")
    finding = record["findings"][0]
    fid = str(finding["id"])
    bad = dcli("findings", "update", fid, "--status", "resolved")
    assert bad.exit_code == 2 and "cannot be set by hand" in bad.output
    ok = dcli(
        "findings",
        "update",
        fid,
        "--status",
        "in_progress",
        "--owner",
        "ops@vendor.example",
        "--note",
        "fix planned",
        "--by",
        "alice",
    )
    assert ok.exit_code == 0, ok.output
    overdue = json.loads(
        dcli("findings", "list", "--overdue", "--as-of", "2030-01-01", "-f", "json").output
    )
    assert finding["id"] in [f["id"] for f in overdue]
    assert (
        json.loads(
            dcli("findings", "list", "--overdue", "--as-of", "2026-12-15", "-f", "json").output
        )
        == []
    )
    accepted = dcli(
        "findings",
        "accept",
        fid,
        "--until",
        "2099-01-01",
        "--reason",
        "compensating control",
        "--approver",
        "CRO",
    )
    assert accepted.exit_code == 0, accepted.output
    shown = json.loads(dcli("findings", "show", fid, "-f", "json").output)[0]
    assert shown["status"] == "accepted until 2099-01-01"
    assert shown["accepted"] == "by CRO: compensating control"
    assert shown["owner"] == "ops@vendor.example" and shown["remediation"]
    events = shown["events"]
    assert [(e["action"], e["actor"]) for e in events][-2:] == [
        ("updated", "alice"),
        ("accepted", "CRO"),
    ]
    assert "owner - -> ops@vendor.example" in events[-2]["note"]
    again = assess(dcli, "2026-12-20")
    still = next(f for f in again["findings"] if f["id"] == finding["id"])
    assert still["status"] == "accepted"


def test_assess_without_submission_is_refused(dcli) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    result = dcli("assess", VENDOR, "--as-of", "2026-12-14")
    assert result.exit_code == 2
    assert (
        "no submission for brightside-marketing" in result.output
        and "questionnaire issue" in result.output
    )
    assert dcli("diff", VENDOR).exit_code == 2
