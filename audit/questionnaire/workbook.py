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
import json
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from audit.model import AnswerType, Respondent
from audit.questionnaire.document import Question, Questionnaire, question_spec
from audit.questionnaire.words import (
    DATE_EXAMPLE,
    dates_words,
    evidence_words,
    expects,
    follow_up_words,
    previous_words,
)

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
    "End of period covered": 16,
}
DATE_COLUMNS = {
    "issued": "Issue date",
    "expires": "Expiry date",
    "period_end": "End of period covered",
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


def _sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Questions"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def _row_height(texts: Iterable[tuple[str, int]]) -> float:
    """Roughly the height wrapped text needs: lines at ~1.25 characters per width unit."""
    lines = 1
    for text, width in texts:
        per_line = max(10, int(width * 1.25))
        count = sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))
        lines = max(lines, count)
    return min(409.0, 14.5 * lines + 4)


def _fit_to_width(sheet: Worksheet) -> None:
    """Printed (or converted to PDF), a sheet is as wide as the page and as long as needed."""
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _protect(sheet: Worksheet) -> None:
    # Locked cells stay read-only; rows and columns may still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def _header(sheet: Worksheet, row: int, columns: dict[str, int]) -> None:
    for index, (name, width) in enumerate(columns.items(), start=1):
        cell = sheet.cell(row, index, name)
        cell.font, cell.fill, cell.alignment = WHITE_BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[row].height = 30
    sheet.freeze_panes = sheet.cell(row + 1, 3).coordinate


def _validation(sheet: Worksheet, cell: str, **kwargs: Any) -> None:
    rule = DataValidation(showErrorMessage=True, showInputMessage=True, allow_blank=True, **kwargs)
    rule.add(cell)
    sheet.add_data_validation(rule)


def _na_or(condition: str, cell: str) -> str:
    return f'OR({condition},LOWER(TRIM({cell}))="na")'


