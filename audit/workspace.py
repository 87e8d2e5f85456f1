"""A workspace is a folder: `checklists/`, `policies/`, `reports/`, optional `audit.toml`, and
`.audit/` for the database, evidence store, keys and outbox. The repository is one itself."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from audit.errors import WorkspaceError
from audit.settings import (
    CONFIG_FILE,
    ENV_WORKSPACE,
    Settings,
    load_settings,
    settings_from_text,
)

CONFIG_TEMPLATE = """\
# Workspace settings. Environment variables override these (see README, "Settings").
policy = "default"
# database_url = "postgresql+psycopg://audit@localhost/audit"

[organisation]
# name = "Example Insurance plc"          # shown to vendors on questionnaires and e-mails
# contact = "third-party-risk@example.com" # whom vendors ask; default each vendor's owner
# The rules your organisation is itself subject to. Controls that exist only because of one
# (DORA's contract terms, HIPAA's business associate terms) apply, and reports cite that law,
# only when it is listed here: dora, eba, gdpr, uk_gdpr, hipaa, pci_dss, sox.
regimes = []
# country = "DE"                           # ISO 3166 alpha-2

[questionnaire]
format = "xlsx"                            # what the scheduler issues: xlsx, yaml or json

[limits]
content_bytes = 2097152
register_bytes = 67108864
evidence_bytes = 209715200
"""


def builtin_root() -> Path:
    """Where the built-in content lives: inside the wheel, or at the top of a source checkout."""
    packaged = Path(str(resources.files("audit"))) / "_builtin"
    if (packaged / "checklists").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    settings: Settings

    @property
    def checklists_dir(self) -> Path:
        return self.root / "checklists"

    @property
    def frameworks_dir(self) -> Path:
        return self.checklists_dir / "frameworks"

    @property
    def policies_dir(self) -> Path:
        return self.root / "policies"

    @property
    def policy_path(self) -> Path:
        return self.policies_dir / f"{self.settings['policy']}.yaml"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def state_dir(self) -> Path:
        return self.root / ".audit"

    @property
    def evidence_dir(self) -> Path:
        return self.state_dir / "evidence"

    @property
    def keys_dir(self) -> Path:
        return self.state_dir / "keys"

    @property
    def outbox_dir(self) -> Path:
        return self.state_dir / "outbox"

    @property
    def database_url(self) -> str:
        url = self.settings["database_url"]
        return str(url) if url else f"sqlite:///{self.state_dir / 'audit.db'}"

    def relative(self, path: Path) -> str:
        """`path` as a user reads it: relative to the workspace when inside it."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def resolve_root(option: Path | None) -> Path:
    """The workspace folder from `--workspace`, then AUDIT_WORKSPACE, then the current folder or
    the nearest folder above it that is a workspace (as git finds its repository), so that a
    command run in `questionnaires/` works on the workspace it is in."""
    if option is not None:
        return option
    env = os.environ.get(ENV_WORKSPACE)
    if env:
        return Path(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "checklists").is_dir() and (folder / "policies").is_dir():
            return folder
    return here


def open_workspace(root: Path) -> Workspace:
    """Open an existing workspace; refuses a folder that is not one."""
    root = root.resolve()
    if not root.is_dir():
        raise WorkspaceError(
            f"workspace {root} does not exist", hint=f"create one with: audit init {root}"
        )
    missing = [name for name in ("checklists", "policies") if not (root / name).is_dir()]
    if missing:
        raise WorkspaceError(
            f"{root} is not a workspace (no {' or '.join(f'{m}/' for m in missing)})",
            hint=f"create one with `audit init {root}`, or pass --workspace DIR",
        )
    return Workspace(root, load_settings(root / CONFIG_FILE))


def config_text(
    organisation: str | None = None,
    regimes: Sequence[str] = (),
    country: str | None = None,
) -> str:
    """The audit.toml a new workspace starts with, naming the organisation, its regimes and
    country if given (checked as `audit.toml` itself would be)."""
    text = CONFIG_TEMPLATE
    if organisation is not None:
        if not organisation.strip() or any(ord(ch) < 32 for ch in organisation):
            raise WorkspaceError("the organisation's name must be one line of text")
        # A JSON string is a valid TOML basic string.
        line = f"name = {json.dumps(organisation.strip(), ensure_ascii=False)}"
        text = text.replace('# name = "Example Insurance plc"', line, 1)
    if regimes:
        text = text.replace("regimes = []", f"regimes = {json.dumps(list(regimes))}", 1)
    if country is not None:
        text = text.replace('# country = "DE"', f"country = {json.dumps(country)}", 1)
    settings_from_text(text, CONFIG_FILE, {})  # refused here as audit.toml would refuse it
    return text


def init_workspace(
    target: Path,
    organisation: str | None = None,
    regimes: Sequence[str] = (),
    country: str | None = None,
) -> Workspace:
    """Create a workspace with a copy of the built-in content; never overwrites anything."""
    text = config_text(organisation, regimes, country)
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise WorkspaceError(f"{target} exists and is not a folder")
    existing = [n for n in ("checklists", "policies", CONFIG_FILE) if (target / n).exists()]
    if existing:
        raise WorkspaceError(
            f"{target} already has {', '.join(existing)}; nothing was changed",
            hint="choose an empty folder, or use the existing workspace with --workspace",
        )
    source = builtin_root()
    try:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source / "checklists", target / "checklists")
        shutil.copytree(source / "policies", target / "policies")
        (target / CONFIG_FILE).write_text(text, encoding="utf-8")
        (target / CONFIG_FILE).chmod(0o600)  # it may hold the SMTP password
        for folder in ("reports", ".audit/evidence", ".audit/keys", ".audit/outbox"):
            (target / folder).mkdir(parents=True, exist_ok=True)
        # The database, the evidence (SOC reports, DPAs, pen test summaries), the outbox and
        # the key are for the workspace's owner alone, whatever the umask.
        (target / ".audit").chmod(0o700)
        (target / ".audit/keys").chmod(0o700)
        gitignore = target / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(".audit/\nreports/*.pdf\n", encoding="utf-8")
    except OSError as exc:
        raise WorkspaceError(f"cannot create workspace in {target}: {exc.strerror}") from None
    return open_workspace(target)
