"""Reading a filled workbook back into a `Filled`: every sheet is searched for its header row,
columns are found by their headers and rows by the question id in them, so a vendor who sorts,
moves or resizes (or LibreOffice, re-saving) changes nothing that matters. Every cell is named
as `FILE!Sheet!Cell` in messages.

Workbooks are zip files of XML: the archive is measured before it is opened (no zip bombs),
and openpyxl parses without expanding entities (defusedxml, or lxml's parser without entity
resolution): no billion laughs.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from audit.errors import ContentError, Problem
from audit.questionnaire.filled import DATE_FIELDS, DeclaredFile, Entry, Filled, Where, Written
from audit.questionnaire.sheetstyle import (
    COMPLETED_LABEL,
    CONFIRM,
    DATE_COLUMNS,
    MARKER,
    ONLY_FOR,
    STATUS_LABEL,
)

MAX_UNPACKED = 100 * 1024 * 1024  # what the XML inside may add up to
MAX_MEMBERS = 2000
HEADER_SEARCH_ROWS = 12


def check_archive(path: Path, source: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ContentError(
            [Problem(source, "not a workbook (.xlsx): the file is not a zip archive")],
            hint="save the questionnaire as an Excel workbook (.xlsx) and send that",
        ) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED:
        raise ContentError(
            [
                Problem(
                    source,
                    f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED:,}",
                )
            ]
        )


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _value(cell: Any) -> Any:
    """A cell's value as the reader wants it: text trimmed, percentages typed as 97.5% -> 97.5."""
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = cell.number_format or ""
        if "%" in number_format.replace('"%"', "").replace("\\%", ""):
            return round(value * 100, 10)
    return value


