"""What is due across the register: the stored facts the due rules read, read in one pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from audit.due import (
    ActiveFinding,
    DueItem,
    EvidenceWindow,
    OpenQuestionnaire,
    VendorCadence,
    assessments_due,
    evidence_due,
    findings_due,
    questionnaires_due,
    sort_items,
)
from audit.findings import ACTIVE
from audit.model import Rating, Tier
from audit.services.content import workspace_content
from audit.services.database import reading
from audit.services.evidence import refresh_windows
from audit.services.vendors import refresh_tiers
from audit.store import bulk, queries
from audit.vendor import Vendor, vendor_from_record
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the due rules look at, read in one pass."""

    vendors: Mapping[str, Vendor]
    cadences: list[VendorCadence]
    open_questionnaires: list[OpenQuestionnaire]
    evidence: list[EvidenceWindow]
    findings: list[ActiveFinding]


class _Vendors(Mapping[str, Vendor]):
    """Vendors by id, each read from the store when first asked for: the due rules need only
    the stored columns, and only the vendors being notified need their full record."""

    def __init__(self, workspace: Workspace, ids: list[str]) -> None:
        self._workspace = workspace
        self._ids = ids
        self._cache: dict[str, Vendor] = {}

    def __getitem__(self, vendor_id: str) -> Vendor:
        if vendor_id not in self._cache:
            with reading(self._workspace) as session:
                row = queries.vendor(session, vendor_id)
            if row is None:
                raise KeyError(vendor_id)
            self._cache[vendor_id] = vendor_from_record(row.record)
        return self._cache[vendor_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def snapshot(
    workspace: Workspace, as_of: dt.date, *, findings_within: int = 0, evidence_within: int = 0
) -> Snapshot:
    """What the due rules read: every vendor's cadence, the questionnaires waiting for answers,
    and the active findings and evidence due up to so many days after `as_of` (the database
    leaves out the rest: at ten thousand vendors most of 250,000 documents are current)."""
    content = workspace_content(workspace)
    refresh_tiers(workspace, content)
    refresh_windows(workspace, content.policy)
    findings_by = as_of + dt.timedelta(days=max(findings_within, 0))
    evidence_by = as_of + dt.timedelta(days=max(evidence_within, 0))
    with reading(workspace) as session:
        listing = bulk.vendor_listing(session)
        last = {row[0]: row[6] for row in listing if row[6] is not None}
        waiting = bulk.unanswered_questionnaires(session)
        expiring = bulk.expiring_evidence(session, evidence_by)
        findings = bulk.active_finding_facts(session, [s.value for s in ACTIVE], findings_by)
    vendors = _Vendors(workspace, [row[0] for row in listing])
    cadences = [
        VendorCadence(row[0], Tier(row[2]), row[5], row[6], Rating(row[7]) if row[7] else None)
        for row in listing
    ]
    open_questionnaires = [
        OpenQuestionnaire(row.id, row.vendor_id, row.issued, row.due)
        for row in waiting
        if last.get(row.vendor_id) is None or row.issued > last[row.vendor_id]
    ]
    kinds = content.policy.evidence_kinds
    windows = [
        EvidenceWindow(
            row.id,
            row.vendor_id,
            row.kind,
            kinds[row.kind].label if row.kind in kinds else row.kind,
            row.file_name,
            row.valid_until,
        )
        for row in expiring
    ]
    active = [ActiveFinding(*row) for row in findings]
    return Snapshot(vendors, cadences, open_questionnaires, windows, active)


def due_items(workspace: Workspace, as_of: dt.date, within: int | None = None) -> list[DueItem]:
    """Everything due or overdue on `as_of` (or within `within` days of it)."""
    content = workspace_content(workspace)
    cadence = content.policy.cadence
    days = within or 0
    evidence_days = within if within is not None else max(cadence.evidence_warnings, default=0)
    snap = snapshot(workspace, as_of, findings_within=days, evidence_within=evidence_days)
    return sort_items(
        assessments_due(snap.cadences, cadence, as_of, days)
        + questionnaires_due(snap.open_questionnaires, as_of, days)
        + evidence_due(snap.evidence, as_of, evidence_days)
        + findings_due(snap.findings, as_of, days)
    )
