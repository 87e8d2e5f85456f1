"""Tiering and scoping against the built-in policy (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from audit.content.model import ContentSet
from audit.model import Criticality, DataCategory, Regime, Tier
from audit.organisation import Organisation
from audit.register import read_vendor_file
from audit.scoping import scope_vendor
from audit.tiering import tier_vendor
from audit.vendor import facts
from tests.conftest import EXAMPLES


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


def test_floors_lift_critical_functions_and_card_data_whatever_the_points(
    content: ContentSet, portfolio: dict
) -> None:
    # A critical function delivered onshore with little data scores "medium" by points alone.
    payroll = replace(portfolio["brightside-marketing"], criticality=Criticality.CRITICAL)
    result = tier_vendor(facts(payroll), content.policy)
    assert result.points < 70 and result.tier is Tier.HIGH
    assert str(result.reasons[-1]) == "supports a critical business function: at least high"
    # card data in a standard-criticality contact centre: high, so reviewed every year
    cards = replace(portfolio["brightside-marketing"], data=(DataCategory.PAYMENT_CARD,))
    assert tier_vendor(facts(cards), content.policy).tier is Tier.HIGH
    assert content.policy.cadence.reassess_days[Tier.HIGH] <= 365
    # health data: at least medium
    health = replace(portfolio["brightside-marketing"], data=(DataCategory.HEALTH,))
    assert tier_vendor(facts(health), content.policy).tier is Tier.MEDIUM
    # an important function is high for a DORA or EBA-regulated client, medium for others
    important = replace(portfolio["brightside-marketing"], criticality=Criticality.IMPORTANT)
    assert tier_vendor(facts(important), content.policy).tier is Tier.MEDIUM
    bank = Organisation(frozenset({Regime.DORA}), "DE")
    lifted = tier_vendor(facts(important, None, bank), content.policy)
    assert lifted.tier is Tier.HIGH
    assert "DORA or EBA-regulated client" in str(lifted.reasons[-1])
    # a floor never lowers a tier that the points put higher
    assert tier_vendor(facts(portfolio["harbourline-contact"]), content.policy).tier is (
        Tier.CRITICAL
    )
