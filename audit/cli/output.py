"""Output formats for listing commands, as a registry: table (rich), json and csv."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from audit.cli.console import SafeConsole
from audit.errors import InputError
from audit.inputs import printable

Row = Mapping[str, Any]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


DEFAULT_TABLE_ROWS = 50  # a table shows a page; csv and json give every row
# Columns whose values identify something (ids, dates, states): never wrapped or cut, so an id
# or a date is never broken mid-word. Other columns (names, reasons, explanations) are cut with
# an ellipsis to fit the terminal, whole with --wide.
KEY_COLUMNS = frozenset(
    [
        "id",
        "vendor",
        "control",
        "days_left",
        "framework",
        "checklist",
        "domain",
        "requirement",
        "questionnaire",
        "run",
        "tier",
        "rating",
        "last_rating",
        "status",
        "severity",
        "state",
        "kind",
        "due",
        "next_due",
        "as_of",
        "issued",
        "expires",
        "valid_until",
        "last_assessed",
        "score",
        "points",
        "part",
        "overdue",
        "answered_by",
        "version",
        "versions",
        "controls",
        "questions",
        "evidence",
        "answered",
        "job",
    ]
)
TEXT_WIDTH = 36
MIN_TEXT = 10
SHORT = 14
HASH_SHOWN = 12


def _shown(column: str, value: Any, wide: bool) -> str:
    text = printable(_cell(value))
    if not wide and "sha256" in column and len(text) > HASH_SHOWN:
        return text[:HASH_SHOWN] + "…"
    return text


def _fitting(
    columns: Sequence[str], cells: list[list[str]], width: int
) -> tuple[list[int], dict[int, int]]:
    """The columns that fit `width` (the rightmost are left out first, never the first two),
    and the width each identifying column needs to show its values whole."""
    longest = [
        max([len(c.replace("_", " ")), *(len(line[i]) for line in cells)])
        for i, c in enumerate(columns)
    ]
    # Identifying columns, and any column whose values are all short, are shown whole.
    keys = {
        i: longest[i]
        for i, c in enumerate(columns)
        if c in KEY_COLUMNS or "sha256" in c or longest[i] <= SHORT
    }
    shown = list(range(len(columns)))
    while len(shown) > 2:
        need = sum(keys.get(i, MIN_TEXT) for i in shown) + 3 * len(shown) + 1
        if need <= width:
            break
        shown.pop()
    # What is left is shared by the text columns, each up to TEXT_WIDTH.
    texts = [i for i in shown if i not in keys]
    if texts:
        spare = width - (sum(keys.get(i, MIN_TEXT) for i in shown) + 3 * len(shown) + 1)
        each = min(TEXT_WIDTH, MIN_TEXT + max(0, spare) // len(texts))
        keys |= dict.fromkeys(texts, -each)  # negative: a text column's largest width
    return shown, keys


def _table(
    rows: Sequence[Row], columns: Sequence[str], title: str, console: Console, wide: bool
) -> None:
    table = Table(title=title or None, title_justify="left", show_lines=False)
    cells = [[_shown(c, row.get(c), wide) for c in columns] for row in rows]
    shown, keys = (
        (list(range(len(columns))), {}) if wide else _fitting(columns, cells, console.width)
    )
    for index in shown:
        header = columns[index].replace("_", " ")
        if wide:
            table.add_column(header, overflow="fold")
        elif keys[index] > 0:
            # As wide as its longest value: an id or a date is shown whole, never cut.
            table.add_column(header, no_wrap=True, min_width=keys[index])
        else:
            table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=-keys[index])
    for line in cells:
        table.add_row(*(line[i] for i in shown))
    console.print(table)
    left_out = [columns[i].replace("_", " ") for i in range(len(columns)) if i not in shown]
    if left_out:
        console.print(
            f"left out to fit {console.width} columns: {', '.join(left_out)} (--wide shows "
            "every column, or widen the terminal)"
        )


def _json(
    rows: Sequence[Row], columns: Sequence[str], title: str, console: Console, wide: bool
) -> None:
    console.file.write(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str) + "\n")


def _csv(
    rows: Sequence[Row], columns: Sequence[str], title: str, console: Console, wide: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: spreadsheet_safe(printable(_cell(row.get(c)))) for c in columns})
    console.file.write(buffer.getvalue())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows rather than runs (the OWASP rule for CSV injection): text
    that starts like a formula (=, +, -, @, tab, carriage return, or their full-width forms)
    is prefixed with an apostrophe. Numbers such as -2.5 are left as they are."""
    if not text.startswith(_FORMULA_START):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


RENDERERS: dict[Format, Callable[[Sequence[Row], Sequence[str], str, Console, bool], None]] = {
    Format.TABLE: _table,
    Format.JSON: _json,
    Format.CSV: _csv,
}


def render(
    rows: Sequence[Row],
    columns: Sequence[str],
    fmt: Format,
    *,
    title: str = "",
    console: Console | None = None,
    wide: bool = False,
    paged: bool = False,
    limit: int | None = None,
    offset: int = 0,
    total: int | None = None,
) -> None:
    """Print rows in the chosen format; json keeps every key, table and csv the given columns.

    A `paged` listing's table shows a page (`DEFAULT_TABLE_ROWS` unless `limit` says otherwise)
    and says how to see the rest; csv and json give every row unless `limit` is set. `total` is
    given when the rows were already paged by the query (they then start at `offset`)."""
    if total is None:
        total = len(rows)
        if paged and fmt is Format.TABLE and limit is None:
            limit = DEFAULT_TABLE_ROWS
        rows = rows[offset:] if limit is None else rows[offset : offset + limit]
    target = console or SafeConsole(soft_wrap=False, markup=False, emoji=False, highlight=False)
    RENDERERS[fmt](rows, columns, title, target, wide)
    if fmt is Format.TABLE and len(rows) < total:
        first = offset + 1 if rows else offset
        target.print(
            f"showing {first:,}-{offset + len(rows):,} of {total:,}; page with --limit and "
            "--offset, or use --format csv or json for every row"
        )


def page_size(fmt: Format, limit: int | None) -> int | None:
    """How many rows a listing fetches: a page for a table, everything for csv and json."""
    if limit is not None:
        return limit
    return DEFAULT_TABLE_ROWS if fmt is Format.TABLE else None


def emit(data: bytes, output: Path | None, console: Console, what: str = "") -> None:
    """Bytes to a file (saying so), or to stdout when no file is named."""
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    console.print(f"wrote {output}{f' ({what})' if what else ''}", markup=False)
