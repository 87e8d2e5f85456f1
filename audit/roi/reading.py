"""Reading the register of information's sections from YAML, JSON, CSV or a workbook (pure but
for reading the given files).

The register is a set of sections (`entities`, `functions`, `providers`, `arrangements`,
`services`, `supply_chain`, ...), each a list of flat rows, as `roi.schema.json` defines them.
- YAML or JSON: one document holding any of the sections.
- CSV: one file per section, named after it (`functions.csv`); a list inside a cell is separated
  by `;`; the header row decides between `,` and `;` as the delimiter.
- A workbook (.xlsx): one sheet per section, named after it, with the field names in row 1;
  a sheet named `Instructions` is skipped.
Every row keeps the file and line (or `FILE!Sheet` and row) it came from, so each problem points
at the cell a person has to change. Cell text is converted by the schema's type for its field;
text that does not convert stays text, for the schema to refuse in words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from audit.content.schemas import load_schema
from audit.content.yamlsafe import parse_yaml
from audit.errors import ContentError, Problem
from audit.questionnaire.sheets import check_archive
from audit.register import number, truth

INSTRUCTIONS, LISTS = "Instructions", "Lists"  # sheets of the written workbook, not sections
Where = tuple[str, int | None]


@cache
def sections() -> tuple[str, ...]:
    """The section names, in the order a register is read and written."""
    return tuple(load_schema("roi")["properties"])


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the schema says of one field of a section's rows."""

    kind: str  # string, integer, number, boolean or array
    choices: tuple[str, ...] | None  # a closed list (true/false for a boolean)
    description: str


