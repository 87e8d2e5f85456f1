"""`audit checklists ...` and `audit init` through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.workspace import Workspace
from tests.content.test_builtin_content import CHECKLISTS


def test_validate_ok(cli, workspace: Workspace) -> None:
    result = cli("checklists", "validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 6 checklists,")


def test_list_json(cli) -> None:
    result = cli("checklists", "list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["id"] for r in rows} == CHECKLISTS
    assert all(len(r["sha256"]) == 64 for r in rows)


def test_list_csv_has_header(cli) -> None:
    result = cli("checklists", "list", "--format", "csv")
    assert result.output.splitlines()[0] == "id,version,title,domain,sections,controls,knockouts"


def test_show_control_and_checklist(cli) -> None:
    listing = json.loads(cli("checklists", "show", "regulatory", "--format", "json").output)
    control_id = listing[0]["id"]
    result = cli("checklists", "show", control_id)
    assert result.exit_code == 0
    assert control_id in result.output and "remediation:" in result.output
    record = json.loads(cli("checklists", "show", control_id.lower(), "--format", "json").output)
    assert record[0]["id"] == control_id and record[0]["references"]


def test_show_unknown(cli) -> None:
    result = cli("checklists", "show", "NOPE-XX-01")
    assert result.exit_code == 2
    assert "no checklist or control 'NOPE-XX-01'" in result.output


def test_coverage_gdpr(cli) -> None:
    result = cli("checklists", "coverage", "gdpr", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    rows = {r["requirement"]: r for r in data["rows"]}
    assert all(rows[f"Art.28(3)({x})"]["controls"] for x in "abcdefgh")
    assert data["covered"] + len(data["uncovered"]) == data["requirements"]


def test_coverage_table_and_uncovered(cli) -> None:
    result = cli("checklists", "coverage", "iso27001-2022", "--uncovered", "--format", "csv")
    assert result.exit_code == 0
    assert "A.5.19" not in result.output
    summary = cli("checklists", "coverage")
    assert summary.exit_code == 0 and "nist-csf-2.0" in summary.output


def test_coverage_unknown_framework(cli) -> None:
    result = cli("checklists", "coverage", "iso9001")
    assert result.exit_code == 2
    assert "unknown framework 'iso9001'" in result.output


BAD_FILES = {
    "bomb.yaml": "\n".join(
        ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
        + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    ).encode(),
    "empty.yaml": b"",
    "latin1.yaml": b"checklist: caf\xe9\n",
    "huge.yaml": b"checklist: x\n" + b"# padding\n" * 300_000,
    "invalid.yaml": b"checklist: [\n",
    "types.yaml": b"checklist: 12\nversion: 2026\ncontrols: nope\n",
}


def test_broken_content_exits_2_listing_every_file(cli, workspace: Workspace) -> None:
    for name, raw in BAD_FILES.items():
        (workspace.checklists_dir / name).write_bytes(raw)
    result = cli("checklists", "validate")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    out = result.output
    assert "checklists/bomb.yaml:" in out and "alias bomb" in out
    assert "checklists/empty.yaml:1: file is empty" in out
    assert "checklists/latin1.yaml:1: not UTF-8 text (byte 0xe9)" in out
    assert "checklists/huge.yaml: file is 3,000,013 bytes; the limit is 2,097,152" in out
    assert "checklists/invalid.yaml:" in out and "invalid YAML" in out
    assert "checklists/types.yaml:1: checklist: must be text, not 12" in out
    assert "checklists/types.yaml:2: version: must be text, not 2026" in out


def test_validate_given_path_against_workspace(cli, workspace: Workspace, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text((workspace.checklists_dir / "security.yaml").read_text())
    assert cli("checklists", "validate", str(draft)).exit_code == 0
    draft.write_text("policy: x\n")
    result = cli("checklists", "validate", str(draft))
    assert result.exit_code == 2 and "draft.yaml:1:" in result.output


def test_debug_shows_the_traceback(runner: CliRunner, workspace: Workspace) -> None:
    (workspace.checklists_dir / "empty.yaml").write_bytes(b"")
    result = runner.invoke(
        app, ["--workspace", str(workspace.root), "--debug", "checklists", "validate"]
    )
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "ContentError"


def test_init_and_refuse_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "checklists" / "frameworks" / "gdpr.yaml").is_file()
    assert (target / "policies" / "default.yaml").is_file()
    assert (target / ".audit" / "keys").stat().st_mode & 0o777 == 0o700
    edited = target / "policies" / "default.yaml"
    edited.write_text(edited.read_text() + "\n# my edit\n")
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert "nothing was changed" in again.output
    assert edited.read_text().endswith("# my edit\n")


def test_workspace_from_environment(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_WORKSPACE", str(workspace.root))
    assert runner.invoke(app, ["checklists", "validate"]).exit_code == 0


def test_not_a_workspace(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--workspace", str(tmp_path), "checklists", "list"])
    assert result.exit_code == 2
    assert "is not a workspace" in result.output and "audit init" in result.output


def test_bad_audit_toml(runner: CliRunner, workspace: Workspace) -> None:
    (workspace.root / "audit.toml").write_text("[limits]\ncontent_bytes = -5\n")
    result = runner.invoke(app, ["--workspace", str(workspace.root), "checklists", "list"])
    assert result.exit_code == 2
    assert "max_content_bytes: must be a positive whole number" in result.output
