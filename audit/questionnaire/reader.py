"""Reading a filled questionnaire: a JSON Schema generated from the issued questionnaire, then
the checks a schema cannot make (evidence files next to the file, dates each kind needs).

Every problem is collected and reported by control id; nothing is stored unless there are none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from jsonschema import Draft202012Validator

from audit.content.answers import NOT_APPLICABLE, answer_values, check_answer
from audit.content.model import AnswerSpec, Control, Policy
from audit.content.schemas import format_path
from audit.content.yamlsafe import Document
from audit.errors import ContentError, InputError, Problem
from audit.evidence.store import check_file
from audit.evidence.validity import required_dates
from audit.model import AnswerType
from audit.questionnaire.document import READER_KEYS

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
NA = {"const": NOT_APPLICABLE}


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
    answers: dict[str, Any]
    comments: dict[str, str]
    evidence: dict[str, tuple[str, ...]]
    declared: tuple[DeclaredEvidence, ...]
    unanswered: tuple[str, ...]


def answer_schema(spec: AnswerSpec) -> dict[str, Any]:
    """The JSON Schema of one answer, `null` meaning not answered yet."""
    values = answer_values(spec)
    if spec.type is AnswerType.MULTI_CHOICE:
        shape: dict[str, Any] = {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"enum": list(values or ())},
        }
    elif values is not None:
        shape = {"enum": list(values)}
    elif spec.type is AnswerType.NUMBER:
        shape = {"type": "number"}
    elif spec.type is AnswerType.PERCENT:
        shape = {"type": "number", "minimum": 0, "maximum": 100}
    elif spec.type is AnswerType.DATE:
        shape = DATE
    else:
        shape = {"type": "string", "maxLength": spec.max_length or 4000}
    if spec.allow_na and values is None:
        shape = {"anyOf": [shape, NA]}
    return {"anyOf": [{"type": "null"}, shape]}


def questionnaire_schema(
    questionnaire_id: str, vendor_id: str, controls: Sequence[Control], kinds: Sequence[str]
) -> dict[str, Any]:
    """The schema a filled copy of this questionnaire must satisfy."""
    entries = {
        c.id: {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                **dict.fromkeys(READER_KEYS, True),
                "answer": answer_schema(c.answer),
                "comment": {"type": ["string", "null"], "maxLength": 4000},
                "evidence": {
                    "type": ["array", "null"],
                    "items": {"type": "string", "minLength": 1, "maxLength": 255},
                    "uniqueItems": True,
                },
            },
        }
        for c in controls
    }
    evidence_item = {
        "type": "object",
        "additionalProperties": False,
        "required": ["file", "kind"],
        "properties": {
            "file": {"type": "string", "minLength": 1, "maxLength": 255},
            "kind": {"enum": list(kinds)},
            "issued": DATE,
            "expires": DATE,
            "period_end": DATE,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["questionnaire", "vendor", "answers"],
        "properties": {
            "questionnaire": {"const": questionnaire_id},
            "vendor": {"const": vendor_id},
            "issued": True,
            "due": True,
            "checklists": True,
            "evidence": {"type": ["array", "null"], "items": evidence_item},
            "answers": {
                "type": "object",
                "additionalProperties": False,
                "properties": entries,
            },
        },
    }


def _name_problem(name: str) -> str | None:
    """Evidence names are plain file names next to the questionnaire, never paths."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
        return "is an absolute path; give the name of a file next to the questionnaire"
    if ".." in PurePosixPath(name).parts or ".." in PureWindowsPath(name).parts:
        return "contains '..'; evidence must sit next to the questionnaire"
    if "/" in name or "\\" in name or name in (".", ""):
        return "is a path; give the name of a file next to the questionnaire"
    return None


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_submission(
    document: Document,
    directory: Path,
    controls: Sequence[Control],
    policy: Policy,
    *,
    questionnaire_id: str,
    vendor_id: str,
    max_evidence_bytes: int,
) -> ParsedSubmission:
    """The vendor's answers and evidence, or ContentError listing every problem by control."""
    source = document.source
    schema = questionnaire_schema(
        questionnaire_id, vendor_id, controls, list(policy.evidence_kinds)
    )
    by_id = {c.id: c for c in controls}
    problems = []
    for error in Draft202012Validator(schema).iter_errors(document.data):
        path = tuple(error.absolute_path)
        if len(path) == 3 and path[0] == "answers" and path[2] == "answer" and path[1] in by_id:
            continue  # answers get the answer type's own, clearer message below
        message = error.message if len(error.message) < 300 else error.message[:297] + "..."
        problems.append(
            Problem(source, message, line=document.line_of(path), path=format_path(path))
        )
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    cited: dict[str, tuple[str, ...]] = {}
    entries = document.data.get("answers")
    for control_id, entry in (entries if isinstance(entries, dict) else {}).items():
        if control_id not in by_id or not isinstance(entry, dict | None):
            continue  # reported by the schema
        entry = entry or {}
        value = entry.get("answer")
        where = ("answers", control_id, "answer")
        if value is not None:
            message = check_answer(by_id[control_id].answer, value)
            if message:
                problems.append(
                    Problem(source, message, line=document.line_of(where), path=format_path(where))
                )
            answers[control_id] = value
        if isinstance(entry.get("comment"), str) and entry["comment"]:
            comments[control_id] = entry["comment"]
        raw_names = entry.get("evidence") or ()
        names = (
            tuple(n for n in raw_names if isinstance(n, str)) if isinstance(raw_names, list) else ()
        )
        for name in names:
            message = _name_problem(name)
            if message:
                path = ("answers", control_id, "evidence")
                problems.append(
                    Problem(
                        source,
                        f"evidence '{name}' {message}",
                        line=document.line_of(path),
                        path=format_path(path),
                    )
                )
        if names:
            cited[control_id] = names
    declared = _declared(document, directory, policy, cited, max_evidence_bytes, problems)
    if problems:
        raise ContentError(problems, hint="nothing was imported; fix the answers and import again")
    unanswered = tuple(c.id for c in controls if c.id not in answers)
    return ParsedSubmission(questionnaire_id, answers, comments, cited, declared, unanswered)


