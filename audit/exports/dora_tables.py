"""What a filing is and the rows it holds, shared by the package's builder, writer and check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from audit.exports import dora_taxonomy as tx

Row = dict[str, str]
OPEN_END = "9999-12-31"  # an end or deletion date that has not come
NOT_APPLICABLE_BRANCH = "Not Applicable"  # B_04.01's branch key, for use not through a branch


def place(code: str | None) -> str | None:
    """An ISO 3166 country code as the eba_GA member."""
    return None if code is None else f"eba_GA:{code}"


def money_cell(value: float) -> str:
    """An amount in full units, to the cent at most, without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Filing:
    """Who files, for which date, when the package is made, and in which currency."""

    entity: str  # the LEI of the entity maintaining the register
    reference_date: dt.date
    made_at: dt.datetime  # UTC
    currency: str = "EUR"
    consolidation: str = "IND"  # IND (individual) or CON (consolidated)
    country: str | None = None  # for the package name; default: the entity's country


@dataclass
class Tables:
    """The rows of each template, and for each row the register fact it was built from (so a
    problem found in a row names what to change)."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in tx.TEMPLATES})
    origins: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in tx.TEMPLATES})

    def add(self, template: str, origin: str, **cells: Any) -> None:
        row = dict.fromkeys(tx.TEMPLATES[template].columns, "")
        for column, value in cells.items():
            row[column] = "" if value is None else str(value)
        self.rows[template].append(row)
        self.origins[template].append(origin)
