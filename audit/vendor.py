"""Vendors and the facts that conditions test (pure).

`Vendor` is built from a schema-valid record (the same shape whether it came from YAML, JSON or
CSV); `facts` flattens it into the names of `audit.content.facts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model import Access, ContractType, Criticality, DataCategory, Delivery, Service, Tier
from audit.organisation import Organisation

NO_ORGANISATION = Organisation()


@dataclass(frozen=True, slots=True)
class Contract:
    type: ContractType
    start: dt.date
    right_to_audit: bool
    end: dt.date | None = None
    notice_days: int | None = None
    annual_value: float | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Subcontractor:
    name: str
    service: str
    country: str


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    metric: str
    target: float
    unit: str


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Vendor:
    id: str
    name: str
    services: tuple[Service, ...]
    delivery: Delivery
    countries: tuple[str, ...]
    data: tuple[DataCategory, ...]
    access: tuple[Access, ...]
    criticality: Criticality
    contract: Contract
    owner: str
    onboarded: dt.date | None = None
    subcontractors: tuple[Subcontractor, ...] = ()
    sla: tuple[ServiceLevel, ...] = ()
    contacts: tuple[Contact, ...] = field(default_factory=tuple)

    @property
    def since(self) -> dt.date:
        """When the relationship started: onboarding, else the contract start."""
        return self.onboarded or self.contract.start


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def vendor_from_record(record: Mapping[str, Any]) -> Vendor:
    """A vendor from a record that `vendor.schema.json` has accepted."""
    contract = record["contract"]
    start = _date(contract["start"])
    assert start is not None  # noqa: S101 - required by the schema
    return Vendor(
        id=record["id"],
        name=record["name"],
        services=tuple(Service(s) for s in record["services"]),
        delivery=Delivery(record["delivery"]),
        countries=tuple(record["countries"]),
        data=tuple(DataCategory(d) for d in record["data"]),
        access=tuple(Access(a) for a in record["access"]),
        criticality=Criticality(record["criticality"]),
        contract=Contract(
            type=ContractType(contract["type"]),
            start=start,
            right_to_audit=bool(contract["right_to_audit"]),
            end=_date(contract.get("end")),
            notice_days=contract.get("notice_days"),
            annual_value=contract.get("annual_value"),
            currency=contract.get("currency"),
        ),
        owner=record["owner"],
        onboarded=_date(record.get("onboarded")),
        subcontractors=tuple(Subcontractor(**s) for s in record.get("subcontractors", ())),
        sla=tuple(ServiceLevel(**s) for s in record.get("sla", ())),
        contacts=tuple(Contact(**c) for c in record.get("contacts", ())),
    )


def vendor_record(vendor: Vendor) -> dict[str, Any]:
    """The vendor as the record it was built from (dates as ISO text, empty parts left out)."""
    contract: dict[str, Any] = {
        "type": vendor.contract.type.value,
        "start": vendor.contract.start.isoformat(),
        "right_to_audit": vendor.contract.right_to_audit,
    }
    for key in ("end", "notice_days", "annual_value", "currency"):
        value = getattr(vendor.contract, key)
        if value is not None:
            contract[key] = value.isoformat() if isinstance(value, dt.date) else value
    record: dict[str, Any] = {
        "id": vendor.id,
        "name": vendor.name,
        "services": [s.value for s in vendor.services],
        "delivery": vendor.delivery.value,
        "countries": list(vendor.countries),
        "data": [d.value for d in vendor.data],
        "access": [a.value for a in vendor.access],
        "criticality": vendor.criticality.value,
        "contract": contract,
        "owner": vendor.owner,
    }
    if vendor.onboarded is not None:
        record["onboarded"] = vendor.onboarded.isoformat()
    if vendor.subcontractors:
        record["subcontractors"] = [
            {"name": s.name, "service": s.service, "country": s.country}
            for s in vendor.subcontractors
        ]
    if vendor.sla:
        record["sla"] = [
            {"metric": s.metric, "target": s.target, "unit": s.unit} for s in vendor.sla
        ]
    if vendor.contacts:
        record["contacts"] = [
            {k: v for k, v in (("name", c.name), ("email", c.email), ("role", c.role)) if v}
            for c in vendor.contacts
        ]
    return record


def facts(
    vendor: Vendor, tier: Tier | None = None, organisation: Organisation | None = None
) -> dict[str, Any]:
    """The vendor's facts, and the auditing organisation's, under the names conditions use (see
    `audit.content.facts`)."""
    return (organisation or NO_ORGANISATION).facts() | {
        "vendor.services": [s.value for s in vendor.services],
        "vendor.delivery": vendor.delivery.value,
        "vendor.countries": list(vendor.countries),
        "vendor.country_count": len(vendor.countries),
        "vendor.data": [d.value for d in vendor.data],
        "vendor.access": [a.value for a in vendor.access],
        "vendor.criticality": vendor.criticality.value,
        "vendor.tier": None if tier is None else tier.value,
        "vendor.subcontracting": bool(vendor.subcontractors),
        "vendor.subcontractor_countries": sorted({s.country for s in vendor.subcontractors}),
        "vendor.contract.type": vendor.contract.type.value,
        # in the organisation's currency (the policy's spend rules are stated in it); None when
        # it cannot be converted, so that no rule compares amounts in different currencies
        "vendor.contract.annual_value": (
            None
            if vendor.contract.annual_value is None
            else (organisation or NO_ORGANISATION).money.convert(
                vendor.contract.annual_value, vendor.contract.currency
            )
        ),
        "vendor.contract.spend": (
            None
            if vendor.contract.annual_value is None
            else (organisation or NO_ORGANISATION).money.words(
                vendor.contract.annual_value, vendor.contract.currency
            )
        ),
        "vendor.contract.right_to_audit": vendor.contract.right_to_audit,
        "vendor.contract.notice_days": vendor.contract.notice_days,
    }


def _flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= _flat(value, f"{path}.")
        else:
            flat[path] = value
    return flat


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        parts = [
            " | ".join(str(v) for v in item.values()) if isinstance(item, Mapping) else str(item)
            for item in value
        ]
        return "; ".join(parts) or "(none)"
    return str(value)


def record_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What changed between two records of a vendor, one line per fact, in words:
    `criticality: important -> critical`, `contacts: Ana | ana@x.example -> (none)`."""
    old, new = _flat(before), _flat(after)
    return [
        f"{path}: {_shown(old.get(path))} -> {_shown(new.get(path))}"
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path)
    ]
