"""Changing the register: edit named facts of one vendor, see what each revision changed, and
export the register in the columns and shapes that `vendors import` reads back."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from audit.errors import InputError, NotFoundError
from audit.register import check_vendor_record, write_csv
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.services.vendors import derived_columns, vendor_tier
from audit.store import queries
from audit.store.tables import VendorRow
from audit.tiering import TierResult
from audit.vendor import Vendor, record_changes, vendor_from_record, vendor_record
from audit.workspace import Workspace

EDIT_SOURCE = "vendors edit"


@dataclass(frozen=True, slots=True)
class Edited:
    vendor: Vendor
    revision: int
    changes: tuple[str, ...]  # `criticality: important -> critical`, one per fact
    tier_before: TierResult
    tier_after: TierResult


def _apply(record: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The record with each named fact replaced (`contract.end`: a dotted path); None removes
    an optional fact."""
    updated = copy.deepcopy(record)
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = updated
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return updated


def edit_vendor(
    workspace: Workspace, vendor_id: str, changes: Mapping[str, Any], by: str | None = None
) -> Edited:
    """Change the named facts of one vendor and nothing else; the result is checked like an
    import, kept as a new revision, and the tier recomputed (before and after are returned)."""
    if not changes:
        raise InputError(
            "nothing to change: name at least one fact", hint="`audit vendors edit --help`"
        )
    content = workspace_content(workspace)
    with transaction(workspace) as session:
        # the row lock: two edits of one vendor take turns, neither loses the other's facts
        row = session.get(VendorRow, vendor_id, with_for_update=True)
        if row is None:
            raise NotFoundError(
                f"no vendor '{vendor_id}'", hint="`audit vendors list` shows vendors"
            )
        before = vendor_from_record(row.record)
        record = _apply(vendor_record(before), changes)
        vendor = check_vendor_record(record, EDIT_SOURCE)
        stored = vendor_record(vendor)
        lines = tuple(record_changes(vendor_record(before), stored))
        if not lines:
            raise InputError(
                f"{vendor_id} already has these facts; nothing was changed",
                hint="`audit vendors show VENDOR` shows them",
            )
        revision = row.revision + 1
        queries.save_vendors(
            session,
            [stored],
            {vendor.id: row.revision},
            f"{EDIT_SOURCE} by {by}" if by else EDIT_SOURCE,
            {vendor.id: derived_columns(vendor, content)},
        )
    return Edited(
        vendor, revision, lines, vendor_tier(before, content), vendor_tier(vendor, content)
    )


@dataclass(frozen=True, slots=True)
class Revision:
    revision: int
    changed_at: dt.datetime
    source: str
    changes: tuple[str, ...]  # against the revision before it; the first lists none


def revisions(workspace: Workspace, vendor_id: str) -> list[Revision]:
    """Every revision of a vendor's facts, each with what changed since the one before."""
    with reading(workspace) as session:
        if queries.vendor(session, vendor_id) is None:
            raise NotFoundError(
                f"no vendor '{vendor_id}'", hint="`audit vendors list` shows vendors"
            )
        rows = queries.vendor_revisions(session, vendor_id)
    shown, previous = [], None
    for row in rows:
        record = vendor_record(vendor_from_record(row.record))
        changes = () if previous is None else tuple(record_changes(previous, record))
        shown.append(Revision(row.revision, row.changed_at, row.source, changes))
        previous = record
    return shown


EXPORT_FORMATS = ("csv", "yaml", "json")


def export_register(workspace: Workspace, fmt: str, vendor_ids: Sequence[str] = ()) -> bytes:
    """The register (or the named vendors) as `vendors import` reads it: CSV with its columns,
    or YAML/JSON with a `vendors:` list of records."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown format '{fmt}' (one of: {', '.join(EXPORT_FORMATS)})")
    with reading(workspace) as session:
        rows = queries.vendors(session)
    records = [vendor_record(vendor_from_record(r.record)) for r in rows]
    if vendor_ids:
        known = {r["id"] for r in records}
        missing = [v for v in vendor_ids if v not in known]
        if missing:
            raise NotFoundError(f"no vendor {', '.join(repr(m) for m in missing)}")
        records = [r for r in records if r["id"] in set(vendor_ids)]
    if fmt == "csv":
        return write_csv(records)
    if fmt == "json":
        return (json.dumps({"vendors": records}, indent=2, ensure_ascii=False) + "\n").encode()
    text = yaml.safe_dump({"vendors": records}, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")
