"""Assessing the whole register in one process: which vendors have final answers no run has
scored, and scoring each in its own transaction, with the content loaded once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.content.model import ContentSet
from audit.errors import AuditError
from audit.model import Respondent, Tier
from audit.questionnaire.channels import CHANNELS, NotAQuestionnaireError
from audit.services.assessments import Assessment, assess
from audit.services.content import workspace_content
from audit.services.database import reading
from audit.services.submissions import Imported, import_questionnaire
from audit.services.vendors import refresh_tiers
from audit.store import bulk
from audit.vendor import vendor_from_record
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Fresh:
    """A vendor whose newest final answers no run has scored yet."""

    vendor_id: str
    submission_id: int
    review_id: int | None

    @property
    def key(self) -> str:
        return f"{self.submission_id}" + (f":{self.review_id}" if self.review_id else "")


def fresh_submissions(
    workspace: Workspace, as_of: dt.date, tier: Tier | None = None
) -> list[Fresh]:
    """Vendors (of one tier, or all) with a final submission or review no run has used."""
    content = workspace_content(workspace)
    refresh_tiers(workspace, content)
    with reading(workspace) as session:
        latest = bulk.latest_final_submissions(session, as_of)
        used = bulk.assessed_pairs(session)
        tiers = {row[0]: row[2] for row in bulk.vendor_listing(session)}
    fresh = []
    for vendor_id in sorted(tiers):
        submission = latest.get((vendor_id, Respondent.VENDOR.value))
        review = latest.get((vendor_id, Respondent.ASSESSOR.value))
        if submission is None or (tier is not None and tiers[vendor_id] != tier.value):
            continue
        if (submission, review) not in used:
            fresh.append(Fresh(vendor_id, submission, review))
    return fresh


@dataclass(frozen=True, slots=True)
class Scored:
    """What a batch keeps of one assessment: not its results (ten thousand vendors' control
    results would hold gigabytes), the figures a summary shows."""

    run_id: int
    vendor_id: str
    score: float
    rating: str
    knockouts_failed: int
    previous_score: float | None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    fresh: Fresh
    scored: Scored | None
    error: str | None  # why this vendor was not assessed; the others go on


def _scored(assessment: Assessment) -> Scored:
    result = assessment.result
    return Scored(
        assessment.run_id or 0,
        result.vendor_id,
        result.score,
        result.rating.value,
        len(result.capped_by),
        assessment.previous.score if assessment.previous is not None else None,
    )


def _assess_one(
    workspace: Workspace, content: ContentSet, item: Fresh, as_of: dt.date, record: Any
) -> BatchOutcome:
    try:
        assessment = assess(
            workspace,
            item.vendor_id,
            as_of,
            content=content,
            vendor=vendor_from_record(record),
            parts=(item.submission_id, item.review_id),
        )
    except AuditError as exc:
        return BatchOutcome(item, None, exc.message)
    return BatchOutcome(item, _scored(assessment), None)


def assess_all(
    workspace: Workspace,
    as_of: dt.date,
    *,
    tier: Tier | None = None,
    each: Callable[[BatchOutcome], None] | None = None,
    fresh: list[Fresh] | None = None,
) -> list[BatchOutcome]:
    """Assess every vendor with new final answers, in one process with the content loaded once
    and one transaction per vendor: a vendor that cannot be assessed is reported, not fatal."""
    content = workspace_content(workspace)
    outcomes = []
    todo = fresh_submissions(workspace, as_of, tier) if fresh is None else fresh
    with reading(workspace) as session:  # one query for the register, not one per vendor
        records = {row[0]: row[4] for row in bulk.vendor_records(session)}
    for item in todo:
        outcome = _assess_one(workspace, content, item, as_of, records[item.vendor_id])
        outcomes.append(outcome)
        if each is not None:
            each(outcome)
    return outcomes


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One file of a many-file import: imported, passed by, or refused (and why)."""

    path: Path
    imported: Imported | None = None
    problems: tuple[str, ...] = ()
    skipped: bool = False


def questionnaire_files(paths: Sequence[Path]) -> tuple[list[Path], set[Path]]:
    """The files to import: those named, and the questionnaire-shaped files of named folders
    (which may hold evidence too: files there that are not questionnaires are passed by)."""
    files: list[Path] = []
    from_folders: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in CHANNELS and p.is_file()
            )
            files += found
            from_folders.update(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files)), from_folders


def import_questionnaires(
    workspace: Workspace,
    paths: Sequence[Path],
    *,
    allow_unanswered: bool = False,
    each: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Import many filled questionnaires in one process, each all or nothing on its own."""
    files, from_folders = questionnaire_files(paths)
    workspace_content(workspace)  # validated once, then shared by every file
    outcomes = []
    for path in files:
        try:
            outcome = FileOutcome(
                path, import_questionnaire(workspace, path, allow_unanswered=allow_unanswered)
            )
        except NotAQuestionnaireError as exc:
            outcome = FileOutcome(path, problems=tuple(exc.lines()), skipped=path in from_folders)
        except AuditError as exc:
            outcome = FileOutcome(path, problems=tuple(exc.lines()))
        outcomes.append(outcome)
        if each is not None:
            each(outcome)
    return outcomes


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    vendor_id: str
    path: Path | None
    error: str | None


def report_all(
    workspace: Workspace,
    folder: Path | None = None,
    *,
    each: Callable[[ReportOutcome], None] | None = None,
) -> list[ReportOutcome]:
    """The signed report of every assessed vendor's newest run, in one process."""
    from audit.services.reports import vendor_report

    with reading(workspace) as session:
        latest = bulk.latest_runs(session)
    outcomes = []
    for vendor_id, (_, as_of, _, _) in sorted(latest.items()):
        target = (folder or workspace.reports_dir) / f"{vendor_id}-{as_of.isoformat()}.pdf"
        try:
            written = vendor_report(workspace, vendor_id, output=target)
            outcome = ReportOutcome(vendor_id, written.path, None)
        except AuditError as exc:
            outcome = ReportOutcome(vendor_id, None, exc.message)
        outcomes.append(outcome)
        if each is not None:
            each(outcome)
    return outcomes
