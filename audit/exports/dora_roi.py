"""The DORA register of information as the EBA's templates B_01.01 to B_99.01 (pure): the rows
of each template, built from the register's own facts, the vendors' records and the dates of
their assessments.

Legal basis: Regulation (EU) 2022/2554 (DORA) Art. 28(3); the templates are those of Commission
Implementing Regulation (EU) 2024/2956, Annex I, in the EBA DORA 4.0 taxonomy's column codes
(`audit.exports.dora_taxonomy` names the sources). Choices made where the sources leave one:
- The filing covers arrangements in force at some point of the reference year: an arrangement
  that ended before 1 January of that year is left out, one that ended during it is reported
  with its end date and reason (EIOPA Q&A DORA 253-3393).
- An open end date (an arrangement with no end, an entity never deleted) is written 9999-12-31,
  as the ESAs' reporting practice does; the EBA's rules require both columns in every row.
- All amounts are in the package's one currency (parameters.csv `baseCurrency`, the unit of
  every monetary column): an amount in another currency is converted with the organisation's
  dated rates (`[money]` in audit.toml), and the currency columns name the base currency. An
  amount with no rate is left out, and the check names it.
- A provider is identified by its LEI, else its EUID, else another code and its type. A
  provider with no ultimate parent named is its own ultimate parent, and an entity at the top
  of its group (or in none) is its own parent: both columns are required in every row.
- B_02.02 has one row per entity using the service, function supported, country of provision,
  storage location and processing location (all eight are the template's key). A service that
  stores no data has storage location `eba_GA:qx2007` (not applicable). Unless the register
  names where data is processed, each country of provision processes its own.
- B_04.01: an entity that does not use the service through a branch has the branch code `Not
  Applicable` (the ESAs' FAQ as reporting guides quote it; a key column cannot be empty).
- B_05.02: the vendor is rank 1 and its own recipient; subcontractors are rank 2 and below.
- B_07.01 assesses the services that support a critical or important function. Its date of the
  last audit defaults to the vendor's latest assessment in this tool on or before the reference
  date.
- B_99.01 holds the organisation's definitions of the scale values, ours where it gives none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from itertools import product
from typing import Any

from audit.exports import dora_tables
from audit.exports import dora_taxonomy as tx
from audit.exports.dora_tables import OPEN_END, Filing, Tables, money_cell, place
from audit.exports.dora_words import DEFAULT_DEFINITIONS
from audit.organisation import Money
from audit.vendor import Vendor


class _Builder:
    def __init__(
        self,
        register: Mapping[str, list[dict[str, Any]]],
        vendors: Mapping[str, Vendor],
        filing: Filing,
        last_audits: Mapping[str, dt.date],
        money: Money,
    ) -> None:
        self.r, self.vendors, self.filing = register, vendors, filing
        self.last_audits, self.money = last_audits, money
        self.tables = Tables()
        self.year_start = dt.date(filing.reference_date.year, 1, 1)
        self.providers = {p["id"]: p for p in register.get("providers", [])}
        self.head_office = {b["code"]: b["entity"] for b in register.get("branches", [])}
        self.functions = register.get("functions", [])
        self.critical = {f["id"] for f in self.functions if f.get("critical") == "yes"}
        # a vendor's contract stands for the arrangement only when it is the vendor's only one;
        # each arrangement's services and supply chain are looked up, never searched
        count = Counter(a["provider"] for a in register.get("arrangements", []))
        self.sole = {vendor for vendor, n in count.items() if n == 1}
        self.services_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for service in register.get("services", []):
            self.services_of[service["arrangement"]].append(service)
        self.links_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for link in register.get("supply_chain", []):
            self.links_of[link["arrangement"]].append(link)

    def amount(self, value: float | None, currency: str | None) -> str | None:
        if value is None:
            return None
        converted = self.money.convert(value, currency)
        return None if converted is None else money_cell(converted)

    def code(self, provider_id: str) -> tuple[str | None, str | None]:
        """The provider's identification code and the EBA code of its type."""
        row = self.providers.get(provider_id, {})
        for name, kind in (("lei", "lei"), ("euid", "euid"), ("other_id", None)):
            if row.get(name):
                return row[name], tx.CODE_TYPE[kind or row.get("other_id_type", "national")]
        return None, None

    def in_year(self, arrangement: dict[str, Any]) -> bool:
        start, end = self.dates(arrangement)
        return (start is None or start <= self.filing.reference_date) and (
            end is None or end >= self.year_start
        )

    def dates(self, arrangement: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
        """Its start and end, else the vendor's contract's when it is the vendor's only one."""
        vendor = self.vendors.get(arrangement["provider"])
        contract = vendor.contract if vendor and arrangement["provider"] in self.sole else None
        start, end = arrangement.get("start"), arrangement.get("end")
        return (
            dt.date.fromisoformat(start) if start else contract.start if contract else None,
            dt.date.fromisoformat(end) if end else contract.end if contract else None,
        )

    def entities(self) -> None:
        for entity in self.r.get("entities", []):
            deleted = entity.get("deleted")
            if deleted and dt.date.fromisoformat(deleted) < self.year_start:
                continue
            kind, lei = tx.ENTITY_TYPE[entity["type"]], entity["lei"]
            top = entity.get("hierarchy") in ("ultimate_parent", "outside_group")
            assets = self.amount(entity.get("total_assets"), entity.get("currency"))
            self.tables.add(
                "B_01.02",
                f"entity {entity['lei']}",
                c0010=entity["lei"],
                c0020=entity["name"],
                c0030=place(entity["country"]),
                c0040=kind,
                c0050=tx.HIERARCHY.get(entity.get("hierarchy", "")),
                c0060=entity.get("parent") or (lei if top else None),
                c0070=entity.get("updated"),
                c0080=entity.get("integrated"),
                c0090=deleted or OPEN_END,
                c0100=assets and f"eba_CU:{self.filing.currency}",
                c0110=assets,
            )
            if entity["lei"] == self.filing.entity:
                self.tables.add(
                    "B_01.01",
                    f"entity {entity['lei']}",
                    c0010=entity["lei"],
                    c0020=entity["name"],
                    c0030=place(entity["country"]),
                    c0040=kind,
                    c0050=entity.get("competent_authority"),
                    c0060=self.filing.made_at.date().isoformat(),
                )
        for branch in self.r.get("branches", []):
            self.tables.add(
                "B_01.03",
                f"branch {branch['code']}",
                c0010=branch["code"],
                c0020=branch["entity"],
                c0030=branch["name"],
                c0040=place(branch["country"]),
            )

    def functions_table(self) -> None:
        for function in self.functions:
            activity = function.get("licensed_activity")
            self.tables.add(
                "B_06.01",
                f"function {function['id']}",
                c0010=function["id"],
                c0020=activity and f"eba_TA:{activity}",
                c0030=function["name"],
                c0040=function["entity"],
                c0050=tx.YES_NO_NOT_ASSESSED[function["critical"]],
                c0060=function.get("reasons"),
                c0070=function.get("assessed"),
                c0080=function.get("rto_hours"),
                c0090=function.get("rpo_hours"),
                c0100=tx.IMPACT.get(function.get("impact", "")),
            )

    def arrangements(self) -> Iterator[tuple[dict[str, Any], Vendor | None]]:
        for arrangement in self.r.get("arrangements", []):
            if self.in_year(arrangement):
                yield arrangement, self.vendors.get(arrangement["provider"])

    def contract(self, arrangement: dict[str, Any], vendor: Vendor | None) -> None:
        reference = arrangement["reference"]
        expense, currency = arrangement.get("annual_expense"), arrangement.get("currency")
        if expense is None and vendor is not None and arrangement["provider"] in self.sole:
            expense, currency = vendor.contract.annual_value, vendor.contract.currency
        elif currency is None and vendor is not None:
            currency = vendor.contract.currency
        self.tables.add(
            "B_02.01",
            f"arrangement {reference}",
            c0010=reference,
            c0020=tx.ARRANGEMENT_TYPE[arrangement["type"]],
            c0030=arrangement.get("overarching"),
            c0040=f"eba_CU:{self.filing.currency}",
            c0050=self.amount(expense, currency),
        )
        for lei in arrangement.get("signed_by") or [self.filing.entity]:
            self.tables.add(
                "B_03.01", f"arrangement {reference}", c0010=reference, c0020=lei, c0030="true"
            )
        code, kind = self.code(arrangement["provider"])
        self.tables.add(
            "B_03.02",
            f"arrangement {reference}, provider {arrangement['provider']}",
            c0010=reference,
            c0020=code,
            c0030=kind,
        )

    def services(self, arrangement: dict[str, Any], vendor: Vendor | None) -> None:
        reference, provider = arrangement["reference"], arrangement["provider"]
        code, kind = self.code(provider)
        start, end = self.dates(arrangement)
        users: set[tuple[str, str | None]] = set()
        for service in self.services_of[reference]:
            s = service["type"]
            origin = f"arrangement {reference}, service {s}"
            entities = (
                service.get("used_by") or arrangement.get("signed_by") or [self.filing.entity]
            )
            provision = service.get("countries") or list(vendor.countries if vendor else [])
            stores = service.get("stores_data")
            storage = (
                [tx.NOT_APPLICABLE_PLACE]
                if stores is False
                else [place(c) for c in service.get("storage_countries", [])] or [None]
            )
            # each country of provision manages the data itself, unless the register says
            # where it is processed
            processing = service.get("processing_countries")
            notice = arrangement.get("notice_days")
            if notice is None and vendor is not None and provider in self.sole:
                notice = vendor.contract.notice_days
            places = [
                (where, stored, managed)
                for where in provision or [None]
                for stored in storage
                for managed in (processing if processing else [where])
            ]
            for lei, function, (where, stored, managed) in product(
                entities, service.get("functions") or [None], places
            ):
                self.tables.add(
                    "B_02.02",
                    origin + (f", function {function}" if function else ""),
                    c0010=reference,
                    c0020=lei,
                    c0030=code,
                    c0040=kind,
                    c0050=function,
                    c0060=f"eba_TA:{s}",
                    c0070=start and start.isoformat(),
                    c0080=end.isoformat() if end else OPEN_END,
                    c0090=tx.TERMINATION.get(arrangement.get("ended_because", "")),
                    c0100=notice,
                    c0110=arrangement.get("provider_notice_days"),
                    c0120=place(arrangement.get("governing_law")),
                    c0130=place(where),
                    c0140=None if stores is None else tx.YES_NO[stores],
                    c0150=stored,
                    c0160=place(managed),
                    c0170=tx.SENSITIVENESS.get(service.get("sensitiveness", "")),
                    c0180=tx.RELIANCE.get(service.get("reliance", "")),
                )
            # through a branch: the branch's head office, as a branch; otherwise the entity
            through = {(self.head_office.get(b, ""), b) for b in service.get("branches", [])}
            users |= through | {(lei, None) for lei in entities if lei not in dict(through)}
            self.tables.add(
                "B_05.02",
                origin + ", the vendor",
                c0010=reference,
                c0020=f"eba_TA:{s}",
                c0030=code,
                c0040=kind,
                c0050=1,
                c0060=code,
                c0070=kind,
            )
            for link in self.links_of[reference]:
                if link["service"] != s:
                    continue
                sub, sub_kind = self.code(link["provider"])
                to, to_kind = self.code(link.get("recipient", provider))
                self.tables.add(
                    "B_05.02",
                    f"{origin}, subcontractor {link['provider']}",
                    c0010=reference,
                    c0020=f"eba_TA:{s}",
                    c0030=sub,
                    c0040=sub_kind,
                    c0050=link["rank"],
                    c0060=to,
                    c0070=to_kind,
                )
            if self.critical & set(service.get("functions", [])):
                self.assessment(reference, provider, service, origin)
        for lei, branch in sorted(users, key=lambda u: (u[0], u[1] or "")):
            self.tables.add(
                "B_04.01",
                f"arrangement {reference}",
                c0010=reference,
                c0020=lei,
                c0030=tx.BRANCH if branch else tx.NOT_BRANCH,
                c0040=branch or dora_tables.NOT_APPLICABLE_BRANCH,
            )

    def assessment(
        self, reference: str, provider: str, service: dict[str, Any], origin: str
    ) -> None:
        code, kind = self.code(provider)
        audited = service.get("last_audit") or (
            self.last_audits[provider].isoformat() if provider in self.last_audits else None
        )
        exit_plan = service.get("exit_plan")
        self.tables.add(
            "B_07.01",
            origin,
            c0010=reference,
            c0020=code,
            c0030=kind,
            c0040=f"eba_TA:{service['type']}",
            c0050=tx.SUBSTITUTABILITY.get(service.get("substitutability", "")),
            c0060=tx.NOT_SUBSTITUTABLE_BECAUSE.get(service.get("not_substitutable_because", "")),
            c0070=audited,
            c0080=None if exit_plan is None else tx.YES_NO[exit_plan],
            c0090=tx.REINTEGRATION.get(service.get("reintegration", "")),
            c0100=tx.IMPACT.get(service.get("impact", "")),
            c0110=tx.YES_NO_NOT_ASSESSED.get(service.get("alternatives", "")),
            c0120=service.get("alternative_providers"),
        )

    def providers_table(self, used: set[str], expenses: dict[str, float]) -> None:
        for provider in sorted(used):
            row = self.providers.get(provider, {})
            vendor = self.vendors.get(provider)
            code, kind = self.code(provider)
            name = row.get("name") or (vendor.name if vendor else None)
            parent = row.get("ultimate_parent")
            parent_code, parent_kind = self.code(parent) if parent else (code, kind)
            additional = [
                (row[n], tx.CODE_TYPE[t or row.get("other_id_type", "national")])
                for n, t in (("euid", "euid"), ("other_id", None))
                if row.get(n) and row[n] != code
            ]
            extra, extra_kind = additional[0] if additional else (None, None)
            self.tables.add(
                "B_05.01",
                f"provider {provider}",
                c0010=code,
                c0020=kind,
                c0030=extra,
                c0040=extra_kind,
                c0050=name,
                c0060=row.get("latin_name") or name,
                c0070=tx.PERSON[row.get("person", "legal")],
                c0080=place(row.get("headquarters")),
                c0090=f"eba_CU:{self.filing.currency}" if provider in expenses else None,
                c0100=money_cell(expenses[provider]) if provider in expenses else None,
                c0110=parent_code,
                c0120=parent_kind,
            )

    def definitions(self) -> None:
        given = {d["term"]: d["meaning"] for d in self.r.get("definitions", [])}
        meanings = {t: given.get(t, DEFAULT_DEFINITIONS[t]) for t in tx.DEFINITION_TERMS}
        columns = tx.TEMPLATES["B_99.01"].columns
        self.tables.add(
            "B_99.01",
            "definitions",
            **{c: meanings[t] for c, t in zip(columns, tx.DEFINITION_TERMS, strict=True)},
        )

    def build(self) -> Tables:
        self.entities()
        self.functions_table()
        used: set[str] = set()
        expenses: dict[str, float] = {}
        for arrangement, vendor in self.arrangements():
            self.contract(arrangement, vendor)
            self.services(arrangement, vendor)
            provider = arrangement["provider"]
            used.add(provider)
            used |= {
                link[k]
                for link in self.links_of[arrangement["reference"]]
                for k in ("provider", "recipient")
                if k in link
            }
            cost = self.tables.rows["B_02.01"][-1]["c0050"]
            if cost:
                expenses[provider] = expenses.get(provider, 0.0) + float(cost)
        parents = {self.providers.get(p, {}).get("ultimate_parent") for p in used}
        self.providers_table(used | {p for p in parents if p}, expenses)
        self.definitions()
        return self.tables


def build_tables(
    register: Mapping[str, list[dict[str, Any]]],
    vendors: Mapping[str, Vendor],
    filing: Filing,
    last_audits: Mapping[str, dt.date],
    money: Money,
) -> Tables:
    """Every template's rows for the filing; a value the register lacks is left empty, for the
    check to name (it never invents one)."""
    return _Builder(register, vendors, filing, last_audits, money).build()
