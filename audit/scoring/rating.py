"""From control results to the audit's numbers: domain scores, the overall score weighted by the
policy, the rating band, and the caps that bound it: failed knockouts, and the policy's caps on
serious gaps and weak domains (an average must not hide them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from audit.content.model import Policy, RatingCap
from audit.model import Severity, Tier
from audit.scoring.results import AuditResult, ControlResult


def aggregate(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
    *,
    severities: Mapping[str, Severity],
) -> AuditResult:
    """Domain scores, overall score, rating band and caps of scored controls; `severities`
    gives each control's severity, for the policy's caps on gaps."""
    sums: dict[str, list[float]] = {}
    failed = []
    for r in results:
        if r.knockout_failed:
            failed.append(r.control_id)
        if r.effective is not None:
            pair = sums.setdefault(r.domain, [0.0, 0.0])
            pair[0] += r.weight * r.effective
            pair[1] += r.weight
    return rate(
        vendor_id, tier, results, sums, failed, policy, as_of, inputs, severities=severities
    )


def rate(
    vendor_id: str,
    tier: Tier,
    results: tuple[ControlResult, ...],
    sums: Mapping[str, list[float]],
    failed: Sequence[str],
    policy: Policy,
    as_of: dt.date,
    inputs: Mapping[str, Any] | None = None,
    *,
    severities: Mapping[str, Severity],
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
    # Of the caps that hold, the strictest of each kind (gaps, then a weak domain) is stated.
    strictest: dict[str, tuple[RatingCap, str]] = {}
    for rule in policy.rating.caps:
        reason = _cap_reason(rule, results, domains, severities)
        kind = "gaps" if rule.domain_below is None else "domain"
        held = strictest.get(kind)
        if reason is not None and (held is None or held[0].rating.rank < rule.rating.rank):
            strictest[kind] = (rule, reason)
    reasons = []
    for kind in ("gaps", "domain"):
        if kind in strictest:
            rule, reason = strictest[kind]
            reasons.append(f"{reason}: at best {rule.rating}")
            if rating.rank < rule.rating.rank:
                rating = rule.rating
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
        caps=tuple(reasons),
    )


GAP = 0.5  # a scored control below half marks is a gap: not met, or met only in small part
SHOWN = 8  # gaps named in a cap's reason; the findings list them all


def _cap_reason(
    rule: RatingCap,
    results: Sequence[ControlResult],
    domains: Mapping[str, float],
    severities: Mapping[str, Severity],
) -> str | None:
    """Why `rule` caps this result, or None when it does not."""
    if rule.domain_below is not None:
        weak = [f"{d} {s:g}" for d, s in domains.items() if s < rule.domain_below]
        return f"domain below {rule.domain_below:g} ({', '.join(weak)})" if weak else None
    wanted = set(rule.severities)
    gaps = [
        r.control_id
        for r in results
        if r.effective is not None
        and r.weight
        and r.effective < GAP
        and severities.get(r.control_id) in wanted
    ]
    if rule.gaps_at_least is None or len(gaps) < rule.gaps_at_least:
        return None
    kinds = " or ".join(s.value for s in rule.severities)
    named = ", ".join(gaps[:SHOWN]) + (
        f" and {len(gaps) - SHOWN} more" if len(gaps) > SHOWN else ""
    )
    return f"{len(gaps)} {kinds} controls below half marks ({named})"
