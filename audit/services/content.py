"""Content use cases: the workspace, its checked content, lookups and coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from audit.content.cache import cached_content
from audit.content.coverage import Coverage, coverage
from audit.content.library import load_content, yaml_files
from audit.content.model import Checklist, ContentSet, Control
from audit.errors import NotFoundError
from audit.organisation import Money, Organisation
from audit.workspace import Workspace, init_workspace


def create_workspace(
    target: Path,
    organisation: str | None = None,
    regimes: Sequence[str] = (),
    country: str | None = None,
) -> Workspace:
    return init_workspace(target, organisation, regimes, country)


def workspace_content(
    workspace: Workspace, extra: Sequence[Path] = (), *, fresh: bool = False
) -> ContentSet:
    """The workspace's checklists, framework indexes and policy, checked together, with the
    organisation's regimes from its settings.

    Content already validated in this form is read from the cache (see `audit.content.cache`);
    `fresh` (and `extra` files to check against the workspace) always loads and validates."""

    def load() -> ContentSet:
        return load_content(
            workspace.checklists_dir,
            workspace.frameworks_dir,
            workspace.policy_path,
            label=workspace.relative,
            extra=extra,
            max_bytes=workspace.settings["max_content_bytes"],
        )

    settings = workspace.settings
    organisation = Organisation.of(
        settings["organisation_regimes"],
        settings["organisation_country"],
        workspace_money(workspace),
    )
    if extra or fresh:
        return replace(load(), organisation=organisation)
    files = [
        *yaml_files(workspace.checklists_dir),
        *yaml_files(workspace.frameworks_dir),
        workspace.policy_path,
    ]
    content = cached_content(workspace.state_dir / "cache", files, workspace.root, load)
    return replace(content, organisation=organisation)


def workspace_money(workspace: Workspace) -> Money:
    """The organisation's currency and its dated rates (`[money]` in audit.toml)."""
    settings = workspace.settings
    return Money(
        settings["money_currency"], settings["money_rates"] or {}, settings["money_rates_as_of"]
    )


def find_item(content: ContentSet, item_id: str) -> Checklist | Control:
    """A checklist by id, or a control by id (case-insensitive for controls)."""
    checklist = content.checklist(item_id)
    if checklist is not None:
        return checklist
    control = content.controls.get(item_id.upper())
    if control is None:
        raise NotFoundError(
            f"no checklist or control '{item_id}'",
            hint="`audit checklists list` shows checklists; control ids look like SEC-IAM-01",
        )
    return control


def framework_coverage(content: ContentSet, framework_id: str) -> Coverage:
    framework = content.frameworks.get(framework_id)
    if framework is None:
        known = ", ".join(sorted(content.frameworks))
        raise NotFoundError(f"unknown framework '{framework_id}'", hint=f"known: {known}")
    return coverage(content, framework)


def all_coverage(content: ContentSet) -> list[Coverage]:
    return [coverage(content, content.frameworks[k]) for k in sorted(content.frameworks)]
