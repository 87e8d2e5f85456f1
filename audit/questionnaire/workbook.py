"""The questionnaire as a workbook (XLSX) a vendor fills in Excel or LibreOffice Calc.

Sheets: instructions (who asks, by when, how to answer and return, the draft/final status), one
sheet per checklist (questions locked; answer, comment and evidence cells open; drop-downs that
show the options' words; number, percent and date checks; follow-ups marked with their
condition), the evidence sheet (each document asked for, what it must show and the dates to
give, where the vendor names its files), and two hidden sheets: the drop-down lists, and the
reading spec with the questionnaire's hash. Cells map back by the question id in each row and by
the column headers, never by row or sheet order (see `sheets`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from audit.model import AnswerType
from audit.questionnaire.document import Question, Questionnaire
from audit.questionnaire.instructions_sheet import write_instructions
from audit.questionnaire.sheetstyle import (
    BOLD,
    COLUMNS,
    CONFIRM,
    DATE_COLUMNS,
    DATE_FORMAT,
    EVIDENCE_COLUMNS,
    EVIDENCE_SHEET,
    EXTRA_EVIDENCE_ROWS,
    FOLLOW_UP_FILL,
    INPUT_FILL,
    INSTRUCTIONS_SHEET,
    LEFT_WRAP,
    LISTS_SHEET,
    ONLY_FOR,
    OPEN,
    SECTION_FILL,
    SPEC_SHEET,
    THIN,
    TITLE,
    UNNEEDED_FILL,
    WRAP,
    checked,
    date_check,
    fit_to_width,
    header,
    no_formulas,
    protect,
    row_height,
    sheet_title,
    validation,
    write_spec_sheet,
)
from audit.questionnaire.words import (
    DATE_EXAMPLE,
    asked_by,
    cell_value,
    dates_words,
    evidence_words,
    expects,
    follow_up_words,
    how_to_answer,
    previous_words,
    workbook_sheet_note,
)


class _Writer:
    def __init__(
        self, questionnaire: Questionnaire, filled: Mapping[str, tuple[Any, str | None]]
    ) -> None:
        self.q = questionnaire
        self.filled = filled
        self.book = Workbook()
        self.lists = self.book.create_sheet(LISTS_SHEET)
        self.lists_row = 0
        self.taken = {INSTRUCTIONS_SHEET.casefold(), EVIDENCE_SHEET.casefold()}
        self.question_sheets: list[tuple[str, str, int, int]] = []  # title, name, first, last
        self.sheet_of: dict[str, str] = {}
        self.columns = {k: w for k, w in COLUMNS.items() if k != CONFIRM or questionnaire.prefilled}

    def column(self, name: str) -> int:
        return list(self.columns).index(name) + 1

    def list_range(self, labels: list[str]) -> str:
        """A row of the hidden lists sheet holding the labels; the range a drop-down shows."""
        self.lists_row += 1
        for column, label in enumerate(labels, start=1):
            self.lists.cell(self.lists_row, column, label)
        last = get_column_letter(len(labels))
        return f"'{LISTS_SHEET}'!$A${self.lists_row}:${last}${self.lists_row}"

    def answer_cell(self, sheet: Worksheet, row: int, question: Question) -> None:
        column = self.column("Answer")
        cell = sheet.cell(row, column)
        ref = cell.coordinate
        cell.protection, cell.fill, cell.alignment = OPEN, INPUT_FILL, LEFT_WRAP
        spec = question.answer
        how = expects(question)
        title = question.id
        if spec.type in (AnswerType.CHOICE, AnswerType.YES_NO):
            labels = [o.label for o in question.choices]
            validation(
                sheet,
                ref,
                type="list",
                formula1=self.list_range(labels),
                promptTitle=title,
                prompt="Choose an answer from the list.",
                errorTitle="Not one of the answers",
                error="Choose one of the answers in the drop-down list.",
            )
        elif spec.type is AnswerType.MULTI_CHOICE:
            validation(
                sheet, ref, promptTitle=title, prompt="Separate several answers with ;"[:255]
            )
        elif spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
            percent = spec.type is AnswerType.PERCENT
            bounds = (0, 100) if percent else (-1_000_000_000_000, 1_000_000_000_000)
            check = f"AND(ISNUMBER({ref}),{ref}>={bounds[0]},{ref}<={bounds[1]})"
            cell.number_format = "0.0##" if percent else "General"
            checked(sheet, ref, check, spec.allow_na, (title, "Not a number", f"Enter {how}."))
        elif spec.type is AnswerType.DATE:
            cell.number_format = DATE_FORMAT
            message = f"Enter a date such as {DATE_EXAMPLE}" + (
                ", or na." if spec.allow_na else "."
            )
            checked(sheet, ref, date_check(ref), spec.allow_na, (title, "Not a date", message))
        else:
            validation(
                sheet,
                ref,
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(spec.max_length or 4000),
                promptTitle=title,
                prompt=f"Enter {how}."[:255],
                error=f"At most {spec.max_length or 4000} characters.",
            )
        value, _ = self.filled.get(question.id, (None, None))
        if value is None and self.q.prefilled:
            value = question.previous
        if value is not None:
            cell.value = cell_value(question, value)

    def question_row(self, sheet: Worksheet, row: int, question: Question) -> None:
        follow_up = follow_up_words(question, self.q)
        parts: list[str | TextBlock] = []
        if follow_up:
            parts.append(TextBlock(InlineFont(i=True), f"Follow-up. {follow_up}.\n\n"))
        parts += [TextBlock(InlineFont(b=True), question.title), f"\n\n{question.text}"]
        text = CellRichText(parts)

        def kind_label(kind_id: str) -> str:
            kind = self.q.kind(kind_id)
            return kind.label if kind else kind_id

        requested = "\n".join(evidence_words(a, kind_label) for a in question.evidence)
        values: dict[str, Any] = {
            "ID": question.id,
            "Question": text,
            "Guidance": question.guidance,
            "How to answer": how_to_answer(question),
            "Evidence requested": requested or "None",
            "Last cycle's answer": previous_words(question) or "",
        }
        for index, name in enumerate(self.columns, start=1):
            cell = sheet.cell(row, index, values.get(name))
            cell.alignment, cell.border = WRAP, THIN
            if name == "ID":
                cell.font = BOLD
            if name == "Question" and follow_up:
                cell.fill = FOLLOW_UP_FILL
            if name in ("Comment", "Evidence files"):
                cell.protection, cell.fill = OPEN, INPUT_FILL
            if name == "Comment":
                cell.value = self.filled.get(question.id, (None, None))[1]
        self.answer_cell(sheet, row, question)
        evidence_ref = sheet.cell(row, self.column("Evidence files")).coordinate
        validation(
            sheet,
            evidence_ref,
            promptTitle="Evidence files",
            prompt="Names of files listed on the Evidence sheet, separated by ;",
        )
        if self.q.prefilled and question.previous is not None:
            confirm = sheet.cell(row, self.column(CONFIRM))
            confirm.protection, confirm.fill = OPEN, INPUT_FILL
            validation(
                sheet,
                confirm.coordinate,
                type="list",
                formula1='"Yes"',
                promptTitle="Pre-filled from last cycle",
                prompt="Choose Yes if the answer still holds, or change the answer.",
            )
        widths = [(str(values.get(n) or ""), w) for n, w in self.columns.items()]
        sheet.row_dimensions[row].height = row_height(widths)

    def question_sheet(self, checklist: str, questions: list[Question]) -> None:
        title = self.q.checklist_titles.get(checklist, checklist)
        short = checklist.replace("-", " ").replace("_", " ")
        sheet = self.book.create_sheet(sheet_title(short[:1].upper() + short[1:], self.taken))
        sheet.cell(1, 1, f"{title}: {len(questions)} question(s)").font = TITLE
        sheet.cell(2, 1, workbook_sheet_note(self.q))
        sheet.cell(2, 1).alignment = Alignment(wrap_text=False)
        header(sheet, 3, self.columns)
        row = 3
        first = row + 1
        current = None
        for question in questions:
            if question.section != current:
                current = question.section
                row += 1
                cell = sheet.cell(row, 2, self.q.section_title(question))
                for index in range(1, len(self.columns) + 1):
                    sheet.cell(row, index).fill = SECTION_FILL
                cell.font = BOLD
            row += 1
            self.question_row(sheet, row, question)
        sheet.print_title_rows = "3:3"
        sheet.page_setup.orientation = "landscape"
        fit_to_width(sheet)
        protect(sheet)
        self.question_sheets.append((title, sheet.title, first, row))
        self.sheet_of.update({q.id: sheet.title for q in questions})

    def evidence_sheet(self) -> None:
        sheet = self.book.create_sheet(EVIDENCE_SHEET)
        sheet.cell(1, 1, "Evidence: the documents asked for").font = TITLE
        sheet.cell(
            2,
            1,
            "Name each file you send in the File name column, with the dates its row asks for "
            f"(written like {DATE_EXAMPLE}). Send several files of one kind on the extra rows "
            "below, choosing the kind from the list. A document counts for every question that "
            "asks for its kind; to limit one to some questions, list their IDs in the last "
            "column (e.g. SEC-GOV-01; SEC-GOV-02).",
        )
        header(sheet, 3, EVIDENCE_COLUMNS)
        sheet.print_title_rows = "3:3"
        asks: dict[str, tuple[list[str], list[str], list[int]]] = {}
        for question in self.q.questions:
            for ask in question.evidence:
                for kind_id in ask.kinds:
                    required, optional, ages = asks.setdefault(kind_id, ([], [], []))
                    (required if ask.required else optional).append(question.id)
                    if ask.max_age_days:
                        ages.append(ask.max_age_days)
        labels = self.list_range([k.label for k in self.q.kinds])
        row = 3
        for kind in self.q.kinds:
            row += 1
            values = {
                "Document kind": kind.label,
                "What it must show": kind.description,
                "Asked for by": asked_by(asks.get(kind.id)),
                "Dates to give": dates_words(kind.dates),
            }
            self._evidence_row(sheet, row, values, kind.dates, open_kind=False)
        for _ in range(EXTRA_EVIDENCE_ROWS):
            row += 1
            self._evidence_row(sheet, row, {}, tuple(DATE_COLUMNS), open_kind=True)
            validation(
                sheet,
                sheet.cell(row, 1).coordinate,
                type="list",
                formula1=labels,
                promptTitle="Document kind",
                prompt="Choose the kind of document.",
                error="Choose a kind from the list.",
            )
        sheet.page_setup.orientation = "landscape"
        fit_to_width(sheet)
        protect(sheet)

    def _evidence_row(
        self,
        sheet: Worksheet,
        row: int,
        values: dict[str, str],
        needed: tuple[str, ...],
        *,
        open_kind: bool,
    ) -> None:
        needed_columns = {DATE_COLUMNS[d] for d in needed}
        for index, name in enumerate(EVIDENCE_COLUMNS, start=1):
            cell = sheet.cell(row, index, values.get(name))
            cell.alignment, cell.border = WRAP, THIN
            if name in ("File name", ONLY_FOR) or (name == "Document kind" and open_kind):
                cell.protection, cell.fill = OPEN, INPUT_FILL
            if name in DATE_COLUMNS.values():
                cell.protection, cell.number_format = OPEN, DATE_FORMAT
                cell.fill = INPUT_FILL if name in needed_columns else UNNEEDED_FILL
                message = f"Enter a date such as {DATE_EXAMPLE}."
                words = (name, "Not a date", message)
                checked(sheet, cell.coordinate, date_check(cell.coordinate), False, words)
        widths = [(values.get(n) or "", w) for n, w in EVIDENCE_COLUMNS.items()]
        sheet.row_dimensions[row].height = row_height(widths)

    def instructions(self) -> None:
        sheet = self.book.active
        assert sheet is not None  # noqa: S101 - a new workbook has one sheet
        write_instructions(
            sheet, self.q, self.question_sheets, self.column("Answer"), self.sheet_of
        )

    def render(self) -> bytes:
        by_checklist: dict[str, list[Question]] = {}
        for question in self.q.questions:
            by_checklist.setdefault(question.checklist, []).append(question)
        for checklist, questions in by_checklist.items():
            self.question_sheet(checklist, questions)
        self.evidence_sheet()
        write_spec_sheet(self.book.create_sheet(SPEC_SHEET), self.q)
        for sheet in self.book.worksheets:  # the only formulas of ours are the Instructions'
            no_formulas(sheet)
        self.instructions()
        # The lists sheet last but one, the spec last; both hidden. Order does not matter to
        # the reader, it only keeps the visible sheets first.
        self.book.move_sheet(self.lists, offset=len(self.book.sheetnames))
        self.lists.sheet_state = "hidden"
        self.book[SPEC_SHEET].sheet_state = "hidden"
        protect(self.lists)
        self.book.security = WorkbookProtection(lockStructure=True)
        self.book.active = 0
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def render_workbook(
    questionnaire: Questionnaire, filled: Mapping[str, tuple[Any, str | None]] | None = None
) -> bytes:
    """The questionnaire as XLSX bytes; with `filled`, the answers and comments given so far
    (control id -> (value, comment)) in their cells, to be read back like any filled copy."""
    return _Writer(questionnaire, filled or {}).render()
