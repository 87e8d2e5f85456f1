"""Inherent risk tier from vendor facts and the policy's rules (pure).

Every matching rule adds its points, except that within a `group` only the highest matching
rule counts. The result keeps the reasons, e.g. "offshore delivery +15; payment card data +30".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.content.conditions import Predicate, compile_condition, leaves
from audit.content.model import Policy, TierFloor, TierRule
from audit.model import Tier


@dataclass(frozen=True, slots=True)
class TierReason:
    reason: str
    points: int
    floor: Tier | None = None  # a floor that raised the tier, rather than points

    def __str__(self) -> str:
        if self.floor is not None:
            return f"{self.reason}: at least {self.floor.value}"
        if self.points == 0:  # a note, not a factor
            return self.reason
        return f"{self.reason} {self.points:+d}"


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: Tier
    points: int
    reasons: tuple[TierReason, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(str(r) for r in self.reasons) or "no risk factors"


_Compiled = tuple[tuple[tuple[TierRule, Predicate], ...], tuple[tuple[TierFloor, Predicate], ...]]
_COMPILED: dict[str, _Compiled] = {}


def _compiled(policy: Policy) -> _Compiled:
    """The policy's rules and floors with their conditions compiled, once per policy content."""
    if policy.sha256 not in _COMPILED:
        _COMPILED[policy.sha256] = (
            tuple((r, compile_condition(r.when)) for r in policy.tier_rules),
            tuple((f, compile_condition(f.when)) for f in policy.tier_floors),
        )
    return _COMPILED[policy.sha256]


SPEND = "vendor.contract.annual_value"  # in the organisation's currency (vendor.facts)


def _on_spend(rule: TierRule) -> bool:
    return any(leaf.subject == SPEND and not leaf.on_answer for leaf in leaves(rule.when))


def tier_vendor(facts: Mapping[str, Any], policy: Policy) -> TierResult:
    """The tier of a vendor with these facts, with the rules that put it there, in policy order."""
    rules, floors = _compiled(policy)
    best_in_group: dict[str, TierRule] = {}
    counted: list[TierRule] = []
    empty: dict[str, Any] = {}
    for rule, holds in rules:
        if not holds(facts, empty):
            continue
        if rule.group is None:
            counted.append(rule)
        elif rule.group not in best_in_group or rule.points > best_in_group[rule.group].points:
            best_in_group[rule.group] = rule
    chosen = set(map(id, counted)) | set(map(id, best_in_group.values()))
    ordered = [rule for rule, _ in rules if id(rule) in chosen]
    points = sum(rule.points for rule in ordered)
    tier = next(b for b in policy.tier_bands if points >= b.min_points).tier
    spend = facts.get("vendor.contract.spend")
    reasons = [
        TierReason(
            f"{rule.reason}: {spend}" if _on_spend(rule) and spend else rule.reason, rule.points
        )
        for rule in ordered
    ]
    if spend and facts.get(SPEND) is None and any(_on_spend(r) for r, _ in rules):
        # never compare amounts in different currencies: say why the spend rules were skipped
        reasons.append(TierReason(f"annual spend not compared with the spend rules: {spend}", 0))
    # Floors: a critical function, or card data, is never tiered low whatever the points say;
    # the highest floor that holds and lifts the tier is the one given as the reason.
    lifting = [f for f, holds in floors if holds(facts, empty) and f.tier.rank > tier.rank]
    if lifting:
        floor = max(lifting, key=lambda f: f.tier.rank)
        tier = floor.tier
        reasons.append(TierReason(floor.reason, 0, floor.tier))
    return TierResult(tier, points, tuple(reasons))
