"""The vendor portal's use cases: the questionnaire a link opens, as it was issued; answers and
comments saved as a draft as they are given; progress; submitting.

Every value is read by the same `AnswerReader` as a filled file, so the portal refuses what an
import refuses, in the same words. The draft lives in `portal_answer` (one row per question,
overwritten as the vendor changes it); submitting turns it into a final submission version
through the path imports take, and locks the portal. Every action is a `portal_event` with its
time and the address it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from audit.errors import InputError, NotFoundError
from audit.inputs import text_problem
from audit.model import AnswerType, SubmissionStatus
from audit.questionnaire.document import Question
from audit.questionnaire.reader import COMMENT_LIMIT
from audit.questionnaire.values import AnswerReader, blank
from audit.services.database import reading, transaction
from audit.services.portal_preview import PORTAL
from audit.services.portal_view import (
    Draft,
    PortalState,
    asked,
    build_state,
    issued_questionnaire,
)
from audit.store import queries
from audit.store.tables import (
    PortalAnswerRow,
    PortalEventRow,
    PortalFileRow,
    QuestionnaireRow,
    SubmissionRow,
    utcnow,
)
from audit.workspace import Workspace

SOURCE = PORTAL  # a submission made here names no file


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who acts: the questionnaire their session opens, and the address they came from."""

    questionnaire_id: str
    address: str | None = None


class LockedError(InputError):
    """The questionnaire was submitted: the portal only shows what was sent."""


class IncompleteError(InputError):
    """Submitting was refused: questions asked are not answered."""

    def __init__(self, missing: Sequence[Question]) -> None:
        super().__init__(
            f"{len(missing)} question(s) are not answered yet; answer them, then submit",
            hint="your answers so far are saved",
        )
        self.missing = tuple(missing)


def _final(session: Session, questionnaire_id: str) -> SubmissionRow | None:
    query = (
        select(SubmissionRow)
        .where(
            SubmissionRow.questionnaire_id == questionnaire_id,
            SubmissionRow.status == SubmissionStatus.FINAL.value,
        )
        .order_by(col(SubmissionRow.version).desc())
        .limit(1)
    )
    return session.exec(query).first()


_ANSWERS: sa.Table = PortalAnswerRow.__table__  # type: ignore[attr-defined]
_EVENTS: sa.Table = PortalEventRow.__table__  # type: ignore[attr-defined]
_SUBMISSIONS: sa.Table = SubmissionRow.__table__  # type: ignore[attr-defined]
_QUESTIONNAIRES: sa.Table = QuestionnaireRow.__table__  # type: ignore[attr-defined]


def read_draft(session: Session, questionnaire_id: str) -> dict[str, Draft]:
    rows = session.connection().execute(
        sa.select(_ANSWERS.c.control_id, _ANSWERS.c.value, _ANSWERS.c.comment).where(
            _ANSWERS.c.questionnaire_id == questionnaire_id
        )
    )
    return {control_id: Draft(value, comment) for control_id, value, comment in rows}


def uploaded_files(session: Session, questionnaire_id: str) -> tuple[PortalFileRow, ...]:
    rows = session.exec(
        select(PortalFileRow)
        .where(PortalFileRow.questionnaire_id == questionnaire_id)
        .order_by(col(PortalFileRow.id))
    ).all()
    return tuple(rows)


def event(session: Session, visitor: Visitor, action: str, detail: str | None = None) -> None:
    session.connection().execute(
        sa.insert(_EVENTS).values(
            questionnaire_id=visitor.questionnaire_id,
            at=utcnow(),
            action=action,
            address=(visitor.address or "")[:64] or None,
            detail=detail[:500] if detail else None,
        )
    )


def portal_state(workspace: Workspace, visitor: Visitor) -> PortalState:
    issued = issued_questionnaire(workspace, visitor.questionnaire_id)
    with reading(workspace) as session:
        draft = read_draft(session, visitor.questionnaire_id)
        files = uploaded_files(session, visitor.questionnaire_id)
        submitted = _final(session, visitor.questionnaire_id)
    return build_state(issued, draft, files, submitted)


def refuse_if_submitted(session: Session, visitor: Visitor) -> None:
    """Refuse once submitted. The questionnaire's row is locked for the transaction first, so
    that a save and a submit of one questionnaire take turns (PostgreSQL; SQLite has one
    writer at a time anyway): no save lands after the submit has read the draft."""
    final = (
        sa.select(sa.func.max(_SUBMISSIONS.c.imported_at))
        .where(
            _SUBMISSIONS.c.questionnaire_id == _QUESTIONNAIRES.c.id,
            _SUBMISSIONS.c.status == SubmissionStatus.FINAL.value,
        )
        .scalar_subquery()
    )
    found = (
        session.connection()
        .execute(
            sa.select(_QUESTIONNAIRES.c.id, final)
            .where(_QUESTIONNAIRES.c.id == visitor.questionnaire_id)
            .with_for_update(of=_QUESTIONNAIRES)
        )
        .first()
    )
    submitted_at = found[1] if found is not None else None
    if submitted_at is not None:
        raise LockedError(
            f"{visitor.questionnaire_id} was submitted on {submitted_at:%Y-%m-%d}; "
            "the answers sent can be read and downloaded, not changed",
            hint="write to the person who sent you the link if something must be corrected",
        )


