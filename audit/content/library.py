"""Load a whole content set (checklists, framework indexes, one policy) and check it together.

Every problem of every file is collected before anything is refused, so one run of
`audit checklists validate` shows all that needs fixing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from audit.content.integrity import check_content
from audit.content.loader import (
    build_checklist,
    build_framework,
    build_policy,
    load_document,
    read_document,
)
from audit.content.model import Checklist, ContentSet, Framework, Policy, frozen_map
from audit.content.yamlsafe import MAX_BYTES
from audit.errors import ContentError, Problem

Label = Callable[[Path], str]

_KINDS = {"checklist": "checklist", "framework": "framework", "policy": "policy"}


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def _kind_of(path: Path, label: Label, max_bytes: int) -> tuple[str | None, list[Problem]]:
    try:
        document = read_document(path, label(path), max_bytes=max_bytes)
    except ContentError as exc:
        return None, exc.problems
    if isinstance(document.data, dict):
        for key, kind in _KINDS.items():
            if key in document.data:
                return kind, []
    return None, [
        Problem(
            label(path),
            "not a content file: expected a top-level 'checklist', 'framework' or 'policy' key",
            line=1,
        )
    ]


def load_content(
    checklist_dir: Path,
    framework_dir: Path,
    policy_path: Path,
    *,
    label: Label = str,
    extra: Sequence[Path] = (),
    max_bytes: int = MAX_BYTES,
) -> ContentSet:
    """Load and cross-check the content; raises ContentError listing every problem found.

    `extra` files (from `checklists validate PATH...`) take the place of workspace files of the
    same kind and id, so a draft can be checked against the rest of the workspace.
    """
    problems: list[Problem] = []
    checklists: dict[str, Checklist] = {}
    frameworks: dict[str, Framework] = {}
    policy: Policy | None = None
    declared_ids: set[str] = set()
    declared_domains: set[str] = set()

    def load(path: Path, kind: str, *, replaces: bool = False) -> None:
        nonlocal policy
        document, found = load_document(path, label(path), kind, max_bytes=max_bytes)
        problems.extend(found)
        if document is not None and found and kind == "checklist":
            # A checklist that failed its schema still declares its id and domain; remember
            # them so the policy is not also blamed for naming them.
            for key, into in (("checklist", declared_ids), ("domain", declared_domains)):
                if isinstance(document.data.get(key), str):
                    into.add(document.data[key])
        if document is None or found:
            return
        if kind == "checklist":
            checklist, found = build_checklist(document)
            key = checklist.id
            if key in checklists and checklists[key].source != document.source and not replaces:
                found.append(
                    Problem(
                        document.source,
                        f"checklist id '{key}' is also used by {checklists[key].source}",
                        line=document.line_of(("checklist",)),
                    )
                )
            checklists[key] = checklist
        elif kind == "framework":
            framework, found = build_framework(document)
            clash = frameworks.get(framework.id)
            if clash is not None and clash.source != document.source and not replaces:
                found.append(
                    Problem(
                        document.source,
                        f"framework id '{framework.id}' is also used by {clash.source}",
                        line=document.line_of(("framework",)),
                    )
                )
            frameworks[framework.id] = framework
        else:
            policy, found = build_policy(document)
        problems.extend(found)

    extra_kinds: list[tuple[Path, str]] = []
    for path in extra:
        kind, found = _kind_of(path, label, max_bytes)
        problems.extend(found)
        if kind is not None:
            extra_kinds.append((path, kind))
    replaced = {path.resolve() for path, _ in extra_kinds}
    for path in yaml_files(framework_dir):
        if path.resolve() not in replaced:
            load(path, "framework")
    if not any(kind == "policy" for _, kind in extra_kinds):
        if policy_path.is_file():
            load(policy_path, "policy")
        else:
            problems.append(Problem(label(policy_path), "policy file not found"))
    for path in yaml_files(checklist_dir):
        if path.resolve() not in replaced:
            load(path, "checklist")
    for path, kind in extra_kinds:
        load(path, kind, replaces=True)
    if not checklists and not problems:
        problems.append(Problem(label(checklist_dir), "no checklists found"))
    ordered = tuple(sorted(checklists.values(), key=lambda c: c.source))
    problems += check_content(
        ordered, frameworks, policy, also_known=(declared_ids, declared_domains)
    )
    if problems or policy is None:
        raise ContentError(problems)
    controls = {control.id: control for checklist in ordered for control in checklist.controls}
    return ContentSet(
        checklists=ordered,
        frameworks=frozen_map(frameworks),
        policy=policy,
        controls=frozen_map(controls),
    )
