"""A workspace with one assessed vendor, ready for reports (SQLite; reports read, not store)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.content.yamlsafe import parse_yaml
from audit.services import workspace_content
from audit.workspace import Workspace
from tests.cli.test_questionnaire_cli import fill
from tests.conftest import EXAMPLES
from tests.scoring_support import best_answer, worst_answer

VENDOR = "archiva-documents"
RENDERED = dt.datetime(2026, 12, 14, 17, 0, tzinfo=dt.UTC)


def invoke(workspace: Workspace, *args: object):  # noqa: ANN201
    return CliRunner().invoke(app, ["--workspace", str(workspace.root), *[str(a) for a in args]])


def _review(workspace: Workspace, content: object, folder: Path, issued: str, as_of: str) -> None:
    """The assessor's part, answered in full from an executed contract."""
    path = folder / "r.yaml"
    result = invoke(workspace, "review", VENDOR, "-o", path, "--issued", issued)
    assert result.exit_code == 0, result.output
    data = parse_yaml(path.read_bytes(), "r").data
    controls = [content.controls[i] for i in data["answers"]]  # type: ignore[attr-defined]
    answers = {c.id: best_answer(c, dt.date.fromisoformat(as_of)) for c in controls}
    (folder / "msa.txt").write_text("executed master services agreement (sample)\n")
    kinds = sorted({r.kinds[0] for c in controls for r in c.evidence if r.required})
    evidence = [{"file": "msa.txt", "kind": "contract", "issued": "2021-09-01"}]
    for kind in kinds:
        if kind != "contract":
            (folder / f"r-{kind}.txt").write_text(f"signed {kind}\n")
            evidence.append(
                {
                    "file": f"r-{kind}.txt",
                    "kind": kind,
                    "issued": issued,
                    "expires": "2028-01-01",
                    "period_start": "2025-01-01",
                    "period_end": issued,
                    "audited": issued,
                }
            )
    text = path.read_text()
    text = text.replace("    confirmed: false\n", "    confirmed: true\n")
    path.write_text(text)
    fill(path, answers, evidence=evidence, status="final")
    result = invoke(workspace, "review", VENDOR, "--import", path)
    assert result.exit_code == 0, result.output


@pytest.fixture
def assessed(workspace: Workspace, tmp_path: Path) -> Workspace:
    """archiva-documents answered (two controls failing), with evidence, assessed twice."""
    return assess_archiva(workspace, tmp_path)


def assess_archiva(workspace: Workspace, tmp_path: Path) -> Workspace:
    """The sample register imported, and archiva-documents answered twice (a year apart, with
    controls failing), with evidence and the assessor's review, assessed each time."""
    assert invoke(workspace, "vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    content = workspace_content(workspace)
    for round_, (issued, as_of) in enumerate(
        (("2025-11-03", "2025-12-15"), ("2026-11-02", "2026-12-14"))
    ):
        folder = tmp_path / f"round{round_}"
        path = folder / "q.yaml"
        assert (
            invoke(
                workspace, "questionnaire", "issue", VENDOR, "-o", path, "--issued", issued
            ).exit_code
            == 0
        )
        ids = list(parse_yaml(path.read_bytes(), "q").data["answers"])
        controls = [content.controls[i] for i in ids]
        answers = {c.id: best_answer(c, dt.date.fromisoformat(as_of)) for c in controls}
        failing = [c for c in controls if c.weight >= 3 and c.applies_when is None][: 3 - round_]
        answers |= {c.id: worst_answer(c) for c in failing}
        kinds = sorted({r.kinds[0] for c in controls for r in c.evidence if r.required})
        evidence = []
        for kind in kinds:
            name = f"{kind}.txt"
            (folder / name).write_text(f"sample {kind} for Jürgen Weiß, Αθήνα, Київ\n")
            evidence.append(
                {
                    "file": name,
                    "kind": kind,
                    "issued": issued,
                    "expires": "2028-01-01",
                    "period_end": issued,
                    "period_start": "2025-01-01",
                    "audited": issued,
                }
            )
        fill(path, answers, evidence=evidence, status="final")
        text = path.read_text().replace(
            "    comment:\n",
            "    comment: Reviewed with the vendor's DPO; see attached records.\n",
            3,
        )
        path.write_text(text)
        result = invoke(workspace, "questionnaire", "import", path)
        assert result.exit_code == 0, result.output
        _review(workspace, content, folder, issued, as_of)
        assessed_run = invoke(workspace, "assess", VENDOR, "--as-of", as_of, "-f", "json")
        assert assessed_run.exit_code == 0, assessed_run.output
    return workspace


@pytest.fixture
def latest_run(assessed: Workspace) -> dict:
    (record,) = json.loads(
        invoke(assessed, "assess", VENDOR, "--as-of", "2026-12-14", "-f", "json").output
    )
    return record