class _Reader:
    def __init__(self, path: Path, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.header: dict[str, Written] = {}
        self.entries: dict[str, Entry] = {}
        self.seen: dict[str, str] = {}
        self.files: list[DeclaredFile] = []
        self.kind_labels: dict[str, str] = {}
        self.meta: dict[str, Any] = {}
        try:
            self.book = load_workbook(path, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any damage inside the archive, as openpyxl
            # meets it (malformed XML, a broken stream, a missing part), is the sender's file
            raise ContentError(
                [Problem(source, f"the workbook cannot be read ({type(exc).__name__})")],
                hint="open it in Excel or LibreOffice, save it as .xlsx, and try again",
            ) from None

    def where(self, sheet: Worksheet, cell: Any) -> Where:
        coordinate = cell if isinstance(cell, str) else cell.coordinate
        return Where(f"{self.source}!{sheet.title}!{coordinate}")

    def spec(self) -> dict[str, Any] | None:
        for sheet in self.book.worksheets:
            if sheet["A1"].value == "marker" and sheet["B1"].value == MARKER:
                return self._spec(sheet)
        self.problems.append(
            Problem(
                self.source,
                "this workbook has no questionnaire data (its hidden sheet is missing); it was "
                "not made by `audit questionnaire issue`, or the sheet was deleted",
            )
        )
        return None

    def _spec(self, sheet: Worksheet) -> dict[str, Any] | None:
        meta: dict[str, Any] = {}
        questions, kinds = [], {}
        try:
            for key, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True):
                if key == "question":
                    questions.append(json.loads(str(value)))
                elif key == "kind":
                    kind = json.loads(str(value))
                    kinds[kind["id"]] = kind["dates"]
                    self.kind_labels[kind["id"]] = kind["label"]
                elif isinstance(key, str):
                    meta[key] = value
        except (ValueError, KeyError, TypeError):
            self.problems.append(
                Problem(self.source, "the workbook's hidden questionnaire data is damaged")
            )
            return None
        for key in ("questionnaire", "part", "vendor", "sha256", "format"):
            self.header[key] = Written(meta.get(key), self.where(sheet, "B1"))
        self.meta = meta
        return {
            "format": meta.get("format"),
            "questionnaire": meta.get("questionnaire"),
            "part": meta.get("part"),
            "vendor": meta.get("vendor"),
            "questions": questions,
            "kinds": kinds,
        }

    def read_sheets(self, known: set[str]) -> None:
        for sheet in self.book.worksheets:
            if sheet["A1"].value == "marker":
                continue
            self._labels(sheet)
            header = self._header_row(sheet)
            if header is None:
                continue
            row_index, columns = header
            if "ID" in columns and "Answer" in columns:
                self._questions(sheet, row_index, columns, known)
            elif "File name" in columns and "Document kind" in columns:
                self._evidence(sheet, row_index, columns)

    def _labels(self, sheet: Worksheet) -> None:
        """The status and completed-by cells: right of their labels, wherever they are."""
        wanted = {STATUS_LABEL: "status", COMPLETED_LABEL: "completed_by"}
        for row in sheet.iter_rows(max_col=6):
            for cell in row:
                key = wanted.get(_text(cell.value))
                if key is not None and key not in self.header:
                    target = sheet.cell(int(cell.row or 1), int(cell.column or 1) + 1)
                    self.header[key] = Written(_value(target), self.where(sheet, target))

    def _header_row(self, sheet: Worksheet) -> tuple[int, dict[str, int]] | None:
        for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS):
            names = {_text(c.value): int(c.column or 0) for c in row if isinstance(c.value, str)}
            if ("ID" in names and "Answer" in names) or (
                "File name" in names and "Document kind" in names
            ):
                return int(row[0].row or 0), names
        return None

    def _written(
        self, sheet: Worksheet, row: tuple[Any, ...], columns: dict[str, int], name: str
    ) -> Written | None:
        """The value under the column named `name` in this row, or None without that column."""
        column = columns.get(name)
        if column is None or column > len(row):
            return None
        cell = row[column - 1]
        return Written(_value(cell), self.where(sheet, cell))

    def _questions(
        self, sheet: Worksheet, header_row: int, columns: dict[str, int], known: set[str]
    ) -> None:
        for row in sheet.iter_rows(min_row=header_row + 1):
            id_written = self._written(sheet, row, columns, "ID")
            control_id = _text(id_written.value) if id_written is not None else ""
            answer = self._written(sheet, row, columns, "Answer")
            if not control_id or answer is None:
                continue
            if control_id not in known:
                if answer.value is not None:
                    self.problems.append(
                        answer.where.problem(
                            f"{control_id} is not a question of this questionnaire"
                        )
                    )
                continue
            if control_id in self.seen:
                self.problems.append(
                    answer.where.problem(
                        f"{control_id} appears twice (also at {self.seen[control_id]}); keep one "
                        "row"
                    )
                )
                continue
            self.seen[control_id] = answer.where.source.split("!", 1)[1]
            empty = Written(None, answer.where)
            self.entries[control_id] = Entry(
                answer=answer,
                comment=self._written(sheet, row, columns, "Comment") or empty,
                evidence=self._written(sheet, row, columns, "Evidence files") or empty,
                confirmed=self._written(sheet, row, columns, CONFIRM),
            )

    def _evidence(self, sheet: Worksheet, header_row: int, columns: dict[str, int]) -> None:
        for row in sheet.iter_rows(min_row=header_row + 1):
            blank = Written(None, self.where(sheet, f"A{row[0].row}"))
            file = self._written(sheet, row, columns, "File name") or blank
            kind = self._written(sheet, row, columns, "Document kind") or blank
            dates = {
                d: self._written(sheet, row, columns, DATE_COLUMNS[d]) or blank for d in DATE_FIELDS
            }
            if file.value is None:
                if any(d.value is not None for d in dates.values()):
                    self.problems.append(
                        file.where.problem("dates are given but no file name; name the file")
                    )
                continue
            self.files.append(
                DeclaredFile(
                    file=file,
                    kind=kind,
                    dates=dates,
                    where=file.where,
                    only_for=self._written(sheet, row, columns, ONLY_FOR),
                )
            )


def read_workbook(path: Path, source: str) -> Filled:
    """What a filled workbook says; shape problems are collected in `Filled.problems`."""
    check_archive(path, source)
    reader = _Reader(path, source)
    spec = reader.spec()
    known = {str(q.get("id")) for q in (spec or {}).get("questions", ()) if isinstance(q, dict)}
    reader.read_sheets(known)
    return Filled(
        source,
        reader.header,
        reader.entries,
        reader.files,
        reader.problems,
        spec,
        by_label=True,
        kind_labels=reader.kind_labels,
        meta=reader.meta,
    )
