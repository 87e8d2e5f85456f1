"""Settings as one table: each row names its environment variable, its `audit.toml` key, its
default and its meaning. Parsing, `audit.toml` checking and the README's table all come from it.

Precedence: environment, then `audit.toml`, then the default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit import setting_values as parse
from audit.errors import Problem, WorkspaceError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    env: str | None
    toml: str | None
    default: Any
    parse: Callable[[Any], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "AUDIT_DATABASE_URL",
        "database_url",
        None,
        parse.database_url,
        "SQLAlchemy URL of the database; default SQLite at .audit/audit.db. "
        "For PostgreSQL: postgresql+psycopg://user@host/db",
    ),
    Setting(
        "policy",
        "AUDIT_POLICY",
        "policy",
        "default",
        parse.policy_name,
        "Name of the policy file in policies/ (without .yaml)",
    ),
    Setting(
        "organisation_name",
        None,
        "organisation.name",
        None,
        parse.one_line,
        "Your organisation's name, as vendors see it on questionnaires and e-mails",
    ),
    Setting(
        "organisation_contact",
        None,
        "organisation.contact",
        None,
        parse.email,
        "Whom vendors ask and return questionnaires to; default the vendor's relationship owner",
    ),
    Setting(
        "organisation_regimes",
        None,
        "organisation.regimes",
        None,
        parse.regimes,
        "Regimes your organisation is subject to (dora, eba, gdpr, uk_gdpr, hipaa, pci_dss, "
        "sox); controls and citations bound to a regime apply only when it is listed",
    ),
    Setting(
        "organisation_country",
        None,
        "organisation.country",
        None,
        parse.country,
        "Your organisation's country (ISO 3166 alpha-2), for country-bound controls",
    ),
    Setting(
        "user_email",
        "AUDIT_USER",
        "user.email",
        None,
        parse.email,
        "Who you are on the command line: your account's e-mail. Changes you make (an "
        "acceptance, a status, an account) are recorded under it",
    ),
    Setting(
        "oidc_issuer",
        None,
        "oidc.issuer",
        None,
        parse.base_url_with_path,
        "Single sign-on: the OpenID Connect provider's issuer (its discovery document is at "
        "ISSUER/.well-known/openid-configuration)",
    ),
    Setting(
        "oidc_client_id", None, "oidc.client_id", None, parse.one_line, "Single sign-on: client id"
    ),
    Setting(
        "oidc_client_secret",
        "AUDIT_OIDC_CLIENT_SECRET",
        "oidc.client_secret",
        None,
        parse.one_line,
        "Single sign-on: the client secret (better in the environment than in audit.toml)",
    ),
    Setting(
        "money_currency",
        None,
        "money.currency",
        "EUR",
        parse.currency,
        "The currency of the policy's spend rules and of the reports' totals; amounts in other "
        "currencies are converted with money.rates, never added as they are",
    ),
    Setting(
        "money_rates",
        None,
        "money.rates",
        None,
        parse.rates,
        "What one unit of each other currency is worth in money.currency, e.g. { GBP = 1.17 }",
    ),
    Setting(
        "money_rates_as_of",
        None,
        "money.rates_as_of",
        None,
        parse.day,
        "The day money.rates were taken (reports state it with every converted total)",
    ),
    Setting(
        "web_base_url",
        "AUDIT_BASE_URL",
        "web.base_url",
        "http://127.0.0.1:8080",
        parse.base_url,
        "The address vendors open portal links at (behind a reverse proxy: its https address)",
    ),
    Setting(
        "web_host",
        "AUDIT_WEB_HOST",
        "web.host",
        "127.0.0.1",
        parse.host,
        "The address `audit serve` listens on (keep 127.0.0.1 behind a reverse proxy)",
    ),
    Setting(
        "web_port",
        "AUDIT_WEB_PORT",
        "web.port",
        8080,
        parse.port,
        "The port `audit serve` listens on",
    ),
    Setting(
        "web_trusted_proxies",
        None,
        "web.trusted_proxies",
        "127.0.0.1",
        parse.one_line,
        "Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated)",
    ),
    Setting(
        "web_links",
        None,
        "web.links",
        False,
        parse.flag,
        "Whether questionnaires the scheduler issues carry a portal link in their e-mail",
    ),
    Setting(
        "questionnaire_format",
        None,
        "questionnaire.format",
        "xlsx",
        parse.questionnaire_format,
        "Format of questionnaires the scheduler issues and e-mails: xlsx, yaml or json",
    ),
    Setting(
        "max_content_bytes",
        None,
        "limits.content_bytes",
        2 * 1024 * 1024,
        parse.positive_int,
        "Largest checklist, policy, vendor or questionnaire file accepted",
    ),
    Setting(
        "max_register_bytes",
        None,
        "limits.register_bytes",
        64 * 1024 * 1024,
        parse.positive_int,
        "Largest vendor register file accepted (CSV, YAML or JSON)",
    ),
    Setting(
        "max_evidence_bytes",
        None,
        "limits.evidence_bytes",
        200 * 1024 * 1024,
        parse.positive_int,
        "Largest evidence file accepted",
    ),
)

# Sections read elsewhere (signing by the report keys, notify by the mailer): they must at
# least be tables, or a typo such as `signing = "yes"` would be silently ignored.
TABLES = (
    "organisation",
    "questionnaire",
    "limits",
    "signing",
    "notify",
    "web",
    "money",
    "user",
    "oidc",
)
ENV_WORKSPACE = "AUDIT_WORKSPACE"
CONFIG_FILE = "audit.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _lookup(table: Mapping[str, Any], dotted: str) -> Any:
    node: Any = table
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def load_settings(config: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, `audit.toml` (if present) and defaults; all errors at once."""
    try:
        text = config.read_text(encoding="utf-8") if config.exists() else ""
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{config.name}: invalid TOML: {exc}") from None
    return settings_from_text(text, config.name, environ)


def settings_from_text(
    text: str, source: str = CONFIG_FILE, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from `audit.toml`'s text, the environment and defaults; all errors at once (also
    how `audit init` checks the file it is about to write)."""
    environ = os.environ if environ is None else environ
    try:
        table: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{source}: invalid TOML: {exc}") from None
    values: dict[str, Any] = {}
    problems: list[Problem] = [
        Problem(source, f"{name} must be a table ([{name}] on its own line, its keys below)")
        for name in TABLES
        if name in table and not isinstance(table[name], dict)
    ]
    for setting in SETTINGS:
        raw, origin = setting.default, "default"
        toml_value = _lookup(table, setting.toml) if setting.toml else None
        if toml_value is not None:
            raw, origin = toml_value, f"{source} {setting.toml}"
        if setting.env and environ.get(setting.env):
            raw, origin = environ[setting.env], setting.env
        try:
            values[setting.name] = None if raw is None else setting.parse(raw)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(origin, f"{setting.name}: {exc}"))
    if values.get("money_rates") and values.get("money_rates_as_of") is None:
        problems.append(
            Problem(source, "money.rates needs money.rates_as_of: the day the rates were taken")
        )
    if problems:
        raise WorkspaceError("; ".join(str(p) for p in problems))
    return Settings(values)