def _declared(
    document: Document,
    directory: Path,
    policy: Policy,
    cited: dict[str, tuple[str, ...]],
    max_bytes: int,
    problems: list[Problem],
) -> tuple[DeclaredEvidence, ...]:
    source = document.source
    declared: dict[str, DeclaredEvidence] = {}
    items = document.data.get("evidence") or ()
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            continue  # reported by the schema
        if item.get("kind") not in policy.evidence_kinds:
            continue  # reported by the schema
        where = ("evidence", index)
        line = document.line_of(where)

        name = item["file"]
        citing = sorted(cid for cid, names in cited.items() if name in names)
        suffix = f" (cited by {', '.join(citing)})" if citing else ""

        def problem(
            message: str,
            where: tuple[Any, ...] = where,
            line: int | None = line,
            suffix: str = suffix,
        ) -> None:
            problems.append(Problem(source, message + suffix, line=line, path=format_path(where)))

        message = _name_problem(name)
        if message:
            problem(f"'{name}' {message}")
            continue
        if name in declared:
            problem(f"'{name}' is declared twice")
            continue
        kind = policy.evidence_kinds[item["kind"]]
        dates = {key: _date(item.get(key)) for key in ("issued", "expires", "period_end")}
        for key in ("issued", "expires", "period_end"):
            if item.get(key) is not None and dates[key] is None:
                problem(f"'{name}': {key} {item[key]!r} is not a valid date")
        for key in required_dates(kind):
            if dates[key] is None and item.get(key) is None:
                problem(
                    f"'{name}': evidence of kind {kind.id} needs its {key.replace('_', ' ')} date"
                )
        path = directory / name
        if path.is_symlink():
            problem(f"'{name}' is a symbolic link; send the file itself")
            continue
        if not path.exists():
            problem(f"'{name}' is not next to the questionnaire ({directory})")
            continue
        try:
            check_file(path, max_bytes)
        except InputError as exc:
            problem(f"'{name}': {exc.message.split(': ', 1)[-1]}")
            continue
        declared[name] = DeclaredEvidence(
            name,
            kind.id,
            path,
            dates["issued"],
            dates["expires"],
            dates["period_end"],
            tuple(citing),
        )
    for control_id, names in cited.items():
        for name in names:
            if name not in declared and _name_problem(name) is None:
                names_known = {
                    i.get("file") for i in items if isinstance(items, list) and isinstance(i, dict)
                }
                if name not in names_known:
                    cited_at = ("answers", control_id, "evidence")
                    problems.append(
                        Problem(
                            source,
                            f"evidence '{name}' is not declared under `evidence:` with its kind",
                            line=document.line_of(cited_at),
                            path=format_path(cited_at),
                        )
                    )
    return tuple(declared.values())
