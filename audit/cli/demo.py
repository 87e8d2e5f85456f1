"""`audit demo`: the complete cycle on the bundled sample portfolio, in a fresh workspace."""

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
from audit.workspace import Workspace, builtin_root, resolve_root

out = Console(highlight=False, soft_wrap=True)
DEMO_MARKER = ".audit-demo-workspace"


def portfolio_root() -> Path:
    """The sample portfolio: `examples/portfolio` in a checkout, or shipped in the wheel."""
    return builtin_root() / "examples" / "portfolio"


def _fresh_demo_folder(folder: Path) -> Path:
    """A clean folder for the demo; only a folder the demo itself made is ever removed."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists():
            raise WorkspaceError(
                f"{folder} exists and was not made by `audit demo`; refusing to replace it"
            )
        shutil.rmtree(folder)
    return folder


def _content(workspace: Workspace) -> None:
    out.rule("2. Content validated: schemas, cross-file integrity, references")
    content = services.workspace_content(workspace)
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


def _register(workspace: Workspace, portfolio: Path) -> None:
    out.rule("4. Vendor register: the sample portfolio, tiered by the policy")
    result = services.import_vendors(workspace, portfolio / "vendors.yaml")
    out.print(f"imported {len(result.added)} vendors from {portfolio / 'vendors.yaml'}")
    rows = [
        {
            "vendor": s.vendor.id,
            "tier": s.tier.tier.value,
            "points": s.tier.points,
            "why": s.tier.explanation,
        }
        for s in services.list_vendors(workspace)
    ]
    render(rows, list(rows[0]), Format.TABLE, console=out)


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
    _content(workspace)
    _register(workspace, portfolio_root())
