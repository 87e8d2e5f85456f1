"""The policy's caps beyond knockouts (review calibration): serious gaps and a weak domain bound
the rating whatever the weighted average, and the result names why."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from audit.content.model import ContentSet, RatingCap
from audit.model import Rating, Severity, Tier
from audit.scoring.rating import aggregate
from audit.scoring.results import ControlResult, Status

AS_OF = dt.date(2026, 12, 1)


def result(cid: str, domain: str, effective: float, weight: int = 3) -> ControlResult:
    status = Status.MET if effective >= 1 else Status.PARTIALLY_MET
    return ControlResult(cid, domain, status, weight, "x", effective, 1.0, effective, False, (), ())


def test_serious_gaps_cap_a_rating_the_average_would_leave_low(content: ContentSet) -> None:
    caps = (RatingCap(Rating.MODERATE, (Severity.CRITICAL, Severity.HIGH), 2),)
    policy = replace(content.policy, rating=replace(content.policy.rating, caps=caps))
    good = [result(f"SEC-{i:02}", "security", 1.0) for i in range(40)]
    gaps = [result("SVC-SLA-03", "security", 0.2), result("BCM-STR-02", "security", 0.3)]
    severities = {r.control_id: Severity.HIGH for r in good + gaps}
    audit = aggregate("v", Tier.HIGH, tuple(good + gaps), policy, AS_OF, severities=severities)
    assert audit.band_rating is Rating.LOW and audit.score > 90
    assert audit.rating is Rating.MODERATE
    assert audit.caps == (
        "2 critical or high controls below half marks (SVC-SLA-03, BCM-STR-02): at best moderate",
    )
    assert audit.as_dict()["caps"] == list(audit.caps)
    # the same gaps in medium-severity controls do not count
    medium = severities | {"SVC-SLA-03": Severity.MEDIUM}
    audit = aggregate("v", Tier.HIGH, tuple(good + gaps), policy, AS_OF, severities=medium)
    assert audit.rating is Rating.LOW and audit.caps == ()


def test_a_weak_domain_caps_the_rating_and_is_named(content: ContentSet) -> None:
    caps = (RatingCap(Rating.MODERATE, domain_below=75), RatingCap(Rating.HIGH, domain_below=60))
    policy = replace(content.policy, rating=replace(content.policy.rating, caps=caps))
    strong = [result(f"SEC-{i:02}", "security", 1.0) for i in range(10)]
    weak = [result(f"SVC-{i:02}", "service-delivery", 0.55) for i in range(4)]
    severities = {r.control_id: Severity.MEDIUM for r in strong + weak}
    audit = aggregate("v", Tier.HIGH, tuple(strong + weak), policy, AS_OF, severities=severities)
    assert audit.domains["service-delivery"] == 55.0
    assert audit.rating is Rating.HIGH  # the stricter of the two caps holds, and is the one named
    assert audit.caps == ("domain below 60 (service-delivery 55): at best high",)


def test_many_gaps_are_counted_in_full_and_named_in_part(content: ContentSet) -> None:
    caps = (
        RatingCap(Rating.MODERATE, (Severity.HIGH,), 2),
        RatingCap(Rating.HIGH, (Severity.HIGH,), 5),
    )
    policy = replace(content.policy, rating=replace(content.policy.rating, caps=caps))
    gaps = [result(f"SEC-{i:02}", "security", 0.0) for i in range(12)]
    severities = {r.control_id: Severity.HIGH for r in gaps}
    audit = aggregate("v", Tier.HIGH, tuple(gaps), policy, AS_OF, severities=severities)
    (reason,) = audit.caps
    assert reason.startswith("12 high controls below half marks (SEC-00, SEC-01,")
    assert reason.endswith("SEC-07 and 4 more): at best high")


def test_the_default_policy_states_its_caps(content: ContentSet) -> None:
    caps = content.policy.rating.caps
    assert any(c.gaps_at_least for c in caps) and any(c.domain_below for c in caps)
