"""Filled questionnaires coming back: import one as a new submission version (draft or final)
with its evidence, check one without a workspace, list and show what was submitted."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from audit.content.model import ContentSet
from audit.errors import ContentError, InputError, NotFoundError, Problem
from audit.evidence.store import BlobStore
from audit.evidence.validity import EvidenceDates, date_warnings
from audit.model import Respondent, SubmissionStatus
from audit.questionnaire.channels import read_filled
from audit.questionnaire.document import (
    FORMAT,
    Questionnaire,
    build_questionnaire,
    display_data,
    questionnaire_from_spec,
)
from audit.questionnaire.filled import Filled
from audit.questionnaire.reader import ParsedSubmission, inspect_submission, read_submission
from audit.scoping import ChecklistScope, Scope, scope_vendor
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.questionnaires import requester
from audit.services.recording import record_submission
from audit.services.vendors import vendor_facts
from audit.settings import SETTINGS
from audit.store import queries
from audit.store.tables import AnswerRow, QuestionnaireRow, SubmissionRow
from audit.vendor import Vendor, vendor_from_record
from audit.workspace import Workspace

DEFAULT_EVIDENCE_BYTES = next(s.default for s in SETTINGS if s.name == "max_evidence_bytes")
DEFAULT_FILE_BYTES = 20 * 1024 * 1024  # a workbook or questionnaire file, for a self-check


@dataclass(frozen=True, slots=True)
class Imported:
    questionnaire_id: str
    vendor_id: str
    part: Respondent
    status: SubmissionStatus
    submission_id: int
    version: int
    answered: int
    unanswered: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    evidence_new: int
    evidence_known: int
    duplicate: bool = False  # the same bytes were imported before; nothing was stored
    warnings: tuple[str, ...] = ()  # odd evidence dates, said on arrival (nothing refused)


@dataclass(frozen=True, slots=True)
class Checked:
    """A self-check: what the file says and every problem a workspace import would report."""

    source: str
    questionnaire_id: str
    vendor_id: str
    part: str
    status: str
    questions: int
    answered: int
    unanswered: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    files: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _full_spec(row: QuestionnaireRow, body: dict[str, Any]) -> dict[str, Any]:
    prefill = row.prefill or {}
    questions = [
        q | ({"prefill": prefill[q["id"]]} if q["id"] in prefill else {}) for q in body["questions"]
    ]
    return {
        "format": FORMAT,
        "questionnaire": row.id,
        "part": row.part,
        "vendor": row.vendor_id,
        "questions": questions,
        "kinds": body["kinds"],
    }


def stored_questionnaire(
    workspace: Workspace, session: Session, row: QuestionnaireRow, content: ContentSet
) -> Questionnaire:
    """The questionnaire exactly as it was issued, to read its filled copy against (read in
    the caller's session alone: a second connection here could wait on a full pool)."""
    record = queries.vendor(session, row.vendor_id)
    if record is None:
        raise NotFoundError(f"no vendor '{row.vendor_id}'")
    vendor = vendor_from_record(record.record)
    header = {
        "vendor_name": vendor.name,
        "issued": row.issued.isoformat(),
        "due": row.due.isoformat(),
        "contact": requester(workspace, vendor).contact,
        "organisation": requester(workspace, vendor).organisation,
    }
    spec = queries.question_spec(session, row.spec_sha256) if row.spec_sha256 else None
    if spec is None:  # issued before questionnaires recorded their spec
        return _rebuilt(workspace, vendor, row, content)
    display = spec.body.get("display")
    if display is None:  # issued before the spec recorded the words shown: rebuild those
        display = display_data(_rebuilt(workspace, vendor, row, content))
    return questionnaire_from_spec(
        _full_spec(row, spec.body), spec.body["kind_labels"], header, display
    )


def _rebuilt(
    workspace: Workspace, vendor: Vendor, row: QuestionnaireRow, content: ContentSet
) -> Questionnaire:
    """The questions a questionnaire asked, from the current content."""
    facts = vendor_facts(vendor, content)
    scope = scope_vendor(content, facts)
    asked = set(row.controls)
    kept = Scope(
        tuple(
            ChecklistScope(
                part.checklist, part.reason, tuple(c for c in part.controls if c.id in asked)
            )
            for part in scope.checklists
        )
    )
    return build_questionnaire(
        row.id,
        part=Respondent(row.part),
        vendor=(vendor.id, vendor.name),
        scope=kept,
        facts=facts,
        policy=content.policy,
        dates=(row.issued, row.due),
        requester=requester(workspace, vendor),
        previous={},
    )


def import_questionnaire(
    workspace: Workspace,
    path: Path,
    *,
    allow_unanswered: bool = False,
    part: Respondent | None = None,
    vendor_id: str | None = None,
) -> Imported:
    """Store a filled questionnaire as a new submission version with its evidence, or nothing.

    The same bytes imported twice are stored once. A final submission with unanswered
    questions is refused unless `allow_unanswered`."""
    source = workspace.relative(path)
    filled = read_filled(path, source, workspace.settings["max_content_bytes"])
    questionnaire_id = filled.value("questionnaire")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    content = workspace_content(workspace)
    with reading(workspace) as session:
        row = queries.questionnaire(session, questionnaire_id)
        if row is None:
            where = filled.header["questionnaire"].where
            raise ContentError(
                [where.problem(f"unknown questionnaire '{questionnaire_id}'")],
                hint="import the file `audit questionnaire issue` wrote, without changing its id",
            )
        _expect(row, part, vendor_id, source)
        earlier = queries.submission_with_bytes(session, row.id, sha)
        if earlier is not None and earlier.id is not None:
            return _duplicate(row, earlier)
        questionnaire = stored_questionnaire(workspace, session, row, content)
    parsed = read_submission(
        filled,
        questionnaire,
        path.parent,
        max_evidence_bytes=workspace.settings["max_evidence_bytes"],
        allow_unanswered=allow_unanswered,
    )
    return _store(workspace, row, parsed, source, sha)


def _expect(
    row: QuestionnaireRow, part: Respondent | None, vendor_id: str | None, source: str
) -> None:
    if part is not None and row.part != part.value:
        raise InputError(
            f"{source} is {row.id}, the {row.part}'s part; this command imports the {part}'s",
            hint="import a vendor's answers with `audit questionnaire import FILE`, the "
            "assessor's with `audit review VENDOR --import FILE`",
        )
    if vendor_id is not None and row.vendor_id != vendor_id:
        raise InputError(f"{source} is {row.id}, issued to {row.vendor_id}, not to {vendor_id}")


def _duplicate(row: QuestionnaireRow, earlier: SubmissionRow) -> Imported:
    return Imported(
        row.id,
        row.vendor_id,
        Respondent(row.part),
        SubmissionStatus(earlier.status),
        earlier.id or 0,
        earlier.version,
        earlier.answered,
        (),
        (),
        0,
        0,
        duplicate=True,
    )


def _store(
    workspace: Workspace, row: QuestionnaireRow, parsed: ParsedSubmission, source: str, sha: str
) -> Imported:
    blobs = BlobStore(workspace.evidence_dir)
    limit = workspace.settings["max_evidence_bytes"]
    # Files go into the content-addressed store first: a failed transaction leaves at most an
    # unreferenced blob, never a row pointing at a missing file.
    puts = blobs.put_many([item.path for item in parsed.declared], limit)
    stored = {
        item.file: (blob.sha256, blob.size)
        for item, blob in zip(parsed.declared, puts, strict=True)
    }
    policy = workspace_content(workspace).policy
    with transaction(workspace) as session:
        recorded = record_submission(session, policy, row, parsed, stored, source, sha)
    today = dt.date.today()
    warnings = [
        warning
        for item in parsed.declared
        for warning in date_warnings(
            item.file,
            policy.evidence_kinds.get(item.kind),
            policy.evidence_kinds[item.kind].label
            if item.kind in policy.evidence_kinds
            else item.kind,
            EvidenceDates(
                item.kind,
                item.issued,
                item.expires,
                item.period_end,
                item.period_start,
                item.audited,
            ),
            today,
        )
    ]
    return Imported(
        row.id,
        row.vendor_id,
        Respondent(row.part),
        parsed.status,
        recorded.submission_id,
        recorded.version,
        len(parsed.answers),
        parsed.unanswered,
        parsed.unconfirmed,
        recorded.evidence_new,
        recorded.evidence_known,
        warnings=tuple(warnings),
    )


def check_questionnaire(
    path: Path,
    *,
    max_bytes: int = DEFAULT_FILE_BYTES,
    max_evidence_bytes: int = DEFAULT_EVIDENCE_BYTES,
) -> Checked:
    """Check a filled questionnaire with only what the file carries: no workspace needed."""
    source = str(path)
    filled = read_filled(path, source, max_bytes)
    questionnaire = _carried(filled)
    parsed, problems = inspect_submission(
        filled, questionnaire, path.parent, max_evidence_bytes=max_evidence_bytes
    )
    return Checked(
        source,
        questionnaire.id,
        questionnaire.vendor_id,
        questionnaire.part.value,
        parsed.status.value,
        len(questionnaire.questions),
        len(parsed.answers),
        parsed.unanswered,
        parsed.unconfirmed,
        len(parsed.declared),
        tuple(sorted(problems, key=lambda p: (p.source, p.line or 0, p.path))),
    )


def _carried(filled: Filled) -> Questionnaire:
    if filled.spec is None:
        raise ContentError(
            [
                Problem(
                    filled.source,
                    "this file does not carry its questions' data, so it cannot "
                    "check itself (it was issued by an older version)",
                )
            ],
            hint="the organisation that sent it can import it; ask it for a new copy to self-check",
        )
    try:
        return questionnaire_from_spec(filled.spec, filled.kind_labels, filled.meta)
    except (KeyError, ValueError, TypeError, AttributeError):
        raise ContentError(
            [Problem(filled.source, "the questionnaire's own data in this file is damaged")],
            hint="answer only in the answer, comment and evidence fields; ask for a fresh copy",
        ) from None


def list_questionnaires(
    workspace: Workspace, vendor_id: str | None = None
) -> list[tuple[QuestionnaireRow, Sequence[SubmissionRow]]]:
    with reading(workspace) as session:
        return [
            (q, queries.submissions(session, q.id))
            for q in queries.questionnaires(session, vendor_id)
        ]


def show_submission(
    workspace: Workspace, questionnaire_id: str, version: int | None = None
) -> tuple[SubmissionRow, Sequence[AnswerRow]]:
    """One submission of a questionnaire (the newest unless a version is given), with answers.
    A vendor's id stands for its newest questionnaire that has a submission."""
    with reading(workspace) as session:
        if queries.questionnaire(session, questionnaire_id) is None and queries.vendor(
            session, questionnaire_id
        ):
            answered = [
                q
                for q in queries.questionnaires(session, questionnaire_id)
                if q.part == "vendor" and queries.submissions(session, q.id)
            ]
            if not answered:
                raise NotFoundError(
                    f"vendor '{questionnaire_id}' has returned no questionnaire yet",
                    hint="`audit questionnaire list VENDOR` shows what was issued",
                )
            questionnaire_id = max(answered, key=lambda q: (q.issued, q.id)).id
        if queries.questionnaire(session, questionnaire_id) is None:
            raise NotFoundError(
                f"no questionnaire '{questionnaire_id}'",
                hint="`audit questionnaire list VENDOR` shows a vendor's questionnaires",
            )
        versions = queries.submissions(session, questionnaire_id)
        chosen = [s for s in versions if version is None or s.version == version]
        if not chosen:
            what = f"no version {version} of" if version is not None else "nothing submitted for"
            raise NotFoundError(f"{what} questionnaire '{questionnaire_id}'")
        submission = chosen[-1]
        assert submission.id is not None  # noqa: S101 - stored rows have ids
        return submission, queries.answers(session, submission.id)