def _chain(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The node and each node its `$ref`s lead to, outermost first."""
    definitions = load_schema("roi")["$defs"]
    yield node
    while "$ref" in node:
        node = definitions[node["$ref"].rsplit("/", 1)[1]]
        yield node


def _row_schema(section: str) -> Mapping[str, Any]:
    *_, row = _chain(load_schema("roi")["properties"][section]["items"])
    return row


@cache
def specs(section: str) -> dict[str, FieldSpec]:
    """Every field of a section's rows, in the schema's order."""
    found = {}
    for name, spec in _row_schema(section)["properties"].items():
        nodes = list(_chain(spec))
        last = nodes[-1]
        kind = last.get("type", "string")
        choices = ("true", "false") if kind == "boolean" else last.get("enum")
        found[name] = FieldSpec(
            kind,
            None if choices is None else tuple(str(c) for c in choices),
            next((str(n["description"]) for n in nodes if "description" in n), ""),
        )
    return found


def fields(section: str) -> dict[str, str]:
    """Each field of a section's rows and its kind: string, integer, number, boolean or array."""
    return {name: spec.kind for name, spec in specs(section).items()}


@cache
def required(section: str) -> tuple[str, ...]:
    return tuple(_row_schema(section).get("required", ()))


@dataclass
class Sections:
    """Rows by section, and where each row came from."""

    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    where: dict[tuple[str, int], Where] = field(default_factory=dict)
    sheet_columns: dict[str, list[str]] = field(default_factory=dict)  # of workbook sections
    field_lines: dict[tuple[str, int, str], int] = field(default_factory=dict)  # YAML, JSON

    def locate(self, path: tuple[str | int, ...]) -> Where:
        """The file and line of the row a path points into (in a workbook, its cell), for a
        problem's location."""
        if len(path) < 2 or not isinstance(path[0], str) or not isinstance(path[1], int):
            return ("register of information", None)
        source, line = self.where.get((path[0], path[1]), ("register of information", None))
        if len(path) > 2 and (path[0], path[1], str(path[2])) in self.field_lines:
            return source, self.field_lines[(path[0], path[1], str(path[2]))]
        columns = self.sheet_columns.get(path[0], [])
        if line is not None and len(path) > 2 and path[2] in columns:
            return (f"{source}!{get_column_letter(columns.index(str(path[2])) + 1)}{line}", None)
        return source, line


def convert(value: Any, kind: str) -> Any:
    """A cell's value as the schema's kind for its field; what does not convert is left as it
    is, and the schema names it."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if kind == "array":
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return [value]
    if kind == "boolean" and isinstance(value, str):
        return truth(value)
    if kind in ("integer", "number") and isinstance(value, str):
        return number(value)
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "string" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _row(section: str, cells: Mapping[str, Any]) -> dict[str, Any]:
    kinds = fields(section)
    row = {}
    for name, raw in cells.items():
        value = convert(raw, kinds.get(name, "string"))
        if value is not None:
            row[name] = value
    return row


def _header_problem(section: str, header: list[str], source: str) -> Problem | None:
    known = fields(section)
    unknown = [c for c in header if c not in known]
    twice = sorted({c for c in header if header.count(c) > 1})
    if not header:
        message = "no header row"
    elif unknown:
        message = f"unknown column(s) {', '.join(map(repr, unknown))}"
    elif twice:
        message = f"column(s) {', '.join(twice)} given twice"
    else:
        return None
    return Problem(source, f"{message}; the columns of {section} are: {', '.join(known)}", line=1)


def _section_of(name: str, source: str) -> str:
    section = name.strip().lower()
    if section not in sections():
        raise ContentError(
            [
                Problem(
                    source,
                    f"'{name}' is not a section of the register; name it after one of: "
                    f"{', '.join(sections())}",
                )
            ]
        )
    return section


def read_csv(raw: bytes, source: str, section: str, into: Sections) -> None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(source, "not UTF-8 text", line=line)]) from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ","
    )
    rows: list[dict[str, Any]] = []
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        if (wrong := _header_problem(section, header, source)) is not None:
            raise ContentError([wrong])
        reader.fieldnames = header
        for cells in reader:
            if None in cells:
                raise ContentError(
                    [Problem(source, "more cells than columns", line=reader.line_num)]
                )
            if not any((v or "").strip() for v in cells.values()):
                continue
            into.where[(section, len(rows))] = (source, reader.line_num)
            rows.append(_row(section, cells))
    except csv.Error as exc:
        raise ContentError(
            [Problem(source, f"not readable as CSV: {exc}", line=reader.line_num + 1)]
        ) from None
    into.data[section] = rows


def read_workbook(path: Path, source: str, into: Sections) -> None:
    from openpyxl import load_workbook  # only for workbooks read

    check_archive(path, source)
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any damage inside the archive is the file's
        raise ContentError(
            [Problem(source, f"the workbook cannot be read ({type(exc).__name__})")],
            hint="open it in Excel or LibreOffice, save it as .xlsx, and try again",
        ) from None
    problems: list[Problem] = []
    try:
        for sheet in book.worksheets:
            if sheet.title.strip() in (INSTRUCTIONS, LISTS):
                continue
            where = f"{source}!{sheet.title}"
            try:
                section = _section_of(sheet.title, where)
            except ContentError as exc:
                problems += exc.problems
                continue
            lines = sheet.iter_rows(values_only=True)
            header = [str(c).strip() for c in next(lines, ()) if c is not None]
            if (wrong := _header_problem(section, header, where)) is not None:
                problems.append(wrong)
                continue
            rows: list[dict[str, Any]] = []
            for number, values in enumerate(lines, start=2):
                if len([v for v in values[len(header) :] if v not in (None, "")]):
                    problems.append(Problem(where, "a cell right of the last column", line=number))
                cells = dict(zip(header, values, strict=False))
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                    continue
                into.where[(section, len(rows))] = (where, number)
                rows.append(_row(section, cells))
            into.data[section] = rows
            into.sheet_columns[section] = header
    finally:
        book.close()
    if problems:
        raise ContentError(problems)


def read_text(raw: bytes, source: str, max_bytes: int, into: Sections) -> None:
    document = parse_yaml(raw, source, max_bytes=max_bytes)
    if not isinstance(document.data, dict):
        raise ContentError(
            [Problem(source, f"expected the sections by name ({', '.join(sections())})")]
        )
    for name, rows in document.data.items():
        if name not in sections():
            continue  # the schema names it, with the sections it knows
        if isinstance(rows, list):
            for index, row in enumerate(rows):
                into.where[(name, index)] = (source, document.line_of((name, index)))
                for key in row if isinstance(row, dict) else ():
                    line = document.lines.get((name, index, key))
                    if line is not None:
                        into.field_lines[(name, index, str(key))] = line
    for name, rows in document.data.items():
        into.data[name] = rows


def read_files(paths: list[Path], sources: list[str], *, max_bytes: int) -> Sections:
    """The sections of every file, or ContentError naming every file that cannot be read. A
    section given by two files is refused: which one is meant cannot be guessed."""
    found = Sections()
    problems: list[Problem] = []
    givers: dict[str, str] = {}
    for path, source in zip(paths, sources, strict=True):
        into = Sections()
        try:
            if path.is_symlink() or not path.is_file():
                raise ContentError([Problem(source, "not a regular file")])
            if (size := path.stat().st_size) > max_bytes:
                raise ContentError(
                    [Problem(source, f"file is {size:,} bytes; the limit is {max_bytes:,}")]
                )
            suffix = path.suffix.lower()
            if suffix == ".xlsx":
                read_workbook(path, source, into)
            elif suffix == ".csv":
                read_csv(path.read_bytes(), source, _section_of(Path(source).stem, source), into)
            elif suffix in (".yaml", ".yml", ".json"):
                read_text(path.read_bytes(), source, max_bytes, into)
            else:
                raise ContentError(
                    [Problem(source, "expected a .xlsx, .csv, .yaml, .yml or .json file")]
                )
        except ContentError as exc:
            problems += exc.problems
            continue
        for section, rows in into.data.items():
            if section in givers:
                problems.append(
                    Problem(source, f"{section} is also given by {givers[section]}; give it once")
                )
                continue
            givers[section] = source
            found.data[section] = rows
        found.where |= into.where
        found.sheet_columns |= into.sheet_columns
        found.field_lines |= into.field_lines
    if problems:
        raise ContentError(problems, hint="nothing was imported; fix the file and run it again")
    return found
