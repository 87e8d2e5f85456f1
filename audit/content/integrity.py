"""Rules that span files: unique control ids, resolvable references, known evidence kinds,
known facts with values they can take, answer conditions on real controls without cycles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from audit.content.answers import ANSWER_TYPES, answer_values
from audit.content.conditions import OPERATORS, Condition, Leaf, leaves
from audit.content.facts import FACTS, Fact, FactKind
from audit.content.model import Checklist, Control, Framework, Policy
from audit.errors import Problem


def check_content(
    checklists: Iterable[Checklist],
    frameworks: Mapping[str, Framework],
    policy: Policy | None,
    *,
    also_known: tuple[set[str], set[str]] = (set(), set()),
) -> list[Problem]:
    """Every cross-file problem; an empty list means the content set is consistent.

    `also_known` holds the checklist ids and domains of files that failed to load, so that the
    policy is not blamed for naming them.
    """
    checklists = list(checklists)
    problems: list[Problem] = []
    controls: dict[str, Control] = {}
    where: dict[str, str] = {}
    seen_checklists: dict[str, str] = {}
    for checklist in checklists:
        if checklist.id in seen_checklists:
            problems.append(
                Problem(
                    checklist.source,
                    f"checklist id '{checklist.id}' is also used by "
                    f"{seen_checklists[checklist.id]}",
                    line=1,
                )
            )
        seen_checklists.setdefault(checklist.id, checklist.source)
        for control in checklist.controls:
            if control.id in controls:
                problems.append(
                    Problem(
                        checklist.source,
                        f"control id '{control.id}' is already used in {where[control.id]}; "
                        "control ids must be unique across all checklists",
                        line=control.line,
                    )
                )
                continue
            controls[control.id] = control
            where[control.id] = f"{checklist.source}:{control.line}"
    for checklist in checklists:
        for control in checklist.controls:
            problems += _control_problems(checklist, control, frameworks, policy, controls)
    problems += _cycle_problems(checklists, controls)
    if policy is not None:
        problems += _policy_problems(policy, checklists, also_known)
    return problems


def _control_problems(
    checklist: Checklist,
    control: Control,
    frameworks: Mapping[str, Framework],
    policy: Policy | None,
    controls: Mapping[str, Control],
) -> list[Problem]:
    problems = []

    def problem(message: str, field: str) -> None:
        problems.append(
            Problem(checklist.source, message, line=control.line, path=f"{control.id}.{field}")
        )

    for framework_id, requirement_ids in control.references.items():
        framework = frameworks.get(framework_id)
        if framework is None:
            known = ", ".join(sorted(frameworks)) or "none loaded"
            problem(f"unknown framework '{framework_id}' (known: {known})", "references")
            continue
        for requirement_id in requirement_ids:
            if requirement_id not in framework.requirement_ids:
                problem(
                    f"'{requirement_id}' is not a requirement of {framework_id}; "
                    f"add it to {framework.source} or fix the id",
                    f"references.{framework_id}",
                )
    if policy is not None:
        for requirement in control.evidence:
            for kind in requirement.kinds:
                if kind not in policy.evidence_kinds:
                    problem(
                        f"unknown evidence kind '{kind}'; declare it under evidence_kinds "
                        f"in {policy.source}",
                        "evidence",
                    )
    if control.applies_when is not None:
        for message in condition_problems(control.applies_when, controls, control.id):
            problem(message, "applies_when")
        for leaf in leaves(control.applies_when):
            other = controls.get(leaf.subject) if leaf.on_answer else None
            if other is not None and other.answered_by is not control.answered_by:
                # Each party's document must be able to decide its own follow-ups.
                problem(
                    f"follow-up on {other.id}, which the {other.answered_by} answers, while "
                    f"{control.id} is answered by the {control.answered_by}; a follow-up must "
                    "depend on a question of the same party",
                    "applies_when",
                )
    return problems


def _fact_problems(leaf: Leaf, fact: Fact) -> list[str]:
    operator = OPERATORS[leaf.operator]
    if fact.kind not in operator.kinds:
        return [f"operator '{leaf.operator}' does not apply to {fact.name} ({fact.kind} fact)"]
    if leaf.operator == "exists":
        return []
    arguments = leaf.argument if isinstance(leaf.argument, tuple) else (leaf.argument,)
    if fact.kind is FactKind.LIST:
        element = Fact(fact.name, FactKind.ENUM, fact.description, fact.values, fact.country_codes)
        return [m for a in arguments if (m := element.check_value(a)) is not None]
    return [m for a in arguments if (m := fact.check_value(a)) is not None]


def condition_problems(
    condition: Condition, controls: Mapping[str, Control], owner: str | None = None
) -> list[str]:
    """What is wrong with a condition: unknown facts, unsuitable operators, impossible values."""
    messages = []
    for leaf in leaves(condition):
        if not leaf.on_answer:
            fact = FACTS.get(leaf.subject)
            if fact is None:
                known = ", ".join(sorted(FACTS))
                messages.append(f"unknown fact '{leaf.subject}' (known facts: {known})")
            else:
                messages += _fact_problems(leaf, fact)
            continue
        target = controls.get(leaf.subject)
        if target is None:
            messages.append(f"condition on answer to unknown control '{leaf.subject}'")
            continue
        if leaf.subject == owner:
            messages.append("a control cannot depend on its own answer")
            continue
        kind = ANSWER_TYPES[target.answer.type].condition_kind
        pseudo = Fact(f"answer to {target.id}", kind, "", _frozen(answer_values(target.answer)))
        messages += _fact_problems(leaf, pseudo)
    return messages


def _frozen(values: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _cycle_problems(checklists: list[Checklist], controls: Mapping[str, Control]) -> list[Problem]:
    depends = {
        control.id: [leaf.subject for leaf in leaves(control.applies_when) if leaf.on_answer]
        for control in controls.values()
        if control.applies_when is not None
    }
    problems = []
    for start in sorted(depends):
        stack, seen = list(depends[start]), set()
        while stack:
            current = stack.pop()
            if current == start:
                control = controls[start]
                source = next(c.source for c in checklists if c.id == control.checklist)
                problems.append(
                    Problem(
                        source,
                        "follow-up conditions form a cycle back to this control",
                        line=control.line,
                        path=f"{start}.applies_when",
                    )
                )
                break
            if current not in seen:
                seen.add(current)
                stack += depends.get(current, [])
    return problems


def _policy_problems(
    policy: Policy, checklists: list[Checklist], also_known: tuple[set[str], set[str]]
) -> list[Problem]:
    problems = []
    source = policy.source
    checklist_ids = {c.id for c in checklists} | also_known[0]
    domains = {c.domain for c in checklists} | also_known[1]
    for rule in policy.scope:
        if rule.checklist not in checklist_ids:
            problems.append(
                Problem(source, f"scope names unknown checklist '{rule.checklist}'", path="scope")
            )
        if rule.when is not None:
            problems += [
                Problem(source, m, path=f"scope[{rule.checklist}].when")
                for m in condition_problems(rule.when, {})
            ]
    tiering = [("rules", r.reason, r.when) for r in policy.tier_rules]
    tiering += [("floors", f.reason, f.when) for f in policy.tier_floors]
    for part, reason, when in tiering:
        messages = condition_problems(when, {})
        if any(leaf.subject == "vendor.tier" for leaf in leaves(when)):
            messages.append(f"tiering {part} cannot depend on the tier they compute")
        problems += [Problem(source, m, path=f"tiering.{part}[{reason}]") for m in messages]
    for domain in sorted(domains - set(policy.rating.domain_weights)):
        problems.append(
            Problem(source, f"no weight for domain '{domain}'", path="rating.domain_weights")
        )
    for domain in sorted(set(policy.rating.domain_weights) - domains):
        problems.append(
            Problem(
                source,
                f"weight given for domain '{domain}' that no checklist has",
                path="rating.domain_weights",
            )
        )
    for kind in policy.evidence_kinds.values():
        bridge = kind.validity.bridge_kind
        if bridge is not None and bridge not in policy.evidence_kinds:
            problems.append(
                Problem(
                    source,
                    f"bridge kind '{bridge}' is not an evidence kind",
                    path=f"evidence_kinds.{kind.id}",
                )
            )
    return problems
