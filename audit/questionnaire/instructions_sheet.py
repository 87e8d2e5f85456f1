"""The workbook's Instructions sheet: who asks and by when, whom to ask, each sheet's progress
(a formula that counts the answers given, so it moves as the vendor fills the sheets), the
Draft/Final status and who completed it, and how to answer and return the workbook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from audit.model import Respondent
from audit.questionnaire.document import Questionnaire
from audit.questionnaire.sheetstyle import (
    BOLD,
    COMPLETED_LABEL,
    DATE_FORMAT,
    INPUT_FILL,
    INSTRUCTIONS_SHEET,
    OPEN,
    STATUS_LABEL,
    TITLE,
    as_text,
    fit_to_width,
    protect,
    validation,
)
from audit.questionnaire.words import workbook_how_to


def write_instructions(
    sheet: Worksheet,
    q: Questionnaire,
    question_sheets: Sequence[tuple[str, str, int, int]],
    answer_column: int,
    sheet_of: Mapping[str, str],
) -> None:
    """Fill `sheet`; `question_sheets` are (title, sheet name, first row, last row), and
    `sheet_of` names the sheet each question is on."""
    sheet.title = INSTRUCTIONS_SHEET
    who = q.requester.organisation or "Your client"
    assessor = q.part is Respondent.ASSESSOR
    heading = (
        f"Contract review of {q.vendor_name} (assessor's part)"
        if assessor
        else f"Vendor risk questionnaire for {q.vendor_name}"
    )
    as_text(sheet.cell(1, 1, heading)).font = TITLE
    rows: list[tuple[str, Any]] = [
        ("From", who),
        ("To", f"{q.vendor_name} ({q.vendor_id})"),
        ("Questionnaire", q.id),
        ("Issued", q.issued),
        ("Please return by", q.due),
        ("Questions about it", q.requester.contact),
        ("Questions", f"{len(q.questions)} in {len(question_sheets)} sheet(s)"),
    ]
    row = 2
    for label, value in rows:
        row += 1
        sheet.cell(row, 1, label).font = BOLD
        cell = as_text(sheet.cell(row, 2, value))
        cell.alignment = Alignment(horizontal="left")
        if label in ("Issued", "Please return by"):
            cell.number_format = DATE_FORMAT
    row += 1
    for title, name, first, last in question_sheets:
        row += 1
        column = get_column_letter(answer_column)
        ids = get_column_letter(1)
        count = sum(1 for x in q.questions if sheet_of.get(x.id) == name)
        as_text(sheet.cell(row, 1, title))
        sheet.cell(
            row,
            2,
            f"=COUNTIFS('{name}'!{column}{first}:{column}{last},\"<>\","
            f'\'{name}\'!{ids}{first}:{ids}{last},"<>")&" of {count} answered"',
        )
    row += 2
    for label, value in ((STATUS_LABEL, "Draft"), (COMPLETED_LABEL, None)):
        sheet.cell(row, 1, label).font = BOLD
        cell = sheet.cell(row, 2, value)
        cell.protection, cell.fill = OPEN, INPUT_FILL
        if label == STATUS_LABEL:
            validation(
                sheet,
                cell.coordinate,
                type="list",
                formula1='"Draft,Final"',
                promptTitle="Status",
                prompt="Keep Draft while you work; choose Final when all is answered.",
            )
        row += 1
    row += 1
    sheet.cell(row, 1, "How to answer").font = BOLD
    for line in workbook_how_to(q):
        row += 1
        as_text(sheet.cell(row, 1, line))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 64
    fit_to_width(sheet)
    protect(sheet)
