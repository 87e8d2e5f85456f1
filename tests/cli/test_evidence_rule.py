"""The evidence rule through the questionnaire (issue 15, M1): a document proves every control
that asks for its kind; citing it under one answer does not take it from the others, un-citing
keeps it counting, and only the vendor's `only_for` limits it, until a later declaration lifts
the limit. What is not counted is explained with its real reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from audit.content.yamlsafe import parse_yaml
from audit.services import workspace_content
from audit.services.runs import get_run
from audit.workspace import Workspace
from tests.cli.test_questionnaire_cli import VENDOR, fill, issued  # noqa: F401 - fixture
from tests.scoring_support import best_answer

AS_OF = "2026-12-10"
POLICY = "InfoSec Policy v4.2.pdf"


def _asking(workspace: Workspace, path: Path, kind: str) -> list[str]:
    content = workspace_content(workspace)
    ids = list(parse_yaml(path.read_bytes(), "q").data["answers"])
    return [
        i
        for i in ids
        if content.controls[i].applies_when is None
        and [r.kinds for r in content.controls[i].evidence if r.required] == [(kind,)]
    ]


def _submit(
    dcli,
    workspace: Workspace,
    issued: Path,  # noqa: F811
    copy: str,
    evidence: dict,
    cite: dict,
) -> dict[str, dict]:
    """Import a copy answered in full with one policy document, assess, and return the run's
    control results by id."""
    content = workspace_content(workspace)
    data = parse_yaml(issued.read_bytes(), "q").data
    answers = {
        i: best_answer(content.controls[i], dt.date.fromisoformat(AS_OF)) for i in data["answers"]
    }
    target = issued.parent / copy
    target.write_text(issued.read_text())
    (issued.parent / POLICY).write_bytes(b"%PDF-1.4 information security policy v4.2\n")
    fill(target, answers, evidence=[evidence], cite=cite, status="final")
    result = dcli("questionnaire", "import", target, "--allow-unanswered")
    assert result.exit_code == 0, result.output
    assessed = dcli("assess", VENDOR, "--as-of", AS_OF)
    assert assessed.exit_code == 0, assessed.output
    run = get_run(workspace, VENDOR, None)
    return {c["id"]: c for c in run.result["controls"]}


def test_citing_limiting_and_lifting_a_limit(
    dcli,
    db_workspace: Workspace,
    issued: Path,  # noqa: F811
) -> None:
    ws = db_workspace
    first, second, *_ = _asking(ws, issued, "information_security_policy")
    declared = {"file": POLICY, "kind": "information_security_policy", "issued": "2026-10-01"}

    cited_once = _submit(dcli, ws, issued, "v1.yaml", declared, {first: [POLICY]})
    for control in (first, second):
        assert "information_security_policy" not in " ".join(
            cited_once[control].get("missing_evidence", [])
        ), cited_once[control]
        assert cited_once[control]["evidence"], cited_once[control]

    limited = _submit(
        dcli, ws, issued, "v2.yaml", declared | {"only_for": [first]}, {first: [POLICY]}
    )
    assert limited[first]["evidence"]
    held = limited[first]["evidence"][0]
    assert limited[second]["status"] == "unverified"
    assert (
        f"held but not counted (#{held} limited by the vendor to {first})"
        in limited[second]["explanation"]
    )

    # declared again without a limit and cited nowhere: it counts everywhere once more
    lifted = _submit(dcli, ws, issued, "v3.yaml", declared, {})
    for control in (first, second):
        assert lifted[control]["evidence"] == [held], lifted[control]
        assert lifted[control]["status"] == "met"


def test_only_for_must_name_questions_that_ask_for_the_documents_kind(
    dcli,
    issued: Path,  # noqa: F811
) -> None:
    bogus = {
        "file": POLICY,
        "kind": "information_security_policy",
        "issued": "2026-10-01",
        "only_for": ["SVC-SLA-03"],
    }
    (issued.parent / POLICY).write_bytes(b"%PDF-1.4 policy\n")
    fill(issued, {}, evidence=[bogus])
    result = dcli("questionnaire", "import", issued, "--allow-unanswered")
    assert result.exit_code != 0
    assert "is limited to SVC-SLA-03, which does not ask for a document of its kind" in (
        " ".join(result.output.split())
    )


def test_odd_evidence_dates_are_said_on_arrival(
    dcli,
    issued: Path,  # noqa: F811
) -> None:
    future = (dt.date.today() + dt.timedelta(days=150)).isoformat()
    evidence = [
        {"file": "future.pdf", "kind": "information_security_policy", "issued": future},
        {"file": "old.pdf", "kind": "information_security_policy", "issued": "2019-01-01"},
    ]
    for name in ("future.pdf", "old.pdf"):
        (issued.parent / name).write_bytes(f"%PDF-1.4 {name}\n".encode())
    fill(issued, {}, evidence=evidence)
    result = dcli("questionnaire", "import", issued, "--allow-unanswered")
    assert result.exit_code == 0, result.output  # said, not refused: the officer decides
    text = " ".join(result.output.split())
    assert f"warning: 'future.pdf': issued {future} is after today" in text
    assert "warning: 'old.pdf' (Information security policy) was current until" in text
    assert "it proves nothing on today's date" in text
