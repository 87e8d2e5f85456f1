"""From control results to the audit's numbers: domain scores, the overall score weighted by the
policy, the rating band and the knockout cap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from audit.content.model import Policy
from audit.model import Tier
from audit.scoring.results import AuditResult, ControlResult


def aggregate(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
) -> AuditResult:
    """Domain scores, overall score, rating band and knockout cap of scored controls."""
    sums: dict[str, list[float]] = {}
    failed = []
    for r in results:
        if r.knockout_failed:
            failed.append(r.control_id)
        if r.effective is not None:
            pair = sums.setdefault(r.domain, [0.0, 0.0])
            pair[0] += r.weight * r.effective
            pair[1] += r.weight
    return rate(vendor_id, tier, results, sums, failed, policy, as_of, inputs)


def rate(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    sums: Mapping[str, list[float]],
    failed: Sequence[str],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
) -> AuditResult:
    domains = {d: round(100 * num / den, 2) for d, (num, den) in sorted(sums.items()) if den}
    weights = policy.rating.domain_weights
    total_weight = sum(weights.get(d, 0.0) for d in domains)
    score = (
        round(sum(weights.get(d, 0.0) * s for d, s in domains.items()) / total_weight, 2)
        if total_weight
        else 0.0
    )
    band = next(b.rating for b in policy.rating.bands if score >= b.min_score)
    rating = band
    cap = policy.rating.knockout_cap
    if failed and band.rank < cap.rank:
        rating = cap
    return AuditResult(
        vendor_id=vendor_id,
        as_of=as_of,
        tier=tier,
        score=score,
        rating=rating,
        band_rating=band,
        capped_by=tuple(failed),
        domains=domains,
        controls=results,
        inputs=dict(inputs or {}),
    )
