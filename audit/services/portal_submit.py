"""Submitting in the vendor portal: the draft becomes a final submission version through the
path imports take (`record_submission`), the uploaded files become the vendor's evidence, the
portal locks, and the relationship owner is told."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from audit.errors import InputError
from audit.inputs import one_line, text_problem
from audit.model import SubmissionStatus
from audit.notify import DEFAULT_FROM, Notice, Outbox, smtp_config
from audit.questionnaire.files import DeclaredEvidence
from audit.questionnaire.reader import ParsedSubmission
from audit.services.content import workspace_content
from audit.services.database import transaction
from audit.services.portal import (
    SOURCE,
    IncompleteError,
    Visitor,
    event,
    read_draft,
    refuse_if_submitted,
    uploaded_files,
)
from audit.services.portal_view import Issued, build_state, issued_questionnaire
from audit.services.recording import record_submission
from audit.store.tables import PortalFileRow, QuestionnaireRow, SubmissionRow
from audit.workspace import Workspace


def submit(workspace: Workspace, visitor: Visitor, completed_by: str | None) -> SubmissionRow:
    """Make the draft a final submission version, with the uploaded files as the vendor's
    evidence; refuses while questions asked are unanswered; the portal is read-only after."""
    issued = issued_questionnaire(workspace, visitor.questionnaire_id)
    questionnaire = issued.questionnaire
    name = one_line(completed_by or "")[:200] or None
    if name is not None and (wrong := text_problem(name)) is not None:
        raise InputError(f"your name: {wrong}")
    policy = workspace_content(workspace).policy
    with transaction(workspace) as session:
        refuse_if_submitted(session, visitor)
        row = session.get(QuestionnaireRow, questionnaire.id)
        assert row is not None  # noqa: S101 - issued_questionnaire found it
        draft = read_draft(session, questionnaire.id)
        files = uploaded_files(session, questionnaire.id)
        state = build_state(issued, draft, files, None)
        if state.unanswered:
            raise IncompleteError([s.question for s in state.unanswered])
        asked = {q.question.id for s in state.sections for q in s.questions if q.asked}
        answers = {cid: r.value for cid, r in draft.items() if cid in asked and r.value is not None}
        comments = {cid: r.comment for cid, r in draft.items() if cid in asked and r.comment}
        parsed = ParsedSubmission(
            questionnaire.id,
            SubmissionStatus.FINAL,
            name,
            answers,
            comments,
            _cited(files, asked),
            tuple(_declared(f) for f in files),
            (),
            (),
        )
        recorded = record_submission(
            session,
            policy,
            row,
            parsed,
            {f.file_name: (f.sha256, f.size) for f in files},
            SOURCE,
            _digest(answers, comments, files),
        )
        event(session, visitor, "submit", f"version {recorded.version}")
        submitted = session.get(SubmissionRow, recorded.submission_id)
        assert submitted is not None  # noqa: S101 - just inserted
        session.expunge(submitted)
    _tell_owner(workspace, issued, submitted, len(files))
    return submitted


def _cited(files: Sequence[PortalFileRow], asked: set[str]) -> dict[str, tuple[str, ...]]:
    cited: dict[str, list[str]] = {}
    for f in files:
        for cid in f.controls:
            if cid in asked:
                cited.setdefault(cid, []).append(f.file_name)
    return {cid: tuple(names) for cid, names in cited.items()}


def _declared(f: PortalFileRow) -> DeclaredEvidence:
    return DeclaredEvidence(
        f.file_name,
        f.kind,
        Path(f.sha256),  # already in the store; record_submission is given its hash
        f.issued,
        f.expires,
        f.period_end,
        (),  # picked questions cite the document; the portal does not limit it (proof.covers)
        f.period_start,
        f.audited,
    )


def _digest(
    answers: Mapping[str, Any], comments: Mapping[str, str], files: Sequence[PortalFileRow]
) -> str:
    """What identifies a portal submission's content, as a file's bytes identify an import."""
    canonical = json.dumps(
        {
            "answers": answers,
            "comments": comments,
            "files": [[f.sha256, f.kind, f.file_name, sorted(f.controls)] for f in files],
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _tell_owner(workspace: Workspace, issued: Issued, submitted: SubmissionRow, files: int) -> None:
    """E-mail the relationship owner that the answers are in (outbox, then SMTP if set)."""
    q = issued.questionnaire
    by = f" by {submitted.completed_by}" if submitted.completed_by else ""
    body = (
        f"{q.vendor_name} submitted questionnaire {q.id} in the portal{by} on "
        f"{submitted.imported_at:%Y-%m-%d %H:%M} UTC: {submitted.answered} answers and "
        f"{files} document(s).\n\n"
        f"The scheduler assesses it on its next run; to assess it now:\n"
        f"  audit assess {q.vendor_id}\n"
        f"To read the answers:\n  audit questionnaire show {q.id}\n"
    )
    notice = Notice(
        f"submitted:{q.id}:{submitted.version}",
        (issued.owner,),
        f"{q.vendor_name} submitted questionnaire {q.id}",
        body,
    )
    config = smtp_config(workspace)
    outbox = Outbox(workspace.outbox_dir)
    outbox.queue(notice, config.sender if config else DEFAULT_FROM, dt.datetime.now(dt.UTC))
    if config is not None:
        outbox.flush(config)
