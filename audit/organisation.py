"""The auditing organisation: the regimes it is subject to and its country (pure).

Some controls exist only because of the client's own regulator: DORA's contract terms, the EBA
outsourcing guidelines' audit rights, HIPAA's business associate terms. They apply, and their
citations are printed, only for an organisation that declares the regime in `audit.toml`:

    [organisation]
    regimes = ["dora", "eba", "gdpr", "pci_dss"]
    country = "DE"

An organisation that declares nothing is audited against the regime-free content only, and the
report says so: a missing declaration is visible, never silently assumed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.model import Regime

REGIME_NAMES: dict[Regime, str] = {
    Regime.DORA: "DORA (EU financial entity)",
    Regime.EBA: "EBA outsourcing guidelines",
    Regime.GDPR: "EU GDPR",
    Regime.UK_GDPR: "UK GDPR",
    Regime.HIPAA: "HIPAA (covered entity or business associate)",
    Regime.PCI_DSS: "PCI DSS (merchant or service provider)",
    Regime.SOX: "SOX 404 (internal control over financial reporting)",
}


@dataclass(frozen=True, slots=True)
class Money:
    """The organisation's currency and the dated rates it converts other currencies with
    (`[money]` in audit.toml). Amounts in different currencies are never added as they are."""

    currency: str = "EUR"
    rates: Mapping[str, float] = field(default_factory=dict)  # 1 unit = rate x currency
    as_of: dt.date | None = None

    def convert(self, amount: float, currency: str | None) -> float | None:
        """`amount` in the organisation's currency; None when there is no rate for it. An
        amount recorded without a currency is taken to be in the organisation's."""
        if currency is None or currency == self.currency:
            return amount
        rate = self.rates.get(currency)
        return None if rate is None else amount * rate

    def words(self, amount: float, currency: str | None) -> str:
        """`2,691,000 EUR (2,300,000 GBP at 1.17 of 2026-11-30)`, or why it was not converted."""
        own = currency or self.currency
        converted = self.convert(amount, currency)
        if converted is None:
            return f"{amount:,.0f} {own}, not converted: audit.toml [money] has no {own} rate"
        if own == self.currency:
            return f"{amount:,.0f} {own}"
        return (
            f"{converted:,.0f} {self.currency} ({amount:,.0f} {own} at {self.rates[own]:g} "
            f"of {self.as_of})"
        )


@dataclass(frozen=True, slots=True)
class Organisation:
    regimes: frozenset[Regime] = frozenset()
    country: str | None = None
    money: Money = Money()

    @classmethod
    def of(
        cls, regimes: Iterable[str] | None, country: str | None, money: Money | None = None
    ) -> Organisation:
        return cls(frozenset(Regime(r) for r in regimes or ()), country, money or Money())

    @property
    def regime_names(self) -> list[str]:
        return sorted(r.value for r in self.regimes)

    def facts(self) -> dict[str, Any]:
        """The organisation's facts under the names conditions use."""
        return {"organisation.regimes": self.regime_names, "organisation.country": self.country}

    def as_dict(self) -> dict[str, Any]:
        """As recorded in a run's inputs."""
        return {"regimes": self.regime_names, "country": self.country}

    def cites(self, regimes: Iterable[str]) -> bool:
        """Whether a framework bound to these regimes (none: a standard, always) applies."""
        bound = frozenset(regimes)
        return not bound or any(r.value in bound for r in self.regimes)

    def stamp(self, policy_sha256: str) -> str:
        """What stored tiers were computed from: the policy, and the organisation when it has
        declared anything (tier floors may depend on its regimes; spend rules on its currency
        and rates)."""
        if not self.regimes and self.country is None and self.money == Money():
            return policy_sha256
        text = f"{policy_sha256}|{','.join(self.regime_names)}|{self.country or ''}"
        if self.money != Money():
            rates = ",".join(f"{k}={v!r}" for k, v in sorted(self.money.rates.items()))
            text += f"|{self.money.currency}|{rates}|{self.money.as_of}"
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> str:
        if not self.regimes:
            return "no regulatory regime declared: regime-bound controls were not applied"
        names = "; ".join(REGIME_NAMES[r] for r in sorted(self.regimes))
        where = f" in {self.country}" if self.country else ""
        return f"subject to {names}{where}"
