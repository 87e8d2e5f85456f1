"""Reading vendor files (CSV, YAML, JSON) into checked vendor records.

All three formats become the same records and go through `vendor.schema.json`; a CSV row's
problems are reported with its line, so a user sees `vendors.csv:7: vendors[acme].contract.start`.
List columns in CSV are separated by `;`, and the parts of a subcontractor, SLA or contact by `|`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from audit.content.yamlsafe import Document, parse_yaml
from audit.errors import ContentError, Problem
from audit.inputs import address_problem, date_problem, name_problem
from audit.vendor import Vendor, vendor_from_record
from audit.words import is_country

LIST_COLUMNS = ("services", "countries", "data", "access")
CONTRACT_COLUMNS = {
    "contract_type": ("type", str),
    "contract_start": ("start", str),
    "contract_end": ("end", str),
    "contract_notice_days": ("notice_days", int),
    "contract_annual_value": ("annual_value", "number"),
    "contract_currency": ("currency", str),
    "contract_right_to_audit": ("right_to_audit", "bool"),
}
PARTS = {
    "subcontractors": ("name", "service", "country"),
    "sla": ("metric", "target", "unit"),
    "contacts": ("name", "email", "role"),
}
CSV_COLUMNS = (
    "id",
    "name",
    *LIST_COLUMNS,
    "delivery",
    "criticality",
    "onboarded",
    *CONTRACT_COLUMNS,
    *PARTS,
    "owner",
)
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def truth(value: str) -> bool | str:
    """`yes`, `true`, `1` as True and their opposites as False; anything else stays text."""
    lowered = value.lower()
    return True if lowered in TRUE else False if lowered in FALSE else value


def number(value: str) -> int | float | str:
    """420000 stays an integer and 99.5 a decimal, as YAML and JSON read them; text that is no
    number stays text, for the schema to name."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def _convert(value: str, kind: Any) -> Any:
    """Turn CSV text into the type the schema expects; leave it as text when it cannot be."""
    if kind == "bool":
        return truth(value)
    if kind == "number":
        return number(value)
    try:
        return kind(value)
    except ValueError:
        return value


def _csv_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    contract: dict[str, Any] = {}
    for column, raw in row.items():
        cell = (raw or "").strip()
        if not cell:
            continue
        if column in LIST_COLUMNS:
            record[column] = _split(cell)
        elif column in CONTRACT_COLUMNS:
            key, kind = CONTRACT_COLUMNS[column]
            contract[key] = _convert(cell, kind)
        elif column in PARTS:
            names = PARTS[column]
            items = []
            for part in _split(cell):
                values = [v.strip() for v in part.split("|")]
                item = {k: v for k, v in zip(names, values, strict=False) if v}
                if column == "sla" and "target" in item:
                    item["target"] = _convert(item["target"], "number")
                items.append(item)
            record[column] = items
        else:
            record[column] = cell
    if contract:
        record["contract"] = contract
    return record


def _delimiter(text: str) -> str:
    """`,`, or `;` for the CSV that spreadsheets write where the decimal mark is a comma: the
    header row (names only, never a list) says which."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def csv_row(record: dict[str, Any]) -> dict[str, str]:
    """A vendor record as the CSV row `parse_csv` reads back into the same record."""
    row = dict.fromkeys(CSV_COLUMNS, "")
    contract = record.get("contract", {})
    for column, value in record.items():
        if column in LIST_COLUMNS:
            row[column] = "; ".join(value)
        elif column in PARTS:
            row[column] = "; ".join(
                " | ".join(str(item.get(key, "")) for key in PARTS[column]).rstrip(" |")
                for item in value
            )
        elif column in CSV_COLUMNS:
            row[column] = str(value)
    for column, (key, _) in CONTRACT_COLUMNS.items():
        if key in contract:
            value = contract[key]
            row[column] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return row


def write_csv(records: list[dict[str, Any]]) -> bytes:
    """The register as CSV with exactly the columns `vendors import` reads."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_row(r) for r in records)
    return out.getvalue().encode("utf-8")


