"""Vendor register use cases: import, add, list and show, with the tier the policy gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.content.model import ContentSet
from audit.errors import ContentError, NotFoundError, Problem
from audit.model import Tier
from audit.register import check_vendor_record, read_vendor_file
from audit.scoping import Scope, scope_vendor
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.store import queries
from audit.store.tables import EvidenceRow, QuestionnaireRow, SubmissionRow, VendorRevision
from audit.tiering import TierResult, tier_vendor
from audit.vendor import Vendor, facts, vendor_from_record, vendor_record
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: tuple[str, ...]
    updated: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VendorSummary:
    vendor: Vendor
    tier: TierResult
    last_assessed: dt.date | None
    last_rating: str | None
    next_due: dt.date


@dataclass(frozen=True, slots=True)
class VendorDetail:
    summary: VendorSummary
    scope: Scope
    revisions: Sequence[VendorRevision]
    questionnaires: Sequence[tuple[QuestionnaireRow, Sequence[SubmissionRow]]]
    evidence: Sequence[EvidenceRow]


def vendor_tier(vendor: Vendor, content: ContentSet) -> TierResult:
    return tier_vendor(facts(vendor), content.policy)


def vendor_facts(vendor: Vendor, content: ContentSet) -> dict[str, Any]:
    """Facts including the tier, as scope rules and control conditions see them."""
    return facts(vendor, vendor_tier(vendor, content).tier)


def _save(
    workspace: Workspace, vendors: Sequence[Vendor], source: str, update: bool
) -> ImportResult:
    with transaction(workspace) as session:
        existing = queries.existing_vendor_ids(session, [v.id for v in vendors])
        if existing and not update:
            raise ContentError(
                [Problem(source, f"vendor '{vid}' already exists") for vid in sorted(existing)],
                hint="nothing was imported; use --update to record new facts for existing vendors",
            )
        queries.save_vendors(session, [vendor_record(v) for v in vendors], existing, source)
    added = tuple(v.id for v in vendors if v.id not in existing)
    return ImportResult(added, tuple(sorted(existing)))


def import_vendors(workspace: Workspace, path: Path, *, update: bool = False) -> ImportResult:
    """All vendors of a CSV, YAML or JSON file in one transaction, or none of them."""
    source = workspace.relative(path)
    vendors = read_vendor_file(path, source, max_bytes=workspace.settings["max_content_bytes"])
    return _save(workspace, vendors, source, update)


def add_vendor(workspace: Workspace, record: dict[str, Any], *, update: bool = False) -> Vendor:
    vendor = check_vendor_record(record, "vendors add")
    _save(workspace, [vendor], "vendors add", update)
    return vendor


def load_vendor(workspace: Workspace, vendor_id: str) -> Vendor:
    with reading(workspace) as session:
        row = queries.vendor(session, vendor_id)
    if row is None:
        raise NotFoundError(f"no vendor '{vendor_id}'", hint="`audit vendors list` shows vendors")
    return vendor_from_record(row.record)


def _summary(
    vendor: Vendor, content: ContentSet, last: tuple[int, dt.date, str, float] | None
) -> VendorSummary:
    """Tier from the policy; next assessment from the last run, or from onboarding."""
    tier = vendor_tier(vendor, content)
    interval = content.policy.cadence.reassess_days[tier.tier]
    assessed = last[1] if last else None
    start = assessed or vendor.since
    return VendorSummary(
        vendor, tier, assessed, last[2] if last else None, start + dt.timedelta(days=interval)
    )


def list_vendors(workspace: Workspace, tier: Tier | None = None) -> list[VendorSummary]:
    content = workspace_content(workspace)
    with reading(workspace) as session:
        rows = queries.vendors(session)
        latest = queries.latest_runs(session)
    summaries = [
        _summary(vendor_from_record(row.record), content, latest.get(row.id)) for row in rows
    ]
    return [s for s in summaries if tier is None or s.tier.tier is tier]


def show_vendor(workspace: Workspace, vendor_id: str) -> VendorDetail:
    content = workspace_content(workspace)
    vendor = load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        latest = queries.latest_runs(session).get(vendor_id)
        revisions = queries.vendor_revisions(session, vendor_id)
        issued = [
            (q, queries.submissions(session, q.id))
            for q in queries.questionnaires(session, vendor_id)
        ]
        evidence = queries.evidence(session, vendor_id)
    return VendorDetail(
        _summary(vendor, content, latest),
        scope_vendor(content, vendor_facts(vendor, content)),
        revisions,
        issued,
        evidence,
    )
