"""What the questionnaire commands print: an issue, an import, a folder of imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from audit.cli.console import console
from audit.cli.output import Format, render
from audit.model import Respondent

if TYPE_CHECKING:
    from audit.services.batch import FileOutcome
    from audit.services.questionnaires import Issued
    from audit.services.submissions import Imported

out = console()
err = console(stderr=True)


def print_issued(result: Issued) -> None:
    q = result.questionnaire
    part = "assessor's part" if q.part is Respondent.ASSESSOR else "questionnaire"
    out.print(
        f"issued {part} {q.id}: {len(q.questions)} questions from {', '.join(q.checklists)}; "
        f"due {q.due}; written to {result.path}"
        + ("; pre-filled with last cycle's answers to confirm" if q.prefilled else "")
    )
    delivery = result.delivery
    if delivery is not None:
        state_text = (
            "sent"
            if delivery.sent
            else f"queued, not sent ({delivery.error})"
            if delivery.error
            else "queued in the outbox (no SMTP server configured)"
        )
        out.print(f"e-mail to {', '.join(delivery.to)}: {state_text}; {delivery.queued}")
    if result.still_open:
        err.print(
            f"note: {', '.join(result.still_open)} (the same part, issued before) "
            f"{'is' if len(result.still_open) == 1 else 'are'} still open, with no final "
            "answers: the vendor now has more than one to answer; the newest final submission "
            "of any of them is what an assessment uses",
            markup=False,
        )


def print_imported(result: Imported) -> None:
    if result.duplicate:
        out.print(
            f"{result.questionnaire_id}: these exact bytes were imported before, as version "
            f"{result.version} ({result.status}); nothing new was stored"
        )
        return
    out.print(
        f"imported {result.questionnaire_id} as {result.status} submission version "
        f"{result.version}: {result.answered} answered, {len(result.unanswered)} unanswered; "
        f"evidence {result.evidence_new} new, {result.evidence_known} already held"
    )
    if result.unconfirmed:
        out.print(
            f"pre-filled and not confirmed (counted as unanswered): {', '.join(result.unconfirmed)}"
        )
    if result.unanswered:
        out.print(f"unanswered: {', '.join(result.unanswered)}")
    if result.status == "draft":
        out.print("a draft is kept but never assessed; `audit assess --include-draft` previews it")
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)


def print_many(outcomes: list[FileOutcome]) -> None:
    imported = [o for o in outcomes if o.imported and not o.imported.duplicate]
    again = [o for o in outcomes if o.imported and o.imported.duplicate]
    refused = [o for o in outcomes if not o.imported and not o.skipped]
    skipped = [o for o in outcomes if o.skipped]
    rows = [
        {
            "file": str(o.path),
            "questionnaire": o.imported.questionnaire_id if o.imported else "",
            "result": (
                f"{'already held' if o.imported.duplicate else 'imported'} as "
                f"v{o.imported.version} {o.imported.status}, {o.imported.answered} answered"
                if o.imported
                else "refused: see below"
            ),
        }
        for o in outcomes
        if not o.skipped
    ]
    render(rows, ["file", "questionnaire", "result"], Format.TABLE, console=out)
    for o in refused:
        out.print(f"{o.path}:")
        for line in o.problems:
            out.print(f"  {line}")
    out.print(
        f"{len(imported)} imported, {len(again)} already held, {len(refused)} refused"
        + (f"; {len(skipped)} other file(s) in the folder(s) passed by" if skipped else "")
    )
    if refused:
        raise typer.Exit(2)
