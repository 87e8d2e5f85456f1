"""`audit users add | list | disable | enable | role | password`: the dashboard's accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from audit import services
from audit.cli.app import state
from audit.cli.console import console
from audit.cli.output import Format, render
from audit.cli.params import FormatOption
from audit.errors import InputError
from audit.workspace import Workspace

app = typer.Typer(
    help="Accounts for the dashboard (`audit serve`), with roles.", no_args_is_help=True
)
out = console()

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
]


def identity(workspace: Workspace) -> str:
    """Who is typing, for the record: `[user] email` or AUDIT_USER, else the shell's user."""
    configured = workspace.settings["user_email"]
    if configured:
        return str(configured)
    import getpass

    return f"{getpass.getuser()} (command line)"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError(
            "no terminal to ask for the password on", hint="pipe it in with --password-stdin"
        )
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command()
def add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    role: Annotated[str, typer.Option("--role", help="admin, officer or viewer.")],
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    password_stdin: PasswordStdin = False,
    sso_only: Annotated[
        bool, typer.Option("--sso-only", help="No password: signs in through single sign-on.")
    ] = False,
) -> None:
    """Add an account: viewer (the risk committee: reads, downloads reports, changes nothing),
    officer (runs audits) or admin (also manages accounts)."""
    workspace = state(ctx).workspace()
    password = None if sso_only else _password(password_stdin)
    user = services.accounts.add_user(
        workspace, email, role, password=password, name=name, by=identity(workspace)
    )
    how = "single sign-on only" if sso_only else "password set"
    out.print(f"added {user.email} as {user.role} ({how})", markup=False)


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Every account, with its role, state and last sign-in."""
    rows = [
        {
            "email": u.email,
            "name": u.name or "",
            "role": u.role.value,
            "state": "disabled" if u.disabled else "enabled",
            "sign_in": ("password" if u.has_password else "single sign-on only")
            + (", single sign-on linked" if u.single_sign_on and u.has_password else ""),
            "last_login": u.last_login_at.isoformat(timespec="seconds") if u.last_login_at else "",
        }
        for u in services.accounts.list_users(state(ctx).workspace())
    ]
    render(rows, ["email", "name", "role", "state", "sign_in", "last_login"], fmt, title="Accounts")


@app.command()
def disable(ctx: typer.Context, email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Disable an account: it can no longer sign in, and its open sessions end."""
    workspace = state(ctx).workspace()
    user = services.accounts.set_disabled(workspace, email, True, by=identity(workspace))
    out.print(f"disabled {user.email}", markup=False)


@app.command()
def enable(ctx: typer.Context, email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Enable a disabled account again."""
    workspace = state(ctx).workspace()
    user = services.accounts.set_disabled(workspace, email, False, by=identity(workspace))
    out.print(f"enabled {user.email}", markup=False)


@app.command()
def role(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    new_role: Annotated[str, typer.Argument(metavar="ROLE")],
) -> None:
    """Change an account's role (admin, officer or viewer)."""
    workspace = state(ctx).workspace()
    user = services.accounts.set_role(workspace, email, new_role, by=identity(workspace))
    out.print(f"{user.email} is now {user.role}", markup=False)


@app.command()
def password(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set an account's password."""
    workspace = state(ctx).workspace()
    user = services.accounts.set_password(
        workspace, email, _password(password_stdin), by=identity(workspace)
    )
    out.print(f"password set for {user.email}", markup=False)
