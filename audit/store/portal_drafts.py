"""The vendor portal's working copy as an assessment preview reads it (`assess
--include-draft`): the newest questionnaire with portal answers and no final submission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from audit.store.tables import PortalAnswerRow, PortalFileRow, QuestionnaireRow, SubmissionRow


@dataclass(frozen=True, slots=True)
class PortalDraft:
    questionnaire: QuestionnaireRow
    answers: Sequence[PortalAnswerRow]
    files: Sequence[PortalFileRow]
    saved_at: dt.datetime  # the newest save


def newest_portal_draft(session: Session, vendor_id: str, as_of: dt.date) -> PortalDraft | None:
    """The vendor's newest questionnaire issued on or before `as_of` that has answers saved in
    the portal and has not been submitted, with what was saved; None when there is none."""
    submitted = select(SubmissionRow.questionnaire_id).where(
        SubmissionRow.vendor_id == vendor_id, SubmissionRow.status == "final"
    )
    query = (
        select(QuestionnaireRow, func.max(PortalAnswerRow.updated_at))
        .join(PortalAnswerRow, col(PortalAnswerRow.questionnaire_id) == col(QuestionnaireRow.id))
        .where(
            QuestionnaireRow.vendor_id == vendor_id,
            QuestionnaireRow.part == "vendor",
            col(QuestionnaireRow.issued) <= as_of,
            col(QuestionnaireRow.id).not_in(submitted),
        )
        .group_by(col(QuestionnaireRow.id))
        .order_by(col(QuestionnaireRow.issued).desc(), col(QuestionnaireRow.id).desc())
        .limit(1)
    )
    found = session.exec(query).first()
    if found is None:
        return None
    questionnaire, saved_at = found
    answers = session.exec(
        select(PortalAnswerRow).where(PortalAnswerRow.questionnaire_id == questionnaire.id)
    ).all()
    files = session.exec(
        select(PortalFileRow).where(PortalFileRow.questionnaire_id == questionnaire.id)
    ).all()
    return PortalDraft(questionnaire, answers, files, saved_at)
