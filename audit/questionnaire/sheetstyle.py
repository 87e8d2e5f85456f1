"""The workbook's layout, as one table of names the writer and the reader share (sheet names,
column headers, labels), its styles, and the cell helpers: protection, validation, page setup.
The reader finds columns by these headers, never by position."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from audit.questionnaire.document import FORMAT, Questionnaire, question_spec

MARKER = "vendor-audit questionnaire"
SPEC_SHEET = "_questionnaire"
LISTS_SHEET = "_lists"
EVIDENCE_SHEET = "Evidence"
INSTRUCTIONS_SHEET = "Instructions"
STATUS_LABEL = "Status (Draft or Final)"
COMPLETED_LABEL = "Completed by (name, e-mail)"
EXTRA_EVIDENCE_ROWS = 25

# Question sheets: header -> width. The reader finds columns by these headers.
COLUMNS = {
    "ID": 12,
    "Question": 62,
    "Guidance": 40,
    "How to answer": 30,
    "Answer": 30,
    "Comment": 38,
    "Evidence files": 28,
    "Evidence requested": 38,
    "Last cycle's answer": 24,
    "Confirm pre-filled answer": 16,
}
CONFIRM = "Confirm pre-filled answer"
EVIDENCE_COLUMNS = {
    "Document kind": 34,
    "What it must show": 60,
    "Asked for by": 34,
    "Dates to give": 24,
    "File name": 34,
    "Issue date": 14,
    "Expiry date": 14,
    "Start of period covered": 16,
    "End of period covered": 16,
    "Last audit by the certifier": 18,
    "Only for these questions (optional)": 26,
}
ONLY_FOR = "Only for these questions (optional)"
DATE_COLUMNS = {
    "issued": "Issue date",
    "expires": "Expiry date",
    "period_start": "Start of period covered",
    "period_end": "End of period covered",
    "audited": "Last audit by the certifier",
}

HEADER_FILL = PatternFill("solid", fgColor="1F3B5C")
SECTION_FILL = PatternFill("solid", fgColor="D9E2EC")
INPUT_FILL = PatternFill("solid", fgColor="FFF6D5")
FOLLOW_UP_FILL = PatternFill("solid", fgColor="F3ECFA")
UNNEEDED_FILL = PatternFill("solid", fgColor="EEEEEE")
WHITE_BOLD = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
LEFT_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
THIN = Border(bottom=Side(style="thin", color="BBBBBB"))
OPEN = Protection(locked=False)
DATE_FORMAT = "yyyy-mm-dd"


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Questions"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def row_height(texts: Iterable[tuple[str, int]]) -> float:
    """Roughly the height wrapped text needs: lines at ~1.25 characters per width unit."""
    lines = 1
    for text, width in texts:
        per_line = max(10, int(width * 1.25))
        count = sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))
        lines = max(lines, count)
    return min(409.0, 14.5 * lines + 4)


def fit_to_width(sheet: Worksheet) -> None:
    """Printed (or converted to PDF), a sheet is as wide as the page and as long as needed."""
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def protect(sheet: Worksheet) -> None:
    # Locked cells stay read-only; rows and columns may still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def header(sheet: Worksheet, row: int, columns: dict[str, int]) -> None:
    for index, (name, width) in enumerate(columns.items(), start=1):
        cell = sheet.cell(row, index, name)
        cell.font, cell.fill, cell.alignment = WHITE_BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[row].height = 30
    sheet.freeze_panes = sheet.cell(row + 1, 3).coordinate


def validation(sheet: Worksheet, cell: str, **kwargs: Any) -> None:
    rule = DataValidation(showErrorMessage=True, showInputMessage=True, allow_blank=True, **kwargs)
    rule.add(cell)
    sheet.add_data_validation(rule)


def na_or(condition: str, cell: str) -> str:
    return f'OR({condition},LOWER(TRIM({cell}))="na")'


def date_check(cell: str) -> str:
    return f"AND(ISNUMBER({cell}),{cell}>=DATE(1970,1,1),{cell}<=DATE(2199,12,31))"


def checked(
    sheet: Worksheet, cell: str, check: str, allow_na: bool, words: tuple[str, str, str]
) -> None:
    """A cell that refuses what `check` (a formula) does not accept; `na` too when allowed.
    `words`: the prompt's title, the error's title, and the message both show."""
    title, error_title, message = words
    validation(
        sheet,
        cell,
        type="custom",
        formula1=na_or(check, cell) if allow_na else check,
        promptTitle=title,
        prompt=message[:255],
        errorTitle=error_title,
        error=message[:255],
    )


def write_spec_sheet(sheet: Worksheet, q: Questionnaire) -> None:
    """The hidden sheet the reader relies on: the questionnaire's id, part, vendor and hash, and
    each question's and evidence kind's reading spec as JSON (see `sheets`)."""
    meta: list[tuple[str, Any]] = [
        ("marker", MARKER),
        ("format", FORMAT),
        ("questionnaire", q.id),
        ("part", q.part.value),
        ("vendor", q.vendor_id),
        ("vendor_name", q.vendor_name),
        ("issued", q.issued.isoformat()),
        ("due", q.due.isoformat()),
        ("contact", q.requester.contact),
        ("sha256", q.sha256),
    ]
    for row, (key, value) in enumerate(meta, start=1):
        sheet.cell(row, 1, key)
        sheet.cell(row, 2, value)
    row = len(meta) + 1
    for question in q.questions:
        row += 1
        sheet.cell(row, 1, "question")
        sheet.cell(row, 2, json.dumps(question_spec(question, q.prefilled), ensure_ascii=False))
    for kind in q.kinds:
        row += 1
        sheet.cell(row, 1, "kind")
        sheet.cell(
            row, 2, json.dumps({"id": kind.id, "label": kind.label, "dates": list(kind.dates)})
        )
    protect(sheet)


def as_text(cell: Cell) -> Cell:
    """The cell's text kept as text: openpyxl stores a string that starts with `=` as a
    formula, so a vendor or organisation name such as `=HYPERLINK(...)` would run in Excel."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def no_formulas(sheet: Worksheet) -> None:
    """Every cell of a sheet that holds no formula of ours, as text (see `as_text`)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell, Cell):  # a merged cell's value is its first cell's
                as_text(cell)
