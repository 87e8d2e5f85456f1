"""Writing the register of information's sections in the shapes `audit roi import` reads back:
a workbook (one sheet per section, drop-downs for every closed list), one CSV per section, or a
YAML or JSON document (pure: bytes out).

With no rows, the workbook is the blank form an officer fills in: its first sheet says what each
section holds and which template of the EBA package it feeds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from audit.questionnaire.sheetstyle import no_formulas
from audit.roi.reading import INSTRUCTIONS, LISTS, fields, required, sections, specs

Data = Mapping[str, list[dict[str, Any]]]

FEEDS = {  # what each section holds, and the EBA templates it feeds
    "entities": ("your entities in scope; one of them files the register", "B_01.01, B_01.02"),
    "branches": ("branches of your entities", "B_01.03"),
    "functions": ("business functions, their criticality, RTO and RPO", "B_06.01"),
    "providers": ("each ICT provider's legal facts (a vendor under its own id)", "B_05.01"),
    "arrangements": ("contracts with the providers", "B_02.01, B_02.02, B_03.01, B_03.02"),
    "services": ("each ICT service an arrangement delivers", "B_02.02, B_04.01, B_07.01"),
    "supply_chain": ("subcontractors of rank 2 and below (the vendor is rank 1)", "B_05.02"),
    "definitions": ("what your scale values mean (the tool's own otherwise)", "B_99.01"),
}
_HEADER = PatternFill("solid", fgColor="DDE4EE")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook(data: Data) -> bytes:
    """The register as a workbook: Instructions, then one sheet per section."""
    book = Workbook()
    intro = book.active
    assert intro is not None  # noqa: S101 - a new workbook has its first sheet
    intro.title = INSTRUCTIONS
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    lines = [
        "Register of information (DORA Art. 28(3); templates of Implementing Regulation (EU) "
        "2024/2956)",
        "Each sheet after this one is a section. Row 1 holds the field names: keep them. Fields "
        "in bold are required; each field's note says what it holds.",
        "Lists inside a cell are separated by ';'. Dates are written 2026-12-31.",
        "Import with: audit roi import THIS-FILE.xlsx (all sheets are checked together, and "
        "nothing is kept unless every row is right).",
    ]
    for number, line in enumerate(lines, start=1):
        intro.cell(number, 1, line).font = Font(bold=number == 1)
    table = len(lines) + 2
    for column, title in enumerate(("section", "what it holds", "EBA templates"), start=1):
        intro.cell(table, column, title).font = Font(bold=True)
        intro.cell(table, column).fill = _HEADER
    for number, section in enumerate(sections(), start=table + 1):
        intro.cell(number, 1, section)
        intro.cell(number, 2, FEEDS[section][0])
        intro.cell(number, 3, FEEDS[section][1])
    for letter, width in (("A", 16), ("B", 62), ("C", 36)):
        intro.column_dimensions[letter].width = width
    list_row = 0
    for section in sections():
        sheet = book.create_sheet(section)
        names = list(fields(section))
        needed = set(required(section))
        rows = data.get(section, [])
        for column, name in enumerate(names, start=1):
            cell = sheet.cell(1, column, name)
            cell.font = Font(bold=name in needed)
            cell.fill = _HEADER
            cell.alignment = Alignment(vertical="top")
            letter = get_column_letter(column)
            longest = max((len(_cell(r[name])) for r in rows if name in r), default=0)
            sheet.column_dimensions[letter].width = max(12, min(48, max(len(name), longest) + 3))
            if (text := specs(section)[name].description) != "":
                cell.comment = Comment(text, "vendor-audit")
            choices = specs(section)[name].choices
            if choices is not None:
                list_row += 1
                for index, choice in enumerate(choices, start=1):
                    lists.cell(list_row, index, choice)
                last = get_column_letter(len(choices))
                rule = DataValidation(
                    type="list",
                    formula1=f"'{LISTS}'!$A${list_row}:${last}${list_row}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=name,
                    error=f"one of: {', '.join(choices)}"[:255],
                )
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}5000")
        for number, row in enumerate(rows, start=2):
            for column, name in enumerate(names, start=1):
                if name in row:
                    value = row[name]
                    sheet.cell(number, column, _cell(value) if isinstance(value, list) else value)
        sheet.freeze_panes = "A2"
    for printed in book.worksheets:  # printed landscape, one page wide; no formula of anyone's
        no_formulas(printed)
        printed.page_setup.orientation = "landscape"
        printed.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        printed.page_setup.fitToWidth, printed.page_setup.fitToHeight = 1, 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_files(data: Data) -> dict[str, bytes]:
    """One CSV per section, named `<section>.csv`, with every field as a column."""
    files = {}
    for section in sections():
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(fields(section)), lineterminator="\r\n")
        writer.writeheader()
        for row in data.get(section, []):
            writer.writerow({k: _cell(v) for k, v in row.items()})
        files[f"{section}.csv"] = out.getvalue().encode("utf-8")
    return files


def text(data: Data, fmt: str) -> bytes:
    """The register as YAML or JSON, sections in their order, empty ones left out."""
    document = {s: data[s] for s in sections() if data.get(s)}
    if fmt == "json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True) if document else "{}\n"
    return body.encode()
