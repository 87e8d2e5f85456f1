"""Vendor register use cases: import, add, list and show, with the tier the policy gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.content.model import ContentSet
from audit.due import VendorCadence, next_assessment
from audit.errors import ContentError, NotFoundError, Problem
from audit.model import Rating, Tier
from audit.register import check_vendor_record, read_vendor_file
from audit.scoping import Scope, scope_vendor
from audit.services.content import workspace_content
from audit.services.database import reading, transaction
from audit.store import bulk, evidence_rows, queries
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
    # the register of information's rows about it: its providers row, and its arrangements
    # each with its services
    provider: Mapping[str, Any] | None = None
    arrangements: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]] = ()


def vendor_tier(vendor: Vendor, content: ContentSet) -> TierResult:
    return tier_vendor(facts(vendor, None, content.organisation), content.policy)


def vendor_facts(vendor: Vendor, content: ContentSet) -> dict[str, Any]:
    """Facts including the tier, as scope rules and control conditions see them."""
    return facts(vendor, vendor_tier(vendor, content).tier, content.organisation)


def tier_stamp(content: ContentSet) -> str:
    """What a stored tier was computed from: the policy, and the organisation's regimes."""
    return content.organisation.stamp(content.policy.sha256)


def derived_columns(vendor: Vendor, content: ContentSet) -> dict[str, Any]:
    """The columns stored beside a vendor's record: its tier under this policy, and `since`."""
    tier = vendor_tier(vendor, content)
    return {
        "tier": tier.tier.value,
        "tier_points": tier.points,
        "tier_reasons": [str(r) for r in tier.reasons],
        "tier_policy": tier_stamp(content),
        "since": vendor.since,
    }


def refresh_tiers(workspace: Workspace, content: ContentSet) -> int:
    """Recompute stored tiers that another policy computed; returns how many changed."""
    with transaction(workspace) as session:
        stale = queries.stale_tiers(session, tier_stamp(content))
        updates = [
            {"vendor_id": row.id, **derived_columns(vendor_from_record(row.record), content)}
            for row in stale
        ]
        queries.set_derived(session, updates)
    return len(updates)


@dataclass(frozen=True, slots=True)
class VendorListing:
    """A line of `vendors list`: read from stored columns, not recomputed per vendor."""

    id: str
    name: str
    tier: str
    points: int
    reasons: tuple[str, ...]
    last_assessed: dt.date | None
    last_rating: str | None
    last_score: float | None
    next_due: dt.date


def vendor_listing(workspace: Workspace, tier: Tier | None = None) -> list[VendorListing]:
    """Every vendor (or those of one tier) with tier, reasons, last rating and next due date."""
    content = workspace_content(workspace)
    refresh_tiers(workspace, content)
    cadence = content.policy.cadence
    with reading(workspace) as session:
        rows = bulk.vendor_listing(session, tier.value if tier else None)
    listing = []
    for vid, name, tier_name, points, reasons, since, as_of, rating, score in rows:
        last = Rating(rating) if rating else None
        due = next_assessment(VendorCadence(vid, Tier(tier_name), since, as_of, last), cadence)
        listing.append(
            VendorListing(
                vid,
                name,
                tier_name,
                points,
                tuple(reasons or ()),
                as_of,
                rating,
                score,
                due,
            )
        )
    return listing


def _save(
    workspace: Workspace, vendors: Sequence[Vendor], source: str, update: bool
) -> ImportResult:
    content = workspace_content(workspace)
    derived = {v.id: derived_columns(v, content) for v in vendors}
    with transaction(workspace) as session:
        existing = queries.existing_vendor_ids(session, [v.id for v in vendors])
        if existing and not update:
            raise ContentError(
                [Problem(source, f"vendor '{vid}' already exists") for vid in sorted(existing)],
                hint="nothing was imported; use --update to record new facts for existing vendors",
            )
        queries.save_vendors(
            session, [vendor_record(v) for v in vendors], existing, source, derived
        )
    added = tuple(v.id for v in vendors if v.id not in existing)
    return ImportResult(added, tuple(sorted(existing)))


def import_vendors(
    workspace: Workspace, path: Path, *, update: bool = False, by: str | None = None
) -> ImportResult:
    """All vendors of a CSV, YAML or JSON file in one transaction, or none of them."""
    source = workspace.relative(path)
    vendors = read_vendor_file(path, source, max_bytes=workspace.settings["max_register_bytes"])
    return _save(workspace, vendors, f"{source} by {by}"[:500] if by else source, update)


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
    assessed = last[1] if last else None
    rating = Rating(last[2]) if last else None
    due = next_assessment(
        VendorCadence(vendor.id, tier.tier, vendor.since, assessed, rating),
        content.policy.cadence,
    )
    return VendorSummary(vendor, tier, assessed, last[2] if last else None, due)


def list_vendors(workspace: Workspace, tier: Tier | None = None) -> list[VendorSummary]:
    content = workspace_content(workspace)
    with reading(workspace) as session:
        rows = queries.vendors(session)
        latest = bulk.latest_runs(session)
    summaries = [
        _summary(vendor_from_record(row.record), content, latest.get(row.id)) for row in rows
    ]
    return [s for s in summaries if tier is None or s.tier.tier is tier]


def show_vendor(workspace: Workspace, vendor_id: str) -> VendorDetail:
    content = workspace_content(workspace)
    vendor = load_vendor(workspace, vendor_id)
    with reading(workspace) as session:
        latest = bulk.latest_runs(session).get(vendor_id)
        revisions = queries.vendor_revisions(session, vendor_id)
        issued = [
            (q, queries.submissions(session, q.id))
            for q in queries.questionnaires(session, vendor_id)
        ]
        evidence = evidence_rows.listing(session, vendor_id)
    from audit.services.roi import current_register

    register = current_register(workspace)
    arrangements = [a for a in register.rows("arrangements") if a["provider"] == vendor_id]
    return VendorDetail(
        _summary(vendor, content, latest),
        scope_vendor(content, vendor_facts(vendor, content)),
        revisions,
        issued,
        evidence,
        next((p for p in register.rows("providers") if p["id"] == vendor_id), None),
        [
            (a, [s for s in register.rows("services") if s["arrangement"] == a["reference"]])
            for a in arrangements
        ],
    )
