"""`audit init` and `audit demo`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from audit import services
from audit.cli.app import app, state
from audit.cli.output import Format, render
from audit.errors import WorkspaceError
from audit.workspace import resolve_root

out = Console(highlight=False, soft_wrap=True)
DEMO_MARKER = ".audit-demo-workspace"


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder for the new workspace.", file_okay=False)
    ] = Path(),
) -> None:
    """Create a workspace with a copy of the built-in checklists and policy."""
    workspace = services.create_workspace(directory)
    out.print(f"workspace ready: {workspace.root}", markup=False)
    out.print(f"next: audit --workspace {workspace.root} checklists validate", markup=False)


def _fresh_demo_folder(folder: Path) -> Path:
    """A clean folder for the demo; only a folder the demo itself made is ever removed."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists():
            raise WorkspaceError(
                f"{folder} exists and was not made by `audit demo`; refusing to replace it"
            )
        shutil.rmtree(folder)
    return folder


@app.command()
def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Demo workspace (default: .audit/demo in the workspace)."),
    ] = None,
) -> None:
    """Run the complete cycle on the bundled sample portfolio in a fresh demo workspace."""
    root = resolve_root(state(ctx).workspace_option).resolve()
    folder = _fresh_demo_folder(directory or root / ".audit" / "demo")
    out.rule("1. A fresh workspace with the built-in content")
    workspace = services.create_workspace(folder)
    (folder / DEMO_MARKER).write_text("made by `audit demo`; removed by the next demo run\n")
    out.print(f"workspace: {workspace.root}", markup=False)
    out.rule("2. Content validated: schemas, cross-file integrity, references")
    content = services.workspace_content(workspace)
    controls = sum(len(c.controls) for c in content.checklists)
    rows = [
        {
            "checklist": c.id,
            "version": c.version,
            "controls": len(c.controls),
            "knockouts": sum(1 for x in c.controls if x.knockout),
        }
        for c in content.checklists
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)
    out.print(
        f"{len(content.checklists)} checklists, {controls} controls, "
        f"policy {content.policy.id} {content.policy.version}",
        markup=False,
    )
    out.rule("3. Framework coverage")
    rows = [
        {
            "framework": c.framework.id,
            "requirements": c.total,
            "covered": c.covered,
            "percent": f"{100 * c.covered / c.total:.0f}%",
        }
        for c in services.all_coverage(content)
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)
