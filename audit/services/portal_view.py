"""What the vendor portal shows (pure, but for loading what was issued): the questionnaire as
issued, with last cycle's answers; each question with its draft, whether it is asked now (a
follow-up whose condition does not hold is not), the documents supporting it and those still
missing; progress per part (a checklist, as a sheet of the workbook) and per section."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from audit.content.conditions import evaluate
from audit.errors import NotFoundError
from audit.model import SubmissionStatus
from audit.questionnaire.document import Question, Questionnaire
from audit.questionnaire.words import previous_words
from audit.services.content import workspace_content
from audit.services.database import reading
from audit.services.submissions import stored_questionnaire
from audit.services.vendors import load_vendor
from audit.store import queries
from audit.store.tables import PortalFileRow, QuestionnaireRow, SubmissionRow
from audit.workspace import Workspace


class Draft(NamedTuple):
    """One question's saved answer and comment."""

    value: Any
    comment: str | None


@dataclass(frozen=True, slots=True)
class Issued:
    """An issued questionnaire as the portal shows it (it never changes once issued)."""

    questionnaire: Questionnaire
    last: Mapping[str, str]  # control id -> last cycle's final answer, in words
    owner: str


@dataclass(frozen=True, slots=True)
class Shown:
    """One question as shown: its draft, whether it is asked now, and what is still missing."""

    question: Question
    value: Any
    comment: str
    asked: bool
    last: str | None
    files: tuple[str, ...]
    missing: tuple[str, ...]  # evidence asked for and not yet uploaded (kind labels)
    error: str | None = None
    written: Any = None  # what was written, when it was refused

    @property
    def answered(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Group:
    """A section of a checklist: a heading and its questions."""

    title: str
    questions: tuple[Shown, ...]

    @property
    def asked(self) -> int:
        return sum(1 for s in self.questions if s.asked)

    @property
    def answered(self) -> int:
        return sum(1 for s in self.questions if s.asked and s.answered)


@dataclass(frozen=True, slots=True)
class ShownSection:
    """A page of the portal: one checklist, as one sheet of the workbook, in its sections."""

    number: int
    title: str
    groups: tuple[Group, ...]

    @property
    def questions(self) -> tuple[Shown, ...]:
        return tuple(q for g in self.groups for q in g.questions)

    @property
    def asked(self) -> int:
        return sum(g.asked for g in self.groups)

    @property
    def answered(self) -> int:
        return sum(g.answered for g in self.groups)


@dataclass(frozen=True, slots=True)
class Requested:
    kind: str
    label: str
    description: str
    dates: tuple[str, ...]
    questions: tuple[str, ...]
    lacking: tuple[str, ...]
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PortalState:
    issued: Issued
    sections: tuple[ShownSection, ...]
    files: tuple[PortalFileRow, ...]
    submitted: SubmissionRow | None
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def questionnaire(self) -> Questionnaire:
        return self.issued.questionnaire

    @property
    def asked(self) -> int:
        return sum(s.asked for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def unanswered(self) -> tuple[Shown, ...]:
        return tuple(q for s in self.sections for q in s.questions if q.asked and not q.answered)

    @property
    def evidence_missing(self) -> tuple[Shown, ...]:
        return tuple(q for s in self.sections for q in s.questions if q.asked and q.missing)

    @property
    def requested(self) -> tuple[Requested, ...]:
        """Each kind of document asked for: by which questions, what is uploaded, and which
        questions that require it still lack one (of this kind or another they accept)."""
        out = []
        asked = [q for s in self.sections for q in s.questions if q.asked]
        for kind in self.questionnaire.kinds:
            asking = [q for q in asked if any(kind.id in a.kinds for a in q.question.evidence)]
            if not asking:
                continue
            lacking = [
                q.question.id
                for q in asking
                if any(kind.id in a.kinds and a.required for a in q.question.evidence) and q.missing
            ]
            out.append(
                Requested(
                    kind.id,
                    kind.label,
                    kind.description,
                    kind.dates,
                    tuple(q.question.id for q in asking),
                    tuple(lacking),
                    tuple(f.file_name for f in self.files if f.kind == kind.id),
                )
            )
        return tuple(sorted(out, key=lambda r: not r.lacking))  # what is missing first

    def section_of(self, control_id: str) -> ShownSection | None:
        return next(
            (s for s in self.sections if any(q.question.id == control_id for q in s.questions)),
            None,
        )


_ISSUED: dict[tuple[str, str], Issued] = {}
_ISSUED_LOCK = threading.Lock()
_ISSUED_KEEP = 256


def issued_questionnaire(workspace: Workspace, questionnaire_id: str) -> Issued:
    """The questionnaire as issued, with last cycle's answers; kept in memory, since what was
    issued never changes (the same process serves the same few questionnaires repeatedly)."""
    key = (str(workspace.root), questionnaire_id)
    with _ISSUED_LOCK:
        if key in _ISSUED:
            return _ISSUED[key]
    content = workspace_content(workspace)
    with reading(workspace) as session:
        row = session.get(QuestionnaireRow, questionnaire_id)
        # Either part: a vendor's session opens only the vendor's part (links are made for no
        # other), an officer's only an assessor's part (the dashboard, behind sign-in).
        if row is None:
            raise NotFoundError(f"no questionnaire '{questionnaire_id}'")
        questionnaire = stored_questionnaire(workspace, session, row, content)
        last = _last_cycle(session, row)
    owner = load_vendor(workspace, row.vendor_id).owner
    words = {
        q.id: previous_words(_with_previous(q, last[q.id]))
        for q in questionnaire.questions
        if q.id in last
    }
    issued = Issued(questionnaire, {k: v for k, v in words.items() if v}, owner)
    with _ISSUED_LOCK:
        if len(_ISSUED) >= _ISSUED_KEEP:
            _ISSUED.pop(next(iter(_ISSUED)))
        _ISSUED[key] = issued
    return issued


def _with_previous(question: Question, value: Any) -> Question:
    return replace(question, previous=value)


def _last_cycle(session: Session, row: QuestionnaireRow) -> dict[str, Any]:
    """The final answers the vendor gave before this questionnaire was issued."""
    query = (
        select(SubmissionRow)
        .join(QuestionnaireRow, col(QuestionnaireRow.id) == col(SubmissionRow.questionnaire_id))
        .where(
            SubmissionRow.vendor_id == row.vendor_id,
            QuestionnaireRow.part == row.part,
            SubmissionRow.status == SubmissionStatus.FINAL.value,
            SubmissionRow.questionnaire_id != row.id,
            col(SubmissionRow.imported_at)
            < dt.datetime.combine(row.issued + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
        )
        .order_by(col(SubmissionRow.imported_at).desc(), col(SubmissionRow.id).desc())
        .limit(1)
    )
    latest = session.exec(query).first()
    if latest is None or latest.id is None:
        return {}
    return {
        a.control_id: a.value for a in queries.answers(session, latest.id) if a.value is not None
    }


def asked(question: Question, answers: Mapping[str, Any]) -> bool:
    return question.follow_up is None or evaluate(question.follow_up, {}, answers)


def _missing(
    question: Question, supporting: set[str], labels: Mapping[str, str]
) -> tuple[str, ...]:
    """The evidence a question requires that no uploaded file of its kinds supports yet
    (`supporting`: the kinds of the files that support it)."""
    return tuple(
        " or ".join(labels.get(i, i) for i in ask.kinds)
        for ask in question.evidence
        if ask.required and not supporting.intersection(ask.kinds)
    )


def build_state(
    issued: Issued,
    draft: Mapping[str, Draft],
    files: tuple[PortalFileRow, ...],
    submitted: SubmissionRow | None,
    refused: Mapping[str, tuple[str, Any]] | None = None,
) -> PortalState:
    questionnaire = issued.questionnaire
    refused = refused or {}
    answers = {cid: r.value for cid, r in draft.items() if r.value is not None}
    labels = {k.id: k.label for k in questionnaire.kinds}
    names: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    for f in files:
        for cid in f.controls:
            names.setdefault(cid, []).append(f.file_name)
            kinds.setdefault(cid, set()).add(f.kind)
    pages: dict[str, dict[str, list[Shown]]] = {}
    for q in questionnaire.questions:
        row = draft.get(q.id)
        error, written = refused.get(q.id, (None, None))
        pages.setdefault(q.checklist, {}).setdefault(q.section, []).append(
            Shown(
                q,
                row.value if row else None,
                (row.comment or "") if row else "",
                asked(q, answers),
                issued.last.get(q.id),
                tuple(names.get(q.id, ())),
                _missing(q, kinds.get(q.id, set()), labels),
                error,
                written,
            )
        )
    titles = {(s.checklist, s.id): s.title for s in questionnaire.sections}
    sections = tuple(
        ShownSection(
            number,
            questionnaire.checklist_titles.get(checklist, checklist),
            tuple(
                Group(titles.get((checklist, section), section), tuple(shown))
                for section, shown in groups.items()
            ),
        )
        for number, (checklist, groups) in enumerate(pages.items(), start=1)
    )
    return PortalState(
        issued, sections, files, submitted, {cid: e for cid, (e, _) in refused.items()}
    )
