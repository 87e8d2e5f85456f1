"""Shared option types and parsing for the commands."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from audit.cli.output import Format
from audit.inputs import date_given

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
# Ids are positive and fit the id columns of both databases (PostgreSQL's are 32-bit): a larger
# number is refused as a bad option (exit 2) on SQLite and PostgreSQL alike, never sent to
# either. Counts (limits, offsets) may go to 64 bits.
LARGEST_ID = 2**31 - 1
LARGEST_COUNT = 2**63 - 1
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=1,
        max=LARGEST_COUNT,
        help="At most this many rows (a table shows 50 by default).",
    ),
]
OffsetOption = Annotated[
    int, typer.Option("--offset", min=0, max=LARGEST_COUNT, help="Skip this many rows first.")
]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Show long values whole instead of cutting them to fit.")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="Date to judge by (default today).")
]


def parse_date(value: str | None, option: str) -> dt.date | None:
    """An ISO 8601 date from an option, or a clear refusal naming the option."""
    return date_given(value, option)


def as_of(value: str | None) -> dt.date:
    return parse_date(value, "--as-of") or dt.date.today()
