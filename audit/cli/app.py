"""The typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from audit.cli.console import console
from audit.errors import AuditError, ExitCode
from audit.workspace import Workspace, open_workspace, resolve_root

INTERNAL_ERROR = 70
err = console(stderr=True)


@dataclass
class State:
    workspace_option: Path | None = None
    debug: bool = False

    def workspace(self) -> Workspace:
        return open_workspace(resolve_root(self.workspace_option))


# `audit --help` lists the commands in the order of an audit cycle, not of registration.
COMMAND_ORDER = (
    "init",
    "demo",
    "vendors",
    "questionnaire",
    "review",
    "evidence",
    "assess",
    "history",
    "diff",
    "findings",
    "report",
    "verify",
    "keys",
    "roi",
    "export",
    "due",
    "scheduler",
    "serve",
    "users",
    "checklists",
)


class AuditGroup(TyperGroup):
    """Turns AuditError into its exit code and message; tracebacks only with --debug."""

    def get_command(self, ctx: Any, name: str) -> Any:
        command = super().get_command(ctx, name)
        if command is not None and command.help and not command.short_help:
            # the listing shows the first paragraph as one line, not broken where the
            # docstring's lines break
            command.short_help = " ".join(command.help.split("\n\n")[0].split())
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: index for index, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AuditError as exc:
            if _debug(ctx):
                raise
            for line in exc.lines():
                err.print(line, markup=False)
            ctx.exit(int(exc.exit_code))
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`audit ... | head`): stop quietly, as other tools do, and
            # keep Python from complaining when it flushes the closed stream at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:
            if _debug(ctx):
                raise
            if (full := _out_of_space(exc)) is not None:
                err.print(full, markup=False)
                ctx.exit(int(ExitCode.INPUT_REFUSED))
            err.print(
                f"internal error: {_describe(exc)}\n"
                "This is a bug; rerun with --debug for the traceback and report it.",
                markup=False,
            )
            ctx.exit(INTERNAL_ERROR)


def _database_error(exc: BaseException) -> BaseException | None:
    """The driver's own error inside an ORM statement error, if this is one. (Looked up only
    if the ORM was imported: a command that never touched the database cannot raise one.)"""
    orm = sys.modules.get("sqlalchemy.exc")
    if orm is not None and isinstance(exc, orm.StatementError):
        return exc.orig if isinstance(exc.orig, BaseException) else exc
    return None


def _describe(exc: BaseException) -> str:
    """The error in one line. A database error's statement and values stay out of it: they
    hold vendors' names and answers, and this line goes to logs (--debug shows everything)."""
    driver = _database_error(exc)
    if driver is None:
        return f"{type(exc).__name__}: {exc}"
    first = _first_line(driver) if driver is not exc else ""
    return f"{type(driver).__name__}: {first or 'database error'}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _out_of_space(exc: BaseException) -> str | None:
    """A full (or read-only) disk is the machine's state, not a bug: say so. The command's
    transaction was rolled back and its files are written atomically, so nothing changed."""
    driver = _database_error(exc)
    if driver is not None and "disk is full" in _first_line(driver):
        return "the database could not be written: its disk is full; nothing was changed"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot write{where}: {exc.strerror}; nothing was changed"
    return None


def _debug(ctx: Any) -> bool:
    root = ctx.find_root()
    return bool(isinstance(root.obj, State) and root.obj.debug)


app = typer.Typer(
    cls=AuditGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="Periodic risk and compliance audits of outsourcing vendors.",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("vendor-audit")
        except PackageNotFoundError:
            shown = "unknown (not installed)"
        typer.echo(f"vendor-audit {shown}")
        raise typer.Exit


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $AUDIT_WORKSPACE, else the current folder).",
            file_okay=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    ctx.obj = State(workspace, debug)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)  # noqa: S101 - set by main_options for every command
    return obj


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # raised before a command started
        sys.exit(int(ExitCode.INPUT_REFUSED))