def _read_comment(raw: Any) -> tuple[str | None, str | None]:
    """The comment to store (None: none), or why it is refused."""
    if blank(raw):
        return None, None
    text = str(raw).strip()
    if len(text) > COMMENT_LIMIT:
        return None, (
            f"the comment is {len(text):,} characters; keep it under {COMMENT_LIMIT:,} and send "
            "longer explanations as a document"
        )
    if (wrong := text_problem(text)) is not None:
        return None, f"the comment: {wrong}"
    return text, None


def _read_value(question: Question, raw: Any) -> tuple[Any, str | None]:
    """The value to store (None: not answered), or why what was written is refused."""
    if isinstance(raw, list):
        raw = [r for r in raw if not blank(r)]
        if not raw:
            return None, None
        if question.answer.type is not AnswerType.MULTI_CHOICE:
            raw = raw[-1]
    if blank(raw):
        return None, None
    return AnswerReader(question, by_label=False).read(raw)


@dataclass(frozen=True, slots=True)
class Saved:
    """What saving changed: the state after it, and the follow-ups it showed or hid."""

    state: PortalState
    toggled: tuple[str, ...]


def _upsert(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or overwrite draft answers, safely when two saves of one question race."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    table = _ANSWERS
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table)  # type: ignore[assignment]
    statement = statement.on_conflict_do_update(
        index_elements=["questionnaire_id", "control_id"],
        set_={
            "value": statement.excluded.value,
            "comment": statement.excluded.comment,
            "updated_at": statement.excluded.updated_at,
        },
    )
    session.connection().execute(statement, list(rows))


def save_answers(
    workspace: Workspace,
    visitor: Visitor,
    written: Mapping[str, tuple[Any, Any]],
) -> Saved:
    """Save what was written for some questions (control id -> (answer, comment)) as the
    draft. Values the reader refuses are not stored; the state carries why, beside what was
    written, for the page to show. A blank answer and comment clear the question."""
    issued = issued_questionnaire(workspace, visitor.questionnaire_id)
    questionnaire = issued.questionnaire
    refused: dict[str, tuple[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    cleared: list[str] = []
    now = utcnow()
    for control_id, (raw_value, raw_comment) in written.items():
        question = questionnaire.question(control_id)
        if question is None:
            raise NotFoundError(f"{control_id} is not a question of {questionnaire.id}")
        value, wrong = _read_value(question, raw_value)
        comment, wrong_comment = _read_comment(raw_comment)
        if wrong or wrong_comment:
            refused[control_id] = (wrong or wrong_comment or "", raw_value)
            continue
        if value is None and comment is None:
            cleared.append(control_id)
            continue
        rows.append(
            {
                "questionnaire_id": questionnaire.id,
                "control_id": control_id,
                "value": value,
                "comment": comment,
                "updated_at": now,
            }
        )
    with transaction(workspace) as session:
        refuse_if_submitted(session, visitor)
        before = read_draft(session, visitor.questionnaire_id)
        _upsert(session, rows)
        if cleared:
            session.connection().execute(
                sa.delete(PortalAnswerRow).where(
                    col(PortalAnswerRow.questionnaire_id) == questionnaire.id,
                    col(PortalAnswerRow.control_id).in_(cleared),
                )
            )
        saved = sorted({r["control_id"] for r in rows} | set(cleared))
        if saved:
            event(session, visitor, "save", ", ".join(saved))
        files = uploaded_files(session, visitor.questionnaire_id)
    after = dict(before)
    for cid in cleared:
        after.pop(cid, None)
    for r in rows:
        after[r["control_id"]] = Draft(r["value"], r["comment"])
    old = {cid: r.value for cid, r in before.items() if r.value is not None}
    new = {cid: r.value for cid, r in after.items() if r.value is not None}
    toggled = tuple(
        q.id
        for q in questionnaire.questions
        if q.follow_up is not None and asked(q, old) != asked(q, new)
    )
    return Saved(build_state(issued, after, files, None, refused), toggled)


def submitted_answers(workspace: Workspace, visitor: Visitor) -> dict[str, tuple[Any, str | None]]:
    """What the vendor gave (the final submission once submitted, else the draft), by
    control: (value, comment)."""
    with reading(workspace) as session:
        submitted = _final(session, visitor.questionnaire_id)
        if submitted is not None and submitted.id is not None:
            return {
                a.control_id: (a.value, a.comment) for a in queries.answers(session, submitted.id)
            }
        return {
            cid: (r.value, r.comment)
            for cid, r in read_draft(session, visitor.questionnaire_id).items()
        }


def record(workspace: Workspace, visitor: Visitor, action: str) -> None:
    """Record an action that changes nothing else: a link opened, a session left."""
    with transaction(workspace) as session:
        event(session, visitor, action)
