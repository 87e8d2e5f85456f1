"""The vendor and organisation facts that conditions may test, with their kind and allowed values.

A registry, so that loaders refuse unknown fact names, operators that do not suit a fact, and
values a fact can never take (a typo such as `payment_cards` would otherwise never match).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from audit.model import (
    Access,
    ContractType,
    Criticality,
    DataCategory,
    Delivery,
    Regime,
    Service,
    Tier,
)


class FactKind(StrEnum):
    ENUM = "enum"
    LIST = "list"
    NUMBER = "number"
    BOOL = "bool"


_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class Fact:
    """One vendor fact: its name in conditions, kind, and the values it can take."""

    name: str
    kind: FactKind
    description: str
    values: frozenset[str] | None = None
    country_codes: bool = False

    def check_value(self, value: object) -> str | None:
        """Why `value` can never be a value of this fact, or None when it can."""
        if self.kind is FactKind.NUMBER:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return None if ok else f"{self.name} is a number; {value!r} is not"
        if self.kind is FactKind.BOOL:
            return None if isinstance(value, bool) else f"{self.name} is true or false"
        if self.country_codes:
            ok = isinstance(value, str) and bool(_COUNTRY.match(value))
            return None if ok else f"{value!r} is not an ISO 3166 alpha-2 country code"
        if self.values is not None and value not in self.values:
            allowed = ", ".join(sorted(self.values))
            return f"{value!r} is not a value of {self.name} (one of: {allowed})"
        return None


def _values(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in enum)


FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        Fact("vendor.services", FactKind.LIST, "services delivered", _values(Service)),
        Fact("vendor.delivery", FactKind.ENUM, "delivery model", _values(Delivery)),
        Fact("vendor.countries", FactKind.LIST, "delivery countries", country_codes=True),
        Fact("vendor.country_count", FactKind.NUMBER, "number of delivery countries"),
        Fact("vendor.data", FactKind.LIST, "data categories handled", _values(DataCategory)),
        Fact("vendor.access", FactKind.LIST, "access to our systems or sites", _values(Access)),
        Fact("vendor.criticality", FactKind.ENUM, "criticality", _values(Criticality)),
        Fact("vendor.tier", FactKind.ENUM, "inherent tier from the policy", _values(Tier)),
        Fact("vendor.subcontracting", FactKind.BOOL, "uses subcontractors"),
        Fact(
            "vendor.subcontractor_countries",
            FactKind.LIST,
            "countries of subcontractors",
            country_codes=True,
        ),
        Fact("vendor.contract.type", FactKind.ENUM, "contract type", _values(ContractType)),
        Fact("vendor.contract.annual_value", FactKind.NUMBER, "annual contract value"),
        Fact("vendor.contract.right_to_audit", FactKind.BOOL, "contractual right to audit"),
        Fact("vendor.contract.notice_days", FactKind.NUMBER, "termination notice in days"),
        Fact(
            "organisation.regimes",
            FactKind.LIST,
            "regimes our organisation is subject to (audit.toml)",
            _values(Regime),
        ),
        Fact("organisation.country", FactKind.ENUM, "our country (audit.toml)", country_codes=True),
    )
}
