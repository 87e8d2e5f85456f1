"""For the demo: a vendor filling the issued workbook in a spreadsheet program, as a person
would, by picking the options' words and typing numbers, dates, comments and file names.

Only the demo and the tests use this; the tool itself never fills a vendor's answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from audit.questionnaire.document import Questionnaire
from audit.questionnaire.sheetstyle import COMPLETED_LABEL, DATE_COLUMNS, STATUS_LABEL


def _header(sheet: Any) -> tuple[int, dict[str, int]] | None:
    for row in sheet.iter_rows(max_row=12):
        names = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "ID" in names or "File name" in names:
            return row[0].row, names
    return None


def fill_workbook(
    path: Path,
    answers: Mapping[str, Any],
    *,
    comments: Mapping[str, str] | None = None,
    cited: Mapping[str, Sequence[str]] | None = None,
    files: Sequence[Mapping[str, Any]] = (),
    status: str = "Final",
    completed_by: str | None = None,
    confirm: Sequence[str] = (),
) -> None:
    """Write answers into an issued workbook in place.

    `answers` holds what a person types or picks: an option's words (its label), a number, a
    date; `files` rows for the evidence sheet: {"kind": label, "file": name, "issued": date...}.
    """
    book = load_workbook(path, rich_text=True)
    comments = comments or {}
    cited = cited or {}
    pending = list(files)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(max_col=4):
            for cell in row:
                if cell.value == STATUS_LABEL:
                    sheet.cell(int(cell.row or 0), int(cell.column or 0) + 1, status)
                if cell.value == COMPLETED_LABEL and completed_by:
                    sheet.cell(int(cell.row or 0), int(cell.column or 0) + 1, completed_by)
        found = _header(sheet)
        if found is None:
            continue
        header_row, columns = found
        if "ID" in columns:
            for row in sheet.iter_rows(min_row=header_row + 1):
                control_id = str(row[columns["ID"] - 1].value)
                number = int(row[0].row or 0)
                if control_id in answers:
                    value = answers[control_id]
                    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
                        value = dt.date.fromisoformat(value)  # a date typed into a date cell
                    sheet.cell(number, columns["Answer"], value)
                if control_id in comments:
                    sheet.cell(number, columns["Comment"], comments[control_id])
                if control_id in cited:
                    sheet.cell(number, columns["Evidence files"], "; ".join(cited[control_id]))
                if control_id in confirm:
                    sheet.cell(number, columns["Confirm pre-filled answer"], "Yes")
        else:
            for row in sheet.iter_rows(min_row=header_row + 1):
                if not pending:
                    break
                kind_cell = row[columns["Document kind"] - 1]
                file_cell = row[columns["File name"] - 1]
                if file_cell.value:
                    continue
                wanted = next(
                    (f for f in pending if f["kind"] == kind_cell.value),
                    pending[0] if kind_cell.value is None else None,
                )
                if wanted is None:
                    continue
                pending.remove(wanted)
                if kind_cell.value is None:
                    kind_cell.value = wanted["kind"]
                file_cell.value = wanted["file"]
                for key, header in DATE_COLUMNS.items():
                    if wanted.get(key):
                        day = dt.date.fromisoformat(wanted[key])
                        sheet.cell(int(row[0].row or 0), columns[header], day)
    if pending:
        raise ValueError(f"no room on the evidence sheet for {len(pending)} file(s)")
    book.save(path)


@dataclass(frozen=True, slots=True)
class Typed:
    """What a person would type into the workbook to give the answers of a YAML copy."""

    answers: dict[str, Any]
    comments: dict[str, str]
    cited: dict[str, list[str]]
    files: list[dict[str, Any]]


def typed_from_yaml(questionnaire: Questionnaire, source: Path) -> Typed:
    """The answers of a filled YAML copy, as words a vendor picks in the workbook."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    answers: dict[str, Any] = {}
    comments: dict[str, str] = {}
    cited: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        entry = (data.get("answers") or {}).get(question.id) or {}
        value = entry.get("answer")
        if value is not None:
            label = question.label_of(value)
            answers[question.id] = label if label is not None else value
        if entry.get("comment"):
            comments[question.id] = entry["comment"]
        if entry.get("evidence"):
            cited[question.id] = list(entry["evidence"])
    labels = {k.id: k.label for k in questionnaire.kinds}
    files = [
        {**{k: str(v) for k, v in item.items()}, "kind": labels[item["kind"]]}
        for item in data.get("evidence") or ()
    ]
    return Typed(answers, comments, cited, files)
