"""`audit users ...` on SQLite and PostgreSQL: accounts with roles and argon2 hashes, every change
recorded under who made it (AUDIT_USER), the last admin kept, and the CLI's own identity used as
an acceptance's approver."""

from __future__ import annotations

import json

import sqlalchemy as sa

from audit.services import accounts
from audit.services.database import engine_for
from audit.workspace import Workspace

PASSWORD = "correct horse battery staple\n"  # noqa: S105 - a test account


def test_accounts_roles_and_what_is_refused(runner, db_workspace: Workspace, monkeypatch) -> None:
    from audit.cli import app

    monkeypatch.setenv("AUDIT_USER", "ana@insurer.example")

    def cli(*args: str, given: str = "") -> object:
        return runner.invoke(app, ["--workspace", str(db_workspace.root), *args], input=given)

    added = cli("users", "add", "Ana@Insurer.example", "--role", "admin", "--name", "Ana Lima",
                "--password-stdin", given=PASSWORD)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added ana@insurer.example as admin" in added.output
    short = cli("users", "add", "bo@insurer.example", "--role", "officer", "--password-stdin",
                given="short\n")  # fmt: skip
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    boss = cli("users", "add", "bo@insurer.example", "--role", "boss", "--sso-only")
    assert boss.exit_code == 2 and "unknown role 'boss'" in boss.output
    again = cli("users", "add", "ana@insurer.example", "--role", "viewer", "--sso-only")
    assert again.exit_code == 2 and "already has an account" in again.output
    assert (
        cli("users", "add", "bo@insurer.example", "--role", "viewer", "--sso-only").exit_code == 0
    )
    last = cli("users", "disable", "ana@insurer.example")
    assert last.exit_code == 2 and "last enabled admin" in last.output
    assert cli("users", "role", "bo@insurer.example", "officer").exit_code == 0
    assert cli("users", "disable", "bo@insurer.example").exit_code == 0
    listed = json.loads(cli("users", "list", "-f", "json").output)
    assert {(u["email"], u["role"], u["state"], u["sign_in"]) for u in listed} == {
        ("ana@insurer.example", "admin", "enabled", "password"),
        ("bo@insurer.example", "officer", "disabled", "single sign-on only"),
    }
    assert accounts.authenticate(db_workspace, "ANA@insurer.example", PASSWORD.strip()) is not None
    assert accounts.authenticate(db_workspace, "ana@insurer.example", "wrong password!") is None
    with engine_for(db_workspace).connect() as connection:
        stored = connection.execute(sa.text("SELECT password_hash FROM user_account")).all()
        actions = connection.execute(sa.text("SELECT actor, action FROM activity")).all()
    assert any(h[0] and h[0].startswith("$argon2id$") for h in stored)
    assert ("ana@insurer.example", "role changed") in actions
    assert ("ana@insurer.example", "user disabled") in actions
    assert ("ana@insurer.example", "signed in") in actions
    assert ("ana@insurer.example", "sign-in refused") in actions


def test_the_cli_identity_approves_an_acceptance(runner, tmp_path, monkeypatch) -> None:
    from audit.cli import app
    from audit.workspace import open_workspace
    from tests.conftest import sample_client
    from tests.report.conftest import assess_archiva

    sample_client(tmp_path / "ws")
    workspace = assess_archiva(open_workspace(tmp_path / "ws"), tmp_path)
    finding = json.loads(
        runner.invoke(app, ["-w", str(workspace.root), "findings", "list", "-f", "json"]).output
    )[0]["id"]
    accept = ["-w", str(workspace.root), "findings", "accept", str(finding), "--until",
              "2099-01-01", "--reason", "compensating control"]  # fmt: skip
    monkeypatch.delenv("AUDIT_USER", raising=False)
    nobody = runner.invoke(app, accept)
    assert nobody.exit_code == 2 and "nothing names you" in nobody.output
    monkeypatch.setenv("AUDIT_USER", "cro@insurer.example")
    done = runner.invoke(app, accept)
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["-w", str(workspace.root), "findings", "show", str(finding)])
    assert "by cro@insurer.example: compensating control" in shown.output
    other = runner.invoke(app, [*accept, "--approver", "Risk Committee"])
    assert other.exit_code == 0
    shown = runner.invoke(app, ["-w", str(workspace.root), "findings", "show", str(finding)])
    assert "by Risk Committee (entered by cro@insurer.example)" in shown.output
