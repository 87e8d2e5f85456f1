"""The files sent with a questionnaire: names that are plain file names beside it (never paths),
each declared once with a kind the questionnaire asks for and the dates that kind needs, and
each present, regular and within the size limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from audit.content.answers import parse_date
from audit.errors import InputError, Problem
from audit.evidence.store import check_file
from audit.inputs import date_problem
from audit.inputs import name_problem as one_line_problem
from audit.questionnaire.document import Questionnaire
from audit.questionnaire.filled import DATE_FIELDS, DeclaredFile, Filled, Where, Written, about
from audit.questionnaire.values import blank, words_key
from audit.questionnaire.words import DATE_EXAMPLE, DATE_WORDS

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
    period_start: dt.date | None = None
    audited: dt.date | None = None


def name_problem(name: str) -> str | None:
    """Evidence is named as it sits beside the questionnaire: a file name, or a path into a
    folder there (`policies/infosec.pdf`), never a full path or one that leads outside."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
        return "is a full path; give only the file's name and send the file with the questionnaire"
    if ".." in PurePosixPath(name).parts or ".." in PureWindowsPath(name).parts:
        return "points outside the folder ('..'); send the file with the questionnaire"
    if "\\" in name:
        return "separates folders with '\\'; write them with '/', such as policies/infosec.pdf"
    if name in (".", "") or any(part in ("", ".") for part in name.split("/")):
        return "is not a file's name (an empty or '.' folder in it)"
    if one_line_problem(name) is not None or len(name) > NAME_LIMIT:
        return f"is not a usable file name (control characters, or over {NAME_LIMIT} characters)"
    return None


def cited_names(control_id: str, written: Written, problems: list[Problem]) -> tuple[str, ...]:
    value = written.value
    if blank(value):
        return ()
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        problems.append(
            about(written.where, control_id, "list the evidence files by name, e.g. [policy.pdf]")
        )
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in value if n.strip()))
    for name in names:
        message = name_problem(name)
        if message:
            problems.append(about(written.where, control_id, f"evidence '{name}' {message}"))
    return names


def _date(written: Written | None) -> tuple[dt.date | None, str | None]:
    """The date written, or why what was written is not a date this tool accepts."""
    if written is None or blank(written.value):
        return None, None
    value = written.value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (None, problem) if (problem := date_problem(value)) else (value, None)
    day = parse_date(value.strip() if isinstance(value, str) else value)
    if day is not None:
        return day, None
    if isinstance(value, str) and parse_date(value.strip(), window=False) is not None:
        return None, date_problem(dt.date.fromisoformat(value.strip()))
    return None, f"'{value}' is not a date; dates are written {DATE_EXAMPLE}"


def declared_files(
    filled: Filled,
    questionnaire: Questionnaire,
    directory: Path,
    cited: Mapping[str, tuple[str, ...]],
    max_bytes: int,
    problems: list[Problem],
) -> tuple[DeclaredEvidence, ...]:
    declared: dict[str, DeclaredEvidence] = {}
    kinds = {k.id: k for k in questionnaire.kinds}
    kind_by_words = {words_key(k.label): k.id for k in questionnaire.kinds} | {k: k for k in kinds}
    listed = {f.file.value for f in filled.files if isinstance(f.file.value, str)}
    asking: dict[str, tuple[str, ...]] = {}  # kind -> the questions that ask for it
    for question in questionnaire.questions:
        for ask in question.evidence:
            for kind_id in ask.kinds:
                asking[kind_id] = (*asking.get(kind_id, ()), question.id)
    for item in filled.files:
        if (
            blank(item.file.value)
            and blank(item.kind.value)
            and not any(not blank(d.value) for d in item.dates.values())
        ):
            continue  # an empty row of the workbook's evidence sheet
        entry = _declared_file(
            item, kind_by_words, kinds, directory, max_bytes, cited, problems, asking
        )
        if entry is None:
            continue
        if entry.file in declared:
            problems.append(item.file.where.problem(f"'{entry.file}' is listed twice"))
            continue
        declared[entry.file] = entry
    for control_id, names in cited.items():
        for name in names:
            if name not in listed and name_problem(name) is None:
                where = filled.entries[control_id].evidence.where
                problems.append(
                    about(
                        where,
                        control_id,
                        f"evidence '{name}' is not in the list of files sent; add it there "
                        "with its kind and dates",
                    )
                )
    return tuple(declared.values())


def _only_for(
    name: str,
    written: Written | None,
    asking: tuple[str, ...],
    problem: Callable[[Where, str], None],
) -> tuple[str, ...]:
    """The questions a document is limited to (none: every question that asks for its kind),
    each one of those that ask for its kind."""
    if written is None or blank(written.value):
        return ()
    value = written.value
    if isinstance(value, str):
        value = value.replace(",", ";").split(";")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problem(
            written.where,
            f"'{name}': list the questions it is limited to by their IDs, e.g. "
            "SEC-GOV-01; SEC-GOV-02",
        )
        return ()
    chosen = tuple(dict.fromkeys(v.strip().upper() for v in value if v.strip()))
    wrong = [c for c in chosen if c not in asking]
    if wrong:
        problem(
            written.where,
            f"'{name}' is limited to {', '.join(wrong)}, which "
            + ("does" if len(wrong) == 1 else "do")
            + " not ask for a document of its kind"
            + (
                f" (those that do: {', '.join(asking[:8])}{' …' if len(asking) > 8 else ''})"
                if asking
                else ""
            ),
        )
        return ()
    return chosen


def _declared_file(
    item: DeclaredFile,
    kind_by_words: Mapping[str, str],
    kinds: Mapping[str, Any],
    directory: Path,
    max_bytes: int,
    cited: Mapping[str, tuple[str, ...]],
    problems: list[Problem],
    asking: Mapping[str, tuple[str, ...]],
) -> DeclaredEvidence | None:
    name = item.file.value
    if blank(name) or not isinstance(name, str):
        problems.append(item.file.where.problem("give the file's name"))
        return None
    name = name.strip()
    citing = sorted(cid for cid, names in cited.items() if name in names)
    suffix = f" (cited by {', '.join(citing)})" if citing else ""

    def problem(where: Where, message: str) -> None:
        problems.append(where.problem(message + suffix))

    message = name_problem(name)
    if message:
        problem(item.file.where, f"'{name}' {message}")
        return None
    raw_kind = item.kind.value
    kind_id = kind_by_words.get(words_key(raw_kind)) if isinstance(raw_kind, str) else None
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
        day, wrong = _date(item.dates.get(key))
        dates[key] = day
        if wrong:
            problem(item.dates[key].where, f"'{name}': {DATE_WORDS[key]} {wrong}")
            bad = True
    for key in kind.dates:
        if dates[key] is None and not bad:
            where = item.dates[key].where if key in item.dates else item.where
            problem(where, f"'{name}' ({kind.label}) needs its {DATE_WORDS[key]}")
    limit = _only_for(name, item.only_for, asking.get(kind_id, ()), problem)
    path = directory / name
    steps = [directory / Path(*Path(name).parts[: i + 1]) for i in range(len(Path(name).parts))]
    if any(step.is_symlink() for step in steps):
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
        limit,
        dates["period_start"],
        dates["audited"],
    )
