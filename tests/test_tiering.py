"""Tiering and scoping against the built-in policy (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.content.library import load_content
from audit.content.model import ContentSet
from audit.model import Tier
from audit.register import read_vendor_file
from audit.scoping import scope_vendor
from audit.tiering import tier_vendor
from audit.vendor import facts
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def content(builtin: Path) -> ContentSet:
    return load_content(
        builtin / "checklists",
        builtin / "checklists" / "frameworks",
        builtin / "policies/default.yaml",
    )


@pytest.fixture(scope="module")
def portfolio() -> dict[str, object]:
    vendors = read_vendor_file(EXAMPLES / "vendors.yaml", "vendors.yaml", max_bytes=10**6)
    return {v.id: v for v in vendors}


def test_tiers_of_the_sample_portfolio(content: ContentSet, portfolio: dict) -> None:
    tiers = {vid: tier_vendor(facts(v), content.policy).tier for vid, v in portfolio.items()}
    assert tiers == {
        "meridian-payroll": Tier.CRITICAL,
        "harbourline-contact": Tier.CRITICAL,
        "nordic-it-managed": Tier.HIGH,
        "quantia-analytics": Tier.HIGH,
        "benefitwise-hr": Tier.HIGH,
        "archiva-documents": Tier.MEDIUM,
        "lexbridge-lpo": Tier.MEDIUM,
        "brightside-marketing": Tier.LOW,
    }


def test_reasons_name_each_rule_and_only_the_best_of_a_group(
    content: ContentSet, portfolio: dict
) -> None:
    result = tier_vendor(facts(portfolio["harbourline-contact"]), content.policy)
    assert result.explanation.startswith(
        "supports a critical business function +40; payment card data +30; "
        "network access to our systems +12; nearshore delivery +8"
    )
    # personal data (+15) is outranked by payment card data in the same group
    assert "personal data" not in result.explanation
    assert result.points == sum(r.points for r in result.reasons)


def test_scope_follows_the_policy(content: ContentSet, portfolio: dict) -> None:
    marketing = portfolio["brightside-marketing"]
    tier = tier_vendor(facts(marketing), content.policy).tier
    scope = scope_vendor(content, facts(marketing, tier))
    assert [p.checklist.id for p in scope.checklists] == ["service-delivery"]
    card = portfolio["harbourline-contact"]
    scope = scope_vendor(content, facts(card, Tier.CRITICAL))
    ids = {c.id for c in scope.controls}
    assert any(i.startswith("DAT-PCI") for i in ids)
    assert not any(i.startswith("REG-PHI") for i in ids)  # no health data
