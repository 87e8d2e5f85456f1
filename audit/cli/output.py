"""Output formats for listing commands, as a registry: table (rich), json and csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

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


def _table(rows: Sequence[Row], columns: Sequence[str], title: str, console: Console) -> None:
    table = Table(title=title or None, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def _json(rows: Sequence[Row], columns: Sequence[str], title: str, console: Console) -> None:
    console.file.write(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str) + "\n")


def _csv(rows: Sequence[Row], columns: Sequence[str], title: str, console: Console) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c)) for c in columns})
    console.file.write(buffer.getvalue())


RENDERERS: dict[Format, Callable[[Sequence[Row], Sequence[str], str, Console], None]] = {
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
) -> None:
    """Print rows in the chosen format; json keeps every key, table and csv the given columns."""
    RENDERERS[fmt](
        rows,
        columns,
        title,
        console or Console(soft_wrap=False, markup=False, emoji=False, highlight=False),
    )