class _Writer:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
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
            _validation(
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
            _validation(
                sheet, ref, promptTitle=title, prompt="Separate several answers with ;"[:255]
            )
        elif spec.type in (AnswerType.NUMBER, AnswerType.PERCENT):
            percent = spec.type is AnswerType.PERCENT
            bounds = (0, 100) if percent else (-1_000_000_000_000, 1_000_000_000_000)
            check = f"AND(ISNUMBER({ref}),{ref}>={bounds[0]},{ref}<={bounds[1]})"
            cell.number_format = "0.0##" if percent else "General"
            _validation(
                sheet,
                ref,
                type="custom",
                formula1=_na_or(check, ref) if spec.allow_na else check,
                promptTitle=title,
                prompt=f"Enter {how}."[:255],
                errorTitle="Not a number",
                error=f"Enter {how}."[:255],
            )
        elif spec.type is AnswerType.DATE:
            cell.number_format = DATE_FORMAT
            check = f"AND(ISNUMBER({ref}),{ref}>=DATE(1970,1,1),{ref}<=DATE(2199,12,31))"
            _validation(
                sheet,
                ref,
                type="custom",
                formula1=_na_or(check, ref) if spec.allow_na else check,
                promptTitle=title,
                prompt=f"Enter a date such as {DATE_EXAMPLE}.",
                errorTitle="Not a date",
                error=f"Enter a date such as {DATE_EXAMPLE}.",
            )
        else:
            _validation(
                sheet,
                ref,
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(spec.max_length or 4000),
                promptTitle=title,
                prompt=f"Enter {how}."[:255],
                error=f"At most {spec.max_length or 4000} characters.",
            )
        prefill = question.previous if self.q.prefilled else None
        if prefill is not None:
            cell.value = _cell_value(question, prefill)

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
            "How to answer": _how_to_answer(question),
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
        self.answer_cell(sheet, row, question)
        evidence_ref = sheet.cell(row, self.column("Evidence files")).coordinate
        _validation(
            sheet,
            evidence_ref,
            promptTitle="Evidence files",
            prompt="Names of files listed on the Evidence sheet, separated by ;",
        )
        if self.q.prefilled and question.previous is not None:
            confirm = sheet.cell(row, self.column(CONFIRM))
            confirm.protection, confirm.fill = OPEN, INPUT_FILL
            _validation(
                sheet,
                confirm.coordinate,
                type="list",
                formula1='"Yes"',
                promptTitle="Pre-filled from last cycle",
                prompt="Choose Yes if the answer still holds, or change the answer.",
            )
        widths = [(str(values.get(n) or ""), w) for n, w in self.columns.items()]
        sheet.row_dimensions[row].height = _row_height(widths)

    def question_sheet(self, checklist: str, questions: list[Question]) -> None:
        title = self.q.checklist_titles.get(checklist, checklist)
        short = checklist.replace("-", " ").replace("_", " ")
        sheet = self.book.create_sheet(_sheet_title(short[:1].upper() + short[1:], self.taken))
        sheet.cell(1, 1, f"{title}: {len(questions)} question(s)").font = TITLE
        sheet.cell(2, 1, _sheet_note(self.q))
        sheet.cell(2, 1).alignment = Alignment(wrap_text=False)
        _header(sheet, 3, self.columns)
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
        _fit_to_width(sheet)
        _protect(sheet)
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
            "below, choosing the kind from the list.",
        )
        _header(sheet, 3, EVIDENCE_COLUMNS)
        sheet.print_title_rows = "3:3"
        asked_by: dict[str, tuple[list[str], list[str], list[int]]] = {}
        for question in self.q.questions:
            for ask in question.evidence:
                for kind_id in ask.kinds:
                    required, optional, ages = asked_by.setdefault(kind_id, ([], [], []))
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
                "Asked for by": _asked_by(asked_by.get(kind.id)),
                "Dates to give": dates_words(kind.dates),
            }
            self._evidence_row(sheet, row, values, kind.dates, open_kind=False)
        for _ in range(EXTRA_EVIDENCE_ROWS):
            row += 1
            self._evidence_row(sheet, row, {}, tuple(DATE_COLUMNS), open_kind=True)
            _validation(
                sheet,
                sheet.cell(row, 1).coordinate,
                type="list",
                formula1=labels,
                promptTitle="Document kind",
                prompt="Choose the kind of document.",
                error="Choose a kind from the list.",
            )
        sheet.page_setup.orientation = "landscape"
        _fit_to_width(sheet)
        _protect(sheet)

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
            if name == "File name" or (name == "Document kind" and open_kind):
                cell.protection, cell.fill = OPEN, INPUT_FILL
            if name in DATE_COLUMNS.values():
                cell.protection, cell.number_format = OPEN, DATE_FORMAT
                cell.fill = INPUT_FILL if name in needed_columns else UNNEEDED_FILL
                ref = cell.coordinate
                _validation(
                    sheet,
                    ref,
                    type="custom",
                    formula1=f"AND(ISNUMBER({ref}),{ref}>=DATE(1970,1,1),{ref}<=DATE(2199,12,31))",
                    error=f"Enter a date such as {DATE_EXAMPLE}.",
                )
        widths = [(values.get(n) or "", w) for n, w in EVIDENCE_COLUMNS.items()]
        sheet.row_dimensions[row].height = _row_height(widths)

    def instructions(self) -> None:
        sheet = self.book.active
        assert sheet is not None  # noqa: S101 - a new workbook has one sheet
        sheet.title = INSTRUCTIONS_SHEET
        q = self.q
        who = q.requester.organisation or "Your client"
        assessor = q.part is Respondent.ASSESSOR
        heading = (
            f"Contract review of {q.vendor_name} (assessor's part)"
            if assessor
            else f"Vendor risk questionnaire for {q.vendor_name}"
        )
        sheet.cell(1, 1, heading).font = TITLE
        rows: list[tuple[str, Any]] = [
            ("From", who),
            ("To", f"{q.vendor_name} ({q.vendor_id})"),
            ("Questionnaire", q.id),
            ("Issued", q.issued),
            ("Please return by", q.due),
            ("Questions about it", q.requester.contact),
            ("Questions", f"{len(q.questions)} in {len(self.question_sheets)} sheet(s)"),
        ]
        row = 2
        for label, value in rows:
            row += 1
            sheet.cell(row, 1, label).font = BOLD
            cell = sheet.cell(row, 2, value)
            cell.alignment = Alignment(horizontal="left")
            if label in ("Issued", "Please return by"):
                cell.number_format = DATE_FORMAT
        row += 1
        for title, name, first, last in self.question_sheets:
            row += 1
            column = get_column_letter(self.column("Answer"))
            ids = get_column_letter(1)
            count = sum(1 for q in self.q.questions if self.sheet_of.get(q.id) == name)
            sheet.cell(row, 1, title)
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
                _validation(
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
        for line in _how_to(q):
            row += 1
            sheet.cell(row, 1, line)
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 64
        _fit_to_width(sheet)
        _protect(sheet)

    def spec_sheet(self) -> None:
        sheet = self.book.create_sheet(SPEC_SHEET)
        q = self.q
        meta: list[tuple[str, Any]] = [
            ("marker", MARKER),
            ("format", 2),
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
                row,
                2,
                json.dumps({"id": kind.id, "label": kind.label, "dates": list(kind.dates)}),
            )
        _protect(sheet)

    def render(self) -> bytes:
        by_checklist: dict[str, list[Question]] = {}
        for question in self.q.questions:
            by_checklist.setdefault(question.checklist, []).append(question)
        for checklist, questions in by_checklist.items():
            self.question_sheet(checklist, questions)
        self.evidence_sheet()
        self.instructions()
        self.spec_sheet()
        # The lists sheet last but one, the spec last; both hidden. Order does not matter to
        # the reader, it only keeps the visible sheets first.
        self.book.move_sheet(self.lists, offset=len(self.book.sheetnames))
        self.lists.sheet_state = "hidden"
        self.book[SPEC_SHEET].sheet_state = "hidden"
        _protect(self.lists)
        self.book.security = WorkbookProtection(lockStructure=True)
        self.book.active = 0
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def _asked_by(asks: tuple[list[str], list[str], list[int]] | None) -> str:
    """Which questions ask for a kind of document, and the strictest age any of them allows."""
    if asks is None:
        return "Extends another document (for example a bridge letter for a SOC report)"
    required, optional, ages = asks
    lines = []
    if required:
        lines.append("Required for " + ", ".join(required))
    if optional:
        lines.append("Optional for " + ", ".join(optional))
    if ages:
        lines.append(f"At most {min(ages)} days old")
    return ".\n".join(lines) + "."


def _how_to_answer(question: Question) -> str:
    """What to enter; for options, the options themselves, so a printed copy shows them."""
    if question.answer.type in (AnswerType.CHOICE, AnswerType.YES_NO, AnswerType.MULTI_CHOICE):
        several = question.answer.type is AnswerType.MULTI_CHOICE
        head = "Choose one or more (separate with ;):" if several else "Choose one:"
        return head + "".join(f"\n- {o.label}" for o in question.choices)
    how = expects(question)
    return how[:1].upper() + how[1:]


def _cell_value(question: Question, value: Any) -> Any:
    """A stored answer as the workbook shows it: options by their words."""
    label = question.label_of(value)
    if label is not None:
        return label
    return value


def _sheet_note(q: Questionnaire) -> str:
    return (
        "Fill the yellow cells: Answer, Comment and Evidence files. Grey rows name the section; "
        "lilac questions are follow-ups, to answer only when their condition holds."
    )


def _how_to(q: Questionnaire) -> list[str]:
    who = q.requester.contact
    if q.part is Respondent.ASSESSOR:
        return [
            "1. Answer each question from the executed contract, DPA or BAA, not from the "
            "vendor's word.",
            "2. On the Evidence sheet, name the signed documents you relied on and their dates.",
            "3. Under Evidence files, name the document that supports each answer.",
            "4. Put your name under Completed by, set the status to Final, and import the file:",
            "   audit review VENDOR --import FILE",
        ]
    return [
        "1. On each question sheet, choose or type your answer in the yellow Answer cell.",
        "   Choices: pick from the drop-down list. Numbers and percentages: digits only.",
        f"   Dates: written like {DATE_EXAMPLE}.",
        "2. Add a Comment where the answer needs explaining (for example an exception).",
        "3. On the Evidence sheet, name each document you send and give the dates it asks for.",
        "   Under a question's Evidence files, name the documents that support that answer.",
        "4. Lilac questions are follow-ups: answer them only when their condition holds.",
        *(
            ["   Pre-filled answers come from last cycle: confirm each with Yes, or change it."]
            if q.prefilled
            else []
        ),
        "5. Keep the status Draft while you work. Choose Final when every question is answered.",
        f"6. Return this workbook and the documents by e-mail to {who}.",
        "   Before you send it you can check it: audit questionnaire check FILE.xlsx",
        f"Questions about this questionnaire: {who}.",
    ]


def render_workbook(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as XLSX bytes."""
    return _Writer(questionnaire).render()
