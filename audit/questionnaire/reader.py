"""The one reader of filled questionnaires: whatever the format (YAML, JSON, workbook), the
values written are checked against the questionnaire as issued, in words the person who filled
it understands, and every problem is reported at once with where it is.

Nothing is stored unless there are none; the caller stores the `ParsedSubmission`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from audit.content.answers import NOT_APPLICABLE, check_answer, parse_date
from audit.content.conditions import evaluate
from audit.errors import ContentError, InputError, Problem
from audit.evidence.store import check_file
from audit.model import AnswerType, SubmissionStatus
from audit.questionnaire.document import Question, Questionnaire
from audit.questionnaire.filled import DATE_FIELDS, DeclaredFile, Filled, Where, Written
from audit.questionnaire.words import DATE_EXAMPLE, DATE_WORDS

COMMENT_LIMIT = 4000
NAME_LIMIT = 255


@dataclass(frozen=True, slots=True)
class DeclaredEvidence:
    file: str
    kind: str
    path: Path
    issued: dt.date | None
    expires: dt.date | None
    period_end: dt.date | None
    controls: tuple[str, ...]


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


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Answers:
    """Turns what was written into the stored value: codes stay codes, words become codes."""

    def __init__(self, question: Question, by_label: bool) -> None:
        self.question = question
        self.by_label = by_label
        self.by_words = {_words(o.label): o.value for o in question.choices}
        self.by_words |= {_words(o.value): o.value for o in question.choices}

    def _options_hint(self) -> str:
        if self.by_label:
            return "pick one of the answers in the cell's drop-down list"
        codes = ", ".join(o.value for o in self.question.choices)
        return f"write one of: {codes} (or the option's words)"

    def choice(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool | int | float) or not isinstance(value, str):
            return None, f"'{value}' is not one of the answers offered; {self._options_hint()}"
        found = self.by_words.get(_words(value))
        if found is None:
            shown = value if len(value) <= 60 else value[:57] + "..."
            return None, f"'{shown}' is not one of the answers offered; {self._options_hint()}"
        return found, None

    def multi(self, value: Any) -> tuple[Any, str | None]:
        items = value.split(";") if isinstance(value, str) else value
        if not isinstance(items, list) or not [i for i in items if str(i).strip()]:
            return None, "choose one or more of the options, separated by ;"
        chosen = []
        for item in items:
            if isinstance(item, str) and not item.strip():
                continue
            code, message = self.choice(item.strip() if isinstance(item, str) else item)
            if message:
                return None, message
            chosen.append(code)
        return chosen, None

    def number(self, value: Any) -> tuple[Any, str | None]:
        spec = self.question.answer
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if self._na(text):
                return NOT_APPLICABLE, None
            if spec.type is AnswerType.PERCENT:
                text = text.removesuffix("%")
            try:
                value = float(text)
            except ValueError:
                unit = f" of {spec.unit}" if spec.unit else ""
                what = (
                    "a percentage such as 97.5"
                    if spec.type is AnswerType.PERCENT
                    else (f"a number{unit} such as 24")
                )
                return None, f"'{value}' is not a number; write {what}"
            value = int(value) if value.is_integer() and "." not in text else value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "write a number"
        if value != value or value in (float("inf"), float("-inf")):
            return None, "write a number"
        if spec.type is AnswerType.PERCENT and not 0 <= value <= 100:
            return None, f"{value:g} is not a percentage from 0 to 100"
        return value, None

    def date(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat(), None
        if isinstance(value, str) and self._na(value):
            return NOT_APPLICABLE, None
        if parse_date(value.strip() if isinstance(value, str) else value) is None:
            return None, f"'{value}' is not a date; dates are written {DATE_EXAMPLE}"
        return value.strip(), None

    def text(self, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return None, "write the answer as text"
        return str(value), None

    def _na(self, text: str) -> bool:
        allowed = self.question.answer.allow_na
        return allowed and _words(text) in ("na", "n/a", _words("Not applicable"))

    def read(self, value: Any) -> tuple[Any, str | None]:
        kind = self.question.answer.type
        if kind in (AnswerType.CHOICE, AnswerType.YES_NO):
            found, message = self.choice(value)
        elif kind is AnswerType.MULTI_CHOICE:
            found, message = self.multi(value)
        elif kind in (AnswerType.NUMBER, AnswerType.PERCENT):
            found, message = self.number(value)
        elif kind is AnswerType.DATE:
            found, message = self.date(value)
        else:
            found, message = self.text(value)
        if message is None:
            message = check_answer(self.question.answer, found)
        return found, message


def _about(where: Where, control_id: str, message: str) -> Problem:
    """A problem with one question; named by its id unless the location already names it."""
    return where.problem(message if control_id in where.path else f"{control_id}: {message}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name_problem(name: str) -> str | None:
    """Evidence names are plain file names sent with the questionnaire, never paths."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
        return "is a full path; give only the file's name and send the file with the questionnaire"
    if ".." in PurePosixPath(name).parts or ".." in PureWindowsPath(name).parts:
        return "points outside the folder ('..'); send the file with the questionnaire"
    if "/" in name or "\\" in name or name in (".", ""):
        return "is a path; give only the file's name and put the file next to the questionnaire"
    if any(ord(ch) < 32 for ch in name) or len(name) > NAME_LIMIT:
        return f"is not a usable file name (control characters, or over {NAME_LIMIT} characters)"
    return None


