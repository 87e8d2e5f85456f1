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

from audit.content.schemas import load_schema
from audit.roi.reading import INSTRUCTIONS, LISTS, fields, required, sections

Data = Mapping[str, list[dict[str, Any]]]

FEEDS = {
    "entities": "B_01.01 and B_01.02: your entities in scope, one of them files the register",
    "branches": "B_01.03: branches of your entities",
    "functions": "B_06.01: business functions, their criticality, RTO and RPO",
    "providers": "B_05.01: the legal facts of each ICT provider (a vendor has its own id here)",
    "arrangements": "B_02.01, B_02.02, B_03.01, B_03.02: contracts with the providers",
    "services": "B_02.02, B_04.01, B_07.01: each ICT service an arrangement delivers",
    "supply_chain": "B_05.02: subcontractors of rank 2 and below (the vendor is rank 1)",
    "definitions": "B_99.01: what your scale values mean (the tool's own are used otherwise)",
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


def _choices(section: str, name: str) -> list[str] | None:
    schema = load_schema("roi")
    row = schema["$defs"][schema["properties"][section]["items"]["$ref"].rsplit("/", 1)[1]]
    spec = row["properties"][name]
    while "$ref" in spec:
        spec = schema["$defs"][spec["$ref"].rsplit("/", 1)[1]]
    if fields(section)[name] == "boolean":
        return ["true", "false"]
    return [str(v) for v in spec["enum"]] if "enum" in spec else None


def _description(section: str, name: str) -> str:
    schema = load_schema("roi")
    row = schema["$defs"][schema["properties"][section]["items"]["$ref"].rsplit("/", 1)[1]]
    spec = row["properties"][name]
    text = spec.get("description")
    while text is None and "$ref" in spec:
        spec = schema["$defs"][spec["$ref"].rsplit("/", 1)[1]]
        text = spec.get("description")
    return str(text or "")


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
        "Each sheet below is one section. Row 1 holds the field names: keep them. Fields in bold "
        "are required. Lists inside a cell are separated by ';'. Dates are written 2026-12-31.",
        "Import with: audit roi import THIS-FILE.xlsx   (all sheets are checked together; "
        "nothing is kept unless every row is right)",
        "",
        "section | what it holds | EBA templates it feeds",
    ]
    lines += [f"{s} | {FEEDS[s]}" for s in sections()]
    for number, line in enumerate(lines, start=1):
        intro.cell(number, 1, line).font = Font(bold=number == 1)
    intro.column_dimensions["A"].width = 120
    list_row = 0
    for section in sections():
        sheet = book.create_sheet(section)
        names = list(fields(section))
        needed = set(required(section))
        for column, name in enumerate(names, start=1):
            cell = sheet.cell(1, column, name)
            cell.font = Font(bold=name in needed)
            cell.fill = _HEADER
            cell.alignment = Alignment(vertical="top")
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(14, min(40, len(name) + 4))
            if (text := _description(section, name)) != "":
                cell.comment = Comment(text, "vendor-audit")
            choices = _choices(section, name)
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
        for number, row in enumerate(data.get(section, []), start=2):
            for column, name in enumerate(names, start=1):
                if name in row:
                    value = row[name]
                    sheet.cell(number, column, _cell(value) if isinstance(value, list) else value)
        sheet.freeze_panes = "A2"
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
