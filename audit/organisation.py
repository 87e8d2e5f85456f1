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

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
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
class Organisation:
    regimes: frozenset[Regime] = frozenset()
    country: str | None = None

    @classmethod
    def of(cls, regimes: Iterable[str] | None, country: str | None) -> Organisation:
        return cls(frozenset(Regime(r) for r in regimes or ()), country)

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
        declared anything (tier floors may depend on its regimes)."""
        if not self.regimes and self.country is None:
            return policy_sha256
        text = f"{policy_sha256}|{','.join(self.regime_names)}|{self.country or ''}"
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> str:
        if not self.regimes:
            return "no regulatory regime declared: regime-bound controls were not applied"
        names = "; ".join(REGIME_NAMES[r] for r in sorted(self.regimes))
        where = f" in {self.country}" if self.country else ""
        return f"subject to {names}{where}"