def _names(control_id: str, written: Written, problems: list[Problem]) -> tuple[str, ...]:
    value = written.value
    if _blank(value):
        return ()
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        problems.append(
            _about(written.where, control_id, "list the evidence files by name, e.g. [policy.pdf]")
        )
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in value if n.strip()))
    for name in names:
        message = _name_problem(name)
        if message:
            problems.append(_about(written.where, control_id, f"evidence '{name}' {message}"))
    return names


def _truthy(written: Written | None) -> bool | None:
    """A confirmation as written: true/yes/x (workbook: "Yes"); None when it is not one."""
    if written is None or _blank(written.value):
        return False
    if isinstance(written.value, bool):
        return written.value
    if isinstance(written.value, str) and _words(written.value) in ("yes", "y", "x", "true"):
        return True
    if isinstance(written.value, str) and _words(written.value) in ("no", "n", "false"):
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
        if not _blank(entry.answer.value):
            value, message = _Answers(question, filled.by_label).read(entry.answer.value)
            if message:
                problems.append(_about(entry.answer.where, control_id, message))
            else:
                confirmed = _truthy(entry.confirmed)
                if confirmed is None and entry.confirmed is not None:
                    problems.append(
                        _about(
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
        if not _blank(comment):
            if not isinstance(comment, str | int | float) or isinstance(comment, bool):
                problems.append(
                    _about(entry.comment.where, control_id, "write the comment as text")
                )
            elif len(str(comment)) > COMMENT_LIMIT:
                problems.append(
                    _about(
                        entry.comment.where,
                        control_id,
                        f"the comment is {len(str(comment)):,} characters; keep it under "
                        f"{COMMENT_LIMIT:,} and send longer explanations as a document",
                    )
                )
            else:
                reading.comments[control_id] = str(comment).strip()
        names = _names(control_id, entry.evidence, problems)
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
    if written is None or _blank(written.value):
        return SubmissionStatus.DRAFT
    text = _words(str(written.value))
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
    declared = _declared(
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
        str(completed_by).strip()[:200] if not _blank(completed_by) else None,
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


def _date(written: Written | None) -> tuple[dt.date | None, bool]:
    """The date written, and whether what was written was a date at all."""
    if written is None or _blank(written.value):
        return None, True
    value = written.value
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    day = parse_date(value.strip() if isinstance(value, str) else value)
    return day, day is not None


def _declared(
    filled: Filled,
    questionnaire: Questionnaire,
    directory: Path,
    cited: Mapping[str, tuple[str, ...]],
    max_bytes: int,
    problems: list[Problem],
) -> tuple[DeclaredEvidence, ...]:
    declared: dict[str, DeclaredEvidence] = {}
    kinds = {k.id: k for k in questionnaire.kinds}
    kind_by_words = {_words(k.label): k.id for k in questionnaire.kinds} | {k: k for k in kinds}
    listed = {f.file.value for f in filled.files if isinstance(f.file.value, str)}
    for item in filled.files:
        if (
            _blank(item.file.value)
            and _blank(item.kind.value)
            and not any(not _blank(d.value) for d in item.dates.values())
        ):
            continue  # an empty row of the workbook's evidence sheet
        entry = _declared_file(item, kind_by_words, kinds, directory, max_bytes, cited, problems)
        if entry is None:
            continue
        if entry.file in declared:
            problems.append(item.file.where.problem(f"'{entry.file}' is listed twice"))
            continue
        declared[entry.file] = entry
    for control_id, names in cited.items():
        for name in names:
            if name not in listed and _name_problem(name) is None:
                where = filled.entries[control_id].evidence.where
                problems.append(
                    _about(
                        where,
                        control_id,
                        f"evidence '{name}' is not in the list of files sent; add it there "
                        "with its kind and dates",
                    )
                )
    return tuple(declared.values())


def _declared_file(
    item: DeclaredFile,
    kind_by_words: Mapping[str, str],
    kinds: Mapping[str, Any],
    directory: Path,
    max_bytes: int,
    cited: Mapping[str, tuple[str, ...]],
    problems: list[Problem],
) -> DeclaredEvidence | None:
    name = item.file.value
    if _blank(name) or not isinstance(name, str):
        problems.append(item.file.where.problem("give the file's name"))
        return None
    name = name.strip()
    citing = sorted(cid for cid, names in cited.items() if name in names)
    suffix = f" (cited by {', '.join(citing)})" if citing else ""

    def problem(where: Where, message: str) -> None:
        problems.append(where.problem(message + suffix))

    message = _name_problem(name)
    if message:
        problem(item.file.where, f"'{name}' {message}")
        return None
    raw_kind = item.kind.value
    kind_id = kind_by_words.get(_words(raw_kind)) if isinstance(raw_kind, str) else None
    if kind_id is None:
        problem(
            item.kind.where,
            f"'{name}': '{raw_kind or ''}' is not a kind of document this questionnaire asks "
            "for; choose one of the kinds it lists",
        )
        return None
    kind = kinds[kind_id]
    dates: dict[str, dt.date | None] = {}
    bad = False
    for key in DATE_FIELDS:
        day, ok = _date(item.dates.get(key))
        dates[key] = day
        if not ok:
            written = item.dates[key]
            problem(
                written.where,
                f"'{name}': {DATE_WORDS[key]} '{written.value}' is not a date; dates are "
                f"written {DATE_EXAMPLE}",
            )
            bad = True
    for key in kind.dates:
        if dates[key] is None and not bad:
            where = item.dates[key].where if key in item.dates else item.where
            problem(where, f"'{name}' ({kind.label}) needs its {DATE_WORDS[key]}")
    path = directory / name
    if path.is_symlink():
        problem(item.file.where, f"'{name}' is a shortcut (symbolic link); send the file itself")
        return None
    if not path.exists():
        problem(item.file.where, f"'{name}' was not found next to the questionnaire")
        return None
    try:
        check_file(path, max_bytes)
    except InputError as exc:
        problem(item.file.where, f"'{name}': {exc.message.split(': ', 1)[-1]}")
        return None
    return DeclaredEvidence(
        name,
        kind_id,
        path,
        dates["issued"],
        dates["expires"],
        dates["period_end"],
        tuple(citing),
    )
