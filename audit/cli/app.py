"""The typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

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


class AuditGroup(TyperGroup):
    """Turns AuditError into its exit code and message; tracebacks only with --debug."""

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
            err.print(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug; rerun with --debug for the traceback and report it.",
                markup=False,
            )
            ctx.exit(INTERNAL_ERROR)


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
