"""What the schema cannot see in a register of information (pure): identifiers that fail their
check digits, countries and currencies that do not exist, impossible dates and dates out of order,
a key given twice, and references to rows that are not there.

These hold for anything stored: a register that breaks one is refused whole at import. Whether
the register is complete enough to file (an LEI for every provider, a criticality assessment for
every function) is a different question, asked by `audit export dora-roi --check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from audit.content.schemas import format_path
from audit.errors import Problem
from audit.identifiers import lei_problem
from audit.inputs import date_problem, name_problem
from audit.words import is_country, is_currency

Locate = Callable[[tuple[str | int, ...]], tuple[str, int | None]]

KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("lei",),
    "branches": ("code", "entity"),
    "functions": ("id", "entity"),
    "providers": ("id",),
    "arrangements": ("reference",),
    "services": ("arrangement", "type"),
    "supply_chain": ("arrangement", "service", "provider", "rank", "recipient"),
    "definitions": ("term",),
}
LEI_FIELDS = {"lei", "entity", "parent", "signed_by", "used_by"}
COUNTRY_FIELDS = {
    "country",
    "headquarters",
    "governing_law",
    "countries",
    "storage_countries",
    "processing_countries",
}
DATE_FIELDS = {"updated", "integrated", "deleted", "assessed", "start", "end", "last_audit"}


def _rows(data: Mapping[str, Any], section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    rows = data.get(section)
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if isinstance(row, dict):
            yield index, row


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _scalar(value: Any) -> str | int | float | bool | None:
    """A value usable as (part of) a key; a list or mapping where a scalar belongs is None
    here, and the schema names it."""
    return value if isinstance(value, str | int | float | bool) else None


def _key(row: Mapping[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_scalar(row.get(name)) for name in names)


class _Checker:
    def __init__(self, data: Mapping[str, Any], locate: Locate, vendors: set[str]) -> None:
        self.data, self.locate, self.vendors = data, locate, vendors
        self.problems: list[Problem] = []

    def say(self, section: str, index: int, name: str, message: str) -> None:
        source, line = self.locate((section, index, name))
        path = format_path((section, index, name), self.data)
        self.problems.append(Problem(source, message, line=line, path=path))

    def keys(self, section: str) -> set[tuple[Any, ...]]:
        return {_key(row, KEYS[section]) for _, row in _rows(self.data, section)}

    def values(self) -> None:
        """Each value on its own: identifiers, countries, currencies, dates, one-line text."""
        for section in KEYS:
            for index, row in _rows(self.data, section):
                for name, value in row.items():
                    for item in _values(value):
                        self._value(section, index, name, item)
                self._order(section, index, row)

    def _value(self, section: str, index: int, name: str, item: Any) -> None:
        if not isinstance(item, str):
            return
        if name in LEI_FIELDS and len(item) == 20 and item.isalnum() and item.isupper():
            if (wrong := lei_problem(item)) is not None:
                self.say(section, index, name, wrong)
        elif name in COUNTRY_FIELDS and len(item) == 2 and item.isupper():
            if not is_country(item):
                self.say(section, index, name, f"'{item}' is not an ISO 3166 country code")
        elif name == "currency" and len(item) == 3 and item.isupper():
            if not is_currency(item):
                self.say(section, index, name, f"'{item}' is not an ISO 4217 currency code")
        elif name in DATE_FIELDS:
            try:
                day = dt.date.fromisoformat(item)
            except ValueError:
                return  # the schema's pattern or format names it
            if (wrong := date_problem(day)) is not None:
                self.say(section, index, name, wrong)
        elif (wrong := name_problem(item)) is not None:
            self.say(section, index, name, wrong)

    def _order(self, section: str, index: int, row: dict[str, Any]) -> None:
        for first, then, words in (
            ("start", "end", "the arrangement ends before it starts"),
            ("integrated", "deleted", "the entity leaves the register before it enters it"),
        ):
            try:
                before = dt.date.fromisoformat(str(row[first]))
                after = dt.date.fromisoformat(str(row[then]))
            except (KeyError, ValueError):
                continue
            if after < before:
                self.say(section, index, then, words)

    def duplicates(self) -> None:
        for section, key in KEYS.items():
            seen: dict[tuple[Any, ...], int] = {}
            for index, row in _rows(self.data, section):
                value = _key(row, key)
                if any(v is None for v in value) and section != "supply_chain":
                    continue
                if value in seen:
                    named = ", ".join(f"{k} {v}" for k, v in zip(key, value, strict=True) if v)
                    source, line = self.locate((section, seen[value]))
                    first = f"{source}:{line}" if line is not None else source
                    self.say(section, index, key[0], f"{named} is given twice (first at {first})")
                seen.setdefault(value, index)

    def references(self) -> None:
        entities = {k[0] for k in self.keys("entities")}
        branches = {k[0] for k in self.keys("branches")}
        functions = {k[0] for k in self.keys("functions")}
        providers = {k[0] for k in self.keys("providers")}
        arrangements = {
            _scalar(row.get("reference")): row for _, row in _rows(self.data, "arrangements")
        }
        services = self.keys("services")

        def must(section: str, name: str, known: set[Any], what: str, add: str = "") -> None:
            for index, row in _rows(self.data, section):
                for item in _values(row.get(name)):
                    if isinstance(item, str) and item not in known:
                        self.say(section, index, name, f"no {what} '{item}'{add}")

        must("entities", "parent", entities, "entity", " among the entities")
        must("branches", "entity", entities, "entity", " among the entities")
        must("functions", "entity", entities, "entity", " among the entities")
        must("providers", "ultimate_parent", providers, "provider", " among the providers")
        must("arrangements", "provider", self.vendors, "vendor", "; add the vendor first")
        must("arrangements", "signed_by", entities, "entity", " among the entities")
        must("arrangements", "overarching", set(arrangements), "arrangement")
        must("services", "arrangement", set(arrangements), "arrangement")
        must("services", "functions", functions, "function", " among the functions")
        must("services", "used_by", entities, "entity", " among the entities")
        must("services", "branches", branches, "branch", " among the branches")
        must("supply_chain", "arrangement", set(arrangements), "arrangement")
        must("supply_chain", "provider", providers, "provider", " among the providers")
        must(
            "supply_chain",
            "recipient",
            providers | self.vendors,
            "provider",
            " among the providers",
        )
        for index, row in _rows(self.data, "arrangements"):
            kind, over = row.get("type"), _scalar(row.get("overarching"))
            if over is not None and kind != "subsequent":
                self.say(
                    "arrangements", index, "overarching", "only a subsequent arrangement has one"
                )
            target = arrangements.get(over)
            if isinstance(target, dict) and target.get("type") != "overarching":
                self.say(
                    "arrangements", index, "overarching", f"'{over}' is not an overarching one"
                )
            if row.get("ended_because") is not None and row.get("end") is None:
                self.say("arrangements", index, "ended_because", "an end date goes with it")
        self._chain(arrangements, services)

    def _chain(self, arrangements: dict[Any, dict[str, Any]], services: set[Any]) -> None:
        ranks: dict[tuple[Any, Any, Any], int] = {}
        for _, row in _rows(self.data, "supply_chain"):
            key = _key(row, ("arrangement", "service", "provider"))
            if isinstance(row.get("rank"), int):
                ranks.setdefault(key, row["rank"])
        for index, row in _rows(self.data, "supply_chain"):
            reference, service = _key(row, ("arrangement", "service"))
            arrangement = arrangements.get(reference)
            if arrangement is None:
                continue
            if (reference, service) not in services:
                self.say(
                    "supply_chain",
                    index,
                    "service",
                    f"arrangement '{reference}' has no service {service} among the services",
                )
            vendor = arrangement.get("provider")
            if row.get("provider") == vendor:
                self.say("supply_chain", index, "provider", "the vendor itself is rank 1")
            recipient = _scalar(row.get("recipient", vendor))
            rank = row.get("rank")
            if not isinstance(rank, int):
                continue
            expected = 1 if recipient == vendor else ranks.get((reference, service, recipient))
            if expected is not None and rank != expected + 1:
                self.say(
                    "supply_chain",
                    index,
                    "rank",
                    f"delivers to '{recipient}' of rank {expected}, so its rank is {expected + 1}",
                )


def problems(data: Mapping[str, Any], locate: Locate, vendors: set[str]) -> list[Problem]:
    """Every problem the schema cannot see, in one list."""
    checker = _Checker(data, locate, vendors)
    checker.values()
    checker.duplicates()
    checker.references()
    return checker.problems
