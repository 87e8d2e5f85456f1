"""Scoring many vendors in one batch."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from audit.content.model import Policy
from audit.model import Tier
from audit.scoring.engine import Compiled, score_with_sums
from audit.scoring.proof import Evidence
from audit.scoring.rating import rate
from audit.scoring.results import AuditResult


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch of scoring.

    Scoring builds only acyclic, immutable results (tuples of strings and numbers), so the
    cyclic collector has nothing to reclaim, yet it walks every young tuple: measured on 2,000
    vendors x 250 controls it doubled the run time. Reference counting still frees memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class VendorInputs:
    """What scoring needs of one vendor in a portfolio batch."""

    vendor_id: str
    tier: Tier
    compiled: Sequence[Compiled]
    facts: Mapping[str, Any]
    answers: Mapping[str, Any]
    evidence: Sequence[Evidence]
    cited: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)


def score_portfolio(
    vendors: Iterable[VendorInputs], policy: Policy, as_of: dt.date
) -> list[AuditResult]:
    """Score many vendors in one batch (the collector paused, see `collector_paused`)."""
    results = []
    with collector_paused():
        for v in vendors:
            scored, sums, failed = score_with_sums(
                v.compiled, v.facts, v.answers, v.evidence, v.cited, policy, as_of, v.comments
            )
            severities = {c.id: c.control.severity for c in v.compiled}
            results.append(
                rate(
                    v.vendor_id,
                    v.tier,
                    scored,
                    sums,
                    failed,
                    policy,
                    as_of,
                    severities=severities,
                )
            )
    return results
