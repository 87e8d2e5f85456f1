"""A filled questionnaire as it came back, whatever its format: the values its author wrote,
each with where it was written (`FILE:LINE` or `FILE!Sheet!Cell`), and the reading spec it
carries. Extractors for YAML/JSON here and for the workbook in `sheets` produce it; the one
reader in `reader` checks it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from audit.content.yamlsafe import Document, Path
from audit.errors import Problem
from audit.questionnaire.text import ANSWER_KEYS, TOP_ANSWER_KEYS

DATE_FIELDS = ("issued", "expires", "period_start", "period_end", "audited")
HEADER_KEYS = ("format", "questionnaire", "part", "vendor", "sha256", "prefilled")
READ_ONLY_TOP = (
    "format",
    "questionnaire",
    "part",
    "vendor",
    "vendor_name",
    "from",
    "contact",
    "issued",
    "due",
    "checklists",
    "sha256",
    "prefilled",
    "evidence_kinds",
)
SPEC_KEYS = ("type", "options", "not_applicable", "unit", "allow_na", "max_length", "condition")
READ_ONLY_ENTRY = (
    "title",
    "question",
    "guidance",
    *SPEC_KEYS,
    "expects",
    "evidence_requested",
    "follow_up",
    "previous",
)


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value was written, to name it in a message."""

    source: str
    line: int | None = None
    path: str = ""

    def problem(self, message: str) -> Problem:
        return Problem(self.source, message, line=self.line, path=self.path)


def about(where: Where, control_id: str, message: str) -> Problem:
    """A problem with one question; named by its id unless the location already names it."""
    return where.problem(message if control_id in where.path else f"{control_id}: {message}")


@dataclass(frozen=True, slots=True)
class Written:
    """A value as its author wrote it (None when left empty), and where."""

    value: Any
    where: Where


@dataclass(slots=True)
class Entry:
    answer: Written
    comment: Written
    evidence: Written
    confirmed: Written | None = None


@dataclass(slots=True)
class DeclaredFile:
    file: Written
    kind: Written
    dates: dict[str, Written]
    where: Where
    only_for: Written | None = None  # the questions the vendor limits the document to


@dataclass(slots=True)
class Filled:
    source: str
    header: dict[str, Written]
    entries: dict[str, Entry]
    files: list[DeclaredFile]
    problems: list[Problem] = field(default_factory=list)
    spec: dict[str, Any] | None = None  # the reading spec the file carries
    by_label: bool = False  # the workbook: answers are chosen by their words
    kind_labels: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # issued, due, contact: for a self-check

    def value(self, key: str) -> Any:
        written = self.header.get(key)
        return None if written is None else written.value


def spec_sha256(spec: dict[str, Any]) -> str:
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _where(document: Document, path: Path) -> Where:
    shown = ".".join(str(p) for p in path)
    return Where(document.source, document.line_of(path), shown)


def _written(document: Document, container: Any, path: Path) -> Written:
    key = path[-1]
    value = container.get(key) if isinstance(container, dict) else None
    return Written(value, _where(document, path))


def _unknown_keys(
    document: Document, data: dict[Any, Any], known: tuple[str, ...], path: Path, what: str
) -> list[Problem]:
    problems = []
    for key in data:
        if key not in known:
            writable = ", ".join(k for k in known if k in (*ANSWER_KEYS, *TOP_ANSWER_KEYS))
            problems.append(
                _where(document, (*path, key)).problem(
                    f"'{key}' is not a field of {what}; fill in only {writable}"
                )
            )
    return problems


def from_document(document: Document) -> Filled:
    """Extract what a YAML or JSON questionnaire says; shape problems are collected, not raised."""
    data = document.data if isinstance(document.data, dict) else {}
    problems: list[Problem] = []
    top_known = (*READ_ONLY_TOP, *TOP_ANSWER_KEYS, "answers")
    problems += _unknown_keys(document, data, top_known, (), "a questionnaire")
    header = {
        key: _written(document, data, (key,))
        for key in (*HEADER_KEYS, "status", "completed_by")
        if key in data
    }
    entries: dict[str, Entry] = {}
    answers = data.get("answers")
    if not isinstance(answers, dict):
        problems.append(
            _where(document, ("answers",)).problem("the `answers:` section is missing or damaged")
        )
        answers = {}
    spec_questions = []
    for control_id, raw in answers.items():
        path: Path = ("answers", str(control_id))
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            problems.append(
                _where(document, path).problem(
                    "expected the question's fields (answer, comment, evidence) under it"
                )
            )
            continue
        known = (*READ_ONLY_ENTRY, *ANSWER_KEYS)
        problems += _unknown_keys(document, raw, known, path, f"question {control_id}")
        entries[str(control_id)] = Entry(
            answer=_written(document, raw, (*path, "answer")),
            comment=_written(document, raw, (*path, "comment")),
            evidence=_written(document, raw, (*path, "evidence")),
            confirmed=_written(document, raw, (*path, "confirmed")) if "confirmed" in raw else None,
        )
        spec_questions.append(_entry_spec(str(control_id), raw, data.get("prefilled") is True))
    files = _declared(document, data.get("evidence"), problems)
    kinds = data.get("evidence_kinds")
    spec = None
    if "sha256" in data and isinstance(kinds, dict):
        spec = {
            "format": data.get("format"),
            "questionnaire": data.get("questionnaire"),
            "part": data.get("part"),
            "vendor": data.get("vendor"),
            "questions": spec_questions,
            "kinds": {
                k: (v.get("dates") if isinstance(v, dict) else None) for k, v in kinds.items()
            },
        }
    labels = {
        k: v["label"] for k, v in (kinds or {}).items() if isinstance(v, dict) and "label" in v
    }
    meta = {k: data.get(k) for k in ("vendor_name", "issued", "due", "contact")}
    return Filled(document.source, header, entries, files, problems, spec, False, labels, meta)


def _entry_spec(control_id: str, raw: dict[str, Any], prefilled: bool) -> dict[str, Any]:
    spec = {"id": control_id, **{k: raw[k] for k in SPEC_KEYS if k in raw}}
    if prefilled and raw.get("previous") is not None:
        spec["prefill"] = raw["previous"]
    return spec


def _declared(document: Document, items: Any, problems: list[Problem]) -> list[DeclaredFile]:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(
            _where(document, ("evidence",)).problem(
                "`evidence:` at the top must be a list of files, one `- {file: ..., kind: ...}` "
                "each"
            )
        )
        return []
    files = []
    for index, item in enumerate(items):
        path: Path = ("evidence", index)
        if not isinstance(item, dict):
            problems.append(
                _where(document, path).problem(
                    "each file is written as {file: NAME, kind: KIND} with the dates its kind needs"
                )
            )
            continue
        problems.extend(
            _where(document, (*path, key)).problem(
                f"'{key}' is not a field of a file; use file, kind, issued, expires, "
                "period_start, period_end, audited and only_for"
            )
            for key in item
            if key not in ("file", "kind", "only_for", *DATE_FIELDS)
        )
        files.append(
            DeclaredFile(
                file=_written(document, item, (*path, "file")),
                kind=_written(document, item, (*path, "kind")),
                dates={
                    key: _written(document, item, (*path, key))
                    for key in DATE_FIELDS
                    if key in item
                },
                where=_where(document, path),
                only_for=(
                    _written(document, item, (*path, "only_for")) if "only_for" in item else None
                ),
            )
        )
    return files