def parse_csv(raw: bytes, source: str) -> Document:
    """Vendor records from CSV bytes, with the line of every row."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(source, "not UTF-8 text", line=line)]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[dict[str, Any]] = []
    lines: dict[tuple[str | int, ...], int] = {}
    try:
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in CSV_COLUMNS]
        twice = sorted({c for c in header if header.count(c) > 1})
        if unknown or twice or not header:
            message = (
                f"unknown column(s) {', '.join(unknown)}"
                if unknown
                else f"column(s) {', '.join(twice)} given twice"
                if twice
                else "no header row"
            )
            raise ContentError(
                [Problem(source, f"{message}; columns are: {', '.join(CSV_COLUMNS)}", line=1)]
            )
        for index, row in enumerate(reader):
            if None in row:
                raise ContentError(
                    [Problem(source, "more cells than columns", line=reader.line_num)]
                )
            lines[("vendors", index)] = reader.line_num
            records.append(_csv_record(row))
    except csv.Error as exc:  # a cell past the reader's 131,072 characters, a stray NUL
        raise ContentError(
            [Problem(source, f"not readable as CSV: {exc}", line=reader.line_num + 1)]
        ) from None
    if not records:
        raise ContentError([Problem(source, "no vendor rows", line=1)])
    return Document(source, {"vendors": records}, lines)


PARSERS: dict[str, Callable[[bytes, str], Document]] = {
    ".csv": parse_csv,
    ".yaml": parse_yaml,
    ".yml": parse_yaml,
    ".json": parse_yaml,  # JSON is read as YAML 1.2, which it is a subset of
}


def _semantic_problems(document: Document) -> list[Problem]:
    """Problems the schema cannot see (impossible dates, dates out of order, duplicate ids,
    'none' with others, control characters). Defensive: it runs on records the schema refused
    too, so that one run lists every problem."""
    problems = []
    seen: dict[str, int] = {}
    vendors = document.data.get("vendors") if isinstance(document.data, dict) else None
    for index, record in enumerate(vendors if isinstance(vendors, list) else []):
        if not isinstance(record, dict):
            continue
        ident = record.get("id")
        where = f"vendors[{ident}]" if isinstance(ident, str) else f"vendors[{index}]"
        line = document.line_of(("vendors", index))
        if not isinstance(ident, str):
            pass
        elif ident in seen:
            problems.append(
                Problem(
                    document.source,
                    f"vendor id '{record['id']}' appears twice "
                    f"(also vendor #{seen[record['id']] + 1})",
                    line=line,
                    path=where,
                )
            )
        if isinstance(ident, str):
            seen.setdefault(ident, index)
        contract: dict[str, Any] = record.get("contract") or {}
        if not isinstance(contract, dict):
            contract = {}
        dates = {"onboarded": record.get("onboarded")}
        dates |= {f"contract.{k}": contract.get(k) for k in ("start", "end")}
        parsed = {}
        for name, value in dates.items():
            if not isinstance(value, str):
                continue
            try:
                parsed[name] = dt.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    Problem(
                        document.source,
                        f"{value!r} is not a date",
                        line=line,
                        path=f"{where}.{name}",
                    )
                )
                continue
            if (wrong := date_problem(parsed[name])) is not None:
                problems.append(Problem(document.source, wrong, line=line, path=f"{where}.{name}"))
        start, end = parsed.get("contract.start"), parsed.get("contract.end")
        if start and end and end < start:
            problems.append(
                Problem(
                    document.source,
                    "contract ends before it starts",
                    line=line,
                    path=f"{where}.contract.end",
                )
            )
        countries = [
            (f"countries[{i}]", c) for i, c in enumerate(record.get("countries") or [])
        ] + [
            (f"subcontractors[{i}].country", s.get("country"))
            for i, s in enumerate(record.get("subcontractors") or [])
            if isinstance(s, dict)
        ]
        problems += [
            Problem(
                document.source,
                f"'{code}' is not an ISO 3166 country code (two capitals such as PT or MA)",
                line=line,
                path=f"{where}.{path}",
            )
            for path, code in countries
            if isinstance(code, str) and len(code) == 2 and code.isupper() and not is_country(code)
        ]
        problems += [
            Problem(
                document.source,
                f"'none' cannot be combined with other {field}",
                line=line,
                path=f"{where}.{field}",
            )
            for field in ("data", "access")
            if isinstance(record.get(field), list)
            and "none" in record[field]
            and len(record[field]) > 1
        ]
        problems += [
            Problem(document.source, message, line=line, path=f"{where}.{path}")
            for path, message in _text_problems(record)
        ]
    return problems


def _text_problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text of a vendor record is one line (no control characters, so nothing a mail
    header, a terminal or a PDF title would obey), and its addresses are single mailboxes."""
    found = []
    for path, value in _strings(record, ""):
        is_address = path == "owner" or path.endswith(".email")
        problem = address_problem(value) if is_address else name_problem(value)
        if problem is not None:
            found.append((path, problem))
    return found


def _strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{path}[{index}]")


def read_vendor_file(path: Path, source: str, *, max_bytes: int) -> list[Vendor]:
    """Every vendor in the file, or ContentError listing every bad row and field."""
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise ContentError([Problem(source, "expected a .csv, .yaml, .yml or .json file")])
    if path.is_symlink() or not path.is_file():
        raise ContentError([Problem(source, "not a regular file")])
    size = path.stat().st_size
    if size > max_bytes:
        raise ContentError([Problem(source, f"file is {size:,} bytes; the limit is {max_bytes:,}")])
    raw = path.read_bytes()
    if parser is parse_yaml:
        document = parse_yaml(raw, source, max_bytes=max_bytes)
    else:
        document = parser(raw, source)
    if isinstance(document.data, list):  # a bare list of vendors is accepted too
        document = Document(
            source,
            {"vendors": document.data},
            {("vendors", *k): v for k, v in document.lines.items()},
        )
    problems = _all_problems(document)
    if problems:
        raise ContentError(problems, hint="nothing was imported; fix the file and run it again")
    return [vendor_from_record(record) for record in document.data["vendors"]]


def _all_problems(document: Document) -> list[Problem]:
    """The schema's problems and the ones it cannot see, in one list: a field the schema
    already refused is not reported twice."""
    from audit.content.schemas import validate  # jsonschema: only for registers read

    problems = validate("vendor", document)
    said = {(p.line, p.path) for p in problems}
    extra = [p for p in _semantic_problems(document) if (p.line, p.path) not in said]
    return sorted([*problems, *extra], key=lambda p: (p.line or 0, p.path or ""))


def check_vendor_record(record: dict[str, Any], source: str) -> Vendor:
    """One vendor record (from `vendors add`), checked like a file."""
    document = Document(source, {"vendors": [record]}, {})
    problems = _all_problems(document)
    if problems:
        raise ContentError(problems, hint="nothing was added")
    return vendor_from_record(record)
