"""`audit checklists validate | list | show | coverage`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from audit import services
from audit.cli.app import state
from audit.cli.console import console, styled
from audit.cli.output import Format, render
from audit.content.answers import answer_values
from audit.content.conditions import describe
from audit.content.model import Checklist, Control

app = typer.Typer(help="Validate, list, show and map the checklists.", no_args_is_help=True)
out = console()
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check against the workspace (default: all content)."),
    ] = None,
) -> None:
    """Check checklists, framework indexes and the policy; exit 2 listing every problem."""
    workspace = state(ctx).workspace()
    content = services.workspace_content(workspace, extra=paths or (), fresh=True)
    controls = sum(len(c.controls) for c in content.checklists)
    out.print(
        f"ok: {len(content.checklists)} checklists, {controls} controls, "
        f"{len(content.frameworks)} framework indexes, policy {content.policy.id} "
        f"{content.policy.version}",
        markup=False,
    )


@app.command("list")
def list_checklists(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """The checklists of the workspace."""
    content = services.workspace_content(state(ctx).workspace())
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "domain": c.domain,
            "sections": len(c.sections),
            "controls": len(c.controls),
            "knockouts": sum(1 for x in c.controls if x.knockout),
            "sha256": c.sha256,
        }
        for c in content.checklists
    ]
    columns = ["id", "version", "title", "domain", "sections", "controls", "knockouts"]
    render(rows, columns, fmt, title="Checklists")


def _control_record(control: Control) -> dict[str, object]:
    return {
        "id": control.id,
        "checklist": control.checklist,
        "section": control.section,
        "title": control.title,
        "question": control.question,
        "guidance": control.guidance,
        "answer_type": control.answer.type.value,
        "answered_by": control.answered_by.value,
        "options": [
            {
                "value": o.value,
                "label": o.label,
                "score": o.score,
                "not_applicable": o.not_applicable,
            }
            for o in control.answer.options
        ]
        or list(answer_values(control.answer) or []),
        "thresholds": [
            {"operator": t.operator, "bound": t.bound, "score": t.score}
            for t in control.answer.thresholds
        ],
        "weight": control.weight,
        "severity": control.severity.value,
        "knockout": control.knockout,
        "knockout_below": control.knockout_below if control.knockout else None,
        "applies_when": describe(control.applies_when) if control.applies_when else None,
        "evidence": [
            {"kinds": list(e.kinds), "required": e.required, "max_age_days": e.max_age_days}
            for e in control.evidence
        ],
        "references": {k: list(v) for k, v in control.references.items()},
        "remediation": control.remediation,
    }


def _show_control(control: Control) -> None:
    record = _control_record(control)
    out.print(styled((control.id, "bold"), f"  {control.title}"))
    for key in ("checklist", "section", "question", "guidance", "answer_type", "answered_by"):
        out.print(styled((f"{key}:", "dim"), f" {record[key]}"))
    for option in control.answer.options:
        score = "not applicable" if option.not_applicable else f"score {option.score}"
        out.print(f"  - {option.value}: {option.label} ({score})", markup=False)
    for t in control.answer.thresholds:
        out.print(f"  - {t.operator} {t.bound:g}: score {t.score}", markup=False)
    if control.answer.otherwise is not None:
        out.print(f"  - otherwise: score {control.answer.otherwise}", markup=False)
    knockout = ""
    if control.knockout:
        below = control.knockout_below
        knockout = ", knockout" + (
            f" (fails below {below:g})" if below < 1 else " (fails unless met)"
        )
    out.print(f"weight {control.weight}, severity {control.severity}{knockout}", markup=False)
    if control.applies_when is not None:
        out.print(f"applies when: {record['applies_when']}", markup=False)
    for e in control.evidence:
        need = "required" if e.required else "optional"
        age = f", at most {e.max_age_days} days old" if e.max_age_days else ""
        out.print(f"evidence: {e.label} ({need}{age})", markup=False)
    for framework, ids in control.references.items():
        out.print(f"maps to {framework}: {', '.join(ids)}", markup=False)
    out.print(f"remediation: {control.remediation}", markup=False)


@app.command()
def show(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="A checklist id or a control id.")],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """One checklist (its controls) or one control (everything about it)."""
    content = services.workspace_content(state(ctx).workspace())
    item = services.find_item(content, item_id)
    if isinstance(item, Control):
        if fmt is Format.TABLE:
            _show_control(item)
        else:
            render([_control_record(item)], list(_control_record(item)), fmt)
        return
    checklist: Checklist = item
    rows = [
        {
            "id": c.id,
            "section": c.section,
            "title": c.title,
            "type": c.answer.type.value,
            "weight": c.weight,
            "severity": c.severity.value,
            "knockout": "yes" if c.knockout else "",
            "applies_when": describe(c.applies_when) if c.applies_when else "always",
        }
        for c in checklist.controls
    ]
    title = f"{checklist.title} ({checklist.id} {checklist.version}): {checklist.summary}"
    render(rows, list(rows[0]), fmt, title=title if fmt is Format.TABLE else "")


@app.command()
def coverage(
    ctx: typer.Context,
    framework: Annotated[
        str | None,
        typer.Argument(metavar="FRAMEWORK", help="Framework id; omit for a summary of all."),
    ] = None,
    uncovered: Annotated[
        bool, typer.Option("--uncovered", help="Only requirements no control cites.")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Each requirement of a framework and the controls that cover it, or a summary of all."""
    content = services.workspace_content(state(ctx).workspace())
    if framework is None:
        rows = [
            {
                "framework": c.framework.id,
                "title": c.framework.title,
                "requirements": c.total,
                "covered": c.covered,
                "supported": c.supported,
                "uncovered": len(c.uncovered),
                "percent": round(100 * c.covered / c.total, 1),
            }
            for c in services.all_coverage(content)
        ]
        render(rows, list(rows[0]), fmt, title="Framework coverage")
        return
    result = services.framework_coverage(content, framework)
    rows = [
        {
            "requirement": row.requirement.id,
            "title": row.requirement.title,
            "group": row.requirement.group,
            "covered": "supported" if row.supported else row.covered,
            "controls": list(row.controls),
        }
        for row in result.rows
        if not row.controls or not uncovered
    ]
    if fmt is Format.JSON:
        summary = {
            "framework": result.framework.id,
            "title": result.framework.title,
            "requirements": result.total,
            "covered": result.covered,
            "supported": result.supported,
            "uncovered": [r.id for r in result.uncovered],
            "rows": rows,
        }
        out.file.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        return
    title = f"{result.framework.title}: {result.covered} of {result.total} requirements covered"
    if result.supported:
        title += f", {result.supported} of our own duties supported"
    render(rows, ["requirement", "title", "controls"], fmt, title=title)
