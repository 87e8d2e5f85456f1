"""The auditing organisation's regimes (review H7): declared in audit.toml, they decide which
regime-bound controls apply, which laws a report cites, and they are recorded with each run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from audit.content.model import ContentSet
from audit.errors import WorkspaceError
from audit.model import Criticality, Regime, Tier
from audit.organisation import Organisation
from audit.register import read_vendor_file
from audit.report.method import requirements
from audit.scoping import scope_vendor
from audit.services import workspace_content
from audit.settings import load_settings
from audit.vendor import facts
from audit.workspace import config_text, init_workspace
from tests.conftest import EXAMPLES

EU_BANK = Organisation(frozenset({Regime.DORA, Regime.EBA, Regime.GDPR}), "DE")
RETAILER = Organisation(frozenset({Regime.PCI_DSS}), "US")


@pytest.fixture(scope="module")
def payroll() -> object:
    vendors = read_vendor_file(EXAMPLES / "vendors.yaml", "vendors.yaml", max_bytes=10**6)
    return next(v for v in vendors if v.id == "meridian-payroll")


def test_audit_toml_declares_regimes_and_country(tmp_path: Path) -> None:
    text = config_text("Aurora Bank", ["dora", "eba"], "DE")
    (tmp_path / "audit.toml").write_text(text)
    settings = load_settings(tmp_path / "audit.toml", {})
    assert settings["organisation_regimes"] == ("dora", "eba")
    assert settings["organisation_country"] == "DE"
    # a new workspace declares none, and says which it could
    assert "regimes = []" in config_text()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('regimes = ["bank"]', "unknown regime 'bank'"),
        ('regimes = "dora"', "must be a list of names"),
        ('country = "de"', "ISO 3166 alpha-2"),
    ],
)
def test_a_wrong_declaration_is_refused_by_name(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "audit.toml").write_text(f"[organisation]\n{line}\n")
    with pytest.raises(WorkspaceError, match=message):
        load_settings(tmp_path / "audit.toml", {})
    if "bank" in line or "de" in line:  # `audit init` refuses them the same way
        with pytest.raises(WorkspaceError, match=message):
            config_text("X", ["bank"] if "bank" in line else [], "de" if "de" in line else None)


def test_the_workspace_content_carries_the_organisation(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws", "Aurora Bank", ["dora", "gdpr"], "DE")
    content = workspace_content(workspace)
    assert content.organisation == Organisation(frozenset({Regime.DORA, Regime.GDPR}), "DE")
    assert content.organisation.describe().startswith("subject to DORA")
    assert "not applied" in Organisation().describe()


def test_regime_bound_controls_apply_only_to_an_organisation_under_the_regime(
    content: ContentSet, payroll: object
) -> None:
    critical = replace(payroll, criticality=Criticality.CRITICAL)  # type: ignore[type-var]

    def asked(organisation: Organisation) -> set[str]:
        scope = scope_vendor(content, facts(critical, Tier.CRITICAL, organisation))
        return {c.id for c in scope.controls}

    bank, other = asked(EU_BANK), asked(RETAILER)
    # the regulator's unrestricted audit right is a knockout for a bank, not a question for others
    assert "REG-AUD-02" in bank and "REG-AUD-02" not in other
    assert {c for c in bank if c.startswith("REG-FIN")}
    assert not {c for c in other if c.startswith("REG-FIN")}
    # controls that are good practice everywhere are asked of both
    assert "SEC-IAM-01" in bank and "SEC-IAM-01" in other


def test_reports_cite_a_law_only_to_an_organisation_under_it(content: ContentSet) -> None:
    control = next(
        c
        for c in content.controls.values()
        if "dora" in c.references and "iso27001-2022" in c.references
    )
    bank = requirements(control, content, EU_BANK)
    retailer = requirements(control, content, RETAILER)
    assert "DORA" in bank and "ISO 27001" in bank
    assert "DORA" not in retailer and "ISO 27001" in retailer
    # a run recorded before regimes were declared keeps every citation it was made with
    assert "DORA" in requirements(control, content, None)


def test_stored_tiers_follow_a_change_of_regimes() -> None:
    policy = "a" * 64
    assert Organisation().stamp(policy) == policy  # nothing declared: as before regimes existed
    assert EU_BANK.stamp(policy) != policy
    assert EU_BANK.stamp(policy) != RETAILER.stamp(policy)
    assert EU_BANK.stamp(policy) == replace(EU_BANK).stamp(policy)


def test_init_declares_regimes_from_the_command_line(runner, tmp_path: Path) -> None:
    from audit.cli import app

    target = tmp_path / "bank"
    result = runner.invoke(
        app, ["init", str(target), "--regime", "dora", "--regime", "eba", "--country", "LU"]
    )
    assert result.exit_code == 0, result.output
    settings = load_settings(target / "audit.toml", {})
    assert settings["organisation_regimes"] == ("dora", "eba")
    assert settings["organisation_country"] == "LU"
    refused = runner.invoke(app, ["init", str(tmp_path / "x"), "--regime", "banking"])
    assert refused.exit_code != 0 and "unknown regime 'banking'" in refused.output
    assert not (tmp_path / "x" / "audit.toml").exists()  # nothing written
