"""The DORA register of information's report package: build it from what the workspace holds,
check it, write it; and check a package file made elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from audit.errors import InputError
from audit.exports.dora_check import Breach, check_package
from audit.exports.dora_gaps import unlisted_subcontractors
from audit.exports.dora_package import read_package, write_package
from audit.exports.dora_roi import build_tables
from audit.exports.dora_tables import Filing, Tables
from audit.services.content import workspace_money
from audit.services.database import reading
from audit.services.roi import current_register
from audit.store import queries
from audit.store.tables import AuditRunRow
from audit.vendor import vendor_from_record
from audit.words import is_country
from audit.workspace import Workspace

MAX_PACKAGE_FILE = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Package:
    file_name: str
    data: bytes
    tables: Tables
    breaches: tuple[Breach, ...]
    register_revision: int

    def rows(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.rows.items()}


def build_package(
    workspace: Workspace,
    *,
    entity: str,
    reference_date: dt.date,
    made_at: dt.datetime,
    consolidation: str = "IND",
    country: str | None = None,
) -> Package:
    """The package for the entity's filing as of the reference date, with every rule it
    breaks. The register must name the entity among its entities."""
    if country is not None and not (re.fullmatch("[A-Z]{2}", country) and is_country(country)):
        raise InputError(
            f"--country {country[:20]!r} is not an ISO 3166 country code such as DE",
            hint="the package's name carries the country of the authority it goes to",
        )
    register = current_register(workspace)
    entities = {e["lei"]: e for e in register.rows("entities")}
    if entity not in entities:
        known = ", ".join(f"{lei} ({e['name']})" for lei, e in sorted(entities.items()))
        raise InputError(
            f"the register of information has no entity with LEI {entity}",
            hint=f"its entities: {known}"
            if known
            else "import your entities first: `audit roi import register.xlsx`",
        )
    with reading(workspace) as session:
        vendors = {row.id: vendor_from_record(row.record) for row in queries.vendors(session)}
        latest = session.exec(
            select(AuditRunRow.vendor_id, func.max(AuditRunRow.as_of))
            .where(AuditRunRow.as_of <= reference_date)
            .group_by(AuditRunRow.vendor_id)
        ).all()
    money = workspace_money(workspace)
    filing = Filing(
        entity,
        reference_date,
        made_at.astimezone(dt.UTC),
        money.currency,
        consolidation,
        country,
    )
    tables = build_tables(
        register.data, vendors, filing, {v: d for v, d in latest if d is not None}, money
    )
    name, data = write_package(tables, filing, country or entities[entity]["country"])
    breaches = check_package(read_package(name, data), tables.origins)
    breaches += unlisted_subcontractors(register.data, vendors)
    return Package(name, data, tables, tuple(breaches), register.revision)


def check_file(path: Path, source: str) -> list[Breach]:
    """Every rule a package file on disk breaks (one this tool made, or another's)."""
    if path.is_symlink() or not path.is_file():
        raise InputError(f"{source}: not a regular file")
    if (size := path.stat().st_size) > MAX_PACKAGE_FILE:
        raise InputError(f"{source}: {size:,} bytes; the limit is {MAX_PACKAGE_FILE:,}")
    return check_package(read_package(path.name, path.read_bytes()))
