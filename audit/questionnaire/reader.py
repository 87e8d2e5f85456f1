"""The one reader of filled questionnaires: whatever the format (YAML, JSON, workbook), the
values written are checked against the questionnaire as issued, in words the person who filled
it understands, and every problem is reported at once with where it is.

Nothing is stored unless there are none; the caller stores the `ParsedSubmission`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.content.conditions import evaluate
from audit.errors import ContentError, Problem
from audit.inputs import one_line, text_problem
from audit.model import SubmissionStatus
from audit.questionnaire.document import Questionnaire
from audit.questionnaire.files import DeclaredEvidence, cited_names, declared_files
from audit.questionnaire.filled import Filled, Written, about
from audit.questionnaire.values import AnswerReader, blank, words_key

COMMENT_LIMIT = 4000


@dataclass(frozen=True, slots=True)
class ParsedSubmission:
    questionnaire_id: str
    status: SubmissionStatus
    completed_by: str | None
    answers: dict[str, Any]
    comments: dict[str, str]
    evidence: dict[str, tuple[str, ...]]
    declared: tuple[DeclaredEvidence, ...]
    unanswered: tuple[str, ...]  # asked, and not answered (unconfirmed pre-fills included)
    unconfirmed: tuple[str, ...]  # pre-filled from last cycle and neither confirmed nor changed


def _truthy(written: Written | None) -> bool | None:
    """A confirmation as written: true/yes/x (workbook: "Yes"); None when it is not one."""
    if written is None or blank(written.value):
        return False
    if isinstance(written.value, bool):
        return written.value
    if isinstance(written.value, str) and words_key(written.value) in ("yes", "y", "x", "true"):
        return True
    if isinstance(written.value, str) and words_key(written.value) in ("no", "n", "false"):
        return False
    return None


@dataclass
class _Reading:
    answers: dict[str, Any]
    comments: dict[str, str]
    cited: dict[str, tuple[str, ...]]
    unconfirmed: list[str]


def _read_entries(
    filled: Filled, questionnaire: Questionnaire, problems: list[Problem]
) -> _Reading:
    questions = {q.id: q for q in questionnaire.questions}
    reading = _Reading({}, {}, {}, [])
    for control_id, entry in filled.entries.items():
        question = questions.get(control_id)
        if question is None:
            problems.append(
                entry.answer.where.problem(
                    f"{control_id} is not a question of {questionnaire.id}; remove it"
                )
            )
            continue
        if not blank(entry.answer.value):
            value, message = AnswerReader(question, filled.by_label).read(entry.answer.value)
            if message:
                problems.append(about(entry.answer.where, control_id, message))
            else:
                confirmed = _truthy(entry.confirmed)
                if confirmed is None and entry.confirmed is not None:
                    problems.append(
                        about(
                            entry.confirmed.where,
                            control_id,
                            "write true (or Yes) to confirm last cycle's answer",
                        )
                    )
                prefilled = questionnaire.prefilled and question.previous is not None
                if prefilled and value == question.previous and not confirmed:
                    reading.unconfirmed.append(control_id)
                else:
                    reading.answers[control_id] = value
        comment = entry.comment.value
        if not blank(comment):
            if not isinstance(comment, str | int | float) or isinstance(comment, bool):
                problems.append(about(entry.comment.where, control_id, "write the comment as text"))
            elif len(str(comment)) > COMMENT_LIMIT:
                problems.append(
                    about(
                        entry.comment.where,
                        control_id,
                        f"the comment is {len(str(comment)):,} characters; keep it under "
                        f"{COMMENT_LIMIT:,} and send longer explanations as a document",
                    )
                )
            elif (wrong := text_problem(str(comment))) is not None:
                problems.append(about(entry.comment.where, control_id, f"the comment: {wrong}"))
            else:
                reading.comments[control_id] = str(comment).strip()
        names = cited_names(control_id, entry.evidence, problems)
        if names:
            reading.cited[control_id] = names
    return reading


def _header_problems(filled: Filled, questionnaire: Questionnaire, problems: list[Problem]) -> None:
    vendor = filled.header.get("vendor")
    if vendor is not None and vendor.value != questionnaire.vendor_id:
        problems.append(
            vendor.where.problem(
                f"this questionnaire was issued to {questionnaire.vendor_id}, not '{vendor.value}'"
            )
        )
    part = filled.header.get("part")
    if part is not None and part.value != questionnaire.part.value:
        problems.append(
            part.where.problem(
                f"this is the {part.value}'s part; {questionnaire.id} is the "
                f"{questionnaire.part.value}'s"
            )
        )
    stated = filled.header.get("sha256")
    if stated is not None and stated.value != questionnaire.sha256:
        problems.append(
            stated.where.problem(
                f"this file's questions differ from {questionnaire.id} as issued (its options or "
                "follow-ups were changed, or it comes from another issue); answer in a fresh copy"
            )
        )


def _status(filled: Filled, problems: list[Problem]) -> SubmissionStatus:
    written = filled.header.get("status")
    if written is None or blank(written.value):
        return SubmissionStatus.DRAFT
    text = words_key(str(written.value))
    for status in SubmissionStatus:
        if text.startswith(status.value):
            return status
    problems.append(written.where.problem(f"status '{written.value}' must be draft or final"))
    return SubmissionStatus.DRAFT


def unanswered_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[str]:
    """Questions asked and not answered; a follow-up whose condition does not hold is not
    asked (its condition reads earlier answers only: facts were decided at issue)."""
    return [
        q.id
        for q in questionnaire.questions
        if q.id not in answers and (q.follow_up is None or evaluate(q.follow_up, {}, answers))
    ]


def inspect_submission(
    filled: Filled,
    questionnaire: Questionnaire,
    directory: Path,
    *,
    max_evidence_bytes: int,
    allow_unanswered: bool = False,
) -> tuple[ParsedSubmission, list[Problem]]:
    """What a filled copy says, and every problem with it (a self-check shows both)."""
    problems = list(filled.problems)
    _header_problems(filled, questionnaire, problems)
    status = _status(filled, problems)
    reading = _read_entries(filled, questionnaire, problems)
    declared = declared_files(
        filled, questionnaire, directory, reading.cited, max_evidence_bytes, problems
    )
    unanswered = unanswered_questions(questionnaire, reading.answers)
    if status is SubmissionStatus.FINAL and unanswered and not allow_unanswered:
        where = filled.header["status"].where
        shown = ", ".join(unanswered[:12]) + (" ..." if len(unanswered) > 12 else "")
        unconfirmed = [cid for cid in unanswered if cid in reading.unconfirmed]
        note = (
            f" ({len(unconfirmed)} pre-filled from last cycle and not confirmed)"
            if unconfirmed
            else ""
        )
        problems.append(
            where.problem(
                f"marked final, but {len(unanswered)} question(s) are not answered{note}: "
                f"{shown}; answer them, or keep the status draft"
            )
        )
    completed_by = filled.value("completed_by")
    parsed = ParsedSubmission(
        questionnaire.id,
        status,
        one_line(str(completed_by))[:200] if not blank(completed_by) else None,
        reading.answers,
        reading.comments,
        reading.cited,
        declared,
        tuple(unanswered),
        tuple(reading.unconfirmed),
    )
    return parsed, problems


def read_submission(
    filled: Filled,
    questionnaire: Questionnaire,
    directory: Path,
    *,
    max_evidence_bytes: int,
    allow_unanswered: bool = False,
) -> ParsedSubmission:
    """The answers and evidence of a filled copy, or ContentError listing every problem."""
    parsed, problems = inspect_submission(
        filled,
        questionnaire,
        directory,
        max_evidence_bytes=max_evidence_bytes,
        allow_unanswered=allow_unanswered,
    )
    if problems:
        raise ContentError(
            problems, hint="nothing was stored; fix these and send or import the file again"
        )
    return parsed
